// A platform that limits the buttons of one reply (WhatsApp: 10 rows in a
// list) gets shorter pages, never fewer choices.
#include <set>

#include "flow_driver.hpp"

namespace bookbot::testing {
namespace {

using Labels = std::vector<std::string>;

std::size_t Buttons(const ChatUser& user) { return user.Labels().size(); }

// Every label of a paged list, following "Next »" to the last page; checks
// that no page has more than `limit` buttons.
std::set<std::string> AllPages(ChatUser& user, std::size_t limit) {
    std::set<std::string> seen;
    for (int page = 0; page < 20; ++page) {
        CHECK(Buttons(user) <= limit);
        for (const std::string& label : user.Labels()) seen.insert(label);
        if (!user.HasButton("Next »")) break;
        user.Press("Next »");
    }
    for (const char* nav : {"Next »", "« Previous", "« Back", "Cancel"}) seen.erase(nav);
    return seen;
}

TEST_CASE("a platform's button limit pages every list to it", "[flows][paging][limits]") {
    core::Business shop = OneChairShop();
    shop.services.clear();
    for (int i = 1; i <= 14; ++i) {
        shop.services.push_back({"s" + std::to_string(i), "Service " + std::to_string(i),
                                 std::chrono::minutes(30), ""});
    }
    shop.max_choices["telegram"] = 10;
    shop.max_choices["elsewhere"] = 3;  // another platform's limit changes nothing here
    Bot bot(shop);
    ChatUser alice(bot, "alice");
    alice.Say("/start");
    alice.Press("Book an appointment");
    CHECK(AllPages(alice, 10).size() == 14);

    alice.Say("/start");
    alice.Press("Book an appointment");
    alice.Press("Service 1");
    // Twelve open days, six to a page (6 + previous, next, back, cancel = 10).
    CHECK(Buttons(alice) == 6 + 1 + 2);
    CHECK(AllPages(alice, 10).size() == 12);
    alice.Press("« Previous");
    alice.Press("Tue 03.03.");
    // All 30 times of the day, in pages of six.
    CHECK(Buttons(alice) == 6 + 1 + 2);
    const auto times = AllPages(alice, 10);
    CHECK(times.size() == 30);
    CHECK(times.count("09:00") == 1);
    CHECK(times.count("17:30") == 1);
    alice.Press("17:30");
    CHECK(alice.Screen() == "Book Service 1 on Tue 03.03. at 17:30?");
}

}  // namespace
}  // namespace bookbot::testing
