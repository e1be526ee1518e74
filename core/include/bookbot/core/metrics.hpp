#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bookbot::core {

// A small, thread-safe registry of counters, gauges and histograms, rendered
// in the Prometheus text exposition format (version 0.0.4). Families are
// declared once with their help text; using an undeclared name throws
// std::logic_error (a programming error, caught by the tests).
class Metrics {
public:
    using Labels = std::vector<std::pair<std::string, std::string>>;

    void DeclareCounter(const std::string& name, const std::string& help);
    void DeclareGauge(const std::string& name, const std::string& help);
    // `bounds`: upper bounds of the buckets, ascending; +Inf is implied.
    void DeclareHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds);

    void Add(const std::string& name, const Labels& labels = {}, double value = 1);
    void Set(const std::string& name, const Labels& labels, double value);
    void Observe(const std::string& name, const Labels& labels, double value);

    // The value of one counter or gauge series (0 if never touched).
    double Value(const std::string& name, const Labels& labels = {}) const;

    std::string Render() const;

private:
    enum class Type { kCounter, kGauge, kHistogram };
    struct Series {
        double value = 0;  // counter / gauge; histogram: the sum
        std::vector<std::uint64_t> buckets;
        std::uint64_t count = 0;
    };
    struct Family {
        Type type = Type::kCounter;
        std::string help;
        std::vector<double> bounds;
        std::map<std::string, Series> series;  // by rendered label set
    };

    void Declare(const std::string& name, Type type, const std::string& help,
                 std::vector<double> bounds);
    Series& SeriesFor(const std::string& name, Type type, const Labels& labels);

    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

}  // namespace bookbot::core
