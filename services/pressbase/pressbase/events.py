"""Events the pressbase service publishes (past tense) and their payload builders: plain JSON, never ORM objects.

``journalist_changed`` {pressbase_id, record, changed_at} (one per changed journalist that an account transferred
into its CRM; ``record`` in the transfer record shape) is written to the outbox in the import's own transaction.
``account_purged`` goes through the outbox (svckit.outbox): billing waits for every service's confirmation, so it
must never be lost. ``feed_imported`` tells interested services (and operators' dashboards) that the media data
changed; it is informational and published after commit.
"""

from __future__ import annotations

from typing import Any

ACCOUNT_PURGED = "account_purged"
JOURNALIST_CHANGED = "journalist_changed"
PERSON_ERASED = "person_erased"
FEED_IMPORTED = "feed_imported"


def account_purged(account_id) -> dict[str, Any]:
    return {"service": "pressbase", "account_id": str(account_id)}


def person_erased(account_id, contact_id) -> dict[str, Any]:
    return {"service": "pressbase", "account_id": str(account_id), "contact_id": str(contact_id)}


def feed_imported(import_id: int, mode: str, counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {"import_id": import_id, "mode": mode, "counts": counts}
