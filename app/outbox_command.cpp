// `bookbot outbox list` and `bookbot outbox retry`.

#include <memory>

#include "admin_commands.hpp"
#include "admin_support.hpp"
#include "bookbot/core/messages.hpp"

namespace bookbot::app {
namespace {

using core::OutboxMessage;
using core::OutboxStatus;

struct OutboxOptions : AdminOptions {
    bool dead = false;
    bool failed = false;
    std::int64_t limit = 100;
    std::int64_t id = 0;
};

// The reply's text; the raw body if it is not an encoded reply.
std::string BodyText(const std::string& body) {
    try {
        return core::DecodeReply(body).text;
    } catch (const std::invalid_argument&) {
        return body;
    }
}

nlohmann::json MessageJson(const OutboxMessage& m) {
    return {
        {"id", JsonId(m.id)},
        {"platform", m.platform},
        {"chat_id", m.chat_id},
        {"status", core::ToString(m.status)},
        {"attempts", m.attempts},
        {"next_attempt_at", FormatIsoUtc(m.next_attempt_at)},
        {"last_error", m.last_error},
        {"created_at", FormatIsoUtc(m.created_at)},
        {"sent_at", m.sent_at ? nlohmann::json(FormatIsoUtc(*m.sent_at)) : nullptr},
        {"platform_message_id",
         m.platform_message_id.empty() ? nlohmann::json() : nlohmann::json(m.platform_message_id)},
        {"delivery_status",
         m.delivery_status ? nlohmann::json(std::string(ToString(*m.delivery_status))) : nullptr},
        {"delivery_error", m.delivery_error},
        {"delivery_updated_at",
         m.delivery_updated_at ? nlohmann::json(FormatIsoUtc(*m.delivery_updated_at)) : nullptr},
        {"text", BodyText(m.body)},
        {"body", m.body}};
}

void PrintJsonList(const std::vector<OutboxMessage>& messages) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : messages) list.push_back(MessageJson(m));
    PrintJson(list, stdout);
}

// Sent, then reported undeliverable by the platform (WhatsApp's statuses[]
// "failed", e.g. 131047 outside the 24-hour window): the customer never got it.
void ListFailedDeliveries(const OutboxOptions& o) {
    auto store = OpenAdminStore(o.db);
    std::vector<OutboxMessage> messages;
    std::int64_t total = 0;
    store->Read([&](core::UnitOfWork& unit) {
        messages = unit.ListFailedDeliveries(o.limit);
        total = unit.CountFailedDeliveries();
    });
    if (o.json) return PrintJsonList(messages);
    TextTable table{
        {"ID", "SENT", "PLATFORM", "CHAT", "FAILED AT", "DELIVERY ERROR", "TEXT"}, {}, {}};
    for (const auto& m : messages) {
        table.rows.push_back({std::to_string(m.id), m.sent_at ? FormatIsoUtc(*m.sent_at) : "",
                              m.platform, m.chat_id,
                              m.delivery_updated_at ? FormatIsoUtc(*m.delivery_updated_at) : "",
                              m.delivery_error, BodyText(m.body)});
    }
    PrintTable(table, stdout);
    std::printf("%zu of %lld message(s) not delivered\n", messages.size(),
                static_cast<long long>(total));
}

void ListOutbox(const OutboxOptions& o) {
    if (o.failed) return ListFailedDeliveries(o);
    const OutboxStatus status = o.dead ? OutboxStatus::kDead : OutboxStatus::kPending;
    auto store = OpenAdminStore(o.db);
    std::vector<OutboxMessage> messages;
    std::int64_t total = 0;
    store->Read([&](core::UnitOfWork& unit) {
        messages = unit.ListOutbox(status, o.limit);
        total = unit.CountOutbox(status);
    });
    if (o.json) return PrintJsonList(messages);
    TextTable table{
        {"ID", "CREATED", "PLATFORM", "CHAT", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR", "TEXT"},
        {},
        {4}};
    for (const auto& m : messages) {
        table.rows.push_back({std::to_string(m.id), FormatIsoUtc(m.created_at), m.platform,
                              m.chat_id, std::to_string(m.attempts),
                              FormatIsoUtc(m.next_attempt_at), m.last_error, BodyText(m.body)});
    }
    PrintTable(table, stdout);
    std::printf("%zu of %lld %s message(s)\n", messages.size(), static_cast<long long>(total),
                std::string(core::ToString(status)).c_str());
}

void Retry(const OutboxOptions& o) {
    auto store = OpenAdminStore(o.db);
    bool requeued = false;
    store->Write([&](core::UnitOfWork& unit) {
        requeued = unit.RequeueDead(o.id, core::SystemClock().Now());
    });
    if (!requeued) throw CommandFailed("no dead outbox message with id " + std::to_string(o.id));
    Report(o, "outbox message " + std::to_string(o.id) + " is pending again (attempts reset)",
           {{"id", JsonId(o.id)}, {"status", "pending"}});
}

}  // namespace

void AddOutboxCommand(CLI::App& app) {
    auto o = std::make_shared<OutboxOptions>();
    CLI::App* group = AddCommandGroup(app, "outbox", "Replies waiting to be sent, or given up on.");

    CLI::App* list = AddAdminCommand(*group, "list", "Pending messages, oldest first.", *o);
    CLI::Option* dead = list->add_flag(
        "--dead", o->dead,
        "Show the dead messages instead: given up after retries, or refused by the platform "
        "(e.g. WhatsApp 131047, outside the 24-hour window)");
    list->add_flag("--failed", o->failed,
                   "Show the messages sent but reported undeliverable by the platform instead "
                   "(WhatsApp delivery status \"failed\"), newest first")
        ->excludes(dead);
    AddCountOption(*list, "--limit", o->limit, "Messages to show at most");
    list->callback([o] { ListOutbox(*o); });

    CLI::App* retry = AddAdminCommand(
        *group, "retry", "Send a dead message again: back to pending, attempts reset.", *o);
    AddIdArgument(*retry, o->id, "message", "outbox list --dead");
    retry->callback([o] { Retry(*o); });
}

}  // namespace bookbot::app
