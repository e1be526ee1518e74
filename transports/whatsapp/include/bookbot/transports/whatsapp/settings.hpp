#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bookbot/transports/http/client.hpp"
#include "bookbot/transports/platform/platform.hpp"
#include "bookbot/transports/whatsapp/graph_api.hpp"

namespace bookbot::transports::whatsapp {

// Where WhatsApp settings come from, shared by `serve` and `doctor`. The
// access token, app secret and verify token are read from the environment or
// files, never from the command line (where `ps` would show them), and are
// masked in every log line.
struct WhatsAppSettings {
    std::string access_token_file;  // --whatsapp-access-token-file
    std::string app_secret_file;    // --whatsapp-app-secret-file
    std::string phone_number_id;    // WHATSAPP_PHONE_NUMBER_ID
    std::string webhook_path = "/whatsapp/webhook";
    std::string graph_base_url = "https://graph.facebook.com";
    std::string graph_version = "v21.0";
    std::string list_button = "Choose";
    int timeout_seconds = 15;
    double send_rate = 20;  // messages/s overall (Cloud API allows 80 by default)
    double chat_rate = 1;   // messages/s to one customer; 131056 beyond bursts
    // "on": each message handled is marked read (the customer sees blue
    // ticks), by a Graph call off the webhook's answer path; "off": never.
    std::string mark_read = "on";

    // After ResolveWhatsAppSettings().
    std::string access_token;  // WHATSAPP_ACCESS_TOKEN or the file's first line
    std::string app_secret;    // WHATSAPP_APP_SECRET or the file's first line
    std::string verify_token;  // WHATSAPP_VERIFY_TOKEN

    // "On when its settings are present": a token and a phone number id.
    bool On() const { return !access_token.empty() && !phone_number_id.empty(); }
};

inline constexpr const char* kEnvAccessToken = "WHATSAPP_ACCESS_TOKEN";
inline constexpr const char* kEnvAppSecret = "WHATSAPP_APP_SECRET";
inline constexpr const char* kEnvVerifyToken = "WHATSAPP_VERIFY_TOKEN";

std::vector<Setting> SettingsFor(WhatsAppSettings& settings);

// Reads the secrets (environment, then files) and hands each to `secrets`.
// Throws std::invalid_argument, naming the setting and the fix, when
// WhatsApp is half configured (a token without a phone number id, an app
// secret or a verify token), the phone number id is not digits, or the
// webhook path does not start with '/'.
void ResolveWhatsAppSettings(WhatsAppSettings& settings, const SecretSink& secrets);

// A client and API for the settings (the client must outlive the API).
struct WhatsAppConnection {
    std::unique_ptr<http::Client> client;
    std::unique_ptr<GraphApi> api;
};
WhatsAppConnection ConnectWhatsApp(const WhatsAppSettings& settings);

}  // namespace bookbot::transports::whatsapp
