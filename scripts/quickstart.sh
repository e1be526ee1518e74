#!/usr/bin/env bash
# README command 1: install what is needed, build, and start bookbot on its
# embedded default database (a SQLite file under ./data).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target bookbot
exec build/app/bookbot migrate "$@"
