// Write units under concurrency: each keeps its own all-or-nothing effect and
// its own outcome, also when the store runs several of them in one
// transaction (group commit on SQLite); commits are durable by default.

#include <sys/wait.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"
#include "fixture.hpp"

namespace bookbot::testing {
namespace {

using core::StorageError;
using core::UnitOfWork;

TEST_CASE("a SQLite store commits with synchronous=full unless the URL opts out",
          "[durability][sqlite]") {
    auto db = TestDatabase::Create("sqlite");
    CHECK(backends::OpenStore(db->Url())->Durability() == "synchronous=full");
    CHECK(backends::OpenStore(db->Url() + "?synchronous=full")->Durability() == "synchronous=full");
    CHECK(backends::OpenStore(db->Url() + "?synchronous=normal")->Durability() ==
          "synchronous=normal");
    REQUIRE_STORAGE_ERROR(backends::OpenStore(db->Url() + "?synchronous=off"), kInvalid);
    REQUIRE_STORAGE_ERROR(backends::OpenStore(db->Url() + "?journal=delete"), kInvalid);
}

// SQLite names its temporary files etilqs_*; they are unlinked once open, so
// only the process's descriptors show them.
int OpenSqliteTempFiles() {
    int open = 0;
    std::error_code ignored;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd", ignored)) {
        if (std::filesystem::read_symlink(fd.path(), ignored).filename().string().find("etilqs_") !=
            std::string::npos) {
            ++open;
        }
    }
    return open;
}

TEST_CASE("a SQLite unit that touches many pages keeps its savepoint journal in memory",
          "[durability][sqlite]") {
    auto db = TestDatabase::Create("sqlite");
    auto store = backends::OpenStore(db->Url());
    store->Migrate(kT0);
    constexpr int kRecords = 3000;  // about 40 pages of dedupe records
    store->Write([&](UnitOfWork& unit) {
        for (int i = 0; i < kRecords; ++i) unit.RecordInbound("telegram", std::to_string(i), kT0);
    });
    // Deleting them all changes every page, each saved first to the unit's
    // savepoint journal; past 64 KiB a file-backed journal opens a file.
    int temp_files = -1;
    store->Write([&](UnitOfWork& unit) {
        CHECK(unit.DeleteInboundBefore(kT0 + 1s, kRecords) == kRecords);
        temp_files = OpenSqliteTempFiles();
    });
    CHECK(temp_files == 0);
}

TEST_CASE_METHOD(StoreFixture, "a store reports a durable commit setting by default",
                 "[durability]") {
    const std::string durability = store->Durability();
    if (store->BackendName() == "sqlite") {
        CHECK(durability == "synchronous=full");
    } else {
        CHECK(durability == "synchronous_commit=on");
    }
}

enum class Fate { kCommit, kThrow, kConflict, kUniqueViolation };

// The fate of unit `i` of a thread: most commit, the others fail in one of
// three ways, interleaved so batches mix them.
Fate FateOf(int i) {
    switch (i % 7) {
        case 2:
            return Fate::kThrow;
        case 4:
            return Fate::kConflict;
        case 6:
            return Fate::kUniqueViolation;
        default:
            return Fate::kCommit;
    }
}

TEST_CASE_METHOD(StoreFixture, "a failing unit among racing writers rolls back only itself",
                 "[durability][group-commit]") {
    // One open hand-over flag: importing another open flag of the same person
    // (a new id) violates the unique index on open flags inside the database.
    std::int64_t flag_id = 0;
    store->Write([&](UnitOfWork& u) {
        flag_id = u.FlagForHuman({"telegram", "flagged"}, "flagged", "test", kT0);
    });
    const core::Row duplicate_flag = {std::int64_t{flag_id + 1}, std::string("telegram"),
                                      std::string("flagged"),    std::string("flagged"),
                                      std::string("again"),      core::ToEpochMillis(kT0),
                                      std::monostate{}};
    constexpr int kThreads = 8;
    constexpr int kUnits = 60;
    std::atomic<int> wrong_outcomes{0};
    std::atomic<int> ready{0};
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                ++ready;
                while (ready.load() < kThreads) std::this_thread::yield();
                for (int i = 0; i < kUnits; ++i) {
                    const Fate fate = FateOf(i);
                    const std::string body = std::to_string(t) + "/" + std::to_string(i);
                    try {
                        store->Write([&](UnitOfWork& u) {
                            u.Enqueue("telegram", "c" + std::to_string(t), body, kT0);
                            switch (fate) {
                                case Fate::kCommit:
                                    break;
                                case Fate::kThrow:
                                    throw std::runtime_error("unit " + body + " gives up");
                                case Fate::kConflict: {
                                    core::Session stale;
                                    stale.key = {"telegram", "nobody-" + body};
                                    stale.version = 7;  // no such session: a CAS conflict
                                    u.SaveSession(stale, kT0, 1h);
                                    break;
                                }
                                case Fate::kUniqueViolation:
                                    u.ImportRows("human_flags", {duplicate_flag});
                                    break;
                            }
                        });
                        if (fate != Fate::kCommit) ++wrong_outcomes;
                    } catch (const StorageError& e) {
                        const bool expected =
                            (fate == Fate::kConflict || fate == Fate::kUniqueViolation) &&
                            e.kind() == StorageError::Kind::kConflict;
                        if (!expected) ++wrong_outcomes;
                    } catch (const std::runtime_error& e) {
                        if (fate != Fate::kThrow ||
                            std::string(e.what()).find(body) == std::string::npos) {
                            ++wrong_outcomes;
                        }
                    }
                }
            });
        }
    }
    CHECK(wrong_outcomes.load() == 0);
    std::set<std::string> committed;
    store->Read([&](UnitOfWork& u) {
        for (const auto& m : u.ListOutbox(core::OutboxStatus::kPending, 100000)) {
            committed.insert(m.body);
        }
        CHECK(u.CountRows("human_flags") == 1);
        CHECK(u.CountRows("conversation_sessions") == 0);
    });
    std::set<std::string> expected;
    for (int t = 0; t < kThreads; ++t) {
        for (int i = 0; i < kUnits; ++i) {
            if (FateOf(i) == Fate::kCommit) {
                expected.insert(std::to_string(t) + "/" + std::to_string(i));
            }
        }
    }
    CHECK(committed == expected);
}

