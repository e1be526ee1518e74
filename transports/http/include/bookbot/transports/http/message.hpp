#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bookbot::transports::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup of the first header named `name`.
std::optional<std::string_view> FindHeader(const Headers& headers, std::string_view name);

// A request as the server hands it to its handler: complete, within budgets.
struct Request {
    std::string method;  // "GET", "POST", …
    std::string target;  // path and query, as sent
    Headers headers;
    std::string body;

    std::optional<std::string_view> Header(std::string_view name) const {
        return FindHeader(headers, name);
    }
    // The target without its query string.
    std::string_view Path() const;
};

struct Response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    Headers headers;  // extra headers, e.g. Retry-After
    std::string body;
};

}  // namespace bookbot::transports::http
