#!/usr/bin/env bash
# Proves the arm64 cross build works, on an amd64 Debian 12 machine, by
# running its binaries under qemu-aarch64-static with the arm64 sysroot:
# the unit tests, the store contract tests on SQLite and on a throwaway
# PostgreSQL server (the host's, over TCP), a booking through `bookbot chat`
# in a pipe, and serve's idle memory. Not in CI (too slow). Exits non-zero on
# any failure.
#   BUILD_DIR=dir       build directory (default build-deb/arm64, shared with
#                       scripts/package.sh arm64)
#   BOOKBOT_SYSROOT=dir the arm64 sysroot (default build-deb/sysroot-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/install-deps.sh --arm64

sysroot=$(realpath -m "${BOOKBOT_SYSROOT:-build-deb/sysroot-arm64}")
scripts/lib/arm64_sysroot.sh "$sysroot"
build_dir=${BUILD_DIR:-build-deb/arm64}
cmake -S . -B "$build_dir" -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" \
    -DBOOKBOT_SYSROOT="$sysroot" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOOKBOT_WITH_POSTGRES=ON \
    -DBOOKBOT_BUILD_TESTS=ON -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
cmake --build "$build_dir" -j2 --target bookbot unit_tests contract_tests
built=$(($(date +%s) - start))

arm64() { qemu-aarch64-static -L "$sysroot" "$@"; }
grep -q "ARM aarch64" <<<"$(file "$build_dir/app/bookbot")" || { echo "not an arm64 binary" >&2; exit 1; }
arm64 "$build_dir/app/bookbot" version

echo "test-arm64: unit tests"
arm64 "$build_dir/tests/unit/unit_tests"

echo "test-arm64: contract tests on SQLite"
BOOKBOT_TEST_BACKEND=sqlite arm64 "$build_dir/tests/contract/contract_tests" "~[pgserver]"

echo "test-arm64: contract tests on PostgreSQL"
source scripts/lib/throwaway_postgres.sh
start_throwaway_postgres -c fsync=off
BOOKBOT_TEST_BACKEND=postgres arm64 "$build_dir/tests/contract/contract_tests"

echo "test-arm64: a booking through bookbot chat"
work=$(mktemp -d)
chat() {
    printf '%s' "$1" | arm64 "$build_dir/app/bookbot" chat --db "sqlite://$work/chat.db" \
        --config packaging/bookbot.toml --user alice
}
book=$(chat $'/start\n1\n1\n2\n1\n1\n')
grep -q "Booked: " <<<"$book" || { echo "test-arm64: no booking: $book" >&2; exit 1; }
grep -q "Your upcoming bookings:" <<<"$(chat $'/start\n2\n')" ||
    { echo "test-arm64: the booking is not listed" >&2; exit 1; }

echo "test-arm64: idle memory of serve (qemu's own memory included)"
mkfifo "$work/serve.pipe"
qemu-aarch64-static -L "$sysroot" "$build_dir/app/bookbot" serve --db "sqlite://$work/serve.db" --listen 127.0.0.1:0 \
    --telegram off 2>"$work/serve.pipe" &
serve_pid=$! # qemu itself: its memory is the arm64 process plus the translator
exec 4<"$work/serve.pipe"
while IFS= read -r -t 120 line <&4; do
    [[ "$line" == *serve.listening* ]] && break
done
grep -E 'VmRSS|RssAnon|RssFile' "/proc/$serve_pid/status" | paste -sd' '
kill -TERM "$serve_pid"
cat <&4 >/dev/null
wait "$serve_pid"
rm -rf "$work"
echo "test-arm64: PASS (build ${built} s, total $(($(date +%s) - start)) s)"
