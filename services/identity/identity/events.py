"""Events the identity service publishes (past tense) and their payload builders: plain JSON, never ORM objects.

Shapes: docs/contracts.md ("Account lifecycle events"). They are written to the outbox in the transaction that
makes the change and published after the commit, so none is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

ACCOUNT_CREATED = "account_created"
USER_CHANGED = "user_changed"
CLIENT_CREATED = "client_created"
CLIENT_DELETED = "client_deleted"
ACCOUNT_PURGED = "account_purged"


def account_created(account, created_at: datetime) -> dict[str, Any]:
    return {"account_id": str(account.id), "name": account.name, "language": account.language,
            "created_at": created_at.isoformat()}


def user_changed(user, roles: list[str]) -> dict[str, Any]:
    return {"account_id": str(user.account_id), "user_id": str(user.id), "active": bool(user.active),
            "roles": list(roles)}


def client_event(client) -> dict[str, Any]:
    return {"account_id": str(client.account_id), "client_id": str(client.id), "name": client.name}


def account_purged(account_id: str) -> dict[str, Any]:
    return {"service": "identity", "account_id": str(account_id)}
