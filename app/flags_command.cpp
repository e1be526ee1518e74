// `bookbot flags list` and `bookbot flags resolve`.

#include <memory>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "bookbot/core/operator_actions.hpp"
#include "config.hpp"

namespace bookbot::app {
namespace {

using core::HumanFlag;

struct FlagsOptions : AdminOptions {
    std::int64_t limit = 100;
    std::int64_t messages = 5;
    std::int64_t id = 0;
    std::string reply;
};

struct FlagWithMessages {
    HumanFlag flag;
    std::vector<core::ConversationMessage> messages;
};

nlohmann::json FlagJson(const FlagWithMessages& f) {
    return {{"id", JsonId(f.flag.id)},
            {"platform", f.flag.key.platform},
            {"user_id", f.flag.key.user_id},
            {"chat_id", f.flag.chat_id},
            {"reason", f.flag.reason},
            {"created_at", FormatIsoUtc(f.flag.created_at)},
            {"messages", MessagesJson(f.messages)}};
}

void ListFlags(const FlagsOptions& o) {
    auto store = OpenAdminStore(o.db);
    std::vector<FlagWithMessages> flags;
    store->Read([&](core::UnitOfWork& unit) {
        for (HumanFlag& flag : unit.ListOpenFlags(o.limit)) {
            auto messages = unit.RecentMessages(flag.key, o.messages);
            flags.push_back({std::move(flag), std::move(messages)});
        }
    });
    if (o.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& f : flags) list.push_back(FlagJson(f));
        PrintJson(list, stdout);
        return;
    }
    TextTable table{{"ID", "SINCE", "CONVERSATION", "CHAT", "REASON"}, {}, {}};
    for (const auto& f : flags) {
        table.rows.push_back({std::to_string(f.flag.id), FormatIsoUtc(f.flag.created_at),
                              f.flag.key.platform + "/" + f.flag.key.user_id, f.flag.chat_id,
                              f.flag.reason});
    }
    PrintTable(table, stdout);
    std::printf("%zu open flag(s)\n", flags.size());
    for (const auto& f : flags) {
        std::printf("\nlast messages of flag %lld (%s/%s):\n", static_cast<long long>(f.flag.id),
                    f.flag.key.platform.c_str(), f.flag.key.user_id.c_str());
        PrintTable(MessagesTable(f.messages), stdout);
    }
}

void ResolveFlag(const FlagsOptions& o) {
    const core::Business business = LoadBusinessOrDemo(o.config);
    auto store = OpenAdminStore(o.db);
    const core::SystemClock clock;
    const auto result = core::OperatorActions(*store, business, clock).ResolveFlag(o.id, o.reply);
    using Outcome = core::OperatorActions::Outcome;
    if (result.outcome == Outcome::kNotFound) {
        throw CommandFailed("no flag with id " + std::to_string(o.id));
    }
    if (result.outcome == Outcome::kAlreadyDone) {
        throw CommandFailed("flag " + std::to_string(o.id) + " is already resolved");
    }
    const HumanFlag& flag = *result.found;
    std::string text = "resolved flag " + std::to_string(flag.id) + " (" + flag.key.platform + "/" +
                       flag.key.user_id + ")";
    if (!o.reply.empty()) text += "; reply sent to chat " + flag.chat_id;
    if (result.back_to_menu) text += "; the conversation is back at the main menu";
    Report(o, text,
           {{"id", JsonId(flag.id)},
            {"platform", flag.key.platform},
            {"user_id", flag.key.user_id},
            {"chat_id", flag.chat_id},
            {"reply_sent", !o.reply.empty()},
            {"back_to_menu", result.back_to_menu}});
}

}  // namespace

void AddFlagsCommand(CLI::App& app) {
    auto o = std::make_shared<FlagsOptions>();
    CLI::App* group = AddCommandGroup(
        app, "flags", "Conversations handed over to a person (\"Talk to a person\").");

    CLI::App* list = AddAdminCommand(*group, "list",
                                     "Open flags, oldest first, with the "
                                     "conversation's last messages.",
                                     *o);
    AddCountOption(*list, "--limit", o->limit, "Flags to show at most");
    AddCountOption(*list, "--messages", o->messages, "Last messages to show per flag");
    list->callback([o] { ListFlags(*o); });

    CLI::App* resolve = AddBusinessCommand(
        *group, "resolve",
        "Resolve an open flag: the bot answers the conversation again. With --reply, the text "
        "goes to the user (and into the history) first.",
        *o);
    AddIdArgument(*resolve, o->id, "flag", "flags list");
    resolve->add_option("--reply", o->reply, "A message to send to the user");
    resolve->callback([o] { ResolveFlag(*o); });
}

}  // namespace bookbot::app
