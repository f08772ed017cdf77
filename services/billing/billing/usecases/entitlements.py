"""Compute, store and publish an account's entitlements (``entitlements_changed``, monotonic version)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.entitlements import EVENT, unknown
from svckit.work import Work

from ..db import models as m
from ..db import repo
from ..domain import rights
from ..domain.catalogue import Catalogue, load

Stage = Callable[[Session, str, dict], None]


def staged(work: Work) -> Stage:
    """The Stage of a unit of work: the event leaves through ``work.emit`` (written to the outbox at the commit)."""
    return lambda _session, event, payload: work.emit(event, payload)


def computed(session: Session, cat: Catalogue, row: m.Subscription, today: date, entries=None) -> dict:
    sub = repo.to_domain(session, row, entries)
    return rights.compute(cat, str(row.account_id), sub.status, list(sub.entries), today).to_payload()


def refresh(session: Session, cat: Catalogue, account_id, today: date, stage: Stage) -> dict | None:
    """Publish (through the outbox) when what the account may do changed; returns the new payload or None."""
    row = repo.subscription_row(session, account_id)
    if row is None or row.state == "purged":
        return None
    payload = computed(session, cat, row, today)
    session.execute(insert(m.EntitlementState).values(account_id=row.account_id, version=0, payload={})
                    .on_conflict_do_nothing())
    state = session.execute(select(m.EntitlementState).where(m.EntitlementState.account_id == row.account_id)
                            .with_for_update()).scalar_one()
    if state.version > 0 and rights.comparable(state.payload) == rights.comparable(payload):
        return None
    state.version += 1
    payload["version"] = state.version
    state.payload = payload
    stage(session, EVENT, payload)
    return payload


def current(work: Work, account_id) -> dict:
    session = work.session
    refresh(session, load(), account_id, work.today, staged(work))
    state = session.get(m.EntitlementState, account_id)
    if state is None or state.version == 0:
        return unknown(str(account_id)).to_payload()
    return dict(state.payload)


def stored_payloads(session: Session) -> list[dict]:
    return [dict(p) for p in session.execute(select(m.EntitlementState.payload)
                                             .where(m.EntitlementState.version > 0)).scalars()]


def refresh_many(session: Session, cat: Catalogue, account_ids: list, today: date, stage: Stage) -> int:
    """:func:`refresh` for many accounts in one transaction (the job runner: day 16, 1 January, the end). The state
    rows are locked first, then the subscriptions read, so a concurrent change either waits for this transaction or
    is seen by it; either way the newest version published is computed from the newest subscription."""
    if not account_ids:
        return 0
    ids = sorted({str(a) for a in account_ids})
    session.execute(insert(m.EntitlementState).values([{"account_id": a, "version": 0, "payload": {}} for a in ids])
                    .on_conflict_do_nothing())
    states = {str(s.account_id): s for s in session.execute(
        select(m.EntitlementState).where(m.EntitlementState.account_id.in_(ids))
        .order_by(m.EntitlementState.account_id).with_for_update()).scalars()}
    rows = list(session.execute(select(m.Subscription).where(m.Subscription.account_id.in_(ids),
                                                             m.Subscription.state != "purged")).scalars())
    entries = repo.all_entries(session, [r.id for r in rows])
    published = 0
    for row in rows:
        payload = computed(session, cat, row, today, entries.get(row.id, []))
        state = states[str(row.account_id)]
        if state.version > 0 and rights.comparable(state.payload) == rights.comparable(payload):
            continue
        state.version += 1
        payload["version"] = state.version
        state.payload = payload
        stage(session, EVENT, payload)
        published += 1
    return published
