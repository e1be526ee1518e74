#include "engine_fill.hpp"

namespace bookbot::testing {
namespace {

using core::SessionKey;

std::string Id(const SessionKey& user) { return user.platform + "/" + user.user_id; }

// The action of a stamped payload ("<version>|<action>").
std::string ActionOf(const std::string& payload) {
    const auto bar = payload.find('|');
    return bar == std::string::npos ? payload : payload.substr(bar + 1);
}

SessionKey UserNumber(int i) {
    if (i % 2 == 0) return {"telegram", std::to_string(5000000000000LL + i)};
    return {"whatsapp", "+4917" + std::to_string(10000000 + i)};
}

void Book(ChatDriver& chat, const SessionKey& user, FillSummary& summary) {
    if (chat.Press(user, "book") && chat.Press(user, "svc:") && chat.Press(user, "day:") &&
        chat.Press(user, "slot:") && chat.Press(user, "ok")) {
        ++summary.bookings;
    }
}

void BookAndCancel(ChatDriver& chat, const SessionKey& user, FillSummary& summary) {
    Book(chat, user, summary);
    if (chat.Press(user, "mine") && chat.Press(user, "bk:") && chat.Press(user, "cx") &&
        chat.Press(user, "ok")) {
        ++summary.cancelled;
    }
}

// What a dispatcher would have done to the outbox by now.
void WorkOutbox(core::Store& store, core::TimePoint now) {
    store.Write([&](core::UnitOfWork& u) {
        for (const std::string platform : {"telegram", "whatsapp"}) {
            const auto claimed =
                u.ClaimOutbox("worker-1", platform, now, std::chrono::seconds(30), 100000);
            for (std::size_t i = 0; i < claimed.size(); ++i) {
                if (i % 17 == 0) {
                    u.MarkDead(claimed[i].id, "worker-1", "HTTP 403: bot was blocked by the user");
                } else if (i % 5 == 0) {
                    u.MarkRetry(claimed[i].id, "worker-1", now + std::chrono::seconds(7),
                                "HTTP 429: retry after 7");
                } else if (i % 3 != 0) {
                    u.MarkSent(claimed[i].id, "worker-1", now);
                }  // the rest stay claimed, with a lease
            }
        }
        u.PutTransportState("telegram.offset", std::to_string((std::int64_t{1} << 60) + 7), now);
        u.PutTransportState("whatsapp.cursor", "{\"after\":\"QVFIUm…\",\"ts\":1772366400}", now);
    });
}

}  // namespace

core::HandleResult ChatDriver::Send(const SessionKey& user, core::Inbound::Kind kind,
                                    const std::string& payload) {
    core::Inbound in;
    in.platform = user.platform;
    in.external_id = user.platform == "telegram" ? std::to_string(next_update_++)
                                                 : "wamid.HBgM" + std::to_string(next_update_++);
    in.user_id = user.user_id;
    in.chat_id = user.user_id;
    in.kind = kind;
    in.payload = payload;
    in.at = clock_.Now();
    core::HandleResult result = engine_.Handle(in);
    last_[Id(user)] = result.replies;
    return result;
}

core::HandleResult ChatDriver::Text(const SessionKey& user, const std::string& text) {
    return Send(user, core::Inbound::Kind::kText, text);
}

bool ChatDriver::Press(const SessionKey& user, const std::string& prefix) {
    for (const core::Reply& reply : last_[Id(user)]) {
        for (const auto& row : reply.keyboard) {
            for (const core::Button& button : row) {
                if (ActionOf(button.payload).starts_with(prefix)) {
                    Send(user, core::Inbound::Kind::kButton, button.payload);
                    return true;
                }
            }
        }
    }
    return false;
}

std::string ChatDriver::LastText(const SessionKey& user) const {
    std::string text;
    const auto it = last_.find(Id(user));
    if (it == last_.end()) return text;
    for (const core::Reply& reply : it->second) text += reply.text + "\n";
    return text;
}

core::Business RoomyBusiness() {
    core::Business b = core::DemoBusiness();
    for (auto& day : b.rules.weekly_hours) day = {{8 * 60, 20 * 60}};
    b.rules.resources = 10;
    b.rules.minimum_notice = std::chrono::minutes(0);
    b.change_cutoff = std::chrono::minutes(0);
    return b;
}

FillSummary FillThroughEngine(core::Store& store, int users, core::TimePoint start) {
    const core::Business business = RoomyBusiness();
    ManualClock clock(start);
    ChatDriver chat(store, business, clock);
    FillSummary summary;
    for (int i = 0; i < users; ++i) {
        clock.Advance(std::chrono::seconds(1));
        const SessionKey user = UserNumber(i);
        chat.Text(user, "/start");
        switch (i % 10) {
            case 0:
                BookAndCancel(chat, user, summary);
                break;
            case 3:
            case 6:
                Book(chat, user, summary);
                break;
            case 1:
            case 8:
                chat.Press(user, "human");
                chat.Text(user, "Ich brauche Hilfe 🙏 — пожалуйста, 今日");
                ++summary.flags;
                break;
            case 2:
            case 5:
                chat.Text(user, "Grüße aus Köln 👋 \"quoted\" {\"json\": [1, 2]} \\ tab\tend");
                break;
            case 4:
                chat.Press(user, "book");
                chat.Press(user, "svc:");  // left at the day list, with steps to go back to
                break;
            default:
                chat.Text(user, "/help");
                break;
        }
    }
    WorkOutbox(store, clock.Now());
    return summary;
}

}  // namespace bookbot::testing
