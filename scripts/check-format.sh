#!/usr/bin/env bash
# Fails if any tracked C++ file is not clang-format clean (.clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || scripts/install-deps.sh --format
bad=$(git ls-files '*.cpp' '*.hpp' | while read -r f; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"
done)
if [[ -n "$bad" ]]; then
    echo "check-format: not clang-format clean (run: clang-format -i FILE):"
    echo "$bad"
    exit 1
fi
echo "check-format: ok"
