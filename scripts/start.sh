#!/usr/bin/env bash
# Start the whole suite in the foreground with honcho (Procfile); Ctrl-C stops every process cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export LOG_FORMAT="${LOG_FORMAT:-text}"
mkdir -p var/mail
# development mail: every service delivers to the SMTP sink, which dispatch can also ask whether it already holds
# a Message-ID (exactly-once delivery across sender crashes, see services/dispatch/README.md)
export SMTP_HOST="${SMTP_HOST:-127.0.0.1}"
export SMTP_PORT="${SMTP_PORT:-${SMTP_SINK_PORT:-1025}}"
export SMTP_RECONCILE_URL="${SMTP_RECONCILE_URL:-http://127.0.0.1:${SMTP_SINK_WEB_PORT:-8025}}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:${GATEWAY_PORT:-8080}}"
for port in "${GATEWAY_PORT:-8080}" "${SMTP_SINK_PORT:-1025}" "${SMTP_SINK_WEB_PORT:-8025}" "${BOUNCE_SMTP_PORT:-2525}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use (is the suite already running?). Stop that process or set GATEWAY_PORT / SMTP_SINK_PORT / SMTP_SINK_WEB_PORT / BOUNCE_SMTP_PORT." >&2
    exit 1
  fi
done
exec honcho start -f Procfile
