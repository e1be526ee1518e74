// The one translation unit of this module that calls http::Client, so code
// that fakes the transport (the unit tests) links without it.
#include "bookbot/transports/whatsapp/graph_api.hpp"

namespace bookbot::transports::whatsapp {

GraphApi::GraphApi(http::Client& client, GraphSettings settings)
    : GraphApi(
          [&client](std::string_view method, std::string_view path, std::string_view json_body) {
              if (method == "GET") return client.Get(path);
              return client.Post(path, "application/json", json_body);
          },
          std::move(settings)) {}

}  // namespace bookbot::transports::whatsapp
