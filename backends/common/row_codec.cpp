#include "row_codec.hpp"

#include <nlohmann/json.hpp>
#include <random>

#include "bookbot/core/storage_error.hpp"

namespace bookbot::backends {
namespace {

using core::StorageError;
using nlohmann::json;

std::string Dump(const json& j) {
    try {
        return j.dump();
    } catch (const json::type_error& e) {
        throw StorageError(StorageError::Kind::kInvalid,
                           std::string("session context is not valid UTF-8: ") + e.what());
    }
}

json Parse(const std::string& text) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw StorageError(StorageError::Kind::kInternal,
                           std::string("stored session JSON is unreadable: ") + e.what());
    }
}

core::Context ToContext(const json& j) {
    if (!j.is_object()) {
        throw StorageError(StorageError::Kind::kInternal,
                           "stored session context is not an object");
    }
    core::Context context;
    for (const auto& [key, value] : j.items()) {
        if (!value.is_string()) {
            throw StorageError(StorageError::Kind::kInternal,
                               "stored session context value '" + key + "' is not a string");
        }
        context.emplace(key, value.get<std::string>());
    }
    return context;
}

}  // namespace

std::string EncodeContext(const core::Context& context) { return Dump(json(context)); }

core::Context DecodeContext(const std::string& text) { return ToContext(Parse(text)); }

std::string EncodeStepHistory(const std::vector<core::Context>& history) {
    return Dump(json(history));
}

std::vector<core::Context> DecodeStepHistory(const std::string& text) {
    const json j = Parse(text);
    if (!j.is_array()) {
        throw StorageError(StorageError::Kind::kInternal, "stored step history is not an array");
    }
    std::vector<core::Context> history;
    for (const json& step : j) history.push_back(ToContext(step));
    return history;
}

namespace {
constexpr std::int64_t kEpoch2020Ms = 1577836800000;
constexpr int kLowBits = 22;
}  // namespace

IdGenerator::IdGenerator() : last_(0) {
    std::random_device rd;
    salt_ = static_cast<std::int64_t>(rd() & ((1u << (kLowBits - 1)) - 1));
}

std::int64_t IdGenerator::Next(std::int64_t now_epoch_ms) {
    const std::int64_t candidate = ((now_epoch_ms - kEpoch2020Ms) << kLowBits) + salt_;
    std::int64_t last = last_.load();
    std::int64_t next;
    do {
        // Several ids in one millisecond, or a clock that stepped back: count on.
        next = candidate > last ? candidate : last + 1;
    } while (!last_.compare_exchange_weak(last, next));
    return next;
}

}  // namespace bookbot::backends
