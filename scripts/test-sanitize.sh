#!/usr/bin/env bash
# The suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DBOOKBOT_SANITIZE=ON) in its own build directory, against SQLite and the
# same kind of throwaway PostgreSQL as scripts/test.sh (which it runs): unit,
# contract (both backends), fault-injection and end-to-end tests. Any report
# fails the run. The crash test and the benchmarks are left to the plain pass
# (under ASan they only get slower, not more thorough; scripts/test.sh runs
# them), and so is e2e.postgres: the command-line e2e suite on PostgreSQL
# starts a few hundred ASan processes (547 s of the pass on a loaded machine,
# the longest entry by far) for code that e2e.sqlite already runs under ASan;
# the PostgreSQL driver runs under ASan in the contract, faults, serve,
# doctor, reliability, burst and WhatsApp suites. tests/e2e/race_test.cpp
# runs fewer, smaller waves of processes under ASan (see there). A step of
# .ci/run. Arguments go to ctest.
#   BUILD_DIR=build-sanitize   where to build
set -euo pipefail
cd "$(dirname "$0")/.."

# Debug (-O0): compiles about twice as fast as -O1 on these 2 cores (measured
# per file), and the tests wait on databases and sockets more than on the CPU.
# -g1: line tables only, enough for file:line in every report; full -g makes
# the ASan objects a quarter bigger for nothing a report prints. The benchmark
# is not built (its smoke runs are excluded below).
export BOOKBOT_CMAKE_ARGS="-DBOOKBOT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DBOOKBOT_BUILD_BENCH=OFF"
export BUILD_DIR=${BUILD_DIR:-build-sanitize}
# Stop at the first report, with a stack; the children (bookbot serve, …)
# inherit these.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec scripts/test.sh -E '^(crash\.|bench\.|e2e\.postgres$)' "$@"
