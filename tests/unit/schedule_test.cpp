#include "bookbot/core/schedule.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace bookbot::core {
namespace {

using std::chrono::minutes;

constexpr int kMonday = static_cast<int>(Weekday::kMonday);
constexpr int kSunday = static_cast<int>(Weekday::kSunday);

TimePoint Utc(int year, int month, int day, int hour, int minute) {
    const std::chrono::sys_days days{std::chrono::year{year} / month / day};
    return TimePoint{days} + std::chrono::hours{hour} + minutes{minute};
}

constexpr int Hm(int hour, int minute) { return hour * 60 + minute; }

// Berlin, Monday..Friday 09:00-12:00 and 13:00-18:00, 15-minute grid.
ScheduleRules OfficeRules(std::string zone = "Europe/Berlin") {
    ScheduleRules rules;
    rules.time_zone = std::move(zone);
    for (int wd = kMonday; wd <= static_cast<int>(Weekday::kFriday); ++wd) {
        rules.weekly_hours[wd] = {{Hm(9, 0), Hm(12, 0)}, {Hm(13, 0), Hm(18, 0)}};
    }
    return rules;
}

// Open only on Sundays, over the night hours where DST transitions happen.
ScheduleRules NightRules(std::string zone, int open, int close) {
    ScheduleRules rules;
    rules.time_zone = std::move(zone);
    rules.weekly_hours[kSunday] = {{open, close}};
    rules.slot_step = minutes{30};
    rules.horizon_days = 60;
    return rules;
}

std::vector<std::string> Times(const std::vector<Slot>& slots) {
    std::vector<std::string> out;
    for (const Slot& s : slots) out.push_back(s.local_time);
    return out;
}

std::vector<TimePoint> Starts(const std::vector<Slot>& slots) {
    std::vector<TimePoint> out;
    for (const Slot& s : slots) out.push_back(s.start);
    return out;
}

const Slot* FindSlot(const std::vector<Slot>& slots, const std::string& local_time) {
    for (const Slot& s : slots) {
        if (s.local_time == local_time) return &s;
    }
    return nullptr;
}

std::string ValidationError(const ScheduleRules& rules) {
    try {
        Validate(rules);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no error)";
}

const LocalDate kMon{2024, 6, 10};  // a Monday in summer time (UTC+2)
const TimePoint kLongBefore = Utc(2024, 6, 1, 0, 0);
const Occupancy kNothing;

TEST_CASE("a normal day yields the grid of one range with UTC instants and local times") {
    ScheduleRules rules = OfficeRules();
    rules.weekly_hours[kMonday] = {{Hm(9, 0), Hm(12, 0)}};
    const auto slots = FreeSlots(rules, minutes{60}, kMon, kLongBefore, kNothing);
    REQUIRE(Times(slots) == std::vector<std::string>{"09:00", "09:15", "09:30", "09:45", "10:00",
                                                     "10:15", "10:30", "10:45", "11:00"});
    CHECK(slots.front().start == Utc(2024, 6, 10, 7, 0));
    CHECK(slots.front().end == Utc(2024, 6, 10, 8, 0));
    CHECK(slots.back().start == Utc(2024, 6, 10, 9, 0));
    CHECK(slots.front().local_date == kMon);
    CHECK(slots.front().resource == 0);
}

TEST_CASE("split ranges: a slot must fit entirely inside one range") {
    const auto slots = FreeSlots(OfficeRules(), minutes{60}, kMon, kLongBefore, kNothing);
    CHECK(slots.size() == 9 + 17);
    CHECK(FindSlot(slots, "11:00") != nullptr);
    CHECK(FindSlot(slots, "11:15") == nullptr);  // would end 12:15
    CHECK(FindSlot(slots, "12:00") == nullptr);  // lunch break
    CHECK(FindSlot(slots, "12:30") == nullptr);  // would start in the break
    CHECK(FindSlot(slots, "13:00") != nullptr);
    CHECK(FindSlot(slots, "17:00") != nullptr);
    CHECK(FindSlot(slots, "17:15") == nullptr);
}

TEST_CASE("ranges given out of order are still returned in time order") {
    ScheduleRules rules = OfficeRules();
    rules.weekly_hours[kMonday] = {{Hm(13, 0), Hm(14, 0)}, {Hm(9, 0), Hm(10, 0)}};
    const auto slots = FreeSlots(rules, minutes{30}, kMon, kLongBefore, kNothing);
    CHECK(Times(slots) ==
          std::vector<std::string>{"09:00", "09:15", "09:30", "13:00", "13:15", "13:30"});
}

TEST_CASE("closed weekdays and closed dates have no slots and are not listed as days") {
    ScheduleRules rules = OfficeRules();
    rules.horizon_days = 7;
    rules.closed_dates = {LocalDate{2024, 6, 12}};
    const TimePoint monday_morning = Utc(2024, 6, 10, 5, 0);
    CHECK(FreeSlots(rules, minutes{30}, {2024, 6, 15}, monday_morning, kNothing).empty());
    CHECK(FreeSlots(rules, minutes{30}, {2024, 6, 12}, monday_morning, kNothing).empty());
    CHECK_FALSE(FreeSlots(rules, minutes{30}, {2024, 6, 13}, monday_morning, kNothing).empty());
    const auto days = DaysWithFreeSlots(rules, minutes{30}, monday_morning, kNothing);
    CHECK(days ==
          std::vector<LocalDate>{{2024, 6, 10}, {2024, 6, 11}, {2024, 6, 13}, {2024, 6, 14}});
}

TEST_CASE("the horizon counts horizon_days dates starting with today") {
    ScheduleRules rules = OfficeRules();
    rules.horizon_days = 3;
    const TimePoint now = Utc(2024, 6, 10, 6, 0);  // 08:00 local, Monday
    CHECK(DaysWithFreeSlots(rules, minutes{30}, now, kNothing) ==
          std::vector<LocalDate>{{2024, 6, 10}, {2024, 6, 11}, {2024, 6, 12}});
    CHECK_FALSE(FreeSlots(rules, minutes{30}, LocalDate{2024, 6, 12}, now, kNothing).empty());
    CHECK(FreeSlots(rules, minutes{30}, LocalDate{2024, 6, 13}, now, kNothing).empty());
    CHECK(FreeSlots(rules, minutes{30}, LocalDate{2024, 6, 7}, now, kNothing).empty());
}

TEST_CASE("minimum notice hides slots that start too soon") {
    ScheduleRules rules = OfficeRules();
    rules.minimum_notice = minutes{120};
    const TimePoint now = Utc(2024, 6, 10, 7, 0);  // 09:00 local
    const auto slots = FreeSlots(rules, minutes{60}, kMon, now, kNothing);
    REQUIRE_FALSE(slots.empty());
    CHECK(slots.front().local_time == "11:00");
    CHECK(slots.front().start == Utc(2024, 6, 10, 9, 0));
}

TEST_CASE("slots in the past are excluded when now is in the middle of the day") {
    const ScheduleRules rules = OfficeRules();
    const TimePoint now = Utc(2024, 6, 10, 12, 7);  // 14:07 local
    const auto slots = FreeSlots(rules, minutes{60}, kMon, now, kNothing);
    REQUIRE_FALSE(slots.empty());
    CHECK(slots.front().local_time == "14:15");
    CHECK(slots.size() == 12);                           // 14:15 .. 17:00
    const TimePoint evening = Utc(2024, 6, 10, 15, 30);  // 17:30 local: nothing fits today
    CHECK(FreeSlots(rules, minutes{60}, kMon, evening, kNothing).empty());
    CHECK(DaysWithFreeSlots(rules, minutes{60}, evening, kNothing).front() ==
          LocalDate{2024, 6, 11});
}

TEST_CASE("a service longer than the step spans several cells") {
    ScheduleRules rules = OfficeRules();
    rules.weekly_hours[kMonday] = {{Hm(9, 0), Hm(12, 0)}};
    const auto slots = FreeSlots(rules, minutes{45}, kMon, kLongBefore, kNothing);
    CHECK(slots.size() == 10);
    CHECK(slots.back().local_time == "11:15");
    CHECK(slots.back().end - slots.back().start == minutes{45});

    const TimePoint t = Utc(2024, 6, 10, 8, 0);
    CHECK(CellsFor(t, minutes{45}, minutes{15}) ==
          std::vector<TimePoint>{t, t + minutes{15}, t + minutes{30}});
    CHECK(CellsFor(t, minutes{50}, minutes{15}).size() == 4);  // rounded up
    CHECK(CellsFor(t, minutes{15}, minutes{15}) == std::vector<TimePoint>{t});
    CHECK_THROWS_AS(CellsFor(t, minutes{0}, minutes{15}), std::invalid_argument);
    CHECK_THROWS_AS(CellsFor(t, minutes{30}, minutes{0}), std::invalid_argument);
}

TEST_CASE("occupied cells block overlapping slots of a single resource") {
    ScheduleRules rules = OfficeRules();
    rules.weekly_hours[kMonday] = {{Hm(9, 0), Hm(12, 0)}};
    Occupancy occupied;  // a 45-minute booking at 10:00 local
    for (TimePoint cell : CellsFor(Utc(2024, 6, 10, 8, 0), minutes{45}, minutes{15})) {
        occupied.Add(0, cell);
    }
    const auto slots = FreeSlots(rules, minutes{30}, kMon, kLongBefore, occupied);
    CHECK(FindSlot(slots, "09:30") != nullptr);
    for (const char* busy : {"09:45", "10:00", "10:15", "10:30"}) {
        INFO(busy);
        CHECK(FindSlot(slots, busy) == nullptr);
    }
    CHECK(FindSlot(slots, "10:45") != nullptr);
}

TEST_CASE("with two resources a slot is free while either resource is free") {
    ScheduleRules rules = OfficeRules();
    rules.weekly_hours[kMonday] = {{Hm(9, 0), Hm(12, 0)}};
    rules.resources = 2;
    Occupancy occupied;
    occupied.Add(0, Utc(2024, 6, 10, 8, 0));  // 10:00 local on resource 0
    auto slots = FreeSlots(rules, minutes{30}, kMon, kLongBefore, occupied);
    REQUIRE(FindSlot(slots, "10:00") != nullptr);
    CHECK(FindSlot(slots, "10:00")->resource == 1);
    CHECK(FindSlot(slots, "09:45")->resource == 1);
    CHECK(FindSlot(slots, "09:30")->resource == 0);

    occupied.Add(1, Utc(2024, 6, 10, 8, 15));  // 10:15 local on resource 1
    slots = FreeSlots(rules, minutes{30}, kMon, kLongBefore, occupied);
    CHECK(FindSlot(slots, "10:00") == nullptr);  // 0 busy at 10:00, 1 busy at 10:15
    CHECK(FindSlot(slots, "10:15")->resource == 0);
}

TEST_CASE("occupancy compares intervals, so an off-grid cell still blocks") {
    Occupancy occupied;
    occupied.Add(0, Utc(2024, 6, 10, 8, 5));
    CHECK(occupied.IsTaken(0, Utc(2024, 6, 10, 8, 5)));
    CHECK_FALSE(occupied.IsTaken(1, Utc(2024, 6, 10, 8, 5)));
    const minutes step{15};
    CHECK(occupied.Overlaps(0, Utc(2024, 6, 10, 8, 0), Utc(2024, 6, 10, 8, 15), step));
    CHECK(occupied.Overlaps(0, Utc(2024, 6, 10, 8, 15), Utc(2024, 6, 10, 8, 30), step));
    CHECK_FALSE(occupied.Overlaps(0, Utc(2024, 6, 10, 8, 20), Utc(2024, 6, 10, 8, 35), step));
    CHECK_FALSE(occupied.Overlaps(0, Utc(2024, 6, 10, 7, 50), Utc(2024, 6, 10, 8, 5), step));
    CHECK_FALSE(occupied.Overlaps(1, Utc(2024, 6, 10, 8, 0), Utc(2024, 6, 10, 8, 15), step));
}

TEST_CASE("Europe/Berlin spring forward: the missing hour is skipped") {
    const LocalDate day{2024, 3, 31};  // 02:00 CET -> 03:00 CEST at 01:00 UTC
    const auto rules = NightRules("Europe/Berlin", Hm(1, 0), Hm(4, 0));
    const TimePoint now = Utc(2024, 3, 1, 0, 0);
    const auto slots = FreeSlots(rules, minutes{30}, day, now, kNothing);
    CHECK(Times(slots) == std::vector<std::string>{"01:00", "01:30", "03:00", "03:30"});
    CHECK(Starts(slots) == std::vector<TimePoint>{Utc(2024, 3, 31, 0, 0), Utc(2024, 3, 31, 0, 30),
                                                  Utc(2024, 3, 31, 1, 0), Utc(2024, 3, 31, 1, 30)});
    // Durations are elapsed time: 60 minutes from 01:30 CET end at 03:30 CEST.
    const auto hour_slots = FreeSlots(rules, minutes{60}, day, now, kNothing);
    CHECK(Times(hour_slots) == std::vector<std::string>{"01:00", "01:30", "03:00"});
    CHECK(FindSlot(hour_slots, "01:30")->end == Utc(2024, 3, 31, 1, 30));
    // Ordinary office hours move by an hour in UTC across the change.
    const auto office = OfficeRules();
    const TimePoint march = Utc(2024, 3, 20, 0, 0);
    CHECK(Starts(FreeSlots(office, minutes{30}, {2024, 3, 25}, march, kNothing)).front() ==
          Utc(2024, 3, 25, 8, 0));
    CHECK(Starts(FreeSlots(office, minutes{30}, {2024, 4, 1}, march, kNothing)).front() ==
          Utc(2024, 4, 1, 7, 0));
}

TEST_CASE("Europe/Berlin fall back: a repeated local time is offered once, at its first instant") {
    const LocalDate day{2024, 10, 27};  // 03:00 CEST -> 02:00 CET at 01:00 UTC
    const auto rules = NightRules("Europe/Berlin", Hm(1, 0), Hm(4, 0));
    const TimePoint now = Utc(2024, 10, 1, 0, 0);
    const auto slots = FreeSlots(rules, minutes{30}, day, now, kNothing);
    CHECK(Times(slots) ==
          std::vector<std::string>{"01:00", "01:30", "02:00", "02:30", "03:00", "03:30"});
    CHECK(Starts(slots) ==
          std::vector<TimePoint>{Utc(2024, 10, 26, 23, 0), Utc(2024, 10, 26, 23, 30),
                                 Utc(2024, 10, 27, 0, 0), Utc(2024, 10, 27, 0, 30),
                                 Utc(2024, 10, 27, 2, 0), Utc(2024, 10, 27, 2, 30)});
    // 90 minutes from 02:30 CEST end at 03:00 CET, exactly at closing (04:00 CET = 03:00 UTC).
    const auto long_slots = FreeSlots(rules, minutes{90}, day, now, kNothing);
    CHECK(Times(long_slots) == std::vector<std::string>{"01:00", "01:30", "02:00", "02:30"});
    CHECK(FindSlot(long_slots, "02:30")->end == Utc(2024, 10, 27, 2, 0));
    // A closing time in the repeated hour means its first occurrence (02:30 CEST = 00:30 UTC).
    const auto early_close = NightRules("Europe/Berlin", Hm(1, 0), Hm(2, 30));
    CHECK(Times(FreeSlots(early_close, minutes{90}, day, now, kNothing)) ==
          std::vector<std::string>{"01:00"});
    // A booking in the repeated hour (02:00 CET = 01:00 UTC) blocks what overlaps it in real time.
    Occupancy occupied;
    occupied.Add(0, Utc(2024, 10, 27, 1, 0));
    CHECK(Times(FreeSlots(rules, minutes{90}, day, now, occupied)) ==
          std::vector<std::string>{"01:00", "01:30"});  // 01:30 CEST + 90 min ends at 01:00 UTC
}

TEST_CASE("America/New_York spring forward and fall back") {
    const TimePoint now = Utc(2024, 3, 1, 0, 0);
    // 2024-03-10: 02:00 EST -> 03:00 EDT at 07:00 UTC.
    const auto spring = NightRules("America/New_York", Hm(1, 0), Hm(4, 0));
    const auto spring_slots = FreeSlots(spring, minutes{30}, {2024, 3, 10}, now, kNothing);
    CHECK(Times(spring_slots) == std::vector<std::string>{"01:00", "01:30", "03:00", "03:30"});
    CHECK(Starts(spring_slots) ==
          std::vector<TimePoint>{Utc(2024, 3, 10, 6, 0), Utc(2024, 3, 10, 6, 30),
                                 Utc(2024, 3, 10, 7, 0), Utc(2024, 3, 10, 7, 30)});
    // 2024-11-03: 02:00 EDT -> 01:00 EST at 06:00 UTC; 01:00-01:59 happens twice.
    auto fall = NightRules("America/New_York", Hm(0, 0), Hm(3, 0));
    fall.horizon_days = 366;
    const auto fall_slots = FreeSlots(fall, minutes{30}, {2024, 11, 3}, now, kNothing);
    CHECK(Times(fall_slots) ==
          std::vector<std::string>{"00:00", "00:30", "01:00", "01:30", "02:00", "02:30"});
    CHECK(Starts(fall_slots) ==
          std::vector<TimePoint>{Utc(2024, 11, 3, 4, 0), Utc(2024, 11, 3, 4, 30),
                                 Utc(2024, 11, 3, 5, 0), Utc(2024, 11, 3, 5, 30),
                                 Utc(2024, 11, 3, 7, 0), Utc(2024, 11, 3, 7, 30)});
}

TEST_CASE("Asia/Kolkata: half-hour offset and the local date boundary") {
    ScheduleRules rules;
    rules.time_zone = "Asia/Kolkata";
    for (auto& day : rules.weekly_hours) day = {{Hm(9, 0), Hm(10, 0)}};
    rules.slot_step = minutes{30};
    CHECK(LocalDateAt("Asia/Kolkata", Utc(2024, 6, 10, 18, 29)) == LocalDate{2024, 6, 10});
    CHECK(LocalDateAt("Asia/Kolkata", Utc(2024, 6, 10, 18, 30)) == LocalDate{2024, 6, 11});
    const TimePoint now = Utc(2024, 6, 10, 18, 30);  // 00:00 IST on the 11th
    CHECK(DaysWithFreeSlots(rules, minutes{30}, now, kNothing).front() == LocalDate{2024, 6, 11});
    const auto slots = FreeSlots(rules, minutes{30}, {2024, 6, 11}, now, kNothing);
    CHECK(Starts(slots) == std::vector<TimePoint>{Utc(2024, 6, 11, 3, 30), Utc(2024, 6, 11, 4, 0)});
    CHECK(FreeSlots(rules, minutes{30}, {2024, 6, 10}, now, kNothing).empty());  // yesterday
}

TEST_CASE("the booking window covers today through the horizon plus one step before") {
    ScheduleRules rules = OfficeRules();
    rules.horizon_days = 2;
    const UtcInterval window = BookingWindow(rules, Utc(2024, 6, 10, 10, 0));
    CHECK(window.begin == Utc(2024, 6, 9, 21, 45));
    CHECK(window.end == Utc(2024, 6, 11, 22, 0));
}

TEST_CASE("validation names what is wrong") {
    CHECK(ValidationError(OfficeRules()) == "(no error)");
    auto rules = OfficeRules("Mars/Olympus_Mons");
    CHECK_THAT(ValidationError(rules), Catch::Contains("unknown time zone 'Mars/Olympus_Mons'"));
    rules = OfficeRules();
    rules.weekly_hours[kMonday] = {{Hm(12, 0), Hm(9, 0)}};
    CHECK_THAT(ValidationError(rules), Catch::Contains("Monday range 12:00-09:00 is empty"));
    rules.weekly_hours[kMonday] = {{Hm(9, 0), Hm(9, 0)}};
    CHECK_THAT(ValidationError(rules), Catch::Contains("inverted"));
    rules.weekly_hours[kMonday] = {{Hm(13, 0), Hm(15, 0)}, {Hm(9, 0), Hm(13, 30)}};
    CHECK_THAT(ValidationError(rules),
               Catch::Contains("ranges 09:00-13:30 and 13:00-15:00 overlap"));
    rules.weekly_hours[kMonday] = {{Hm(9, 0), Hm(12, 0)}, {Hm(12, 0), Hm(13, 0)}};  // touching
    CHECK(ValidationError(rules) == "(no error)");
    rules.weekly_hours[kSunday] = {{Hm(20, 0), Hm(25, 0)}};
    CHECK_THAT(ValidationError(rules),
               Catch::Contains("Sunday range") && Catch::Contains("outside"));
    rules = OfficeRules();
    rules.slot_step = minutes{0};
    CHECK_THAT(ValidationError(rules), Catch::Contains("slot_step"));
    rules = OfficeRules();
    rules.horizon_days = 0;
    CHECK_THAT(ValidationError(rules), Catch::Contains("horizon_days"));
    rules = OfficeRules();
    rules.minimum_notice = minutes{-1};
    CHECK_THAT(ValidationError(rules), Catch::Contains("minimum_notice"));
    rules = OfficeRules();
    rules.resources = 0;
    CHECK_THAT(ValidationError(rules), Catch::Contains("resources"));
    rules = OfficeRules();
    rules.closed_dates = {LocalDate{2023, 2, 29}};
    CHECK_THAT(ValidationError(rules), Catch::Contains("closed date 2023-02-29 is not"));
    // The computations refuse bad rules and bad arguments too.
    CHECK_THROWS_AS(FreeSlots(rules, minutes{30}, kMon, kLongBefore, kNothing),
                    std::invalid_argument);
    CHECK_THROWS_AS(FreeSlots(OfficeRules(), minutes{0}, kMon, kLongBefore, kNothing),
                    std::invalid_argument);
    CHECK_THROWS_AS(FreeSlots(OfficeRules(), minutes{30}, {2024, 13, 1}, kLongBefore, kNothing),
                    std::invalid_argument);
    CHECK_THROWS_AS(LocalDateAt("Nowhere/City", kLongBefore), std::invalid_argument);
}

TEST_CASE("local dates parse, format, step and know their weekday") {
    CHECK(LocalDate::Parse("2024-02-29") == LocalDate{2024, 2, 29});
    for (const char* bad : {"2023-02-29", "2024-13-01", "2024-2-01", "2024-02-1", "24-02-01",
                            "2024/02/01", "2024-02-01 ", "abcd-ef-gh", ""}) {
        INFO(bad);
        CHECK_FALSE(LocalDate::Parse(bad).has_value());
    }
    CHECK(LocalDate{2024, 3, 5}.ToString() == "2024-03-05");
    CHECK(LocalDate::Parse("0987-12-31")->ToString() == "0987-12-31");
    CHECK(WeekdayOf(kMon) == Weekday::kMonday);
    CHECK(WeekdayOf({2024, 6, 16}) == Weekday::kSunday);
    CHECK(AddDays({2024, 2, 28}, 1) == LocalDate{2024, 2, 29});
    CHECK(AddDays({2024, 12, 31}, 1) == LocalDate{2025, 1, 1});
    CHECK(AddDays({2024, 3, 1}, -1) == LocalDate{2024, 2, 29});
    CHECK(FormatMinuteOfDay(Hm(9, 5)) == "09:05");
    CHECK(FormatMinuteOfDay(1440) == "24:00");
    CHECK(FormatMinuteOfDay(0) == "00:00");
    CHECK(FormatMinuteOfDay(Hm(23, 59)) == "23:59");
    CHECK(ParseMinuteOfDay("13:45") == Hm(13, 45));
    CHECK(ParseMinuteOfDay("24:00") == 1440);
    CHECK_FALSE(ParseMinuteOfDay("24:01").has_value());
    CHECK_FALSE(ParseMinuteOfDay("12:60").has_value());
    CHECK_FALSE(ParseMinuteOfDay("9:00").has_value());
}

TEST_CASE("paging clamps the index and reports neighbours") {
    const std::vector<int> items{0, 1, 2, 3, 4, 5, 6};
    auto page = Page(items, 0, 3);
    CHECK(page.items == std::vector<int>{0, 1, 2});
    CHECK(page.page_count == 3);
    CHECK_FALSE(page.has_prev);
    CHECK(page.has_next);
    page = Page(items, 2, 3);
    CHECK(page.items == std::vector<int>{6});
    CHECK(page.has_prev);
    CHECK_FALSE(page.has_next);
    CHECK(Page(items, 9, 3).page_index == 2);
    CHECK(Page(items, -4, 3).items == std::vector<int>{0, 1, 2});
    CHECK(Page(std::vector<int>{0, 1, 2, 3, 4, 5}, 1, 3).page_count == 2);  // exact multiple
    const auto empty = Page(std::vector<int>{}, 3, 5);
    CHECK(empty.items.empty());
    CHECK(empty.page_index == 0);
    CHECK(empty.page_count == 1);
    CHECK_FALSE(empty.has_prev);
    CHECK_FALSE(empty.has_next);
    CHECK_THROWS_AS(Page(items, 0, 0), std::invalid_argument);
}

}  // namespace
}  // namespace bookbot::core
