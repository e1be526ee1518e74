#include "flow_views.hpp"

#include <date/tz.h>

#include <algorithm>
#include <charconv>

namespace bookbot::core {
namespace {

constexpr int kServicesPerPage = 6;
constexpr int kDaysPerPage = 8;
constexpr int kTimesPerPage = 12;
constexpr int kBookingsPerPage = 6;
// Buttons AddNav may add to a page: previous, next, back and cancel. Counted
// whether or not they show, so a page's items do not depend on its position.
constexpr int kNavWithCancel = 4;

int PageOf(Session& s) {
    int page = 0;
    const std::string& text = s.context["page"];
    std::from_chars(text.data(), text.data() + text.size(), page);
    return page;
}

// Lays buttons out `per_row` to a row.
void AddGrid(Reply& reply, std::vector<Button> buttons, std::size_t per_row) {
    for (std::size_t i = 0; i < buttons.size(); i += per_row) {
        reply.keyboard.emplace_back(
            buttons.begin() + static_cast<std::ptrdiff_t>(i),
            buttons.begin() + static_cast<std::ptrdiff_t>(std::min(buttons.size(), i + per_row)));
    }
}

}  // namespace

std::pair<TimePoint, TimePoint> FlowViews::CellsTouching(const Service& service,
                                                         TimePoint start) const {
    // Cell [c, c + step) overlaps the slot's cells [start, end) iff
    // start - step < c < end (Occupancy::Overlaps).
    const auto cell_count =
        (service.duration + b_.rules.slot_step - std::chrono::minutes{1}) / b_.rules.slot_step;
    return {start - b_.rules.slot_step + std::chrono::milliseconds{1},
            start + cell_count * b_.rules.slot_step};
}

std::optional<Slot> FlowViews::ScheduledSlot(const Service& service, TimePoint start) const {
    const LocalDate date = LocalDateAt(b_.rules.time_zone, start);
    for (const Slot& slot : FreeSlots(b_.rules, service.duration, date, now_, Occupancy{})) {
        if (slot.start == start) return slot;
    }
    return std::nullopt;
}

std::vector<Slot> FlowViews::FreeTimes(const Service& service, LocalDate day, std::size_t wanted) {
    // The schedule's slots of the day, as if nothing were booked; then, a
    // chunk at a time and only as far as `wanted` reaches, one count per slot
    // of the cells that can block it. Fewer such cells than resources leave a
    // resource free; only a slot the count cannot clear is probed for one.
    constexpr std::size_t kChunk = 16;
    const std::vector<Slot> scheduled =
        FreeSlots(b_.rules, service.duration, day, now_, Occupancy{});
    std::vector<Slot> free;
    for (std::size_t first = 0; first < scheduled.size() && free.size() < wanted; first += kChunk) {
        const std::size_t last = std::min(scheduled.size(), first + kChunk);
        std::vector<std::pair<TimePoint, TimePoint>> ranges;
        ranges.reserve(last - first);
        for (std::size_t i = first; i < last; ++i) {
            ranges.push_back(CellsTouching(service, scheduled[i].start));
        }
        const std::vector<std::int64_t> counts = unit_.CountOccupiedCells(ranges);
        for (std::size_t i = first; i < last && free.size() < wanted; ++i) {
            const auto [from, to] = ranges[i - first];
            if (AnyFree(from, to, counts[i - first])) {
                free.push_back(scheduled[i]);
            }
        }
    }
    return free;
}

namespace {

// A day's slots (free of bookings) seen as a count: `apart` of them hold cells
// at least one step apart from each other, so no single occupied cell touches
// two of them, and every cell that can touch any lies in `cells`.
struct DayDemand {
    LocalDate date;
    std::int64_t apart = 0;
    std::pair<TimePoint, TimePoint> cells;
};

std::optional<DayDemand> DemandOf(const ScheduleRules& rules, std::chrono::minutes duration,
                                  LocalDate date, TimePoint now) {
    const std::vector<Slot> slots = FreeSlots(rules, duration, date, now, Occupancy{});
    if (slots.empty()) return std::nullopt;
    const auto cell_count =
        (duration + rules.slot_step - std::chrono::minutes{1}) / rules.slot_step;
    const auto held = cell_count * rules.slot_step;  // what the cells of one slot span
    DayDemand demand{date, 0, {slots.front().start - rules.slot_step, slots.front().start}};
    std::optional<TimePoint> next_apart;
    for (const Slot& slot : slots) {
        demand.cells.second = std::max(demand.cells.second, slot.start + held);
        if (!next_apart || slot.start >= *next_apart) {
            ++demand.apart;
            next_apart = slot.start + held + rules.slot_step;
        }
    }
    return demand;
}

}  // namespace

std::vector<LocalDate> FlowViews::FreeDays(const Service& service) {
    const LocalDate today = LocalDateAt(b_.rules.time_zone, now_);
    std::vector<DayDemand> days;
    for (int offset = 0; offset < b_.rules.horizon_days; ++offset) {
        if (auto demand = DemandOf(b_.rules, service.duration, AddDays(today, offset), now_)) {
            days.push_back(*demand);
        }
    }
    std::vector<std::pair<TimePoint, TimePoint>> ranges;
    ranges.reserve(days.size());
    for (const DayDemand& day : days) ranges.push_back(day.cells);
    const std::vector<std::int64_t> occupied = unit_.CountOccupiedCells(ranges);
    std::vector<LocalDate> free;
    for (std::size_t i = 0; i < days.size(); ++i) {
        // Blocking every slot takes an occupied cell per resource in each of
        // the `apart` slots: fewer occupied cells than that leave one free.
        const bool surely_free = occupied[i] < days[i].apart * b_.rules.resources;
        if (surely_free || !FreeTimes(service, days[i].date, 1).empty()) {
            free.push_back(days[i].date);
        }
    }
    return free;
}

namespace {

std::string DayLabelOf(LocalDate date) {
    static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s %02d.%02d.", kDays[static_cast<int>(WeekdayOf(date))],
                  date.day, date.month);
    return buf;
}

std::string TimeLabelOf(const std::string& zone, TimePoint t) {
    const auto zoned = date::make_zoned(zone, t);
    return date::format("%H:%M", zoned.get_local_time());
}

}  // namespace

