"""The demo tenant that ``make run`` seeds (``python -m scripts.seed``), handed from seeder to seeder.

identity's seeder creates the demo account (named :data:`DEMO_ACCOUNT_NAME`, license manager
:data:`DEMO_LICENSE_MANAGER_EMAIL`, two clients) through identity's own use cases and returns its ids;
``scripts/seed.py`` turns them into a :class:`DemoTenant` and passes it to every other seeder (crm writes contacts
into its clients, billing a regular-phase subscription with every add-on). No seeder reads another service's
database, and nobody calls anybody: the services are not running while seeding.

:data:`DEMO_ACCOUNT_ID` is the account billing's seeder uses when it runs alone (no tenant handed in, as in its
own tests).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEMO_ACCOUNT_ID = uuid.UUID("d3e0a000-0000-4000-8000-00000000de30")
DEMO_ACCOUNT_NAME = "Demo Pressestelle GmbH"
DEMO_LICENSE_MANAGER_EMAIL = "demo@pressroom.local"


@dataclass(frozen=True)
class DemoTenant:
    """What the other seeders need to know of identity's demo account."""

    account_id: uuid.UUID
    client_ids: tuple[uuid.UUID, ...] = ()
    name: str = DEMO_ACCOUNT_NAME
    license_manager_email: str = DEMO_LICENSE_MANAGER_EMAIL

    @classmethod
    def from_identity(cls, ids: Mapping[str, Any]) -> DemoTenant:
        """From identity's seed result (``identity.seed.run()``: ``account_id``, ``client_ids`` in creation order)."""
        return cls(account_id=uuid.UUID(str(ids["account_id"])),
                   client_ids=tuple(uuid.UUID(str(c)) for c in ids["client_ids"]))
