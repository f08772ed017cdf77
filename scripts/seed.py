"""Part of `make run`: seed the demo account and media data. Each service contributes its own idempotent seeder
(``<service>.seed:run``); running it twice creates nothing twice."""

from __future__ import annotations

import importlib
import sys

from svckit.settings import SERVICES


def main() -> int:
    for service in SERVICES:
        try:
            module = importlib.import_module(f"{service}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"{service}.seed":
                raise
            continue
        print(f"seeding {service} ...", flush=True)
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
