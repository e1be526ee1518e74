#include "bookbot/core/messages.hpp"

#include <stdexcept>

namespace bookbot::core {
namespace {

// Length-prefixed fields: "<len>:<bytes>", so any byte may appear in them.
void Put(std::string& out, char tag, const std::string& field) {
    out += tag;
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

class Reader {
public:
    explicit Reader(const std::string& s) : s_(s) {}
    bool Done() const { return pos_ >= s_.size(); }
    char Tag() {
        if (Done()) Fail();
        return s_[pos_++];
    }
    std::string Field() {
        const std::size_t colon = s_.find(':', pos_);
        if (colon == std::string::npos || colon == pos_ || colon - pos_ > 9) Fail();
        std::size_t len = 0;
        for (std::size_t i = pos_; i < colon; ++i) {
            if (s_[i] < '0' || s_[i] > '9') Fail();
            len = len * 10 + static_cast<std::size_t>(s_[i] - '0');
        }
        if (colon + 1 + len > s_.size()) Fail();
        std::string field = s_.substr(colon + 1, len);
        pos_ = colon + 1 + len;
        return field;
    }
    [[noreturn]] void Fail() const { throw std::invalid_argument("malformed encoded reply"); }

private:
    const std::string& s_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string EncodeReply(const Reply& reply) {
    std::string out;
    Put(out, 'T', reply.text);
    if (!reply.edit_message_id.empty()) Put(out, 'E', reply.edit_message_id);
    if (!reply.template_message.name.empty()) {
        Put(out, 'N', reply.template_message.name);
        Put(out, 'L', reply.template_message.language);
        for (const auto& param : reply.template_message.params) Put(out, 'A', param);
    }
    for (const auto& row : reply.keyboard) {
        out += 'R';
        for (const auto& button : row) {
            Put(out, 'B', button.label);
            Put(out, 'P', button.payload);
        }
    }
    return out;
}

Reply DecodeReply(const std::string& encoded) {
    Reader in(encoded);
    Reply reply;
    if (in.Tag() != 'T') in.Fail();
    reply.text = in.Field();
    while (!in.Done()) {
        const char tag = in.Tag();
        if (tag == 'E' && reply.keyboard.empty() && reply.edit_message_id.empty()) {
            reply.edit_message_id = in.Field();
        } else if (tag == 'N' && reply.keyboard.empty() && reply.template_message.name.empty()) {
            reply.template_message.name = in.Field();
            if (in.Tag() != 'L') in.Fail();
            reply.template_message.language = in.Field();
        } else if (tag == 'A' && reply.keyboard.empty() && !reply.template_message.name.empty()) {
            reply.template_message.params.push_back(in.Field());
        } else if (tag == 'R') {
            reply.keyboard.emplace_back();
        } else if (tag == 'B' && !reply.keyboard.empty()) {
            Button b;
            b.label = in.Field();
            if (in.Tag() != 'P') in.Fail();
            b.payload = in.Field();
            reply.keyboard.back().push_back(std::move(b));
        } else {
            in.Fail();
        }
    }
    return reply;
}

}  // namespace bookbot::core
