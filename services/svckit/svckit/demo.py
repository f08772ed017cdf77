"""The demo tenant that ``make run`` seeds: one fixed account id every service's seeder agrees on.

identity's seeder creates the demo account (named :data:`DEMO_ACCOUNT_NAME`, license manager
:data:`DEMO_LICENSE_MANAGER_EMAIL`); the other seeders find it in identity's database by this id or else by that
name (identity seeds first) and write their own rows for it: billing a regular-phase subscription with every add-on,
crm its contacts. Services are not running while seeding, so nobody calls anybody.
"""

from __future__ import annotations

import uuid

DEMO_ACCOUNT_ID = uuid.UUID("d3e0a000-0000-4000-8000-00000000de30")
DEMO_ACCOUNT_NAME = "Demo Pressestelle GmbH"
DEMO_LICENSE_MANAGER_EMAIL = "demo@pressroom.local"
