"""``make clean-test-dbs``: drop databases and vhosts that interrupted test runs left behind.

Only run it while no test run is going on: it drops every ``pressroom_t*`` database (per-run test databases) and
``pressroom-bench*`` database, and every ``pressroom-test-*`` / ``pressroom-bench-*`` RabbitMQ vhost.
"""

from __future__ import annotations

import shutil
import subprocess

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from svckit.settings import database_url

from .rabbit import delete_vhost


def main() -> None:
    admin = create_engine(make_url(database_url("identity")).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        names = conn.execute(text(
            "SELECT datname FROM pg_database WHERE datname LIKE 'pressroom\\_t%' OR datname LIKE 'pressroom\\_bench%'"
        )).scalars().all()
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped database {name}")
    admin.dispose()
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    try:
        out = subprocess.run([ctl, "-q", "list_vhosts"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for vhost in out.split():
        if vhost.startswith(("pressroom-test-", "pressroom-bench-")):
            delete_vhost(vhost)
            print(f"deleted vhost {vhost}")


if __name__ == "__main__":
    main()
