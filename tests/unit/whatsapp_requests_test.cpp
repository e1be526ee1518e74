#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "bookbot/transports/whatsapp/requests.hpp"

namespace bookbot::transports::whatsapp {
namespace {

using core::Button;
using core::Reply;
using nlohmann::json;

Reply WithButtons(std::string text, std::vector<std::vector<Button>> keyboard) {
    Reply reply = Reply::Plain(std::move(text));
    reply.keyboard = std::move(keyboard);
    return reply;
}

std::vector<Button> Numbered(int count, const std::string& label_prefix = "Choice ") {
    std::vector<Button> buttons;
    for (int i = 0; i < count; ++i) {
        buttons.push_back({label_prefix + std::to_string(i),
                           label_prefix.substr(0, 1) + ":" + std::to_string(i)});
    }
    return buttons;
}

TEST_CASE("a reply without buttons is a text message to the customer") {
    const json body = json::parse(MessageBody("16505551234", Reply::Plain("Booked: Mon 09:00")));
    CHECK(body["messaging_product"] == "whatsapp");
    CHECK(body["to"] == "16505551234");
    CHECK(body["type"] == "text");
    CHECK(body["text"]["body"] == "Booked: Mon 09:00");
    CHECK(body["text"]["preview_url"] == false);
}

TEST_CASE("text is cut to 4096 characters on a character boundary") {
    std::string text;
    for (int i = 0; i < 5000; ++i) text += "é";
    const json body = json::parse(MessageBody("1", Reply::Plain(text)));
    const std::string sent = body["text"]["body"];
    CHECK(CharCount(sent) == kMaxText);
    CHECK(sent.substr(sent.size() - 3) == "…");
    CHECK(json::parse(MessageBody("1", Reply::Plain("  ")))["text"]["body"] == "…");
}

TEST_CASE("a reply with a template is that template, its buttons quick replies") {
    Reply reply = WithButtons("Reminder: Haircut on Wed 04.03. at 10:00.",
                              {{{"See you then", "rm:ok:7"}}, {{"Reschedule", "rm:rs:7"}}});
    reply.template_message = {"booking_reminder", "de", {"Haircut", "Wed 04.03.", "10:00"}};
    const json body = json::parse(MessageBody("49151", reply));
    CHECK(body["to"] == "49151");
    CHECK(body["type"] == "template");
    const json& t = body["template"];
    CHECK(t["name"] == "booking_reminder");
    CHECK(t["language"]["code"] == "de");
    REQUIRE(t["components"].size() == 3);
    CHECK(t["components"][0]["type"] == "body");
    CHECK(t["components"][0]["parameters"][1] == json{{"type", "text"}, {"text", "Wed 04.03."}});
    CHECK(t["components"][2]["sub_type"] == "quick_reply");
    CHECK(t["components"][2]["index"] == "1");
    CHECK(t["components"][2]["parameters"][0]["payload"] == "rm:rs:7");
    // Round trip through the outbox keeps the template.
    CHECK(bookbot::core::DecodeReply(bookbot::core::EncodeReply(reply)) == reply);
}

TEST_CASE("up to three short choices are reply buttons") {
    const Reply reply =
        WithButtons("Confirm?", {{{"Yes", "ok"}}, {{"Back", "back"}, {"Cancel", "cancel"}}});
    const json body = json::parse(MessageBody("1", reply));
    CHECK(body["type"] == "interactive");
    CHECK(body["interactive"]["type"] == "button");
    CHECK(body["interactive"]["body"]["text"] == "Confirm?");
    const json& buttons = body["interactive"]["action"]["buttons"];
    REQUIRE(buttons.size() == 3);
    CHECK(buttons[0]["type"] == "reply");
    CHECK(buttons[0]["reply"]["id"] == "ok");
    CHECK(buttons[0]["reply"]["title"] == "Yes");
    CHECK(buttons[2]["reply"]["id"] == "cancel");
}

TEST_CASE("four to ten choices are one list, in keyboard order") {
    Reply reply = WithButtons("Pick a time", {Numbered(3), Numbered(3, "Other "), {}});
    reply.keyboard[1] = {{"Previous", "pg:0"}, {"Next", "pg:2"}};
    reply.keyboard[2] = {{"Back", "back"}, {"Cancel", "cancel"}};
    const json body = json::parse(MessageBody("1", reply, {"Options"}));
    CHECK(body["interactive"]["type"] == "list");
    CHECK(body["interactive"]["action"]["button"] == "Options");
    const json& rows = body["interactive"]["action"]["sections"][0]["rows"];
    REQUIRE(rows.size() == 7);
    CHECK(rows[0]["id"] == "C:0");
    CHECK(rows[3]["id"] == "pg:0");
    CHECK(rows[6]["id"] == "cancel");
    CHECK_FALSE(rows[0].contains("description"));

    const json ten = json::parse(MessageBody("1", WithButtons("x", {Numbered(10)})));
    CHECK(ten["interactive"]["action"]["sections"][0]["rows"].size() == 10);
}

TEST_CASE("more than ten choices are refused, never dropped") {
    CHECK_THROWS_AS(MessageBody("1", WithButtons("x", {Numbered(6), Numbered(5, "More ")})),
                    std::length_error);
}

TEST_CASE("long labels are shortened and kept whole in the description") {
    const std::string label = "Haircut and beard trim · 45 min · 30 EUR";  // 40 characters
    const Reply reply = WithButtons("Pick a service", {{{label, "svc:cut"}}, {{"Back", "back"}}});
    const json body = json::parse(MessageBody("1", reply));
    // A reply button has no description, so a label over 20 makes it a list.
    CHECK(body["interactive"]["type"] == "list");
    const json& row = body["interactive"]["action"]["sections"][0]["rows"][0];
    const std::string title = row["title"];
    CHECK(CharCount(title) == kMaxRowTitle);
    CHECK(title == "Haircut and beard trim …");
    CHECK(row["description"] == label);

    std::string very_long;
    for (int i = 0; i < 100; ++i) very_long += "ü";
    const json cut = json::parse(MessageBody("1", WithButtons("x", {{{very_long, "v"}}})));
    const json& cut_row = cut["interactive"]["action"]["sections"][0]["rows"][0];
    CHECK(CharCount(cut_row["title"].get<std::string>()) == kMaxRowTitle);
    CHECK(CharCount(cut_row["description"].get<std::string>()) == kMaxRowDescription);
}

TEST_CASE("the interactive body is cut to 1024 characters") {
    const json body =
        json::parse(MessageBody("1", WithButtons(std::string(3000, 'a'), {{{"Yes", "ok"}}})));
    CHECK(CharCount(body["interactive"]["body"]["text"].get<std::string>()) == kMaxInteractiveBody);
}

TEST_CASE("choice ids must be 1-256 bytes of UTF-8, each once") {
    CHECK_NOTHROW(MessageBody("1", WithButtons("x", {{{"a", std::string(256, 'i')}}})));
    CHECK_THROWS_AS(MessageBody("1", WithButtons("x", {{{"a", std::string(257, 'i')}}})),
                    std::length_error);
    CHECK_THROWS_AS(MessageBody("1", WithButtons("x", {{{"a", ""}}})), std::length_error);
    CHECK_THROWS_AS(MessageBody("1", WithButtons("x", {{{"a", "\xff"}}})), std::invalid_argument);
    CHECK_THROWS_AS(MessageBody("1", WithButtons("x", {{{"a", "same"}, {"b", "same"}}})),
                    std::invalid_argument);
}

TEST_CASE("an edit is sent as a new message") {
    Reply reply = Reply::Plain("Updated");
    reply.edit_message_id = "wamid.OLD";
    const json body = json::parse(MessageBody("1", reply));
    CHECK(body["type"] == "text");
    CHECK_FALSE(body.dump().find("wamid.OLD") != std::string::npos);
}

TEST_CASE("mark read names the message") {
    const json body = json::parse(MarkReadBody("wamid.X"));
    CHECK(body["status"] == "read");
    CHECK(body["message_id"] == "wamid.X");
}

}  // namespace
}  // namespace bookbot::transports::whatsapp
