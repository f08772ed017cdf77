"""Named-user licensing: active users never exceed the licensed seats."""

from __future__ import annotations

from ..i18n import _

NO_SEAT = _("All {seats} seats are taken ({active} active users). Deactivate a user first or extend the "
            "subscription.")


def can_activate(active: int, seats: int) -> bool:
    return active < seats


def over_limit(active: int, seats: int) -> bool:
    """Seats shrank below the active users: nobody is deactivated, but no one more can be activated."""
    return active > seats
