#include "business_config.hpp"

#include <fstream>
#include <stdexcept>

namespace bookbot::bench {

const char* BenchBusinessToml() {
    return R"(# Written by bookbot_bench: room for every benchmark flow to book.
[business]
name = "Bench Barbers"
time_zone = "UTC"
slot_step_minutes = 30
horizon_days = 14
minimum_notice_minutes = 0
resources = 8
session_ttl_minutes = 30

[hours]
mon = ["08:00-20:00"]
tue = ["08:00-20:00"]
wed = ["08:00-20:00"]
thu = ["08:00-20:00"]
fri = ["08:00-20:00"]
sat = ["08:00-20:00"]
sun = ["08:00-20:00"]

[[services]]
id = "cut"
name = "Haircut"
duration_minutes = 30
price = "25 EUR"

[[services]]
id = "beard"
name = "Beard trim"
duration_minutes = 30
)";
}

std::filesystem::path WriteBenchBusiness(const std::filesystem::path& dir) {
    const auto path = dir / "bench-business.toml";
    std::ofstream out(path);
    out << BenchBusinessToml();
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
    return path;
}

}  // namespace bookbot::bench
