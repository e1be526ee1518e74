#!/usr/bin/env bash
# README command 2: install what is needed, build, start a throwaway PostgreSQL
# on a free loopback port, run the WHOLE test suite against SQLite and
# PostgreSQL, stop the server. Exits non-zero on any failure. Arguments go to
# ctest (e.g. -R contract.postgres --repeat until-fail:10).
#   BOOKBOT_WERROR=ON   treat compiler warnings as errors (CI does)
#   BUILD_DIR=build     where to build
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBOOKBOT_WERROR="${BOOKBOT_WERROR:-OFF}" -DBOOKBOT_WITH_POSTGRES=ON
cmake --build "$build_dir" -j2

# --- a throwaway PostgreSQL server -------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/bookbot-pg.XXXXXX)
chmod 755 "$pg_dir"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
    # The server refuses to run as root: run it as the package's postgres user.
    chown postgres: "$pg_dir"
    as_pg=(runuser -u postgres --)
fi
pg() { (cd / && "${as_pg[@]}" "$@"); }

# Passwords are checked over TCP (scram), so the tests can try a wrong one.
password="bookbot-test-$RANDOM$RANDOM"
echo "$password" >"$pg_dir/pwfile"
chmod 644 "$pg_dir/pwfile"
pg "$pg_bin/initdb" --no-sync --auth-local=trust --auth-host=scram-sha-256 -U postgres \
    --pwfile="$pg_dir/pwfile" -D "$pg_dir/data" >"$pg_dir/initdb.log" 2>&1 ||
    { cat "$pg_dir/initdb.log"; exit 1; }

stop_server() {
    pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}
trap stop_server EXIT

port=""
for _ in $(seq 1 20); do
    candidate=$((20000 + RANDOM % 40000))
    options="-p $candidate -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    if pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 20 -o "$options" \
        start >/dev/null; then
        port=$candidate
        break
    fi
done
[[ -n "$port" ]] || { echo "test.sh: could not start PostgreSQL"; cat "$pg_dir/server.log"; exit 1; }
echo "test.sh: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

pg_ctl_cmd="cd / && ${as_pg[*]} $pg_bin/pg_ctl -D $pg_dir/data -l $pg_dir/server.log -w"
export BOOKBOT_TEST_POSTGRES_URL="postgresql://postgres:$password@127.0.0.1:$port/postgres"
export BOOKBOT_TEST_POSTGRES_STOP="$pg_ctl_cmd -m fast stop >/dev/null"
export BOOKBOT_TEST_POSTGRES_START="$pg_ctl_cmd -o '$options' start >/dev/null"

# --- the whole suite ----------------------------------------------------------
ctest --test-dir "$build_dir" --output-on-failure -j2 "$@"
