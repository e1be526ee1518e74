#include "bookbot/core/session.hpp"

#include <utility>

namespace bookbot::core {

void Session::PushStep() {
    if (step_history.size() >= kMaxStepHistory) {
        step_history.erase(step_history.begin(),
                           step_history.begin() + static_cast<std::ptrdiff_t>(step_history.size() -
                                                                              kMaxStepHistory + 1));
    }
    step_history.push_back(context);
}

bool Session::PopStep() {
    if (step_history.empty()) return false;
    context = std::move(step_history.back());
    step_history.pop_back();
    return true;
}

}  // namespace bookbot::core
