#!/usr/bin/env bash
# The concurrent parts of the suite again, built with ThreadSanitizer
# (-DBOOKBOT_TSAN=ON) in its own build directory, against SQLite and the same
# kind of throwaway PostgreSQL as scripts/test.sh (which it runs). Any report
# (a data race, a lock-order inversion, a bad unlock) fails the run, and the
# reports are printed at the end. A step of .ci/run. Arguments go to ctest.
#
# What runs: the unit and HTTP tests (the dispatcher's wake-ups, the HTTP
# server's and client's threads), the store contract (the group commit, the
# connection pools, racing writers) and the fault-injection suites on both
# backends, and `bookbot serve` itself, built with TSan, under the serve,
# reliability and same-chat burst suites (the handler pool, the outbox
# senders, the sweeper, two instances on one database). Left to the plain
# and ASan passes: the command-line e2e, doctor, WhatsApp and reminder suites
# (the same runtime, driven the same way) and the crash test (what it checks
# is what survives kill -9; under TSan it only gets slower). Only the targets
# these need are built.
#   BUILD_DIR=build-tsan   where to build
set -euo pipefail
cd "$(dirname "$0")/.."

# -O1: TSan at -O0 runs several times slower; -g1: line tables, enough for
# file:line in every report.
export BOOKBOT_CMAKE_ARGS="-DBOOKBOT_TSAN=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DBOOKBOT_BUILD_BENCH=OFF"
export BOOKBOT_BUILD_TARGETS="unit_tests http_tests contract_tests fault_tests serve_tests reliability_tests stress_tests"
export BUILD_DIR=${BUILD_DIR:-build-tsan}
reports="$PWD/$BUILD_DIR/tsan-reports"
rm -rf "$reports"
mkdir -p "$reports"
# Each process (the children too: bookbot serve, the group-commit writer)
# stops at its first report and writes it to $reports/report.<pid>.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:log_path=$reports/report}
status=0
scripts/test.sh -R '^(unit:|http:|contract\.|faults\.|serve\.|reliability\.|burst\.)' "$@" || status=$?
if compgen -G "$reports/report.*" >/dev/null; then
    for report in "$reports"/report.*; do
        echo "=== $report"
        cat "$report"
    done
    echo "test-tsan.sh: ThreadSanitizer reported (above)"
    exit 1
fi
exit "$status"
