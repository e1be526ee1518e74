// `bookbot sessions show` and `bookbot sessions sweep`.

#include <limits>
#include <memory>

#include "admin_commands.hpp"
#include "admin_support.hpp"

namespace bookbot::app {
namespace {

using core::Session;

struct SessionsOptions : AdminOptions {
    std::string platform;
    std::string user;
    std::int64_t messages = 10;
};

nlohmann::json SessionJson(const Session& s, bool expired,
                           const std::vector<core::ConversationMessage>& messages) {
    const auto step = s.context.find("step");
    return {{"platform", s.key.platform},
            {"user_id", s.key.user_id},
            {"chat_id", s.chat_id},
            {"step", step == s.context.end() ? "" : step->second},
            {"context", s.context},
            {"step_history", s.step_history},
            {"version", s.version},
            {"created_at", FormatIsoUtc(s.created_at)},
            {"last_activity_at", FormatIsoUtc(s.last_activity_at)},
            {"expires_at", FormatIsoUtc(s.expires_at)},
            {"expired", expired},
            {"messages", MessagesJson(messages)}};
}

void ShowSession(const SessionsOptions& o) {
    auto store = OpenAdminStore(o.db);
    const core::SessionKey key{o.platform, o.user};
    const core::TimePoint now = core::SystemClock().Now();
    std::optional<Session> session;
    std::vector<core::ConversationMessage> messages;
    store->Read([&](core::UnitOfWork& unit) {
        // Read as of the earliest instant, so an expired session (which the
        // bot would treat as absent) is shown too.
        session = unit.LoadSession(key, core::TimePoint::min()).session;
        messages = unit.RecentMessages(key, o.messages);
    });
    if (!session) throw CommandFailed("no session for " + o.platform + "/" + o.user);
    const bool expired = session->expires_at <= now;
    const nlohmann::json json = SessionJson(*session, expired, messages);
    if (o.json) {
        PrintJson(json, stdout);
        return;
    }
    TextTable table{{"FIELD", "VALUE"}, {}, {}};
    for (const char* field : {"platform", "user_id", "chat_id", "step", "version", "created_at",
                              "last_activity_at", "expires_at"}) {
        const nlohmann::json& value = json.at(field);
        table.rows.push_back({field, value.is_string() ? value.get<std::string>() : value.dump()});
    }
    table.rows.back()[1] += expired ? " (expired: the bot starts afresh)" : "";
    table.rows.push_back({"context", json.at("context").dump()});
    table.rows.push_back({"step_history", json.at("step_history").dump()});
    PrintTable(table, stdout);
    std::printf("\nlast %zu message(s):\n", messages.size());
    PrintTable(MessagesTable(messages), stdout);
}

void Sweep(const SessionsOptions& o) {
    auto store = OpenAdminStore(o.db);
    const std::int64_t deleted = core::SweepExpiredSessions(*store, core::SystemClock().Now());
    Report(o, "deleted " + std::to_string(deleted) + " expired session(s)", {{"deleted", deleted}});
}

}  // namespace

void AddSessionsCommand(CLI::App& app) {
    auto o = std::make_shared<SessionsOptions>();
    CLI::App* group = AddCommandGroup(app, "sessions", "Conversation state.");

    CLI::App* show = AddAdminCommand(
        *group, "show",
        "One conversation's state: step, context, step history, version, expiry and the last "
        "messages.",
        *o);
    show->add_option("PLATFORM", o->platform, "telegram, whatsapp or console")->required();
    show->add_option("USER", o->user, "The platform's user id")->required();
    AddCountOption(*show, "--messages", o->messages, "Last messages to show");
    show->callback([o] { ShowSession(*o); });

    CLI::App* sweep =
        AddAdminCommand(*group, "sweep", "Delete expired sessions (in small batches).", *o);
    sweep->callback([o] { Sweep(*o); });
}

}  // namespace bookbot::app
