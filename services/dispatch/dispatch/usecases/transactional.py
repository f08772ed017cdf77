"""Transactional mail for the other services (one-time codes, passwords, invoices): its own lane, served first."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from svckit.validation import parse_uuid
from svckit.work import Work

from .. import contracts
from ..db.models import TRANSACTIONAL, Delivery


def enqueue(work: Work, inp: contracts.TransactionalIn, msgid_domain: str) -> dict:
    """Idempotent per ``idempotency_key``: the same key twice queues one mail (and returns the same
    Message-ID). Header fields (to_name, subject, category, attachment file names) with a line break or another
    control character are refused, naming the field."""
    session = work.session   # inp: names, subject, file names are one line each (mail headers)
    account = parse_uuid(inp.account_id, "account_id") if inp.account_id else None
    payload = inp.model_dump(exclude={"to", "account_id", "idempotency_key"})
    stmt = insert(Delivery).values(
        account_id=account, mailing_id=None, lane=TRANSACTIONAL, email=inp.to,
        domain=inp.to.rpartition("@")[2].lower(), recipient=payload, idempotency_key=inp.idempotency_key,
        message_id=f"<t{uuid.uuid4().hex}@{msgid_domain}>",
    ).on_conflict_do_nothing(index_elements=["idempotency_key"],
                             index_where=Delivery.idempotency_key.isnot(None))
    session.execute(stmt)
    row = session.execute(select(Delivery.id, Delivery.state, Delivery.message_id)
                          .where(Delivery.idempotency_key == inp.idempotency_key)).one()
    return {"delivery_id": row.id, "state": row.state, "message_id": row.message_id}
