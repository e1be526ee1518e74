#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <compare>
#include <cstddef>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bookbot/core/clock.hpp"

namespace bookbot::core {

// The schedule: which appointment slots are free. Pure computation: no I/O,
// no clock reads (callers pass `now`), no database (callers pass what is
// occupied). Time zones come from the OS tz database.
//
// Time model, in one place:
// - Opening hours are wall-clock times in the business's IANA zone.
// - Slot starts lie on a local grid: open + k * slot_step, for each opening
//   range of the day. A local time that does not exist (spring-forward gap) is
//   skipped. A local time that occurs twice (fall-back overlap) yields one
//   slot, at its EARLIEST instant, so every local "HH:MM" is offered at most
//   once per day. Range bounds follow the same rule (earliest instant; a
//   bound inside a gap means the instant the gap ends).
// - Durations (service, notice, cells) are real elapsed time, so a 60-minute
//   service that starts at 01:30 on a spring-forward day ends at 03:30 local.
// - A slot must fit in one range: start + service_duration <= range close.
// - Occupancy is kept in cells: a booking starting at S with duration d holds
//   ceil(d / slot_step) cells of one resource, starting at S, S + step, ...
//   (UTC instants, stored as epoch ms). Bookings made from the same rules on
//   the same grid overlap in time iff they share a cell, so a unique index on
//   (resource, cell_start) prevents double booking.

// A calendar date in the business's zone (proleptic Gregorian).
struct LocalDate {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31

    // Strict "YYYY-MM-DD" (four-digit year, two-digit month and day) naming a
    // real calendar date; nullopt otherwise (e.g. "2024-02-30", "2024-2-1").
    static std::optional<LocalDate> Parse(std::string_view text);

    // "YYYY-MM-DD" (zero-padded fields, also for invalid dates, e.g. in
    // error messages); a round trip through Parse needs 0 <= year <= 9999.
    std::string ToString() const;

    // True iff the fields name a real calendar date.
    bool IsValid() const;

    friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

enum class Weekday { kMonday = 0, kTuesday, kWednesday, kThursday, kFriday, kSaturday, kSunday };

// Day of week of a valid date.
Weekday WeekdayOf(LocalDate date);

// `date` moved by `days` calendar days (negative moves back).
LocalDate AddDays(LocalDate date, int days);

// The local calendar date in `time_zone` at `instant` (today's date when
// `instant` is now). Throws std::invalid_argument for an unknown zone.
LocalDate LocalDateAt(std::string_view time_zone, TimePoint instant);

// The instant `date` begins in `time_zone`: its local midnight (the end of the
// gap, if midnight does not exist that day). Throws std::invalid_argument for
// an unknown zone or an invalid date.
TimePoint StartOfLocalDay(std::string_view time_zone, LocalDate date);

// "YYYY-MM-DD HH:MM", the wall-clock time in `time_zone` at `instant`. Throws
// std::invalid_argument for an unknown zone.
std::string FormatLocalDateTime(std::string_view time_zone, TimePoint instant);

// Minutes since local midnight as "HH:MM"; 1440 formats as "24:00".
// Precondition: 0 <= minute_of_day <= 1440.
std::string FormatMinuteOfDay(int minute_of_day);

// Strict "HH:MM" (00:00..24:00) to minutes since midnight; nullopt otherwise.
std::optional<int> ParseMinuteOfDay(std::string_view text);

// One opening interval [open_minute, close_minute) of a day, in local
// minutes since midnight, 0 <= open_minute < close_minute <= 1440.
struct OpeningRange {
    int open_minute = 0;
    int close_minute = 0;

    friend bool operator==(const OpeningRange&, const OpeningRange&) = default;
};

inline constexpr int kMaxHorizonDays = 731;

// When the business takes bookings. A plain value: build it from
// configuration, then call Validate().
struct ScheduleRules {
    // IANA zone name, e.g. "Europe/Berlin".
    std::string time_zone;
    // Indexed by Weekday (0 = Monday .. 6 = Sunday). Ranges of a day may be
    // listed in any order; they must not overlap (touching is allowed, but a
    // slot never spans two ranges). No range means closed that weekday.
    std::array<std::vector<OpeningRange>, 7> weekly_hours{};
    // Local dates on which the business is closed all day (holidays).
    std::set<LocalDate> closed_dates;
    // Grid step and cell size.
    std::chrono::minutes slot_step{15};
    // Bookable dates are today .. today + horizon_days - 1 (local), so 1
    // means "today only". 1 <= horizon_days <= kMaxHorizonDays.
    int horizon_days = 30;
    // Slots starting before now + minimum_notice are not offered. >= 0.
    std::chrono::minutes minimum_notice{0};
    // Parallel resources (chairs, staff), indexed 0 .. resources - 1. >= 1.
    int resources = 1;

