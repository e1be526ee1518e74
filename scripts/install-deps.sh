#!/usr/bin/env bash
# Installs everything bookbot needs to build, run and test, from Debian's
# package archive only (Debian 12 / Raspberry Pi OS 64-bit). Idempotent.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also the PostgreSQL 15 server used by the tests
#   scripts/install-deps.sh --format only clang-format
#   scripts/install-deps.sh --tidy   only clang-tidy (with run-clang-tidy)
#   scripts/install-deps.sh --package  also what scripts/package.sh and
#                                      scripts/test-install.sh need (amd64 .deb)
#   scripts/install-deps.sh --arm64    also the arm64 cross compiler and qemu
#                                      (the arm64 .deb, scripts/test-arm64.sh)
set -euo pipefail

packages=(
    build-essential cmake pkg-config ccache ca-certificates
    libsqlite3-dev libsqlitecpp-dev
    libpq-dev libpqxx-dev
    libboost-dev libssl-dev
    nlohmann-json3-dev catch2
    libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
    libjemalloc-dev
)
case "${1:-}" in
    --test) packages+=(postgresql-15 postgresql-client-15) ;;
    --format) packages=(clang-format) ;;
    --tidy) packages=(clang-tidy) ;;
    --package) packages+=(dpkg-dev lintian systemd adduser binutils) ;;
    --arm64) packages+=(dpkg-dev lintian systemd adduser binutils crossbuild-essential-arm64
        qemu-user-static postgresql-15 postgresql-client-15) ;;
esac

missing=()
for p in "${packages[@]}"; do
    grep -q "install ok installed" <<<"$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
