"""Events the crm service publishes (past tense) and their payload builders: plain JSON, never ORM objects.

All of them go through the outbox (svckit.outbox): written in the transaction that caused them, published after
commit, never lost. Shapes: docs/contracts.md.
"""

from __future__ import annotations

import uuid
from typing import Any, Iterable

from svckit.clock import utcnow

CONTACT_EMAIL_CORRECTED = "contact_email_corrected"
PERSON_ERASURE_REQUESTED = "person_erasure_requested"
USAGE_RECORDED = "usage_recorded"
ACCOUNT_PURGED = "account_purged"
PERSON_ERASED = "person_erased"


def _now() -> str:
    return utcnow().isoformat()


def contact_email_corrected(account_id, contact_id, old_email: str, new_email: str) -> dict[str, Any]:
    return {"account_id": str(account_id), "contact_id": str(contact_id), "old_email": old_email,
            "new_email": new_email}


def person_erasure_requested(account_id, contact_id, emails: Iterable[str], requested_by) -> dict[str, Any]:
    return {"account_id": str(account_id), "contact_id": str(contact_id), "emails": sorted(set(emails)),
            "requested_by": str(requested_by) if requested_by else None}


def person_erased(account_id, contact_id) -> dict[str, Any]:
    return {"service": "crm", "account_id": str(account_id), "contact_id": str(contact_id)}


def storage_usage(account_id, quantity: int) -> dict[str, Any]:
    """A measurement (bytes stored now); each measurement has its own idempotency key."""
    return {"account_id": str(account_id), "kind": "storage_bytes", "quantity": int(quantity),
            "occurred_at": _now(), "idempotency_key": f"crm-storage:{account_id}:{uuid.uuid4().hex}"}


def account_purged(account_id) -> dict[str, Any]:
    return {"service": "crm", "account_id": str(account_id)}
