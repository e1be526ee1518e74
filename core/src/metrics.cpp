#include "bookbot/core/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace bookbot::core {
namespace {

std::string Escape(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string RenderLabels(const Metrics::Labels& labels) {
    std::string out;
    for (const auto& [key, value] : labels) {
        if (!out.empty()) out += ',';
        out += key + "=\"" + Escape(value) + '"';
    }
    return out;
}

std::string Number(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::string Braced(const std::string& labels, const std::string& extra = {}) {
    std::string inner = labels;
    if (!extra.empty()) inner += (inner.empty() ? "" : ",") + extra;
    return inner.empty() ? std::string() : "{" + inner + "}";
}

}  // namespace

void Metrics::Declare(const std::string& name, Type type, const std::string& help,
                      std::vector<double> bounds) {
    const std::lock_guard lock(mutex_);
    Family& family = families_[name];
    family.type = type;
    family.help = help;
    family.bounds = std::move(bounds);
}

void Metrics::DeclareCounter(const std::string& name, const std::string& help) {
    Declare(name, Type::kCounter, help, {});
}

void Metrics::DeclareGauge(const std::string& name, const std::string& help) {
    Declare(name, Type::kGauge, help, {});
}

void Metrics::DeclareHistogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds) {
    Declare(name, Type::kHistogram, help, std::move(bounds));
}

Metrics::Series& Metrics::SeriesFor(const std::string& name, Type type, const Labels& labels) {
    const auto family = families_.find(name);
    if (family == families_.end() || family->second.type != type) {
        throw std::logic_error("metric not declared with this type: " + name);
    }
    Series& series = family->second.series[RenderLabels(labels)];
    if (type == Type::kHistogram && series.buckets.empty()) {
        series.buckets.assign(family->second.bounds.size(), 0);
    }
    return series;
}

void Metrics::Add(const std::string& name, const Labels& labels, double value) {
    const std::lock_guard lock(mutex_);
    SeriesFor(name, Type::kCounter, labels).value += value;
}

void Metrics::Set(const std::string& name, const Labels& labels, double value) {
    const std::lock_guard lock(mutex_);
    SeriesFor(name, Type::kGauge, labels).value = value;
}

void Metrics::Observe(const std::string& name, const Labels& labels, double value) {
    const std::lock_guard lock(mutex_);
    Series& series = SeriesFor(name, Type::kHistogram, labels);
    const std::vector<double>& bounds = families_.at(name).bounds;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        if (value <= bounds[i]) ++series.buckets[i];
    }
    series.value += value;
    ++series.count;
}

double Metrics::Value(const std::string& name, const Labels& labels) const {
    const std::lock_guard lock(mutex_);
    const auto family = families_.find(name);
    if (family == families_.end()) throw std::logic_error("metric not declared: " + name);
    const auto series = family->second.series.find(RenderLabels(labels));
    return series == family->second.series.end() ? 0 : series->second.value;
}

std::string Metrics::Render() const {
    static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    const std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, family] : families_) {
        out += "# HELP " + name + ' ' + family.help + '\n';
        out += "# TYPE " + name + ' ' + kTypeNames[static_cast<int>(family.type)] + '\n';
        for (const auto& [labels, series] : family.series) {
            if (family.type != Type::kHistogram) {
                out += name + Braced(labels) + ' ' + Number(series.value) + '\n';
                continue;
            }
            for (std::size_t i = 0; i < family.bounds.size(); ++i) {
                out += name + "_bucket" + Braced(labels, "le=\"" + Number(family.bounds[i]) + '"') +
                       ' ' + std::to_string(series.buckets[i]) + '\n';
            }
            out += name + "_bucket" + Braced(labels, "le=\"+Inf\"") + ' ' +
                   std::to_string(series.count) + '\n';
            out += name + "_sum" + Braced(labels) + ' ' + Number(series.value) + '\n';
            out += name + "_count" + Braced(labels) + ' ' + std::to_string(series.count) + '\n';
        }
    }
    return out;
}

}  // namespace bookbot::core
