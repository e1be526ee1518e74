#!/usr/bin/env bash
# The install test (CI runs it): what a user of the .deb goes through, on this
# machine (root, Debian 12; systemd need not be PID 1). Builds the amd64
# package (reusing BUILD_DIR, default build, the test build), lints it, then
# installs, runs the service's command lines as its user, books through the
# terminal chat, upgrades (edited conffiles and data survive), removes and
# purges, checking each step. Leaves the machine as it found it.
#   BUILD_DIR=dir   build directory handed to scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

fail() {
    echo "test-install: FAIL: $*" >&2
    exit 1
}
step() { echo "test-install: $*"; }

[[ $(id -u) -eq 0 ]] || fail "run as root (it installs a package)"
# Never touch a real installation: the cleanup deletes what it finds.
if grep -q installed <<<"$(dpkg-query -W -f='${Status}' bookbot 2>/dev/null)" || getent passwd bookbot \
    >/dev/null || [[ -e /var/lib/bookbot || -e /etc/bookbot ]]; then
    fail "bookbot (its package, user, /etc/bookbot or /var/lib/bookbot) is already on this machine"
fi

BUILD_DIR=${BUILD_DIR:-build} scripts/package.sh amd64
version=$(sed -n '1s/^bookbot (\([^)]*\)).*/\1/p' packaging/deb/changelog)
deb="dist/bookbot_${version}_amd64.deb"
[[ -f "$deb" ]] || fail "$deb was not built"

work=$(mktemp -d)
cleanup() {
    dpkg --purge bookbot >/dev/null 2>&1 || true
    rm -rf /var/lib/bookbot /etc/bookbot "$work"
    rm -f /var/lib/systemd/deb-systemd-helper-masked/bookbot.service
    userdel bookbot >/dev/null 2>&1 || true
    groupdel bookbot >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- lintian: no errors. The one warning kept: non-standard-file-perm for
# etc/bookbot/bookbot.env (0640: it holds the tokens; postinst gives it the
# bookbot group).
step "lintian"
lintian --fail-on error dist/bookbot_*.deb

# --- install -----------------------------------------------------------------
step "install"
dpkg -i "$deb" >"$work/install.log" 2>&1 || fail "dpkg -i: $(cat "$work/install.log")"
unit=/usr/lib/systemd/system/bookbot.service
for f in /usr/bin/bookbot "$unit" /usr/libexec/bookbot/check-token /etc/bookbot/bookbot.toml \
    /etc/bookbot/bookbot.env /usr/share/doc/bookbot/README.Debian \
    /usr/share/doc/bookbot/copyright /usr/share/man/man1/bookbot.1.gz; do
    [[ -f "$f" ]] || fail "$f is missing"
done
grep -q '^\.SS "bookbot serve"' <<<"$(zcat /usr/share/man/man1/bookbot.1.gz)" ||
    fail "the man page has no section for bookbot serve"
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd bookbot) || fail "no user bookbot"
((uid < 1000)) || fail "bookbot is not a system user (uid $uid)"
[[ "$home" == /var/lib/bookbot && "$shell" == */nologin ]] || fail "bookbot: home $home, shell $shell"
[[ $(stat -c '%U:%G %a' /etc/bookbot/bookbot.env) == "root:bookbot 640" ]] ||
    fail "bookbot.env is $(stat -c '%U:%G %a' /etc/bookbot/bookbot.env), not root:bookbot 640"
[[ $(stat -c '%U:%G %a' /var/lib/bookbot) == "bookbot:bookbot 750" ]] ||
    fail "/var/lib/bookbot is $(stat -c '%U:%G %a' /var/lib/bookbot)"
conffiles=$(dpkg-query -W -f='${Conffiles}' bookbot)
for f in /etc/bookbot/bookbot.toml /etc/bookbot/bookbot.env; do
    grep -q " $f " <<<"$conffiles" || fail "$f is not a conffile"
done
[[ -L /etc/systemd/system/multi-user.target.wants/bookbot.service ]] ||
    fail "the service was not enabled on install"

# --- the unit ----------------------------------------------------------------
step "systemd-analyze"
# Documentation=man:bookbot(1) is checked where man is installed.
man_check=--man=yes
command -v man >/dev/null || man_check=--man=no
systemd-analyze verify "$man_check" "$unit" || fail "systemd-analyze verify $unit"
exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null |
    sed -n 's/.*Overall exposure level for bookbot.service: \([0-9.]*\).*/\1/p')
step "exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' ||
    fail "systemd-analyze security: exposure '$exposure' > 2.0"

# The service's environment: systemd's own variables, the unit's
# Environment=, then the EnvironmentFile= (which wins), as systemd builds it.
unit_value() { sed -n "s/^$1=//p" "$unit"; }
service_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    HOME=/var/lib/bookbot USER=bookbot LOGNAME=bookbot SHELL=/usr/sbin/nologin
    $(unit_value Environment))
env_file=$(unit_value EnvironmentFile)
# Replaces the (sub)shell with a command line of the unit, run as the service
# user, in its directory, with its umask and environment (plus the VAR=value
# given first). as_service: the same in a subshell.
exec_as_service() {
    local extra=()
    while [[ "${1:-}" == *=* ]]; do
        extra+=("$1")
        shift
    done
    mapfile -t file_env < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$env_file" || true)
    cd "$(unit_value WorkingDirectory)"
    umask "$(unit_value UMask)"
    exec setpriv --reuid="$(unit_value User)" --regid="$(unit_value Group)" --init-groups -- \
        env -i "${service_env[@]}" "${file_env[@]}" "${extra[@]}" "$@"
}
as_service() { (exec_as_service "$@"); }

