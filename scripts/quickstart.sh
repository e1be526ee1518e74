#!/usr/bin/env bash
# README command 1: install what is needed, build, migrate the embedded default
# database (a SQLite file under ./data) and start a terminal chat with the bot
# (no platform token needed; Ctrl-D ends it).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target bookbot
build/app/bookbot migrate
exec build/app/bookbot chat "$@"
