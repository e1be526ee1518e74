#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bookbot/core/store.hpp"

namespace bookbot::core {

// A Store that forwards every call to `target` (which must outlive it): the
// base of decorators that change one thing, such as what Run observes or
// injects, and forward the rest (leveldb's EnvWrapper). A new Store method
// gets its forwarder here, once.
class StoreWrapper : public Store {
public:
    explicit StoreWrapper(Store& target) : target_(target) {}

    void Run(Access access, const std::function<void(UnitOfWork&)>& work) override {
        target_.Run(access, work);
    }
    std::vector<MigrationInfo> Migrate(TimePoint now) override { return target_.Migrate(now); }
    MigrationStatus GetMigrationStatus() override { return target_.GetMigrationStatus(); }
    std::vector<std::string> DescribeSchema() override { return target_.DescribeSchema(); }
    std::string BackendName() const override { return target_.BackendName(); }
    std::vector<TableSpec> DataTables() const override { return target_.DataTables(); }
    std::string RedactedUrl() const override { return target_.RedactedUrl(); }
    std::string Durability() override { return target_.Durability(); }

protected:
    Store& target() const { return target_; }

private:
    Store& target_;
};

}  // namespace bookbot::core
