// A child process for group_commit_test: `group_commit_writer <url> <threads>`
// writes units from several threads, each queueing one outbox message, and
// prints "ack <n> <body>" for each once its Write has returned (committed),
// until it is killed. An optional third argument sets the store's
// max_write_batch (1: no group commit).

#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bookbot/backends/open_store.hpp"

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        std::cerr << "usage: group_commit_writer <database-url> <threads> [max-write-batch]\n"
                     "  (the batch size, default the store's, also serves to time group commit:\n"
                     "   count the acks of a few seconds with 1 and with the default)\n";
        return 2;
    }
    bookbot::backends::StoreOptions options;
    options.pool_size = std::stoi(argv[2]) + 1;
    if (argc == 4) options.max_write_batch = std::stoi(argv[3]);
    auto store = bookbot::backends::OpenStore(argv[1], options);
    std::mutex out;
    std::atomic<long> acknowledged{0};
    std::vector<std::jthread> threads;
    for (int t = 0; t < std::stoi(argv[2]); ++t) {
        threads.emplace_back([&, t] {
            for (long i = 0;; ++i) {
                const std::string body = std::to_string(t) + "/" + std::to_string(i);
                store->Write([&](bookbot::core::UnitOfWork& u) {
                    u.Enqueue("telegram", "w" + std::to_string(t), body,
                              bookbot::core::FromEpochMillis(1772366400000));
                });
                const std::lock_guard lock(out);
                std::printf("ack %ld %s\n", ++acknowledged, body.c_str());
                std::fflush(stdout);
            }
        });
    }
    return 0;
}
