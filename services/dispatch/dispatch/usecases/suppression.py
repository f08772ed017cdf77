"""The suppression list: addresses and whole domains an account never mails again, and why.

Every entry keeps its address out of *all* of the account's mailings. Who may *see* an entry depends on its scope:

- **client** (``client_id`` set): an unsubscribe made through a mailing belongs to that mailing's client. Only
  users who can see that client see the entry (another client's users do not learn who unsubscribed from what).
- **account** (``client_id`` NULL): hard bounces, repeated soft bounces and complaints (facts about the address)
  and blacklist entries added by hand. Every user of the account sees them; the mailing they came from (id and
  name) only users who can see that mailing's client.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit.errors import Forbidden, NotFound
from svckit.principal import ADMINISTRATOR, Principal
from svckit.rows import rowcount
from svckit.textsafe import like_contains
from svckit.validation import check_line, parse_uuid
from svckit.work import Work

from .. import contracts, events
from ..db import outbox, queries
from ..domain.bounce import SENDER_SIDE
from ..i18n import _

REASONS = ("blacklist", "unsubscribed", "hard_bounce", "soft_bounces", "complaint")
#: reasons whose entry belongs to the client of the mailing it came from (all others are account-wide)
CLIENT_SCOPED = ("unsubscribed",)
SOFT_WINDOW = timedelta(days=30)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: what of ``detail`` a user sees (mailing ids stay out: they are shown as ``mailing`` when the client is visible)
_SHOWN_DETAIL = ("status", "reason", "via", "by")

NOT_SUPPRESSED = _("This address is not on the suppression list.")
READ_ONLY_ENTRY = _("You cannot lift this entry: you have read-only access to its client.")


def normalise(address: str) -> str:
    return address.strip().lower()


def fingerprint(address: str) -> str:
    """What stays of an erased person's unsubscribe or bounce: a hash, so the wish is still honoured (GDPR
    Art. 21) without keeping the address (Art. 17)."""
    return "#" + hashlib.sha256(normalise(address).encode()).hexdigest()


def suppress(session: Session, account_id, address: str, reason: str, detail: dict | None = None) -> bool:
    """Add (idempotent per scope); True when new. Caller commits.

    ``detail["mailing_id"]`` names the mailing the entry came from (an unsubscribe link, a bounce): it is kept as
    ``mailing_id``, and for :data:`CLIENT_SCOPED` reasons the entry belongs to that mailing's client.
    """
    detail = dict(detail or {})
    mailing = detail.get("mailing_id")
    mailing = str(mailing) if mailing and _UUID.match(str(mailing)) else None
    return rowcount(session.execute(queries.SUPPRESS,
        {"a": str(account_id), "addr": normalise(address), "r": reason, "d": json.dumps(detail), "m": mailing,
         "scoped": reason in CLIENT_SCOPED})) > 0


def suppressed(session: Session, account_id, emails: Iterable[str]) -> dict[str, str]:
    """email -> reason for those suppressed by address or by their domain (``@domain``)."""
    emails = list({normalise(e) for e in emails})
    if not emails:
        return {}
    keys = emails + ["@" + e.rpartition("@")[2] for e in emails] + [fingerprint(e) for e in emails]
    rows = session.execute(text("SELECT address, reason FROM suppressions WHERE account_id = :a "
                                "AND address = ANY(:keys)"), {"a": account_id, "keys": keys}).all()
    by_key = {r.address: r.reason for r in rows}
    out = {}
    for e in emails:
        reason = by_key.get(e) or by_key.get("@" + e.rpartition("@")[2]) or by_key.get(fingerprint(e))
        if reason:
            out[e] = reason
    return out


def record_bounce(session: Session, delivery: dict, hard: bool, status: str | None, reason: str, now: datetime,
                  soft_limit: int = 3, cause: str | None = None) -> str | None:
    """A recipient bounced (at SMTP time or by DSN): suppress when hard, or after ``soft_limit`` recipient-side
    soft bounces in 30 days, and tell crm (``recipient_bounced``, through the outbox). Returns the suppression
    reason if any. Caller commits.

    ``cause`` is the bounce's reason (:data:`dispatch.domain.bounce.REASONS`), kept on the delivery (``id``). A
    sender-side reason (blocked, auth failure, reputation, policy, PTR, spam ...) is about our sending domain, not
    the address: it never counts toward suppressing the recipient, and it marks the sending domain of the mailing
    (``sender_issue``, ``sender_issue_at``)."""
    account_id = delivery.get("account_id")
    if account_id is None:          # transactional system mail: nobody's list to clean
        return None
    email = delivery["email"]
    sender_side = cause in SENDER_SIDE
    if cause and delivery.get("id") is not None:
        session.execute(queries.SET_BOUNCE_REASON, {"id": delivery["id"], "c": cause})
    reason_code = None
    if sender_side:
        hard = False
        if delivery.get("mailing_id") is not None:
            session.execute(queries.MARK_SENDER_ISSUE, {"m": str(delivery["mailing_id"]), "c": cause, "now": now})
    elif hard:
        reason_code = "hard_bounce"
    else:
        count = session.execute(queries.RECIPIENT_SOFT_BOUNCES,
            {"a": account_id, "e": email, "since": now - SOFT_WINDOW, "sender": sorted(SENDER_SIDE)}).scalar() or 0
        if count >= soft_limit:
            reason_code = "soft_bounces"
    if reason_code:
        suppress(session, account_id, email, reason_code,
                 {"status": status, "reason": (reason or "")[:300], "mailing_id": str(delivery.get("mailing_id"))})
    outbox.add(session, events.RECIPIENT_BOUNCED,
               events.recipient_bounced(account_id, email, hard or reason_code == "soft_bounces", status,
                                        reason, delivery.get("mailing_id"), now))
    return reason_code


# --- what a user sees and may change ----------------------------------------------------------------------------------

def _visibility(p: Principal) -> tuple[str, dict]:
    """SQL (over ``s``, the suppressions row) for the entries ``p`` may see: the account's, and of those the
    account-wide ones plus the ones of visible clients. A service sees all of the account's."""
    account = parse_uuid(p.require_account(), "account_id")
    if p.is_service:
        return "s.account_id = :a", {"a": account}
    return ("s.account_id = :a AND (s.client_id IS NULL OR s.client_id = ANY(CAST(:visible AS uuid[])))",
            {"a": account, "visible": p.visible_client_ids()})