TEST_CASE_METHOD(StoreFixture,
                 "a writer killed in the middle of its commits loses nothing acknowledged",
                 "[durability][group-commit]") {
    ChildProcess writer({GROUP_COMMIT_WRITER, db->Url(), "8"}, {});
    // Let it acknowledge a few hundred units in batches, then kill it mid-stream.
    REQUIRE(writer.WaitForLine("ack 300 ", 60s));
    writer.Signal(SIGKILL);
    CHECK(writer.Wait() == 128 + SIGKILL);
    std::set<std::string> acknowledged;
    std::istringstream lines(writer.Output());
    for (std::string line; std::getline(lines, line);) {
        // "ack <n> <body>"
        const auto space = line.find(' ', 4);
        if (line.rfind("ack ", 0) == 0 && space != std::string::npos) {
            acknowledged.insert(line.substr(space + 1));
        }
    }
    REQUIRE(acknowledged.size() >= 300);
    auto reopened = OpenAnother();
    std::set<std::string> stored;
    reopened->Read([&](UnitOfWork& u) {
        for (const auto& m : u.ListOutbox(core::OutboxStatus::kPending, 1000000)) {
            stored.insert(m.body);
        }
    });
    std::vector<std::string> lost;
    for (const std::string& body : acknowledged) {
        if (!stored.contains(body)) lost.push_back(body);
    }
    INFO("lost " << lost.size() << " of " << acknowledged.size());
    CHECK(lost.empty());
}

}  // namespace
}  // namespace bookbot::testing
