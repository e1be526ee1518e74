#!/usr/bin/env bash
# README command 2: install what is needed, build, start a throwaway PostgreSQL
# on a free loopback port, run the WHOLE test suite against SQLite and
# PostgreSQL, stop the server. Exits non-zero on any failure. Arguments go to
# ctest (e.g. -R contract.postgres --repeat until-fail:10).
#   BOOKBOT_WERROR=ON   treat compiler warnings as errors (CI does)
#   BUILD_DIR=build     where to build
#   BOOKBOT_CMAKE_ARGS  more CMake options (scripts/test-sanitize.sh uses it)
#   BOOKBOT_BUILD_TARGETS  build only these targets (scripts/test-tsan.sh uses it)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBOOKBOT_WERROR="${BOOKBOT_WERROR:-OFF}" -DBOOKBOT_WITH_POSTGRES=ON ${BOOKBOT_CMAKE_ARGS:-}
read -ra targets <<<"${BOOKBOT_BUILD_TARGETS:-all}"
cmake --build "$build_dir" -j2 --target "${targets[@]}"

# --- a throwaway PostgreSQL server -------------------------------------------
# fsync off: the tests need correctness, not durability across a power cut.
source scripts/lib/throwaway_postgres.sh
start_throwaway_postgres -c fsync=off
echo "test.sh: PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT"

# --- the whole suite ----------------------------------------------------------
ctest --test-dir "$build_dir" --output-on-failure -j2 "$@"
