"""billing's part of the whole-account export (docs/contracts.md, GDPR): ``export_account_data(account_id, cursor)``.

Page 0 holds the tables (subscription with its invoice recipient, plan history, orders with the terms records,
individual contracts' metadata, monthly usage, entitlements, invoice metadata); the following pages hold the
invoice PDFs, 20 per page, as files ``billing/invoices/<number>.pdf``. ``next_cursor`` is null on the last page.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from svckit.errors import InvalidInput
from svckit.work import Work

from ..db import models as m
from ..db import repo
from ..i18n import _
from . import invoicing

FILES_PER_PAGE = 20
BAD_CURSOR = _("Invalid cursor.")


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    if hasattr(value, "hex") and type(value).__name__ == "UUID":
        return str(value)
    return value


def _row(obj, skip=("document",)) -> dict[str, Any]:
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def export(work: Work, account_id, cursor: str | None) -> dict[str, Any]:
    session = work.session
    try:
        page = int(cursor or 0)
        if page < 0:
            raise ValueError
    except ValueError:
        raise InvalidInput(fields={"cursor": BAD_CURSOR}) from None
    invoices = repo.invoices_of(session, account_id, limit=100000)
    pdf_pages = (len(invoices) + FILES_PER_PAGE - 1) // FILES_PER_PAGE
    nxt = str(page + 1) if page < pdf_pages else None
    if page == 0:
        sub = repo.subscription_row(session, account_id)
        tables: dict[str, list] = {"subscriptions": [_row(sub)] if sub else []}
        if sub is not None:
            tables["plan_entries"] = [_row(e) for e in session.execute(
                select(m.PlanEntry).where(m.PlanEntry.subscription_id == sub.id)).scalars()]
        tables["orders"] = [_row(o) for o in session.execute(
            select(m.Order).where(m.Order.account_id == account_id)).scalars()]
        tables["individual_contracts"] = [_row(c) for c in session.execute(
            select(m.IndividualContract).where(m.IndividualContract.account_id == account_id)).scalars()]
        tables["usage_monthly"] = [_row(u) for u in session.execute(
            select(m.UsageMonthly).where(m.UsageMonthly.account_id == account_id)).scalars()]
        state = session.get(m.EntitlementState, account_id)
        tables["entitlements"] = [dict(state.payload)] if state else []
        tables["invoices"] = [invoicing.summary(i) for i in invoices]
        return {"service": "billing", "tables": tables, "files": [], "next_cursor": nxt}
    chunk = sorted(invoices, key=lambda i: (i.year, i.seq))[(page - 1) * FILES_PER_PAGE:page * FILES_PER_PAGE]
    files = [{"path": f"billing/invoices/{inv.number}.pdf",
              "content_b64": base64.b64encode(invoicing.pdf_of(session, inv)).decode()} for inv in chunk]
    return {"service": "billing", "tables": {}, "files": files, "next_cursor": nxt}
