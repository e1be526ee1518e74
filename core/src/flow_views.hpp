#pragma once

// Rendering of the flows' steps (core-internal).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bookbot/core/business.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// {service}, {day}, {time} of a booking in the business's zone, for texts.
std::map<std::string, std::string> DescribeBooking(const Business& business,
                                                   const Booking& booking);

class FlowViews {
public:
    FlowViews(const Business& business, UnitOfWork& unit, TimePoint now)
        : b_(business), unit_(unit), now_(now) {}

    // The message of the session's current step, from its context alone.
    Reply Render(Session& session);
    // The free slot of `service` starting exactly at `start`, if any.
    std::optional<Slot> FindFreeSlot(const Service& service, TimePoint start);
    // Every resource a booking of `service` starting exactly at `start` could
    // take now (lowest first), read afresh; empty if `start` is not a free slot.
    std::vector<int> FreeResourcesAt(const Service& service, TimePoint start);
    // {service}, {day}, {time} of a booking, for texts.
    std::map<std::string, std::string> Describe(const Booking& booking) const;

private:
    // The cells taken that slots starting on `day` can touch (all a time list
    // or a confirmation needs), within the booking window.
    Occupancy LoadOccupancy(LocalDate day);
    // The days of the booking window with a free slot for `service`: a count
    // of each day's occupied cells settles most days; only a day that count
    // cannot clear is read cell by cell.
    std::vector<LocalDate> FreeDays(const Service& service);
    std::string DayLabel(LocalDate date) const;
    std::string TimeLabel(TimePoint t) const;
    // Items per page: `preferred`, or fewer when the session's platform limits
    // the buttons of a reply (Business::max_choices) and `reserved` of them are
    // navigation; at least 1.
    int PerPage(const Session& s, int preferred, int reserved) const;
    // Appends the page's navigation row and Back/Cancel.
    template <typename T>
    void AddNav(Reply& reply, const Paged<T>& page, bool with_cancel) const;

    const Business& b_;
    UnitOfWork& unit_;
    const TimePoint now_;
};

}  // namespace bookbot::core