step "no token: the start is skipped with a message"
if as_service $(unit_value ExecCondition) 2>"$work/condition.log"; then
    fail "ExecCondition passed without a token"
fi
grep -q "TELEGRAM_BOT_TOKEN=.* in /etc/bookbot/bookbot.env" "$work/condition.log" ||
    fail "ExecCondition said: $(cat "$work/condition.log")"
as_service TELEGRAM_BOT_TOKEN=123:test $(unit_value ExecCondition) ||
    fail "ExecCondition refused a token"

step "ExecStartPre, ExecStart"
as_service $(unit_value ExecStartPre) || fail "ExecStartPre failed"
[[ $(stat -c '%U %a' /var/lib/bookbot/bookbot.db) == "bookbot 600" ]] ||
    fail "bookbot.db is $(stat -c '%U %a' /var/lib/bookbot/bookbot.db), not bookbot 600"
# serve's log comes through a pipe, read line by line until it listens.
mkfifo "$work/serve.pipe"
(exec_as_service BOOKBOT_LISTEN=127.0.0.1:0 $(unit_value ExecStart)) 2>"$work/serve.pipe" &
serve_pid=$!
exec 4<"$work/serve.pipe"
port=""
while IFS= read -r -t 60 line <&4; do
    echo "$line" >>"$work/serve.log"
    if [[ "$line" =~ serve\.listening.*127\.0\.0\.1:([0-9]+) ]]; then
        port=${BASH_REMATCH[1]}
        break
    fi
done
[[ -n "$port" ]] || fail "serve did not listen: $(cat "$work/serve.log")"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
ready=$(cat <&3)
exec 3<&-
grep -q "^ready" <<<"${ready//$'\r'/}" || fail "GET /readyz: $ready"
[[ $(ps -o user= -p "$serve_pid") == bookbot ]] || fail "serve does not run as bookbot"
kill -TERM "$serve_pid"
cat <&4 >>"$work/serve.log"
exec 4<&-
wait "$serve_pid" || fail "serve did not stop cleanly on SIGTERM: $(cat "$work/serve.log")"

step "a booking through the terminal chat"
book=$(printf '/start\n1\n1\n2\n1\n1\n' |
    as_service /usr/bin/bookbot chat --config /etc/bookbot/bookbot.toml --user alice)
grep -q "Booked: " <<<"$book" || fail "no booking: $book"
bookings() { as_service /usr/bin/bookbot bookings list --json; }
grep -q '"alice"' <<<"$(bookings)" || fail "the booking is not in /var/lib/bookbot: $(bookings)"

# --- upgrade: a newer version whose example configuration changed too ----------
step "upgrade"
echo "# edited by the administrator" >>/etc/bookbot/bookbot.toml
echo "BOOKBOT_LOG_LEVEL=debug" >>/etc/bookbot/bookbot.env
dpkg-deb -R "$deb" "$work/next"
sed -i "s/^Version: .*/Version: ${version}+next1/" "$work/next/DEBIAN/control"
echo "# changed in the next version" >>"$work/next/etc/bookbot/bookbot.toml"
dpkg-deb --root-owner-group -b "$work/next" "$work/next.deb" >/dev/null
dpkg -i --force-confold "$work/next.deb" >"$work/upgrade.log" 2>&1 ||
    fail "upgrade: $(cat "$work/upgrade.log")"
[[ $(dpkg-query -W -f='${Version}' bookbot) == "${version}+next1" ]] || fail "not upgraded"
grep -q "edited by the administrator" /etc/bookbot/bookbot.toml || fail "bookbot.toml edit lost"
grep -q "^BOOKBOT_LOG_LEVEL=debug" /etc/bookbot/bookbot.env || fail "bookbot.env edit lost"
[[ -f /etc/bookbot/bookbot.toml.dpkg-dist ]] || fail "the new example is not in .dpkg-dist"
[[ $(stat -c '%U:%G %a' /etc/bookbot/bookbot.env) == "root:bookbot 640" ]] ||
    fail "bookbot.env after upgrade: $(stat -c '%U:%G %a' /etc/bookbot/bookbot.env)"
grep -q '"alice"' <<<"$(bookings)" || fail "the booking did not survive the upgrade"

# --- remove keeps everything but the program; purge keeps the data ----------------
step "remove"
dpkg -r bookbot >/dev/null 2>&1 || fail "dpkg -r"
[[ ! -e /usr/bin/bookbot ]] || fail "/usr/bin/bookbot is still there"
[[ -f /var/lib/bookbot/bookbot.db && -f /etc/bookbot/bookbot.env ]] ||
    fail "remove deleted data or configuration"
step "purge"
dpkg -P bookbot >"$work/purge.log" 2>&1 || fail "dpkg -P: $(cat "$work/purge.log")"
[[ ! -e /etc/bookbot/bookbot.env && ! -e /etc/bookbot/bookbot.toml ]] ||
    fail "purge left the configuration"
[[ -f /var/lib/bookbot/bookbot.db ]] || fail "purge deleted the data (README.Debian says it is kept)"
grep -q "kept in /var/lib/bookbot" "$work/purge.log" || fail "purge did not say where the data is"

step "PASS in $(($(date +%s) - start)) s"
