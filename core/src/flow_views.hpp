#pragma once

// Rendering of the flows' steps (core-internal).

#include <map>
#include <optional>
#include <string>
#include <utility>
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
    // Resources a booking of `service` starting exactly at `start` could take
    // now, read afresh: empty iff `start` is not a free slot. Otherwise the
    // first few free ones going round from `spread` % resources (ProbeFree).
    std::vector<int> FreeResourcesAt(const Service& service, TimePoint start, std::size_t spread);
    // True iff the schedule has a slot of `service` starting exactly at
    // `start` (whether or not it is taken); reads nothing.
    bool IsScheduled(const Service& service, TimePoint start) const;
    // {service}, {day}, {time} of a booking, for texts.
    std::map<std::string, std::string> Describe(const Booking& booking) const;

private:
    // The cell starts [first, second) that can touch a slot of `service`
    // starting at `start`.
    std::pair<TimePoint, TimePoint> CellsTouching(const Service& service, TimePoint start) const;
    // The free resources (below rules.resources) among those probed for cells
    // starting in [from, to), going round from `pivot` (ascending, then on
    // from the lowest), in that order. Probing goes a window at a time and
    // stops after the window where `enough` have been found (or at the end
    // of the ring): empty iff no resource is free.
    std::vector<int> ProbeFree(TimePoint from, TimePoint to, int pivot, std::size_t enough);
    // Whether some chair has no cell starting in [from, to), which holds
    // `occupied_cells` occupied cells (CountOccupiedCells).
    bool AnyFree(TimePoint from, TimePoint to, std::int64_t occupied_cells);
    // The schedule's slot of `service` at `start` as if nothing were booked.
    std::optional<Slot> ScheduledSlot(const Service& service, TimePoint start) const;
    // The first `wanted` free slots of `service` on `day`, in order.
    std::vector<Slot> FreeTimes(const Service& service, LocalDate day, std::size_t wanted);
    // The days of the booking window with a free slot for `service`: a count
    // of each day's occupied cells settles most days; only a day that count
    // cannot clear is searched slot by slot (FreeTimes).
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
