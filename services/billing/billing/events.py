"""Events the billing service publishes (past tense) and their payload builders: plain JSON, never ORM objects.

Both go through the outbox (svckit.outbox): written in the transaction that decided them, published after commit,
never lost.
- ``entitlements_changed``: :meth:`svckit.entitlements.Entitlements.to_payload` (monotonic ``version`` per account)
- ``account_purge_requested``: ``{account_id, requested_at}``, four weeks after the contract ended
- ``account_purged``: ``{service: "billing", account_id}``, after billing deleted what it need not keep
"""

from __future__ import annotations

from datetime import datetime

from svckit.clock import utcnow
from svckit.entitlements import EVENT as ENTITLEMENTS_CHANGED  # noqa: F401  ("entitlements_changed")

ACCOUNT_PURGE_REQUESTED = "account_purge_requested"
ACCOUNT_PURGED = "account_purged"
USAGE_RECORDED = "usage_recorded"  # consumed (from dispatch and crm)


def purge_requested(account_id, requested_at: datetime | None = None) -> dict:
    return {"account_id": str(account_id),
            "requested_at": (requested_at or utcnow()).isoformat()}


def purged(account_id) -> dict:
    return {"service": "billing", "account_id": str(account_id)}
