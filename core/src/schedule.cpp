#include "bookbot/core/schedule.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>
#include <exception>

namespace bookbot::core {
namespace {

using std::chrono::minutes;

constexpr int kMinutesPerDay = 24 * 60;
constexpr std::array<const char*, 7> kWeekdayNames = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                      "Friday", "Saturday", "Sunday"};

date::year_month_day ToYmd(LocalDate d) {
    return date::year{d.year} / date::month{static_cast<unsigned>(d.month)} /
           date::day{static_cast<unsigned>(d.day)};
}

LocalDate FromYmd(date::year_month_day ymd) {
    return LocalDate{static_cast<int>(ymd.year()),
                     static_cast<int>(static_cast<unsigned>(ymd.month())),
                     static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

date::local_days ToLocalDays(LocalDate d) { return date::local_days{ToYmd(d)}; }

// Parses exactly `width` ASCII digits; nullopt otherwise.
std::optional<int> ParseDigits(std::string_view text, std::size_t width) {
    if (text.size() != width) return std::nullopt;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

const date::time_zone* FindZone(std::string_view name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        throw std::invalid_argument("schedule: unknown time zone '" + std::string(name) + "'");
    }
}

// The instant a local wall-clock time denotes under the module's rule:
// earliest occurrence if ambiguous, end of the gap if nonexistent.
TimePoint ToUtc(const date::time_zone& zone, date::local_time<minutes> local) {
    return std::chrono::time_point_cast<Millis>(zone.to_sys(local, date::choose::earliest));
}

std::string RangeText(const OpeningRange& r) {
    return FormatMinuteOfDay(std::clamp(r.open_minute, 0, kMinutesPerDay)) + "-" +
           FormatMinuteOfDay(std::clamp(r.close_minute, 0, kMinutesPerDay));
}

void ValidateDay(int weekday, std::vector<OpeningRange> ranges) {
    const std::string day = std::string("schedule: ") + kWeekdayNames.at(weekday);
    for (const OpeningRange& r : ranges) {
        if (r.open_minute < 0 || r.close_minute > kMinutesPerDay) {
            throw std::invalid_argument(day + " range " + std::to_string(r.open_minute) + "-" +
                                        std::to_string(r.close_minute) +
                                        " (minutes) is outside 00:00-24:00");
        }
        if (r.open_minute >= r.close_minute) {
            throw std::invalid_argument(day + " range " + RangeText(r) +
                                        " is empty or inverted (open must be before close)");
        }
    }
    std::sort(ranges.begin(), ranges.end(), [](const OpeningRange& a, const OpeningRange& b) {
        return a.open_minute < b.open_minute;
    });
    for (std::size_t i = 1; i < ranges.size(); ++i) {
        if (ranges[i].open_minute < ranges[i - 1].close_minute) {
            throw std::invalid_argument(day + " ranges " + RangeText(ranges[i - 1]) + " and " +
                                        RangeText(ranges[i]) + " overlap");
        }
    }
}

// Validates and resolves the zone once, for the computations below.
const date::time_zone& Resolve(const ScheduleRules& rules) {
    Validate(rules);
    return *date::locate_zone(rules.time_zone);
}

void CheckServiceDuration(minutes service_duration) {
    if (service_duration <= minutes{0} || service_duration > minutes{kMinutesPerDay}) {
        throw std::invalid_argument("schedule: service duration must be 1..1440 minutes, got " +
                                    std::to_string(service_duration.count()));
    }
}

LocalDate Today(const date::time_zone& zone, TimePoint now) {
    return FromYmd(date::year_month_day{date::floor<date::days>(zone.to_local(now))});
}

bool IsBookableDate(const ScheduleRules& rules, LocalDate local_date, LocalDate today) {
    return today <= local_date && local_date < AddDays(today, rules.horizon_days) &&
           !rules.closed_dates.contains(local_date);
}

// The lowest resource with no occupied cell under [start, start + cells), or
// nullopt if every resource is busy.
// The end of the last cell a slot of `service_duration` starting at `start` holds.
TimePoint CellsEnd(const ScheduleRules& rules, TimePoint start, minutes service_duration) {
    const auto cell_count = (service_duration + rules.slot_step - minutes{1}) / rules.slot_step;
    return start + cell_count * rules.slot_step;
}

std::optional<int> FreeResource(const ScheduleRules& rules, TimePoint start,
                                minutes service_duration, const Occupancy& occupied) {
    const TimePoint cells_end = CellsEnd(rules, start, service_duration);
    for (int resource = 0; resource < rules.resources; ++resource) {
        if (!occupied.Overlaps(resource, start, cells_end, rules.slot_step)) return resource;
    }
    return std::nullopt;
}

// FreeSlots for already validated rules and a resolved zone.
std::vector<Slot> FreeSlotsOn(const ScheduleRules& rules, const date::time_zone& zone,
                              minutes service_duration, LocalDate local_date, TimePoint now,
                              const Occupancy& occupied) {
    std::vector<Slot> slots;
    if (!IsBookableDate(rules, local_date, Today(zone, now))) return slots;

    std::vector<OpeningRange> ranges =
        rules.weekly_hours.at(static_cast<int>(WeekdayOf(local_date)));
    std::sort(ranges.begin(), ranges.end(), [](const OpeningRange& a, const OpeningRange& b) {
        return a.open_minute < b.open_minute;
    });
    const date::local_days midnight = ToLocalDays(local_date);
    const TimePoint earliest_start = now + rules.minimum_notice;
    const int step = static_cast<int>(rules.slot_step.count());

    for (const OpeningRange& range : ranges) {
        const TimePoint close = ToUtc(zone, midnight + minutes{range.close_minute});
        for (int minute = range.open_minute; minute < range.close_minute; minute += step) {
            const date::local_time<minutes> local = midnight + minutes{minute};
            const date::local_info info = zone.get_info(local);
            if (info.result == date::local_info::nonexistent) continue;
            // For an ambiguous time info.first is the earlier occurrence.
            const TimePoint start{local.time_since_epoch() - info.first.offset};
            const TimePoint end = start + service_duration;
            if (start < earliest_start || end > close) continue;
            const std::optional<int> resource =
                FreeResource(rules, start, service_duration, occupied);
            if (!resource) continue;
            slots.push_back(Slot{start, end, local_date, FormatMinuteOfDay(minute), *resource});
        }
    }
    return slots;
}

}  // namespace

std::optional<LocalDate> LocalDate::Parse(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto year = ParseDigits(text.substr(0, 4), 4);
    const auto month = ParseDigits(text.substr(5, 2), 2);
    const auto day = ParseDigits(text.substr(8, 2), 2);
    if (!year || !month || !day) return std::nullopt;
    const LocalDate parsed{*year, *month, *day};
    if (!parsed.IsValid()) return std::nullopt;
    return parsed;
}

std::string LocalDate::ToString() const {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
    return buffer;
}

bool LocalDate::IsValid() const {
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && ToYmd(*this).ok();
}

Weekday WeekdayOf(LocalDate local_date) {
    const date::weekday wd{ToLocalDays(local_date)};
    return static_cast<Weekday>(wd.iso_encoding() - 1);
}

LocalDate AddDays(LocalDate local_date, int day_count) {
    return FromYmd(date::year_month_day{ToLocalDays(local_date) + date::days{day_count}});
}

LocalDate LocalDateAt(std::string_view time_zone, TimePoint instant) {
    return Today(*FindZone(time_zone), instant);
}

TimePoint StartOfLocalDay(std::string_view time_zone, LocalDate date) {
    if (!date.IsValid()) {
        throw std::invalid_argument("schedule: invalid date " + date.ToString());
    }
    return ToUtc(*FindZone(time_zone), ToLocalDays(date));
}

std::string FormatLocalDateTime(std::string_view time_zone, TimePoint instant) {
    const auto local = FindZone(time_zone)->to_local(instant);
    return date::format("%Y-%m-%d %H:%M", std::chrono::floor<minutes>(local));
}

std::string FormatMinuteOfDay(int minute_of_day) {
    // Called for every slot a day offers (hundreds per update): no printf.
    if (minute_of_day >= 0 && minute_of_day < 100 * 60) {
        const int hours = minute_of_day / 60;
        const int minutes = minute_of_day % 60;
        const auto digit = [](int d) { return static_cast<char>('0' + d); };
        return {digit(hours / 10), digit(hours % 10), ':', digit(minutes / 10),
                digit(minutes % 10)};
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%02d:%02d", minute_of_day / 60, minute_of_day % 60);
    return buffer;
}

std::optional<int> ParseMinuteOfDay(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    const auto hours = ParseDigits(text.substr(0, 2), 2);
    const auto mins = ParseDigits(text.substr(3, 2), 2);
    if (!hours || !mins || *mins > 59) return std::nullopt;
    const int total = *hours * 60 + *mins;
    if (total > kMinutesPerDay) return std::nullopt;
    return total;
}

void Validate(const ScheduleRules& rules) {
    FindZone(rules.time_zone);
    for (int weekday = 0; weekday < 7; ++weekday) {
        ValidateDay(weekday, rules.weekly_hours.at(weekday));
    }
    for (const LocalDate& closed : rules.closed_dates) {
        if (!closed.IsValid()) {
            throw std::invalid_argument("schedule: closed date " + closed.ToString() +
                                        " is not a calendar date");
        }
    }
    if (rules.slot_step <= minutes{0} || rules.slot_step > minutes{kMinutesPerDay}) {
        throw std::invalid_argument("schedule: slot_step must be 1..1440 minutes, got " +
                                    std::to_string(rules.slot_step.count()));
    }
    if (rules.horizon_days < 1 || rules.horizon_days > kMaxHorizonDays) {
        throw std::invalid_argument("schedule: horizon_days must be 1.." +
                                    std::to_string(kMaxHorizonDays) + ", got " +
                                    std::to_string(rules.horizon_days));
    }
    if (rules.minimum_notice < minutes{0}) {
        throw std::invalid_argument("schedule: minimum_notice must not be negative");
    }
    if (rules.resources < 1) {
        throw std::invalid_argument("schedule: resources must be at least 1, got " +
                                    std::to_string(rules.resources));
    }
}

bool Occupancy::Overlaps(int resource, TimePoint begin, TimePoint end, minutes step) const {
    // Cell [c, c + step) overlaps [begin, end) iff begin - step < c < end.
    const auto it = cells_.upper_bound({resource, begin - step});
    return it != cells_.end() && it->first == resource && it->second < end;
}

UtcInterval BookingWindow(const ScheduleRules& rules, TimePoint now) {
    const date::time_zone& zone = Resolve(rules);
    const date::local_days today = ToLocalDays(Today(zone, now));
    const date::local_days after_last = today + date::days{rules.horizon_days};
    return UtcInterval{ToUtc(zone, today) - rules.slot_step, ToUtc(zone, after_last)};
}

std::vector<TimePoint> CellsFor(TimePoint start, minutes duration, minutes step) {
    if (duration <= minutes{0} || step <= minutes{0}) {
        throw std::invalid_argument("CellsFor: duration and step must be positive");
    }
    std::vector<TimePoint> cells;
    for (TimePoint cell = start; cell < start + duration; cell += step) cells.push_back(cell);
    return cells;
}

std::vector<Slot> FreeSlots(const ScheduleRules& rules, minutes service_duration,
                            LocalDate local_date, TimePoint now, const Occupancy& occupied) {
    const date::time_zone& zone = Resolve(rules);
    CheckServiceDuration(service_duration);
    if (!local_date.IsValid()) {
        throw std::invalid_argument("FreeSlots: " + local_date.ToString() +
                                    " is not a calendar date");
    }
    return FreeSlotsOn(rules, zone, service_duration, local_date, now, occupied);
}

std::vector<LocalDate> DaysWithFreeSlots(const ScheduleRules& rules, minutes service_duration,
                                         TimePoint now, const Occupancy& occupied) {
    const date::time_zone& zone = Resolve(rules);
    CheckServiceDuration(service_duration);
    std::vector<LocalDate> days;
    const LocalDate today = Today(zone, now);
    for (int offset = 0; offset < rules.horizon_days; ++offset) {
        const LocalDate candidate = AddDays(today, offset);
        if (!FreeSlotsOn(rules, zone, service_duration, candidate, now, occupied).empty()) {
            days.push_back(candidate);
        }
    }
    return days;
}

}  // namespace bookbot::core
