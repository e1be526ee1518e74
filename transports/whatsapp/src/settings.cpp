#include "bookbot/transports/whatsapp/settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace bookbot::transports::whatsapp {
namespace {

// The environment variable `env`, else the first line of `file` (when set),
// else empty.
std::string ReadSecret(const char* env, const std::string& file, const std::string& what) {
    if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
    if (file.empty()) return {};
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line) || line.empty()) {
        throw std::invalid_argument("cannot read the " + what + " from " + file +
                                    ": the file must exist and hold it on its first line");
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

}  // namespace

std::vector<Setting> SettingsFor(WhatsAppSettings& s) {
    std::vector<Setting> list;
    list.push_back({.flag = "--whatsapp-access-token-file",
                    .env = "WHATSAPP_ACCESS_TOKEN_FILE",
                    .help = "File whose first line is the WhatsApp Cloud API access token (else "
                            "the environment variable WHATSAPP_ACCESS_TOKEN)",
                    .value = &s.access_token_file,
                    .show_default = false});
    list.push_back({.flag = "--whatsapp-app-secret-file",
                    .env = "WHATSAPP_APP_SECRET_FILE",
                    .help = "File whose first line is the Meta app secret that signs webhooks "
                            "(else the environment variable WHATSAPP_APP_SECRET)",
                    .value = &s.app_secret_file,
                    .show_default = false});
    list.push_back({.flag = "--whatsapp-phone-number-id",
                    .env = "WHATSAPP_PHONE_NUMBER_ID",
                    .help = "The business phone number id (digits, from the app's WhatsApp "
                            "API Setup page)",
                    .value = &s.phone_number_id,
                    .show_default = false});
    list.push_back({.flag = "--whatsapp-webhook-path",
                    .env = "BOOKBOT_WHATSAPP_WEBHOOK_PATH",
                    .help = "Path WhatsApp calls (GET verification, POST messages)",
                    .value = &s.webhook_path});
    list.push_back({.flag = "--whatsapp-graph-api",
                    .env = "WHATSAPP_GRAPH_API_BASE_URL",
                    .help = "Graph API base URL (a fake in tests; plain http only for loopback)",
                    .value = &s.graph_base_url});
    list.push_back({.flag = "--whatsapp-graph-version",
                    .env = "WHATSAPP_GRAPH_API_VERSION",
                    .help = "Graph API version",
                    .value = &s.graph_version});
    list.push_back({.flag = "--whatsapp-list-button",
                    .env = "BOOKBOT_WHATSAPP_LIST_BUTTON",
                    .help = "Label of the button that opens a list of choices (up to 20 "
                            "characters)",
                    .value = &s.list_button});
    list.push_back({.flag = "--whatsapp-timeout",
                    .env = "BOOKBOT_WHATSAPP_TIMEOUT",
                    .help = "Seconds one Graph API call may take before it counts as failed",
                    .value = &s.timeout_seconds,
                    .min = 1,
                    .max = 300});
    list.push_back({.flag = "--whatsapp-send-rate",
                    .env = "BOOKBOT_WHATSAPP_SEND_RATE",
                    .help = "WhatsApp messages per second overall; 0: unpaced",
                    .value = &s.send_rate,
                    .min = 0,
                    .max = 100000});
    list.push_back({.flag = "--whatsapp-chat-rate",
                    .env = "BOOKBOT_WHATSAPP_CHAT_RATE",
                    .help = "WhatsApp messages per second to one customer; 0: unpaced",
                    .value = &s.chat_rate,
                    .min = 0,
                    .max = 1000});
    list.push_back({.flag = "--whatsapp-mark-read",
                    .env = "BOOKBOT_WHATSAPP_MARK_READ",
                    .help = "Mark each message handled as read (blue ticks), in the background",
                    .value = &s.mark_read,
                    .choices = {"on", "off"}});
    return list;
}

void ResolveWhatsAppSettings(WhatsAppSettings& s, const SecretSink& secrets) {
    s.access_token = ReadSecret(kEnvAccessToken, s.access_token_file, "WhatsApp access token");
    s.app_secret = ReadSecret(kEnvAppSecret, s.app_secret_file, "WhatsApp app secret");
    if (const char* token = std::getenv(kEnvVerifyToken); token != nullptr) s.verify_token = token;
    for (const std::string* secret : {&s.access_token, &s.app_secret, &s.verify_token}) {
        if (!secret->empty()) secrets(*secret);
    }
    if (s.access_token.empty() && s.phone_number_id.empty()) return;  // off
    if (s.access_token.empty()) {
        throw std::invalid_argument(
            "WHATSAPP_PHONE_NUMBER_ID is set but no access token: set WHATSAPP_ACCESS_TOKEN or "
            "--whatsapp-access-token-file FILE (a system user token of the Meta app)");
    }
    const bool digits = std::all_of(s.phone_number_id.begin(), s.phone_number_id.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (s.phone_number_id.empty() || !digits) {
        throw std::invalid_argument(
            "WHATSAPP_PHONE_NUMBER_ID must be the phone number id (digits) from the app's "
            "WhatsApp API Setup page");
    }
    if (s.app_secret.empty()) {
        throw std::invalid_argument(
            "no WhatsApp app secret: set WHATSAPP_APP_SECRET or --whatsapp-app-secret-file "
            "FILE (App settings > Basic > App secret); webhooks are refused without it");
    }
    if (s.verify_token.empty()) {
        throw std::invalid_argument(
            "no WHATSAPP_VERIFY_TOKEN: choose one (e.g. openssl rand -hex 16) and enter the same "
            "in the app's webhook configuration");
    }
    if (s.webhook_path.rfind('/', 0) != 0) {
        throw std::invalid_argument("--whatsapp-webhook-path '" + s.webhook_path +
                                    "' must start with / (e.g. /whatsapp/webhook)");
    }
}

WhatsAppConnection ConnectWhatsApp(const WhatsAppSettings& s) {
    http::ClientOptions options;
    options.request_timeout = std::chrono::seconds(s.timeout_seconds);
    WhatsAppConnection connection;
    connection.client =
        std::make_unique<http::Client>(s.graph_base_url, ClientOptionsFor(s.access_token, options));
    GraphSettings graph;
    graph.access_token = s.access_token;
    graph.phone_number_id = s.phone_number_id;
    graph.version = s.graph_version;
    graph.message_options.list_button = s.list_button;
    connection.api = std::make_unique<GraphApi>(*connection.client, std::move(graph));
    return connection;
}

}  // namespace bookbot::transports::whatsapp
