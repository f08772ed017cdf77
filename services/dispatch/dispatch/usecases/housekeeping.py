"""What runs every few seconds (the periodic job ``housekeeping`` of svckit's runner, ``dispatch.jobhandlers``):
scheduled mailings become due, finished mailings are closed and reported to crm (``mailing_sent``), and sent mails
are metered for billing (``usage_recorded``), all through the outbox; replaced DKIM keys are retired.

Each step locks what it works on (SKIP LOCKED) and marks it in the same transaction as the outbox rows, so several
service replicas may run it at once and nothing is reported twice or lost.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.rows import rowcount

from .. import events
from ..db import outbox, queries
from ..db.models import LANE_NAMES

HISTORY_BATCH = 500


def run(session: Session, now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    stats = {"due": start_due(session, now), "finished": finish(session, now), "usage": meter(session, now),
             "dkim_retired": retire_dkim_keys(session, now)}
    return stats


def retire_dkim_keys(session: Session, now: datetime) -> int:
    """DKIM keys replaced by a rotation are deleted once their grace period is over (usecases/senders.py)."""
    from .senders import retire_keys

    n = retire_keys(session, now)
    session.commit()
    return n


def start_due(session: Session, now: datetime) -> int:
    n = rowcount(session.execute(queries.START_DUE, {"now": now}))
    session.commit()
    return n


def finish(session: Session, now: datetime) -> int:
    done = session.execute(queries.FINISHED_MAILINGS).all()
    for m in done:
        session.execute(text("UPDATE mailings SET state = 'finished', finished_at = :now WHERE id = :id"),
                        {"now": now, "id": m.id})
        while True:
            rows = session.execute(queries.REPORT_OUTCOMES, {"m": m.id, "n": HISTORY_BATCH}).all()
            if not rows:
                break
            sent_at = max((r.sent_at for r in rows if r.sent_at), default=now)
            outbox.add(session, events.MAILING_SENT, events.mailing_sent(
                m.account_id, m.id, m.subject, sent_at, [(r.contact_id, r.email) for r in rows]))
    session.commit()
    return len(done)


def meter(session: Session, now: datetime, batch: int = 5000) -> int:
    """Sent mails -> usage_recorded per (account, lane) and batch; idempotency key names the batch."""
    batch_id = secrets.randbits(62)
    rows = session.execute(queries.METER_SENT, {"b": batch_id, "n": batch}).all()
    totals: dict[tuple, list[int]] = {}
    for r in rows:
        if r.account_id is None or r.lane == 0:   # the suite's own transactional mail is not billed
            continue
        t = totals.setdefault((r.account_id, r.lane), [0, 0])
        t[0] += 1
        t[1] += r.size or 0
    for (account_id, lane), (count, size) in totals.items():
        kind = f"mails_{LANE_NAMES[lane]}"
        outbox.add(session, events.USAGE_RECORDED, events.usage_recorded(
            account_id, kind, count, now, f"dispatch:usage:{batch_id}:{account_id}:{lane}", size))
    session.commit()
    return len(rows)