    friend bool operator==(const ScheduleRules&, const ScheduleRules&) = default;
};

// Throws std::invalid_argument naming the first problem found: unknown time
// zone, a range that is inverted/empty or outside 00:00-24:00, overlapping
// ranges on a day, an invalid closed date, slot_step outside 1..1440 min,
// horizon_days outside 1..kMaxHorizonDays, negative minimum_notice,
// resources < 1. Every function below that takes rules validates them too.
void Validate(const ScheduleRules& rules);

// What is taken: a set of (resource, cell start) pairs, normally loaded from
// the store's OccupiedCells(window.begin, window.end) for BookingWindow().
class Occupancy {
public:
    void Add(int resource, TimePoint cell_start) { cells_.emplace(resource, cell_start); }
    bool IsTaken(int resource, TimePoint cell_start) const {
        return cells_.contains({resource, cell_start});
    }
    // True iff some taken cell [c, c + step) of `resource` overlaps
    // [begin, end). Comparing intervals rather than exact cell starts keeps
    // availability right even for cells off the current grid (e.g. after a
    // change of step or opening hours).
    bool Overlaps(int resource, TimePoint begin, TimePoint end, std::chrono::minutes step) const;

private:
    std::set<std::pair<int, TimePoint>> cells_;
};

// A half-open UTC interval [begin, end).
struct UtcInterval {
    TimePoint begin{};
    TimePoint end{};

    friend bool operator==(const UtcInterval&, const UtcInterval&) = default;
};

// The UTC interval whose occupied cells can affect any bookable slot at
// `now`: from one slot_step before today's local midnight to the local
// midnight ending the last horizon day. Load occupancy for it.
UtcInterval BookingWindow(const ScheduleRules& rules, TimePoint now);

// A free slot, ready to show and to reserve.
struct Slot {
    TimePoint start{};       // UTC
    TimePoint end{};         // start + service duration (elapsed time)
    LocalDate local_date;    // the business's local date of `start`
    std::string local_time;  // "HH:MM", the wall-clock start
    int resource = 0;        // lowest-indexed resource free for the whole slot

    friend bool operator==(const Slot&, const Slot&) = default;
};

// The cell starts a booking of `duration` starting at `start` occupies:
// start, start + step, ... (ceil(duration / step) cells). Throws
// std::invalid_argument if duration or step is not positive.
std::vector<TimePoint> CellsFor(TimePoint start, std::chrono::minutes duration,
                                std::chrono::minutes step);

// The free slots of `date` for a service of `service_duration`, earliest
// first. Empty if the date is before today, beyond the horizon, a closed
// date or a closed weekday. A slot is free if some resource has none of the
// slot's cells occupied; its `resource` is the lowest such index. Throws
// std::invalid_argument for invalid rules, an invalid date, or a
// service_duration outside 1..1440 min.
std::vector<Slot> FreeSlots(const ScheduleRules& rules, std::chrono::minutes service_duration,
                            LocalDate date, TimePoint now, const Occupancy& occupied);

// The dates from today through the horizon with at least one free slot,
// in order. Same errors as FreeSlots.
std::vector<LocalDate> DaysWithFreeSlots(const ScheduleRules& rules,
                                         std::chrono::minutes service_duration, TimePoint now,
                                         const Occupancy& occupied);

// One page of a list, for chat keyboards.
template <typename T>
struct Paged {
    std::vector<T> items;
    int page_index = 0;  // after clamping
    int page_count = 1;  // at least 1, even for an empty list
    bool has_prev = false;
    bool has_next = false;
};

// Page `page_index` (0-based) of `items`, `page_size` per page. An index out
// of range is clamped to the first or last page. Throws
// std::invalid_argument if page_size < 1.
template <typename T>
Paged<T> Page(const std::vector<T>& items, int page_index, int page_size) {
    if (page_size < 1) {
        throw std::invalid_argument("Page: page_size must be at least 1");
    }
    const auto size = static_cast<std::size_t>(page_size);
    const auto count = std::max<std::size_t>(1, (items.size() + size - 1) / size);
    Paged<T> page;
    page.page_count = static_cast<int>(count);
    page.page_index = std::clamp(page_index, 0, page.page_count - 1);
    const auto first = static_cast<std::size_t>(page.page_index) * size;
    const auto last = std::min(items.size(), first + size);
    page.items.assign(items.begin() + static_cast<std::ptrdiff_t>(first),
                      items.begin() + static_cast<std::ptrdiff_t>(last));
    page.has_prev = page.page_index > 0;
    page.has_next = page.page_index + 1 < page.page_count;
    return page;
}

}  // namespace bookbot::core
