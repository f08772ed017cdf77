"""Part of `make run`: seed the demo account and media data. Each service contributes its own idempotent seeder
(``<service>.seed:run``); running it twice creates nothing twice.

identity seeds first, through its own use cases, and returns the demo account's ids; the other seeders get them
handed in as a ``svckit.demo.DemoTenant`` (``run(tenant)``), so no seeder reads another service's database. The
services are not running while seeding: nothing is called over RPC, events wait in each service's outbox.
"""

from __future__ import annotations

import importlib
import sys

from svckit.demo import DemoTenant
from svckit.settings import SERVICES


def main() -> int:
    from identity import seed as identity_seed

    print("seeding identity ...", flush=True)
    tenant = DemoTenant.from_identity(identity_seed.run())
    for service in SERVICES:
        if service == "identity":
            continue
        try:
            module = importlib.import_module(f"{service}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"{service}.seed":
                raise
            continue
        print(f"seeding {service} ...", flush=True)
        module.run(tenant)
    return 0


if __name__ == "__main__":
    sys.exit(main())
