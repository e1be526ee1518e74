#!/usr/bin/env bash
# Builds the Debian package from a clean tree:
#   scripts/package.sh [amd64|arm64]   ->  dist/bookbot_<version>_<arch>.deb
# arm64 is cross-built on an amd64 host (crossbuild-essential-arm64, a sysroot
# of Debian arm64 packages made by scripts/lib/arm64_sysroot.sh, the man page
# generated under qemu). Only Debian packages are downloaded.
#   BUILD_DIR=dir       build directory (default build-deb/<arch>; an existing
#                       build, e.g. the test build, is reused as configured)
#   BOOKBOT_SYSROOT=dir the arm64 sysroot (default build-deb/sysroot-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."

arch=${1:-$(dpkg --print-architecture)}
host_arch=$(dpkg --print-architecture)
case "$arch" in
    amd64 | arm64) ;;
    *)
        echo "usage: scripts/package.sh [amd64|arm64]" >&2
        exit 2
        ;;
esac
if [[ "$arch" != "$host_arch" && ! ("$arch" == arm64 && "$host_arch" == amd64) ]]; then
    echo "package.sh: cannot build $arch on $host_arch (only arm64 on amd64 is cross-built)" >&2
    exit 2
fi

start=$(date +%s)
if [[ "$arch" == "$host_arch" ]]; then
    scripts/install-deps.sh --package
else
    scripts/install-deps.sh --arm64
fi

build_dir=${BUILD_DIR:-build-deb/$arch}
args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOOKBOT_WITH_POSTGRES=ON -DCMAKE_INSTALL_PREFIX=/usr
    -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON)
# A new build directory builds no tests; an existing one keeps its settings.
[[ -f "$build_dir/CMakeCache.txt" ]] || args+=(-DBOOKBOT_BUILD_TESTS=OFF)
if [[ "$arch" != "$host_arch" ]]; then
    sysroot=${BOOKBOT_SYSROOT:-build-deb/sysroot-arm64}
    scripts/lib/arm64_sysroot.sh "$sysroot"
    args+=(-DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake"
        -DBOOKBOT_SYSROOT="$(realpath "$sysroot")")
fi
cmake -S . -B "$build_dir" "${args[@]}"
cmake --build "$build_dir" -j2 --target bookbot bookbot_man bookbot_changelog

# Depends is written by hand (packaging/CMakeLists.txt): check that it names
# exactly the shared libraries the binary needs ...
binary="$build_dir/app/bookbot"
# (The dynamic loader, which arm64 binaries name, is libc6's, like libc.so.6.)
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v '^ld-linux' |
    sort | paste -sd' ')
listed=$(tr ' ' '\n' <"$build_dir/deb-sonames.txt" | sed '/^$/d' | sort | paste -sd' ')
if [[ "$needed" != "$listed" ]]; then
    echo "package.sh: bookbot needs: $needed" >&2
    echo "package.sh: Depends covers: $listed" >&2
    echo "package.sh: update BOOKBOT_DEB_LIBRARIES in packaging/CMakeLists.txt" >&2
    exit 1
fi
# ... and, where dpkg-shlibdeps works (a native build), that no least version
# it computes is newer than ours.
if [[ "$arch" == "$host_arch" ]]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/debian"
    printf 'Source: bookbot\n\nPackage: bookbot\nArchitecture: any\n' >"$work/debian/control"
    cp "$binary" "$work/bookbot"
    computed=$(cd "$work" && dpkg-shlibdeps -O bookbot 2>/dev/null | sed 's/^shlibs:Depends=//')
    echo "package.sh: dpkg-shlibdeps: $computed"
    echo "package.sh: Depends:        $(cat "$build_dir/deb-depends.txt")"
    # "pkg (>= version)" per line, for the comparison.
    split() { tr ',' '\n' | sed 's/^ *//; s/ *$//; /^$/d'; }
    while read -r pkg _ version; do
        version=${version%)}
        ours=$(split <"$build_dir/deb-depends.txt" | awk -v p="$pkg" '$1 == p')
        if [[ -z "$ours" ]]; then
            echo "package.sh: Depends lacks $pkg (dpkg-shlibdeps: $computed)" >&2
            exit 1
        fi
        ours_version=$(sed -n 's/.*(>= *\(.*\))/\1/p' <<<"$ours")
        if [[ -n "$version" ]] &&
            { [[ -z "$ours_version" ]] || dpkg --compare-versions "$ours_version" lt "$version"; }; then
            echo "package.sh: $pkg needs >= $version; Depends says '$ours'" >&2
            exit 1
        fi
    done < <(split <<<"$computed")
fi

(cd "$build_dir" && cpack -G DEB >/dev/null)
deb=$(ls "$build_dir"/bookbot_*_"$arch".deb)
mkdir -p dist
cp "$deb" dist/
out="dist/$(basename "$deb")"
dpkg-deb -f "$out" Package Version Architecture Depends
echo "package.sh: $out: $(stat -c %s "$out") bytes, installed $(dpkg-deb -f "$out" Installed-Size) KiB, in $(($(date +%s) - start)) s"
