#!/usr/bin/env bash
# Builds a sysroot of Debian 12 arm64 packages for cross-compiling bookbot:
# the arm64 -dev packages (and everything they depend on) are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x`, because apt cannot
# install libpq-dev / libpqxx-dev for two architectures at once.
#   scripts/lib/arm64_sysroot.sh DIR     (re)creates DIR unless it is complete
# Needs `dpkg --add-architecture arm64` and an apt-get update (done here, as
# root or through sudo). Downloads from the Debian archive only.
set -euo pipefail

sysroot=${1:?usage: arm64_sysroot.sh DIR}
stamp="$sysroot/.bookbot-sysroot-complete"
[[ -f "$stamp" ]] && exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
if ! grep -qx arm64 <<<"$(dpkg --print-foreign-architectures)"; then
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq
elif ! apt-cache show libc6:arm64 >/dev/null 2>&1; then
    $SUDO apt-get update -qq
fi

# What bookbot's build needs (scripts/install-deps.sh, for arm64), plus the C
# and C++ runtime the cross compiler links against inside the sysroot.
roots=(libsqlite3-dev libsqlitecpp-dev libpq-dev libpqxx-dev libboost-dev libssl-dev catch2
    libtomlplusplus-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev
    libstdc++-12-dev libc6-dev)
# Header-only packages built for "all" architectures.
arch_all=(nlohmann-json3-dev libcli11-dev)
# Host tools that dependencies drag in; a sysroot needs none of them.
tools='^(dpkg|tar|install-info|pkg-config|pkgconf|pkgconf-bin|rpcsvc-proto|libc-dev-bin|debconf)$'

mapfile -t packages < <(
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
        --no-replaces --no-enhances "${roots[@]/%/:arm64}" |
        sed -n 's/^\([^ <][^:]*\):arm64$/\1/p' | sort -u | grep -Ev "$tools")

rm -rf "$sysroot"
mkdir -p "$sysroot/.debs"
echo "arm64 sysroot: downloading ${#packages[@]} arm64 packages + ${#arch_all[@]} arch-all ones"
(cd "$sysroot/.debs" && apt-get download -qq "${packages[@]/%/:arm64}" "${arch_all[@]}")
for deb in "$sysroot"/.debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done

# Absolute symlinks (libfoo.so -> /lib/aarch64-linux-gnu/libfoo.so.1) would
# point into the host: make them relative to the sysroot.
find "$sysroot" -type l -lname '/*' -print0 | while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$target")" "$link"
done
# Debian 12 is merged-/usr: /lib -> usr/lib, as on the Pi.
for d in lib bin sbin; do
    if [[ -d "$sysroot/$d" && ! -L "$sysroot/$d" ]]; then
        cp -a "$sysroot/$d/." "$sysroot/usr/$d/" && rm -rf "${sysroot:?}/$d"
    fi
    [[ -e "$sysroot/$d" ]] || ln -s "usr/$d" "$sysroot/$d"
done
# The dynamic loader, where arm64 binaries ask for it.
[[ -e "$sysroot/usr/lib/ld-linux-aarch64.so.1" ]] ||
    ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$sysroot/usr/lib/ld-linux-aarch64.so.1"

# The exact versions unpacked, for the package's Depends (scripts/package.sh).
for deb in "$sysroot"/.debs/*.deb; do
    dpkg-deb -f "$deb" Package Version | paste -sd' '
done | sort >"$sysroot/.bookbot-versions"
rm -rf "$sysroot/.debs"
touch "$stamp"
echo "arm64 sysroot: ready in $sysroot"
