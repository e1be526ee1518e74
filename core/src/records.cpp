#include "bookbot/core/records.hpp"

#include <stdexcept>
#include <string>

namespace bookbot::core {
namespace {

template <typename Enum, std::size_t N>
Enum ParseName(std::string_view s, const std::pair<Enum, std::string_view> (&names)[N],
               const char* what) {
    for (const auto& [value, name] : names) {
        if (name == s) return value;
    }
    throw std::invalid_argument(std::string("unknown ") + what + " '" + std::string(s) + "'");
}

constexpr std::pair<Direction, std::string_view> kDirections[] = {{Direction::kIn, "in"},
                                                                  {Direction::kOut, "out"}};
constexpr std::pair<BookingStatus, std::string_view> kBookingStatuses[] = {
    {BookingStatus::kConfirmed, "confirmed"}, {BookingStatus::kCancelled, "cancelled"}};
constexpr std::pair<OutboxStatus, std::string_view> kOutboxStatuses[] = {
    {OutboxStatus::kPending, "pending"},
    {OutboxStatus::kSent, "sent"},
    {OutboxStatus::kDead, "dead"}};
constexpr std::pair<DeliveryStatus, std::string_view> kDeliveryStatuses[] = {
    {DeliveryStatus::kSent, "sent"},
    {DeliveryStatus::kDelivered, "delivered"},
    {DeliveryStatus::kRead, "read"},
    {DeliveryStatus::kFailed, "failed"}};

template <typename Enum, std::size_t N>
std::string_view NameOf(Enum value, const std::pair<Enum, std::string_view> (&names)[N]) {
    for (const auto& [v, name] : names) {
        if (v == value) return name;
    }
    return "?";
}

}  // namespace

std::string_view ToString(Direction d) noexcept { return NameOf(d, kDirections); }
std::string_view ToString(BookingStatus s) noexcept { return NameOf(s, kBookingStatuses); }
std::string_view ToString(OutboxStatus s) noexcept { return NameOf(s, kOutboxStatuses); }
std::string_view ToString(DeliveryStatus s) noexcept { return NameOf(s, kDeliveryStatuses); }

Direction ParseDirection(std::string_view s) { return ParseName(s, kDirections, "direction"); }
BookingStatus ParseBookingStatus(std::string_view s) {
    return ParseName(s, kBookingStatuses, "booking status");
}
OutboxStatus ParseOutboxStatus(std::string_view s) {
    return ParseName(s, kOutboxStatuses, "outbox status");
}
DeliveryStatus ParseDeliveryStatus(std::string_view s) {
    return ParseName(s, kDeliveryStatuses, "delivery status");
}

}  // namespace bookbot::core
