#!/usr/bin/env bash
# clang-tidy with the repository's .clang-tidy over every C++ source of the
# product (core, backends, transports, app) in build/compile_commands.json,
# two at a time. Findings of the groups .clang-tidy makes errors fail the run;
# the others are counted (BOOKBOT_TIDY_VERBOSE=1 prints them).
#   BUILD_DIR=build   the build whose compile_commands.json to use (scripts/test.sh makes it)
#   scripts/clang-tidy.sh [REGEX]   only the files matching REGEX (run-clang-tidy's filter)
#   BOOKBOT_TIDY_CHANGED=1   only the .cpp files changed since the branch left
#       main (on main itself: since the last commit's first parent), as .ci/run
#       does to stay inside CI's 30 minutes; the whole tree when a header,
#       .clang-tidy or a CMake file changed, or when there is no main to compare with
set -euo pipefail
cd "$(dirname "$0")/.."
command -v run-clang-tidy >/dev/null || scripts/install-deps.sh --tidy

build_dir=${BUILD_DIR:-build}
if [[ ! -f "$build_dir/compile_commands.json" ]]; then
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOOKBOT_WITH_POSTGRES=ON >/dev/null
fi

filter=${1:-"$PWD/(core|backends|transports|app)/.*\\.cpp\$"}
if [[ -z "${1:-}" && -n "${BOOKBOT_TIDY_CHANGED:-}" ]]; then
    main=$(git rev-parse -q --verify origin/main || git rev-parse -q --verify main || true)
    base=${main:+$(git merge-base HEAD "$main")}
    if [[ -n "$base" && "$base" == "$(git rev-parse HEAD)" ]]; then
        base=$(git rev-parse -q --verify HEAD^1 || true)
    fi
    if [[ -z "$base" ]]; then
        echo "clang-tidy: no main to compare with: the whole tree"
    else
        changed=$(git diff --name-only "$base" HEAD -- core backends transports app .clang-tidy \
            'CMakeLists.txt' '*/CMakeLists.txt' cmake)
        if [[ -n "$changed" ]] && grep -qvE '\.cpp$' <<<"$changed"; then
            echo "clang-tidy: a header or the build changed since $(git rev-parse --short "$base"): the whole tree"
        else
            cpp=$(grep -E '^(core|backends|transports|app)/.*\.cpp$' <<<"$changed" || true)
            if [[ -z "$cpp" ]]; then
                echo "clang-tidy: no C++ source changed since $(git rev-parse --short "$base")"
                exit 0
            fi
            filter="$PWD/($(paste -sd'|' <<<"$cpp" | sed 's/\./\\./g'))\$"
            echo "clang-tidy: the $(wc -l <<<"$cpp") changed files since $(git rev-parse --short "$base")"
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
