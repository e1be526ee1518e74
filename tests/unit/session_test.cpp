#include "bookbot/core/session.hpp"

#include <catch2/catch.hpp>

namespace bookbot::core {
namespace {

TEST_CASE("back returns to the previous step with its choices", "[session]") {
    Session s;
    s.context = {{"step", "service"}};
    s.PushStep();
    s.context = {{"step", "day"}, {"service", "cut"}};
    s.PushStep();
    s.context = {{"step", "time"}, {"service", "cut"}, {"day", "2026-03-02"}};

    REQUIRE(s.PopStep());
    CHECK(s.context == Context{{"step", "day"}, {"service", "cut"}});
    REQUIRE(s.PopStep());
    CHECK(s.context == Context{{"step", "service"}});
    CHECK_FALSE(s.PopStep());
    CHECK(s.context == Context{{"step", "service"}});
}

TEST_CASE("the step history is bounded, dropping the oldest steps", "[session]") {
    Session s;
    for (std::size_t i = 0; i < Session::kMaxStepHistory + 5; ++i) {
        s.context = {{"step", std::to_string(i)}};
        s.PushStep();
    }
    CHECK(s.step_history.size() == Session::kMaxStepHistory);
    CHECK(s.step_history.front().at("step") == "5");
    CHECK(s.step_history.back().at("step") == std::to_string(Session::kMaxStepHistory + 4));
    s.ClearStepHistory();
    CHECK(s.step_history.empty());
}

}  // namespace
}  // namespace bookbot::core
