"""Opens, clicks and unsubscribes, from links in the mails: no login, no cookie; the signed token is the key.

Hits by link scanners and image proxies are recorded with ``machine = true`` (and why), so reports count people.
Unsubscribing is honoured at once: the address goes on the account's suppression list in the same transaction.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.errors import NotFound
from svckit.work import Work

from .. import contracts
from ..domain import tokens
from ..domain.scanners import is_machine
from ..engine.compose import HONEYPOT_URL
from ..i18n import _
from .suppression import suppress

_SCAN_BURST = timedelta(seconds=60)
LINK_INVALID = _("This link is not valid.")


def _delivery(session: Session, delivery_id: int):
    return session.execute(text("SELECT id, account_id, mailing_id, email, sent_at, recipient->>'language' AS lang "
                                "FROM deliveries WHERE id = :id"), {"id": delivery_id}).first()


def _event(session: Session, d, kind: str, now: datetime, machine: str | None, detail: dict) -> None:
    session.execute(text("INSERT INTO delivery_events (delivery_id, mailing_id, kind, machine, at, detail) "
                         "VALUES (:d, :m, :k, :machine, :at, CAST(:detail AS jsonb))"),
                    {"d": d.id, "m": d.mailing_id, "k": kind, "machine": machine is not None, "at": now,
                     "detail": json.dumps({**detail, **({"machine_reason": machine} if machine else {})})})


def _recent_honeypot(session: Session, delivery_id: int, now: datetime) -> bool:
    """A scanner that followed the hidden link follows the others within seconds: flag those too."""
    return bool(session.execute(text(
        "SELECT 1 FROM delivery_events WHERE delivery_id = :d AND kind = 'clicked' "
        "AND detail->>'machine_reason' = 'honeypot' AND at > :since LIMIT 1"),
        {"d": delivery_id, "since": now - _SCAN_BURST}).first())



def track_open(work: Work, token: str, inp: contracts.TrackingIn, secret: str) -> bool:
    session, now = work.session, work.now
    delivery_id = tokens.parse_delivery_token(secret, (token or "").removesuffix(".gif"), "o")
    if delivery_id is None:
        return False
    d = _delivery(session, delivery_id)
    if d is None:
        return False
    machine = is_machine("open", inp.user_agent, inp.method, d.sent_at, now)
    _event(session, d, "opened", now, machine, {"user_agent": (inp.user_agent or "")[:300]})
    return True


def track_click(work: Work, token: str, inp: contracts.TrackingIn, secret: str) -> dict:
    session, now = work.session, work.now
    parsed = tokens.parse_click_token(secret, token)
    if parsed is None:
        raise NotFound(LINK_INVALID)
    delivery_id, url = parsed
    d = _delivery(session, delivery_id)
    if d is None:
        raise NotFound(LINK_INVALID)
    honeypot = url == HONEYPOT_URL
    machine = is_machine("click", inp.user_agent, inp.method, d.sent_at, now, honeypot=honeypot)
    if machine is None and _recent_honeypot(session, d.id, now):
        machine = "after_honeypot"
    _event(session, d, "clicked", now, machine, {"url": url[:2000], "user_agent": (inp.user_agent or "")[:300]})
    return {"url": None if honeypot else url}


def _mask(email: str) -> str:
    local, _unused, domain = email.partition("@")
    return (local[:2] + "…" if len(local) > 2 else local[:1] + "…") + "@" + domain


def unsubscribe_info(work: Work, token: str, secret: str) -> dict:
    session = work.session
    delivery_id = tokens.parse_delivery_token(secret, token, "u")
    d = _delivery(session, delivery_id) if delivery_id is not None else None
    if d is None or d.account_id is None:
        raise NotFound(LINK_INVALID)
    done = session.execute(text("SELECT 1 FROM suppressions WHERE account_id = :a AND address = :e "
                                "AND reason = 'unsubscribed'"), {"a": d.account_id, "e": d.email.lower()}).first()
    return {"email": _mask(d.email), "language": d.lang if d.lang in ("de", "en") else "de",
            "unsubscribed": bool(done)}


def unsubscribe(work: Work, token: str | None, inp: contracts.TrackingIn, secret: str, via: str = "web") -> dict:
    """The unsubscribe link of a mail (``token``)."""
    return record_unsubscribe(work.session, token, inp, secret, via=via, now=work.now)


def record_unsubscribe(session: Session, token: str | None, inp: contracts.TrackingIn, secret: str,
                       delivery_id: int | None = None, via: str = "web", now: datetime | None = None) -> dict:
    """An unsubscribe by link (``token``) or by mail to the unsubscribe address (``delivery_id``; the bounce
    endpoint, outside a worker)."""
    now = now or utcnow()
    if delivery_id is None:
        delivery_id = tokens.parse_delivery_token(secret, token or "", "u")
    d = _delivery(session, delivery_id) if delivery_id is not None else None
    if d is None or d.account_id is None:
        raise NotFound(LINK_INVALID)
    new = suppress(session, d.account_id, d.email, "unsubscribed",
                   {"mailing_id": str(d.mailing_id) if d.mailing_id else None, "via": via})
    if new:
        _event(session, d, "unsubscribed", now, None, {"via": via, "user_agent": (inp.user_agent or "")[:300]})
    return {"unsubscribed": True, "email": _mask(d.email), "language": d.lang if d.lang in ("de", "en") else "de"}
