// `bookbot bookings list` and `bookbot bookings cancel`.

#include <memory>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "bookbot/core/operator_actions.hpp"
#include "bookbot/core/schedule.hpp"
#include "config.hpp"

namespace bookbot::app {
namespace {

using core::Booking;
using core::LocalDate;

struct BookingsOptions : AdminOptions {
    std::optional<std::string> from;
    std::optional<std::string> to;
    std::int64_t id = 0;
};

CLI::Validator DateValidator() {
    return CLI::Validator(
        [](const std::string& text) -> std::string {
            if (LocalDate::Parse(text)) return {};
            return "expected a date YYYY-MM-DD, got '" + text + "'";
        },
        "DATE");
}

nlohmann::json BookingJson(const Booking& b, const core::Business& business) {
    const core::Service* service = business.FindService(b.service_id);
    return {{"id", JsonId(b.id)},
            {"platform", b.customer.platform},
            {"user_id", b.customer.user_id},
            {"chat_id", b.chat_id},
            {"service_id", b.service_id},
            {"service", service ? service->name : b.service_id},
            {"resource", b.resource},
            {"starts_at", FormatIsoUtc(b.starts_at)},
            {"ends_at", FormatIsoUtc(b.ends_at)},
            {"local_start", core::FormatLocalDateTime(business.rules.time_zone, b.starts_at)},
            {"status", core::ToString(b.status)}};
}

void ListBookings(const BookingsOptions& o) {
    const core::Business business = LoadBusinessOrDemo(o.config);
    const std::string& zone = business.rules.time_zone;
    const LocalDate first =
        o.from ? *LocalDate::Parse(*o.from) : core::LocalDateAt(zone, core::SystemClock().Now());
    const std::optional<LocalDate> last = o.to ? LocalDate::Parse(*o.to) : std::nullopt;
    if (last && *last < first) {
        throw CLI::ValidationError("--to", *o.to + " is before the first day " + first.ToString());
    }
    const core::TimePoint from = core::StartOfLocalDay(zone, first);
    const core::TimePoint to =
        last ? core::StartOfLocalDay(zone, core::AddDays(*last, 1)) : core::TimePoint::max();

    auto store = OpenAdminStore(o.db);
    std::vector<Booking> bookings;
    store->Read([&](core::UnitOfWork& unit) { bookings = unit.BookingsBetween(from, to); });

    if (o.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const Booking& b : bookings) list.push_back(BookingJson(b, business));
        PrintJson(list, stdout);
        return;
    }
    TextTable table{{"ID", "START", "END", "SERVICE", "RESOURCE", "CUSTOMER", "CHAT"}, {}, {4}};
    for (const Booking& b : bookings) {
        const core::Service* service = business.FindService(b.service_id);
        table.rows.push_back({std::to_string(b.id), core::FormatLocalDateTime(zone, b.starts_at),
                              core::FormatLocalDateTime(zone, b.ends_at).substr(11),
                              service ? service->name : b.service_id, std::to_string(b.resource),
                              b.customer.platform + "/" + b.customer.user_id, b.chat_id});
    }
    PrintTable(table, stdout);
    std::printf("%zu booking(s) from %s%s, times in %s\n", bookings.size(),
                first.ToString().c_str(), last ? (" to " + last->ToString()).c_str() : " on",
                zone.c_str());
}

void CancelBooking(const BookingsOptions& o) {
    const core::Business business = LoadBusinessOrDemo(o.config);
    auto store = OpenAdminStore(o.db);
    const core::SystemClock clock;
    const auto result = core::OperatorActions(*store, business, clock).CancelBooking(o.id);
    using Outcome = core::OperatorActions::Outcome;
    if (result.outcome == Outcome::kNotFound) {
        throw CommandFailed("no booking with id " + std::to_string(o.id));
    }
    if (result.outcome == Outcome::kAlreadyDone) {
        throw CommandFailed("booking " + std::to_string(o.id) + " is not confirmed (status " +
                            std::string(core::ToString(result.found->status)) +
                            "): nothing to cancel");
    }
    const Booking& b = *result.found;
    nlohmann::json json = BookingJson(b, business);
    json["status"] = core::ToString(core::BookingStatus::kCancelled);
    json["notified"] = {
        {"platform", b.customer.platform}, {"chat_id", b.chat_id}, {"text", result.notice}};
    Report(o,
           "cancelled booking " + std::to_string(b.id) + "; the slot is free again. Told " +
               b.customer.platform + " chat " + b.chat_id + ": " + result.notice,
           json);
}

}  // namespace

void AddBookingsCommand(CLI::App& app) {
    auto o = std::make_shared<BookingsOptions>();
    CLI::App* group = AddCommandGroup(app, "bookings", "List and cancel bookings.");

    CLI::App* list = AddBusinessCommand(
        *group, "list",
        "Confirmed bookings by start time, from today on (days in the business's time zone).", *o);
    list->add_option("--from", o->from, "First day, YYYY-MM-DD (default: today)")
        ->check(DateValidator());
    list->add_option("--to", o->to, "Last day, YYYY-MM-DD, included (default: no end)")
        ->check(DateValidator());
    list->callback([o] { ListBookings(*o); });

    CLI::App* cancel = AddBusinessCommand(
        *group, "cancel",
        "Cancel a confirmed booking, free its slot and tell the customer in their chat "
        "(text \"cancelled_by_business\").",
        *o);
    AddIdArgument(*cancel, o->id, "booking", "bookings list");
    cancel->callback([o] { CancelBooking(*o); });
}

}  // namespace bookbot::app
