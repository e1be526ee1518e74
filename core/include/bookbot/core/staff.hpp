#pragma once

// The business side in chats: staff notifications, the staff router (staff
// commands and the hand-off relay) and the daily agenda. Everything here runs
// inside a unit of work the caller owns, so a notification or a relayed
// message commits (dedupe, history, outbox) together with what caused it.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bookbot/core/business.hpp"
#include "bookbot/core/messages.hpp"
#include "bookbot/core/store.hpp"

namespace bookbot::core {

// (platform, chat id) of every staff chat: configured, then enrolled, once each.
std::vector<std::pair<std::string, std::string>> StaffChats(const Business& business,
                                                            UnitOfWork& unit);

// Queues `reply` to every staff chat. Its buttons go out as given (staff
// buttons carry no session version). Returns how many chats (0: no staff).
std::size_t NotifyStaff(const Business& business, UnitOfWork& unit, const Reply& reply,
                        TimePoint now);

// How staff messages name a customer: the display name, else "platform user id".
std::string CustomerLabel(const SessionKey& key, const std::string& display_name);

// Tells the staff that `flag_id` asks for a person, with the last messages and
// Reply / Done buttons.
void NotifyHandOff(const Business& business, UnitOfWork& unit, std::int64_t flag_id,
                   const SessionKey& key, const std::string& customer, TimePoint now);

// Tells the staff chats what a customer wrote while their hand-off `flag_id`
// is open, with Reply / Done buttons. Run by the flows where an open hand-off
// makes the bot keep quiet, inside the customer's normal step (which keeps
// their session and history).
void ForwardToStaff(const Business& business, UnitOfWork& unit, std::int64_t flag_id,
                    const std::string& customer, const std::string& text, TimePoint now);

// Which chats are staff, asked for every update. The configured chats are
// in memory; the enrolled ones (UnitOfWork::ListStaffChats) are read at most
// once per kRefresh of the caller's clock, within the caller's unit, so an
// ordinary customer update pays no query for it. A chat enrolled by "/link"
// through this directory's engine is staff from its next update on (the
// engine calls Invalidate after that unit commits); one enrolled or removed
// elsewhere (another instance, `bookbot staff remove`) within kRefresh.
// Thread-safe.
class StaffDirectory {
public:
    static constexpr Millis kRefresh{5000};

    bool IsStaff(const Business& business, UnitOfWork& unit, const std::string& platform,
                 const std::string& chat_id, TimePoint now);
    // The enrolled chats changed: the next question reads them again, and a
    // read already under way is not kept.
    void Invalidate();

private:
    std::mutex mutex_;
    std::set<std::pair<std::string, std::string>> enrolled_;  // (platform, chat id)
    std::optional<TimePoint> loaded_at_;                      // none: read on next use
    std::uint64_t generation_ = 0;                            // bumped by Invalidate
};

// "/link CODE": a chat enrolling as staff (it may change the enrolled chats).
bool IsStaffLink(const Inbound& in);

// The staff router, run by the engine right after the dedupe and before the
// customer flows. Handles, and returns what it queued for:
// - "/link CODE" from any chat (enrolment with a code from `bookbot staff link`);
// - anything from a staff chat (staff commands, Reply / Done, relayed replies).
// nullopt: not staff traffic; the customer flows handle it (a customer's text
// during an open hand-off included: see ForwardToStaff).
std::optional<std::vector<Reply>> RouteStaffTraffic(const Business& business,
                                                    StaffDirectory& directory, UnitOfWork& unit,
                                                    const Inbound& in, TimePoint now);

// The agenda of one local day, as staff commands and the daily agenda show it.
Reply AgendaReply(const Business& business, UnitOfWork& unit, LocalDate day, TimePoint now);

// What SendDailyAgendaIfDue found.
enum class AgendaOutcome {
    kNotDue,       // no agenda time configured, or today's is still ahead
    kNoStaff,      // due, but there is no staff chat to send it to
    kAlreadySent,  // due, and this or another instance sent today's already
    kSent,         // this call sent today's agenda
};

std::string_view ToString(AgendaOutcome outcome);

// Sends today's agenda to the staff chats once per local day, if
// business.staff.agenda_minute is set, there is a staff chat, and the local
// time at `now` is past it. "Once" is a dedupe record ("staff", "agenda:DATE")
// written in the same unit as the messages, so of several instances, or a
// restart, only the first sends it. Only today is ever considered: a bot
// started after midnight does not send yesterday's.
AgendaOutcome SendDailyAgendaIfDue(Store& store, const Business& business, TimePoint now);

}  // namespace bookbot::core
