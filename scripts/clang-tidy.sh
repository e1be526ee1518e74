#!/usr/bin/env bash
# clang-tidy with the repository's .clang-tidy over every C++ source of the
# product (core, backends, transports, app) in build/compile_commands.json,
# two at a time. Findings of the groups .clang-tidy makes errors fail the run;
# the others are counted (BOOKBOT_TIDY_VERBOSE=1 prints them).
#   BUILD_DIR=build   the build whose compile_commands.json to use (scripts/test.sh makes it)
#   scripts/clang-tidy.sh [REGEX]   only the files matching REGEX (run-clang-tidy's filter)
#   BOOKBOT_TIDY_CHANGED=1   only what changed since the commit named in
#       .ci/tidy-base, whose whole tree was checked clean, as .ci/run does to
#       stay inside CI's time: the changed .cpp files, plus every file that
#       includes a changed header (from the build's dependency files); the
#       whole tree when .clang-tidy changed, or when that commit is missing
#       or not an ancestor of HEAD, or when there is no build to read the
#       includes from. (A base taken from main or HEAD^ missed code: several
#       commits land on main at once, and a clean clone of main cannot tell
#       which were already checked.)
#   scripts/clang-tidy.sh --mark   the whole tree; when it is clean and the
#       work tree has no uncommitted C++ change, writes HEAD into
#       .ci/tidy-base (commit it, so CI checks less)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v run-clang-tidy >/dev/null || scripts/install-deps.sh --tidy

build_dir=${BUILD_DIR:-build}
if [[ ! -f "$build_dir/compile_commands.json" ]]; then
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOOKBOT_WITH_POSTGRES=ON >/dev/null
fi

# The product's .cpp files among $1 (changed paths), plus those whose
# compilation read a changed header: GCC's dependency files in the build
# (build/<dir>/CMakeFiles/<target>.dir/<file>.cpp.o.d) list every header a
# file included. Fails when a header changed and there are none to read.
changed_sources() {
    local changed=$1 header dep
    grep -E '^(core|backends|transports|app)/.*\.cpp$' <<<"$changed" || true
    local headers
    headers=$(grep -E '^(core|backends|transports|app)/.*\.(hpp|h)$' <<<"$changed" || true)
    [[ -z "$headers" ]] && return 0
    local deps
    deps=$(find "$build_dir" -name '*.cpp.o.d' -path '*/CMakeFiles/*')
    [[ -z "$deps" ]] && return 1
    while IFS= read -r header; do
        while IFS= read -r dep; do
            # build/core/CMakeFiles/bookbot_core.dir/src/engine.cpp.o.d -> core/src/engine.cpp
            dep=${dep#"$build_dir"/}
            echo "${dep%%/CMakeFiles/*}/$(sed -E 's|^[^/]+\.dir/||; s|\.o\.d$||' <<<"${dep#*/CMakeFiles/}")"
        done < <(xargs grep -lF -- "/$header" <<<"$deps" || true)
    done <<<"$headers" | grep -E '^(core|backends|transports|app)/' || true
}

mark=
if [[ "${1:-}" == --mark ]]; then
    mark=1
    shift
    if [[ -n "${1:-}" ]]; then
        echo "clang-tidy --mark checks the whole tree: no REGEX" >&2
        exit 2
    fi
    if [[ -n "$(git status --porcelain -- core backends transports app .clang-tidy)" ]]; then
        echo "clang-tidy --mark: uncommitted changes in the C++ tree; commit them first" >&2
        exit 2
    fi
fi
filter=${1:-"$PWD/(core|backends|transports|app)/.*\\.cpp\$"}
if [[ -z "${1:-}" && -z "$mark" && -n "${BOOKBOT_TIDY_CHANGED:-}" ]]; then
    base=$(git rev-parse -q --verify "$(cat .ci/tidy-base 2>/dev/null)^{commit}" || true)
    if [[ -z "$base" ]] || ! git merge-base --is-ancestor "$base" HEAD; then
        echo "clang-tidy: .ci/tidy-base names no ancestor of HEAD: the whole tree"
    else
        changed=$(git diff --name-only --diff-filter=d "$base" HEAD -- core backends transports \
            app .clang-tidy)
        since="since $(git rev-parse --short "$base")"
        if grep -qx '.clang-tidy' <<<"$changed"; then
            echo "clang-tidy: .clang-tidy changed $since: the whole tree"
        elif ! files=$(changed_sources "$changed" | sort -u); then
            echo "clang-tidy: a header changed $since and $build_dir has no dependency files: the whole tree"
        elif [[ -z "$files" ]]; then
            echo "clang-tidy: no C++ source changed $since"
            exit 0
        else
            filter="$PWD/($(paste -sd'|' <<<"$files" | sed 's/\./\\./g'))\$"
            echo "clang-tidy: $(wc -l <<<"$files") files changed or include a changed header $since"
        fi
    fi
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run-clang-tidy -p "$build_dir" -j 2 -quiet "$filter" >"$log" 2>&1 || status=$?
findings() { sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^/.*: $1: " | sort -u; }
if [[ -n "${BOOKBOT_TIDY_VERBOSE:-}" ]]; then findings warning; fi
files=$(grep -c -- '-p=' "$log" || true)
if ((status != 0)); then
    findings error
    echo "clang-tidy: errors above in $files files (checks: .clang-tidy)"
    exit 1
fi
echo "clang-tidy: ok, $files files ($(findings warning | wc -l) style warnings, not errors)"
if [[ -n "$mark" ]]; then
    git rev-parse HEAD >.ci/tidy-base
    echo "clang-tidy: the whole tree is clean at $(git rev-parse --short HEAD); commit .ci/tidy-base"
fi