std::string FlowViews::DayLabel(LocalDate date) const { return DayLabelOf(date); }

std::string FlowViews::TimeLabel(TimePoint t) const { return TimeLabelOf(b_.rules.time_zone, t); }

std::map<std::string, std::string> DescribeBooking(const Business& business,
                                                   const Booking& booking) {
    const Service* service = business.FindService(booking.service_id);
    const std::string& zone = business.rules.time_zone;
    return {{"service", service ? service->name : booking.service_id},
            {"day", DayLabelOf(LocalDateAt(zone, booking.starts_at))},
            {"time", TimeLabelOf(zone, booking.starts_at)}};
}

std::map<std::string, std::string> FlowViews::Describe(const Booking& booking) const {
    return DescribeBooking(b_, booking);
}

std::optional<Slot> FlowViews::FindFreeSlot(const Service& service, TimePoint start) {
    std::optional<Slot> slot = ScheduledSlot(service, start);
    if (!slot) return std::nullopt;
    const auto [from, to] = CellsTouching(service, start);
    if (AnyFree(from, to, unit_.CountOccupiedCells({{from, to}}).at(0))) return slot;
    return std::nullopt;
}

std::vector<int> FlowViews::FreeResourcesAt(const Service& service, TimePoint start,
                                            std::size_t spread) {
    // A confirmation needs one free chair; a second spares it a re-read when
    // a racer takes the first (Flow::Confirm reads again after a pass it
    // lost). More cost probes: at 5 % free, each one found costs 20 seeks.
    constexpr std::size_t kEnoughFree = 2;
    if (!ScheduledSlot(service, start)) return {};
    const auto [from, to] = CellsTouching(service, start);
    const int pivot = static_cast<int>(spread % static_cast<std::size_t>(b_.rules.resources));
    return ProbeFree(from, to, pivot, kEnoughFree);
}

