#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bookbot::bench {

double Percentile(std::vector<double> samples, double p) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * samples.size()));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

void PrintFigures(const std::string& title, const std::vector<Figure>& figures) {
    std::printf("\n== %s\n", title.c_str());
    for (const Figure& f : figures) {
        std::printf("  %-34s %12.3f %-10s", f.name.c_str(), f.value, f.unit.c_str());
        if (f.target) {
            std::printf(" target %s %-8g %s", f.target->at_most ? "<=" : ">=", f.target->limit,
                        f.Missed() ? "MISS" : "PASS");
        }
        std::printf("\n");
    }
    std::fflush(stdout);
}

}  // namespace bookbot::bench
