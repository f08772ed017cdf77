#!/usr/bin/env bash
# Build the web frontend (gateway/web) into gateway/gateway/static/app, where the gateway serves it.
# Part of `make run` and `make test`; does nothing when nothing changed:
#   - `npm ci` only when package-lock.json changed since the last install,
#   - `npm run build` only when a source file (src/, public/, index.html, configs, lock file) changed.
# FORCE=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
WEB=gateway/web
OUT=gateway/gateway/static/app
STAMPS=gateway/web/node_modules   # stamps stay out of the gateway package (its files become wheel package data)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
  || { echo "Node.js and npm are needed to build the web app: sudo apt-get install -y nodejs npm" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
  || { echo "Node.js 18 or newer is needed to build the web app ($(node --version) found)" >&2; exit 1; }

LOCK_HASH=$(sha256sum "$WEB/package-lock.json" | cut -c1-16)
if [ ! -d "$WEB/node_modules" ] || [ "$(cat "$WEB/node_modules/.pressroom-lock" 2>/dev/null)" != "$LOCK_HASH" ]; then
  say "installing the web app's npm packages (npm ci)"
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_HASH" > "$WEB/node_modules/.pressroom-lock"
fi

SRC_HASH=$(find "$WEB/src" "$WEB/index.html" "$WEB/vite.config.ts" "$WEB/tsconfig.json" \
                "$WEB/package.json" "$WEB/package-lock.json" -type f -print0 | sort -z | xargs -0 sha256sum \
           | sha256sum | cut -c1-16)
if [ "${FORCE:-0}" = 1 ] || [ ! -f "$OUT/index.html" ] || [ "$(cat "$STAMPS/.pressroom-build" 2>/dev/null)" != "$SRC_HASH" ]; then
  say "building the web app (gateway/web -> $OUT)"
  (cd "$WEB" && npm run --silent build)
  echo "$SRC_HASH" > "$STAMPS/.pressroom-build"
fi