bool FlowViews::AnyFree(TimePoint from, TimePoint to, std::int64_t occupied_cells) {
    // Fewer occupied cells than chairs leave one free. A few cells (a small
    // business) are read outright: one short range read costs less than a
    // probe statement with a term per chair. Many are probed.
    constexpr std::int64_t kReadCellsUpTo = 64;
    const int resources = b_.rules.resources;
    if (occupied_cells < resources) return true;
    if (occupied_cells > kReadCellsUpTo) return !ProbeFree(from, to, 0, 1).empty();
    std::vector<bool> busy(static_cast<std::size_t>(resources), false);
    int busy_count = 0;
    for (const OccupiedCell& cell : unit_.OccupiedCells(from, to)) {
        if (cell.resource < 0 || cell.resource >= resources) continue;  // a chair since removed
        const auto seat = static_cast<std::size_t>(cell.resource);
        if (!busy[seat]) {
            busy[seat] = true;
            ++busy_count;
        }
    }
    return busy_count < resources;
}

std::vector<int> FlowViews::ProbeFree(TimePoint from, TimePoint to, int pivot, std::size_t enough) {
    // Each window twice the last (up to kLargestWindow, inside SQLite's limit
    // of 500 terms of a compound statement, see UnitOfWork::BusyAmong's SQL):
    // a full time with 1,000 chairs takes six statements. A chair probed costs one primary-key
    // seek. (Measured against an exact count of the busy chairs first: counting them costs a seek
    // per occupied cell, more than probing the whole ring; COUNT(DISTINCT) makes SQLite build a
    // temporary B-tree per count, slower still.)
    constexpr std::int64_t kFirstWindow = 32;
    constexpr std::int64_t kLargestWindow = 256;
    const int resources = b_.rules.resources;
    std::vector<int> free;
    std::int64_t window_size = kFirstWindow;
    for (int offset = 0; offset < resources && free.size() < enough;
         window_size = std::min(window_size * 2, kLargestWindow)) {
        const int end = static_cast<int>(std::min<std::int64_t>(resources, offset + window_size));
        std::vector<int> window;
        window.reserve(static_cast<std::size_t>(end - offset));
        for (; offset < end; ++offset) {
            window.push_back(static_cast<int>((std::int64_t{pivot} + offset) % resources));
        }
        const std::vector<int> taken = unit_.BusyAmong(from, to, window);
        for (const int resource : window) {
            if (!std::binary_search(taken.begin(), taken.end(), resource)) {
                free.push_back(resource);
            }
        }
    }
    return free;
}

bool FlowViews::IsScheduled(const Service& service, TimePoint start) const {
    return ScheduledSlot(service, start).has_value();
}

int FlowViews::PerPage(const Session& s, int preferred, int reserved) const {
    const auto limit = b_.max_choices.find(s.key.platform);
    if (limit == b_.max_choices.end()) return preferred;
    const auto room = static_cast<int>(std::min<std::size_t>(limit->second, 1000)) - reserved;
    return std::clamp(room, 1, preferred);
}

template <typename T>
void FlowViews::AddNav(Reply& reply, const Paged<T>& page, bool with_cancel) const {
    std::vector<Button> nav;
    if (page.has_prev) {
        nav.push_back({b_.Text("previous"), "pg:" + std::to_string(page.page_index - 1)});
    }
    if (page.has_next) {
        nav.push_back({b_.Text("next"), "pg:" + std::to_string(page.page_index + 1)});
    }
    if (!nav.empty()) reply.keyboard.push_back(std::move(nav));
    std::vector<Button> row = {{b_.Text("back"), "back"}};
    if (with_cancel) row.push_back({b_.Text("cancel"), "cancel"});
    reply.keyboard.push_back(std::move(row));
}

