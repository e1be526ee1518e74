#!/usr/bin/env bash
# README command 1: install what is needed, build, migrate the embedded default
# database (a SQLite file under ./data), then start the bot: `bookbot serve`
# when a Telegram token is configured (TELEGRAM_BOT_TOKEN or
# TELEGRAM_BOT_TOKEN_FILE), else a terminal chat (no token needed; Ctrl-D ends it).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target bookbot
build/app/bookbot migrate
if [[ -n "${TELEGRAM_BOT_TOKEN:-}" || -n "${TELEGRAM_BOT_TOKEN_FILE:-}" ]]; then
    exec build/app/bookbot serve "$@"
fi
exec build/app/bookbot chat "$@"
