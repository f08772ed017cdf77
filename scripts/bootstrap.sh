#!/usr/bin/env bash
# Make this machine ready for Pressroom: OS packages, virtualenv, PostgreSQL, RabbitMQ, the database role.
# Idempotent: every step checks first and does nothing when it is already done.
#   scripts/bootstrap.sh run    what `make run` needs
#   scripts/bootstrap.sh test   the same plus what the tests need (dovecot, docker-compose, test packages)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"
VENV="${VENV:-.venv}"
PY="${PYTHON:-python3}"
PGHOST_="${PGHOST:-127.0.0.1}"
PGPORT_="${PGPORT:-5432}"
DB_ROLE="${PRESSROOM_DB_ROLE:-pressroom}"
DB_PASSWORD="${PRESSROOM_DB_PASSWORD:-pressroom}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mError:\033[0m %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then
    die "missing OS packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}  (then run make again)"
  fi
  say "installing OS packages: ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq || true; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- Python --------------------------------------------------------------------------------------------------------
have "$PY" || apt_install python3 python3-venv python3-dev
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then apt_install python3-venv; fi
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "Python 3.11 or newer is needed ($("$PY" --version 2>&1) found); set PYTHON=/path/to/python3.11"

# --- PostgreSQL ----------------------------------------------------------------------------------------------------
if ! have pg_dump || ! have psql; then apt_install postgresql-client; fi
if ! pg_isready -q -h "$PGHOST_" -p "$PGPORT_" 2>/dev/null; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql; fi
  say "starting PostgreSQL"
  if is_root; then
    for v in $(ls /etc/postgresql 2>/dev/null); do pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true; done
    pg_isready -q -h "$PGHOST_" -p "$PGPORT_" || service postgresql start >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST_" -p "$PGPORT_" && break; sleep 1; done
  pg_isready -q -h "$PGHOST_" -p "$PGPORT_" || die "PostgreSQL is not reachable on $PGHOST_:$PGPORT_. Start it (sudo service postgresql start) or set PGHOST/PGPORT."
fi

# the application role: a password login with CREATEDB (databases are created per service and per test run)
psql_admin() {
  if psql -X -q -h "$PGHOST_" -p "$PGPORT_" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U postgres -d postgres "$@"
  elif is_root && have runuser; then
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT_" -d postgres "$@"
  else
    return 1
  fi
}
if ! PGPASSWORD="$DB_PASSWORD" psql -X -q -h "$PGHOST_" -p "$PGPORT_" -U "$DB_ROLE" -d postgres -c 'select 1' >/dev/null 2>&1 \
   || ! PGPASSWORD="$DB_PASSWORD" psql -X -qtA -h "$PGHOST_" -p "$PGPORT_" -U "$DB_ROLE" -d postgres \
        -c "select rolcreatedb from pg_roles where rolname = current_user" 2>/dev/null | grep -q t; then
  say "creating database role $DB_ROLE"
  psql_admin -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
        CREATE ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
      ELSE
        ALTER ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
      END IF; END \$\$;" \
    || die "cannot create the PostgreSQL role '$DB_ROLE'. As a PostgreSQL superuser run:
    CREATE ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';"
fi

# --- RabbitMQ ------------------------------------------------------------------------------------------------------
AMQP_HOST="${AMQP_HOST:-127.0.0.1}"
if ! port_open "$AMQP_HOST" 5672; then
  have rabbitmq-server || apt_install rabbitmq-server
  say "starting RabbitMQ"
  if is_root; then
    rabbitmq-server -detached >/dev/null 2>&1 || service rabbitmq-server start >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 60); do port_open "$AMQP_HOST" 5672 && break; sleep 1; done
  port_open "$AMQP_HOST" 5672 || die "RabbitMQ is not reachable on $AMQP_HOST:5672. Start it (sudo service rabbitmq-server start) or set AMQP_URI."
fi

# --- Node.js (builds the web app, scripts/build-web.sh) ------------------------------------------------------------
if ! have node || ! have npm; then apt_install nodejs npm; fi

# --- test-only OS packages -----------------------------------------------------------------------------------------
if [ "$MODE" = test ]; then
  apt_install dovecot-imapd docker-compose
  # the browser tests (tests/browser) drive Debian's Chromium with Playwright; no browser is ever downloaded
  [ -x /usr/bin/chromium ] || apt_install chromium
fi

# --- virtualenv ----------------------------------------------------------------------------------------------------
REQ="requirements.txt"; [ "$MODE" = test ] && REQ="requirements-test.txt"
[ -x "$VENV/bin/python" ] || { say "creating virtualenv $VENV"; "$PY" -m venv "$VENV"; }
LOCAL_PKGS=(services/svckit services/identity services/crm services/dispatch services/pressbase services/billing gateway tools/smtpsink)
STAMP="$VENV/.pressroom-$MODE"
HASH=$(cat requirements.txt "$REQ" $(for p in "${LOCAL_PKGS[@]}"; do echo "$p/pyproject.toml"; done) | sha256sum | cut -c1-16)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$HASH" ]; then
  say "installing Python packages ($REQ)"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" 2>&1 | { grep -v '^WARNING: Location' || true; }
  EDITABLE=(); for p in "${LOCAL_PKGS[@]}"; do EDITABLE+=(-e "$p"); done
  # compat mode puts each project directory on sys.path (a .pth line), so a checkout directory that shares a
  # package's name (gateway/) can never shadow the package as a namespace package
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --config-settings editable_mode=compat "${EDITABLE[@]}" 2>&1 | { grep -v '^WARNING: Location' || true; }
  echo "$HASH" > "$STAMP"
fi
say "ready ($MODE)"
