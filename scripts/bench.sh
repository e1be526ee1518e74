#!/usr/bin/env bash
# Issue 4's benchmark: builds (RelWithDebInfo, as shipped), starts a
# throwaway PostgreSQL (durable defaults: fsync and synchronous_commit on),
# then runs tests/bench's bookbot_bench in both modes on SQLite and
# PostgreSQL and prints every figure next to its target (PASS/MISS).
# Arguments go to every bookbot_bench run (e.g. --chats 200; see --help).
#   BUILD_DIR=build   where to build
#   RUNS=1            repeat each run this many times (the machine may be shared:
#                     compare medians)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOOKBOT_WITH_POSTGRES=ON >/dev/null
cmake --build "$build_dir" -j2 --target bookbot bookbot_bench

source scripts/lib/throwaway_postgres.sh
start_throwaway_postgres
echo "bench.sh: PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT; $(nproc) CPUs;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"

bench="$build_dir/tests/bench/bookbot_bench"
for run in $(seq 1 "${RUNS:-1}"); do
    for backend in sqlite postgres; do
        for mode in serve engine; do
            echo
            echo "### run $run: $mode on $backend"
            "$bench" --mode "$mode" --backend "$backend" "$@"
        done
    done
done
