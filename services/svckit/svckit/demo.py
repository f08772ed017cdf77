"""The demo tenant that ``make run`` seeds: one fixed account id every service's seeder agrees on.

identity's seeder creates the account (and its users) with this id; billing's seeder gives it a subscription in the
regular phase with every add-on; the other services seed their demo data for it. Services are not running while
seeding, so nobody calls anybody: each seeder writes its own rows for this id (idempotently).
"""

from __future__ import annotations

import uuid

DEMO_ACCOUNT_ID = uuid.UUID("d3e0a000-0000-4000-8000-00000000de30")
DEMO_ACCOUNT_NAME = "Pressestelle Demo GmbH"
DEMO_LICENSE_MANAGER_EMAIL = "demo@pressroom.local"
