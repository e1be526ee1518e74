#include "bookbot/transports/whatsapp/outbox_sender.hpp"

#include <algorithm>
#include <array>

#include "bookbot/core/log.hpp"
#include "bookbot/transports/whatsapp/codec.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using core::SendOutcome;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::array<int, 4> kThroughputCodes = {4, 80007, kCodeThroughput, 429};
constexpr std::array<int, 5> kTransientCodes = {1, 2, 131000, 131016, 133004};

template <std::size_t N>
bool In(const std::array<int, N>& codes, int code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

std::string Describe(const GraphResult& result) {
    return "whatsapp: HTTP " + std::to_string(result.http_status) + ", error " +
           std::to_string(result.code) + " " + result.message;
}

bool WaIdShaped(std::string_view id) {
    return !id.empty() && id.size() <= 32 &&
           std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

milliseconds RateLimitWait(milliseconds base, milliseconds cap, int attempts) {
    const int doublings = std::clamp(attempts - 1, 0, 20);
    const milliseconds wait = base * (std::int64_t{1} << doublings);
    return std::min(wait, cap);
}

SendOutcome ClassifyResult(const GraphResult& result, int attempts) {
    if (result.ok) return SendOutcome::Sent();
    const int code = result.code;
    const int status = result.http_status;
    if (code == kCodePairRateLimit) {
        return SendOutcome::RetryAfter(RateLimitWait(seconds(6), minutes(5), attempts),
                                       Describe(result) + " (pair rate limit: retried later)");
    }
    if (code == kCodeSpamRateLimit) {
        return SendOutcome::RetryAfter(RateLimitWait(minutes(1), minutes(60), attempts),
                                       Describe(result) + " (spam rate limit: retried later)");
    }
    if (status == 429 || In(kThroughputCodes, code)) {
        return SendOutcome::RetryAfter(RateLimitWait(seconds(2), minutes(1), attempts),
                                       Describe(result) + " (throughput limit: retried later)");
    }
    if (status == 401 || code == kCodeTokenInvalid) {
        std::string error = Describe(result) +
                            " (the access token was rejected: set a valid WHATSAPP_ACCESS_TOKEN;"
                            " messages are kept and retried slowly)";
        core::log::Error("whatsapp.token_rejected", {{"error", error}});
        return SendOutcome::RetryAfter(RateLimitWait(minutes(1), minutes(15), attempts),
                                       std::move(error));
    }
    if (code == kCodeOutsideWindow) {
        return SendOutcome::Permanent(
            Describe(result) +
            " (parked: outside the 24-hour customer-service window; WhatsApp delivers it only"
            " after the customer writes again)");
    }
    if (status >= 500 || In(kTransientCodes, code)) return SendOutcome::Transient(Describe(result));
    if (status >= 400 && status < 500) return SendOutcome::Permanent(Describe(result));
    return SendOutcome::Transient(Describe(result));
}

SendOutcome ClassifyError(const GraphApiError& error, int attempts) {
    if (error.kind() == GraphApiError::Kind::kApi) return ClassifyResult(error.result(), attempts);
    return SendOutcome::Transient(error.what());
}

SendOutcome WhatsAppSender::Send(const core::OutboxMessage& message) {
    if (message.platform != kPlatform) {
        return SendOutcome::Permanent("whatsapp: not a whatsapp message (platform \"" +
                                      message.platform.substr(0, 32) + "\")");
    }
    if (!WaIdShaped(message.chat_id)) {
        return SendOutcome::Permanent("whatsapp: the chat id is not a WhatsApp id (digits)");
    }
    core::Reply reply;
    try {
        reply = core::DecodeReply(message.body);
    } catch (const std::invalid_argument&) {
        return SendOutcome::Permanent("whatsapp: the outbox body is not an encoded reply");
    }
    try {
        return SendOutcome::Sent(api_.SendMessage(message.chat_id, reply).value_or(""));
    } catch (const GraphApiError& e) {
        return ClassifyError(e, message.attempts);
    } catch (const std::logic_error& e) {
        // A reply WhatsApp cannot carry (requests.hpp): retrying cannot help.
        return SendOutcome::Permanent(e.what());
    }
}

}  // namespace bookbot::transports::whatsapp
