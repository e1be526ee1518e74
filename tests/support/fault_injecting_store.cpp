#include "fault_injecting_store.hpp"

namespace bookbot::testing {

namespace {

const char* PointName(FaultPoint point) {
    switch (point) {
        case FaultPoint::kStatement:
            return "statement";
        case FaultPoint::kBeforeCommit:
            return "commit (rolled back)";
        case FaultPoint::kAfterCommit:
            return "commit (committed, reply lost)";
        case FaultPoint::kConnect:
            return "connect";
    }
    return "?";
}

}  // namespace

std::string Describe(const Fault& fault) {
    return std::string(PointName(fault.point)) + " #" + std::to_string(fault.index) + " (" +
           std::string(core::KindName(fault.kind)) + ")";
}

class FaultInjectingStore::Unit final : public UnitOfWorkWrapper {
public:
    Unit(core::UnitOfWork& target, FaultInjectingStore& store)
        : UnitOfWorkWrapper(target), store_(store) {}

protected:
    void Before(std::string_view method) override { store_.Statement(method); }

private:
    FaultInjectingStore& store_;
};

void FaultInjectingStore::Arm(const Fault& fault) {
    const std::lock_guard lock(mutex_);
    armed_ = fault;
    fired_ = false;
    statements_ = 0;
    units_ = 0;
}

void FaultInjectingStore::Disarm() {
    const std::lock_guard lock(mutex_);
    armed_.reset();
    fired_ = false;
    statements_ = 0;
    units_ = 0;
}

bool FaultInjectingStore::Fired() const {
    const std::lock_guard lock(mutex_);
    return fired_;
}

int FaultInjectingStore::Statements() const {
    const std::lock_guard lock(mutex_);
    return statements_;
}

int FaultInjectingStore::Units() const {
    const std::lock_guard lock(mutex_);
    return units_;
}

bool FaultInjectingStore::Strikes(FaultPoint point, int index) {
    const std::lock_guard lock(mutex_);
    if (!armed_ || armed_->point != point || armed_->index != index) return false;
    fired_ = true;
    return true;
}

void FaultInjectingStore::Throw(std::string_view what) const {
    core::StorageError::Kind kind{};
    {
        const std::lock_guard lock(mutex_);
        kind = armed_ ? armed_->kind : core::StorageError::Kind::kUnavailable;
    }
    throw core::StorageError(kind, "injected fault: " + std::string(what));
}

void FaultInjectingStore::Statement(std::string_view method) {
    int index = 0;
    {
        const std::lock_guard lock(mutex_);
        index = statements_++;
    }
    if (Strikes(FaultPoint::kStatement, index)) Throw(std::string(method) + " failed");
}

void FaultInjectingStore::Run(Access access, const std::function<void(core::UnitOfWork&)>& work) {
    int index = 0;
    {
        const std::lock_guard lock(mutex_);
        index = units_++;
    }
    if (Strikes(FaultPoint::kConnect, index)) Throw("cannot connect to the database");
    target_.Run(access, [&](core::UnitOfWork& inner) {
        Unit unit(inner, *this);
        work(unit);
        if (Strikes(FaultPoint::kBeforeCommit, index)) Throw("commit failed");
    });
    if (Strikes(FaultPoint::kAfterCommit, index)) {
        Throw("lost the connection waiting for the commit (it committed)");
    }
}

}  // namespace bookbot::testing
