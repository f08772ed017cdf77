"""Writing outbox rows from code that runs outside a nameko worker (sender engine, bounce endpoint, timers).

The rows are published by the dispatch service's outbox relay (svckit.outbox) like any other event of "dispatch".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import outbox


def add(session: Session, event_type: str, payload: dict[str, Any], headers: dict[str, Any] | None = None) -> None:
    session.execute(outbox.insert().values(event_type=event_type, payload=payload, headers=headers or {}))