Reply FlowViews::Render(Session& s) {
    const std::string step = s.context["step"];
    const Service* service = b_.FindService(s.context["service"]);
    Reply r;
    if (step == "service") {
        r.text = b_.Text("pick_service");
        const auto page =
            Page(b_.services, PageOf(s), PerPage(s, kServicesPerPage, kNavWithCancel));
        std::vector<Button> buttons;
        for (const Service& sv : page.items) {
            buttons.push_back(
                {sv.price.empty() ? sv.name : sv.name + " · " + sv.price, "svc:" + sv.id});
        }
        AddGrid(r, std::move(buttons), 1);
        AddNav(r, page, true);
    } else if (step == "day" && service) {
        const auto days = FreeDays(*service);
        r.text = b_.Text(days.empty() ? "no_days" : "pick_day", {{"service", service->name}});
        const auto page = Page(days, PageOf(s), PerPage(s, kDaysPerPage, kNavWithCancel));
        std::vector<Button> buttons;
        for (const LocalDate& d : page.items)
            buttons.push_back({DayLabel(d), "day:" + d.ToString()});
        AddGrid(r, std::move(buttons), 2);
        AddNav(r, page, true);
    } else if (step == "time" && service && LocalDate::Parse(s.context["day"])) {
        const LocalDate day = *LocalDate::Parse(s.context["day"]);
        // Enough free times for the pages up to this one and one more, so the
        // page knows whether a next one exists.
        const int per_page = PerPage(s, kTimesPerPage, kNavWithCancel);
        // (In size_t: a forged page number may be INT_MAX.)
        const auto wanted = (static_cast<std::size_t>(std::max(0, PageOf(s))) + 1) *
                                static_cast<std::size_t>(per_page) +
                            1;
        const auto slots = FreeTimes(*service, day, wanted);
        r.text =
            slots.empty() ? b_.Text("slot_taken") : b_.Text("pick_time", {{"day", DayLabel(day)}});
        const auto page = Page(slots, PageOf(s), per_page);
        std::vector<Button> buttons;
        for (const Slot& slot : page.items) {
            buttons.push_back(
                {slot.local_time, "slot:" + std::to_string(ToEpochMillis(slot.start)) + ":" +
                                      std::to_string(slot.resource)});
        }
        AddGrid(r, std::move(buttons), 3);
        AddNav(r, page, true);
    } else if (step == "confirm" && service) {
        Booking draft;
        draft.service_id = service->id;
        draft.starts_at = FromEpochMillis(std::stoll(s.context["slot"]));
        const bool moving = s.context["flow"] == "reschedule";
        r.text = b_.Text(moving ? "confirm_reschedule" : "confirm", Describe(draft));
        r.keyboard = {{{b_.Text("yes"), "ok"}},
                      {{b_.Text("back"), "back"}, {b_.Text("cancel"), "cancel"}}};
    } else if (step == "mine") {
        const auto bookings = unit_.UpcomingBookings(s.key, now_);
        r.text = b_.Text(bookings.empty() ? "no_bookings" : "your_bookings");
        const auto page =
            Page(bookings, PageOf(s), PerPage(s, kBookingsPerPage, kNavWithCancel - 1));
        std::vector<Button> buttons;
        for (const Booking& bk : page.items) {
            const auto d = Describe(bk);
            buttons.push_back({d.at("service") + " · " + d.at("day") + " " + d.at("time"),
                               "bk:" + std::to_string(bk.id)});
        }
        AddGrid(r, std::move(buttons), 1);
        AddNav(r, page, false);
    } else if ((step == "manage" || step == "cancel_confirm") && !s.context["booking"].empty()) {
        const auto booking = unit_.FindBooking(std::stoll(s.context["booking"]));
        if (!booking || booking->status != BookingStatus::kConfirmed) {
            r.text = b_.Text("gone");
            r.keyboard = {{{b_.Text("back"), "back"}}};
        } else if (step == "manage") {
            r.text = b_.Text("manage", Describe(*booking));
            r.keyboard = {{{b_.Text("reschedule"), "rs"}},
                          {{b_.Text("cancel_booking"), "cx"}},
                          {{b_.Text("back"), "back"}}};
        } else {
            r.text = b_.Text("confirm_cancel", Describe(*booking));
            r.keyboard = {{{b_.Text("yes"), "ok"}}, {{b_.Text("back"), "back"}}};
        }
    } else if (step == "human") {
        r.text = b_.Text("human_flagged");
        r.keyboard = {{{b_.Text("main_menu"), "menu"}}};
    } else {
        s.context = {{"step", "menu"}};
        r.text = b_.Text("menu");
        r.keyboard = {{{b_.Text("menu_book"), "book"}},
                      {{b_.Text("menu_mine"), "mine"}},
                      {{b_.Text("menu_human"), "human"}}};
    }
    return r;
}

}  // namespace bookbot::core
