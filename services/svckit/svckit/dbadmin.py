"""``python -m svckit.dbadmin migrate|drop|urls [service ...]``: the databases of the suite.

``migrate`` creates missing databases and upgrades each to the newest revision (what ``make run``, the
docker-compose ``migrate`` service and the Kubernetes migration Job run).
"""

from __future__ import annotations

import argparse
import logging
import sys

from sqlalchemy.engine import make_url

from .migrate import drop_database, migrate
from .settings import SERVICES, database_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m svckit.dbadmin", description=__doc__)
    parser.add_argument("command", choices=["migrate", "drop", "urls"])
    parser.add_argument("services", nargs="*", default=list(SERVICES))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    unknown = set(args.services) - set(SERVICES)
    if unknown:
        parser.error(f"unknown service(s): {', '.join(sorted(unknown))}")
    if args.command == "migrate":
        migrate(args.services)
    elif args.command == "drop":
        for service in args.services:
            drop_database(database_url(service))
            print(f"dropped {make_url(database_url(service)).database}")
    else:
        for service in args.services:
            print(f"{service}\t{make_url(database_url(service)).render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
