#include "database_choice.hpp"

#include <stdexcept>

#include "bookbot/backends/database_url.hpp"

namespace bookbot::bench {
namespace {

// A database the user named: used as it is, never dropped.
class GivenDatabase final : public testing::TestDatabase {
public:
    explicit GivenDatabase(std::string url) : url_(std::move(url)) {}
    std::string Url() const override { return url_; }
    void ExecRaw(const std::string&) override {
        throw std::logic_error("the benchmark does not change a given database behind its back");
    }
    std::string QueryText(const std::string&) override {
        throw std::logic_error("the benchmark does not query a given database behind its back");
    }
    void TerminateConnections() override {
        throw std::logic_error("the benchmark does not disconnect a given database");
    }

private:
    std::string url_;
};

}  // namespace

std::unique_ptr<testing::TestDatabase> ChooseDatabase(const BenchOptions& options) {
    if (options.db) return std::make_unique<GivenDatabase>(*options.db);
    return testing::TestDatabase::Create(options.backend);
}

std::string BackendName(const std::string& db_url) {
    return backends::DatabaseUrl::Parse(db_url).backend() == backends::DatabaseUrl::Backend::kSqlite
               ? "SQLite"
               : "PostgreSQL";
}

}  // namespace bookbot::bench
