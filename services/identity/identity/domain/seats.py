"""Named-user licensing: active users never exceed the licensed seats."""

from __future__ import annotations

from svckit.i18n import Text

from ..i18n import ngettext


def no_seat(active: int, seats: int) -> Text:
    """Why one more user cannot be activated (counts by plural rule: "the 1 seat is taken")."""
    return ngettext("The {seats} seat is taken ({active} active users). Deactivate a user first or extend the "
                    "subscription.",
                    "All {seats} seats are taken ({active} active users). Deactivate a user first or extend the "
                    "subscription.", seats).format(seats=seats, active=active)


def can_activate(active: int, seats: int) -> bool:
    return active < seats


def over_limit(active: int, seats: int) -> bool:
    """Seats shrank below the active users: nobody is deactivated, but no one more can be activated."""
    return active > seats
