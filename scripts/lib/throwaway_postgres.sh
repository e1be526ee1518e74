# Sourced by scripts/test.sh and scripts/bench.sh: a throwaway PostgreSQL
# server on a free loopback port, stopped and removed when the script exits.
#
#   start_throwaway_postgres [SERVER OPTION...]   e.g. -c fsync=off
#
# Exports BOOKBOT_TEST_POSTGRES_URL (a superuser URL with a password, checked
# over TCP with scram), BOOKBOT_TEST_POSTGRES_STOP and _START (shell commands
# the tests use to restart the server). Sets PG_VERSION and PG_PORT. Installs
# an EXIT trap. Runs the server as the postgres user when run as root (the
# server refuses root).

start_throwaway_postgres() {
    local extra_options="$*"
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    pg_dir=$(mktemp -d /tmp/bookbot-pg.XXXXXX)
    chmod 755 "$pg_dir"
    as_pg=()
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$pg_dir"
        as_pg=(runuser -u postgres --)
    fi

    local password="bookbot-test-$RANDOM$RANDOM"
    echo "$password" >"$pg_dir/pwfile"
    chmod 644 "$pg_dir/pwfile"
    _pg "$pg_bin/initdb" --no-sync --auth-local=trust --auth-host=scram-sha-256 -U postgres \
        --pwfile="$pg_dir/pwfile" -D "$pg_dir/data" >"$pg_dir/initdb.log" 2>&1 ||
        { cat "$pg_dir/initdb.log"; return 1; }
    trap _stop_throwaway_postgres EXIT

    PG_PORT=""
    local candidate options
    for _ in $(seq 1 20); do
        candidate=$((20000 + RANDOM % 40000))
        options="-p $candidate -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=400"
        options+="${extra_options:+ $extra_options}"
        if _pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 20 \
            -o "$options" start >/dev/null; then
            PG_PORT=$candidate
            break
        fi
    done
    if [[ -z "$PG_PORT" ]]; then
        echo "could not start PostgreSQL"
        cat "$pg_dir/server.log"
        return 1
    fi
    PG_VERSION=$("$pg_bin/postgres" --version | awk '{print $3}')

    local pg_ctl_cmd="cd / && ${as_pg[*]} $pg_bin/pg_ctl -D $pg_dir/data -l $pg_dir/server.log -w"
    export BOOKBOT_TEST_POSTGRES_URL="postgresql://postgres:$password@127.0.0.1:$PG_PORT/postgres"
    export BOOKBOT_TEST_POSTGRES_STOP="$pg_ctl_cmd -m fast stop >/dev/null"
    export BOOKBOT_TEST_POSTGRES_START="$pg_ctl_cmd -o '$options' start >/dev/null"
}

_pg() { (cd / && "${as_pg[@]}" "$@"); }

_stop_throwaway_postgres() {
    _pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}
