#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bookbot::bench {

// The nearest-rank percentile (0 < p <= 100) of `samples`; 0 when empty.
double Percentile(std::vector<double> samples, double p);

// A limit a figure is held to.
struct Target {
    double limit = 0;
    bool at_most = true;  // false: the figure must be at least `limit`
};

// One reported number, with its target when it has one.
struct Figure {
    std::string name;
    double value = 0;
    std::string unit;
    std::optional<Target> target;

    bool Missed() const {
        return target && (target->at_most ? value > target->limit : value < target->limit);
    }
};

// Prints a titled table of figures on stdout: name, value, unit, target and
// PASS/MISS for those with one.
void PrintFigures(const std::string& title, const std::vector<Figure>& figures);

}  // namespace bookbot::bench