def _view(p: Principal, row) -> dict:
    """One entry as the user sees it: the source mailing only when its client is visible to them."""
    detail = row.detail or {}
    mailing = None
    if row.mailing_client_id is not None and p.can_see_client(str(row.mailing_client_id)):
        mailing = {"id": str(row.mailing_id), "name": row.mailing_name}
    return {"id": row.id, "address": row.address, "reason": row.reason,
            "scope": "account" if row.client_id is None else "client",
            "client_id": str(row.client_id) if row.client_id is not None else None,
            "mailing": mailing, "detail": {k: detail[k] for k in _SHOWN_DETAIL if detail.get(k) is not None},
            "created_at": row.created_at.isoformat()}


_SELECT = """SELECT s.id, s.address, s.reason, s.detail, s.created_at, s.client_id, s.mailing_id,
                    m.client_id AS mailing_client_id, m.name AS mailing_name
             FROM suppressions s LEFT JOIN mailings m ON m.id = s.mailing_id AND m.account_id = s.account_id"""


def list_entries(work: Work, inp: contracts.PageIn) -> dict:
    """A page of the entries ``p`` may see (``q``: part of the address, ``state``: the reason), by id."""
    session, p = work.session, work.principal
    where, params = _visibility(p)
    params.update({"after": inp.cursor or 0, "n": inp.limit})
    where += " AND s.id > :after"
    if inp.q:
        where += " AND s.address ILIKE :q"
        params["q"] = like_contains(inp.q)
    if inp.state:
        where += " AND s.reason = :r"
        params["r"] = inp.state
    rows = session.execute(text(f"{_SELECT} WHERE {where} ORDER BY s.id LIMIT :n"), params).all()
    items = [_view(p, r) for r in rows]
    return {"items": items, "next_cursor": items[-1]["id"] if len(items) == inp.limit else None}


def add_entry(work: Work, inp: contracts.SuppressionIn) -> dict:
    """A blacklist entry by hand: account-wide (it only ever stops mail). ``created`` says whether the account-wide
    entry is new; entries of other scopes are neither consulted nor revealed."""
    session, p = work.session, work.principal
    account = parse_uuid(p.require_account(), "account_id")
    created = suppress(session, account, inp.address, inp.reason, {"by": p.user_id})
    return {"address": inp.address, "reason": inp.reason, "scope": "account", "created": created}


def delete_entries(work: Work, address) -> int:
    """Administrators lift an entry (an unsubscribe is the recipient's wish, a hard bounce a fact): every entry of
    the address they can see; entries of hidden clients stay and are not mentioned (nothing visible: NotFound),
    an entry of a read-only client is Forbidden."""
    session, p = work.session, work.principal
    p.require_role(ADMINISTRATOR)
    check_line(address, "address")   # a path segment: NUL or a line break is no address (and NUL no SQL text)
    where, params = _visibility(p)
    params["addr"] = normalise(str(address or ""))[:320]
    rows = session.execute(text(f"SELECT s.id, s.client_id FROM suppressions s WHERE {where} "  # noqa: S608 -- visibility clause built from fixed fragments, values bound
                                f"AND s.address = :addr FOR UPDATE"), params).all()
    if not rows:
        raise NotFound(NOT_SUPPRESSED)
    if not p.is_service and any(r.client_id is not None and str(r.client_id) not in p.writable_client_ids()
                                for r in rows):
        raise Forbidden(READ_ONLY_ENTRY)
    session.execute(text("DELETE FROM suppressions WHERE id = ANY(:ids)"), {"ids": [r.id for r in rows]})
    return len(rows)
