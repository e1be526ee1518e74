#pragma once

// The business side in chats: staff notifications, the staff router (staff
// commands and the hand-off relay) and the daily agenda. Everything here runs
// inside a unit of work the caller owns, so a notification or a relayed
// message commits (dedupe, history, outbox) together with what caused it.

#include <cstddef>
#include <optional>
#include <string>
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

// The staff router, run by the engine right after the dedupe and before the
// customer flows. Handles, and returns what it queued for:
// - "/link CODE" from any chat (enrolment with a code from `bookbot staff link`);
// - anything from a staff chat (staff commands, Reply / Done, relayed replies);
// - a customer's text while their hand-off is open (kept in their history and
//   forwarded to the staff; "/start" and "/menu" still reach the flows).
// nullopt: not staff traffic; the customer flows handle it.
std::optional<std::vector<Reply>> RouteStaffTraffic(const Business& business, UnitOfWork& unit,
                                                    const Inbound& in, TimePoint now);

// The agenda of one local day, as staff commands and the daily agenda show it.
Reply AgendaReply(const Business& business, UnitOfWork& unit, LocalDate day, TimePoint now);

// Sends today's agenda to the staff chats once per local day, if
// business.staff.agenda_minute is set, there is a staff chat, and the local
// time at `now` is past it. "Once" is a dedupe record ("staff", "agenda:DATE")
// written in the same unit as the messages, so of several instances, or a
// restart, only the first sends it. Only today is ever considered: a bot
// started after midnight does not send yesterday's. Returns true iff this
// call sent it.
bool SendDailyAgendaIfDue(Store& store, const Business& business, TimePoint now);

}  // namespace bookbot::core
