"""Mail arriving at our VERP domain (or a sender domain's custom return-path host, a CNAME to it): bounces (DSN and
others), auto-replies, and mailto unsubscribes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.errors import NotFound
from svckit.metrics import BOUNCE_VERDICTS, count_mail

from .. import contracts
from ..db import queries
from ..db.models import SenderDomain
from ..domain import alignment, tokens
from ..domain import bounce as bounce_parser
from ..settings import DispatchSettings
from . import tracking
from .suppression import record_bounce, suppress


def _event(session: Session, d, kind: str, now: datetime, detail: dict) -> None:
    session.execute(text("INSERT INTO delivery_events (delivery_id, mailing_id, kind, at, detail) "
                         "VALUES (:d, :m, :k, :at, CAST(:detail AS jsonb))"),
                    {"d": d.id, "m": d.mailing_id, "k": kind, "at": now, "detail": json.dumps(detail)})


def verp_at_known_host(session: Session, address: str, settings: DispatchSettings) -> tuple[str, int] | None:
    """``(kind, delivery_id)`` for a VERP address whose signature verifies at our bounce host or at the custom
    return-path host (``bounce.<domain>``) of a sender domain we know; else None. A host is known while its sender
    domain exists, checked or not, so late bounces for mail sent while the CNAME checked out still count."""
    parsed = tokens.parse_verp(settings.tracking_secret, address)
    if parsed is None:
        return None
    host = address.strip().strip("<>").rpartition("@")[2].lower().rstrip(".")
    if host == settings.verp_domain.lower():
        return parsed
    domain = alignment.domain_of_host(host)
    if domain is None or session.scalar(select(SenderDomain.id).where(SenderDomain.domain == domain).limit(1)) \
            is None:
        return None
    return parsed


def process(session: Session, rcpt_tos: list[str], raw: bytes, settings: DispatchSettings,
            now: datetime | None = None) -> list[dict]:
    """Handle one received message for each of its envelope recipients. Commits. Unknown addresses are ignored
    (answered 550 by the SMTP endpoint before DATA)."""
    now = now or utcnow()
    results: list[dict[str, Any]] = []
    report = None
    for rcpt in rcpt_tos:
        parsed = verp_at_known_host(session, rcpt, settings)
        if parsed is None:
            results.append({"rcpt": rcpt, "result": "unknown_address"})
            continue
        kind, delivery_id = parsed
        if kind == tokens.UNSUB_PREFIX:
            try:
                tracking.record_unsubscribe(session, None, contracts.TrackingIn(user_agent="mailto"),
                                            settings.tracking_secret, delivery_id=delivery_id, via="mailto", now=now)
                results.append({"rcpt": rcpt, "result": "unsubscribed"})
            except NotFound:  # a deleted delivery
                results.append({"rcpt": rcpt, "result": "unknown_delivery"})
            continue
        d = session.execute(text("SELECT id, account_id, mailing_id, email, state FROM deliveries WHERE id = :id "
                                 "FOR UPDATE"), {"id": delivery_id}).first()
        if d is None:
            results.append({"rcpt": rcpt, "result": "unknown_delivery"})
            continue
        report = report or bounce_parser.parse(raw)
        detail = {"status": report.status, "reason": report.reason[:300], "hard": report.hard}
        if report.kind == bounce_parser.BOUNCE:
            if d.state == "bounced":
                results.append({"rcpt": rcpt, "result": "duplicate"})
                continue
            session.execute(queries.MARK_BOUNCED,
                {"b": "hard" if report.hard else "soft", "reason": report.reason[:1000], "now": now, "id": d.id})
            _event(session, d, "bounced", now, detail)
            suppressed = record_bounce(session, {"id": d.id, "account_id": d.account_id, "email": d.email,
                                                 "mailing_id": d.mailing_id}, report.hard, report.status,
                                       report.reason, now, settings.soft_bounce_limit, cause=report.cause)
            results.append({"rcpt": rcpt, "result": "bounce", "hard": report.hard, "suppressed": suppressed,
                            "domain": d.email.rpartition("@")[2]})
        elif report.kind == bounce_parser.DELAYED:
            _event(session, d, "delayed", now, detail)
            results.append({"rcpt": rcpt, "result": "delayed"})
        elif report.kind == bounce_parser.COMPLAINT:
            # a spam complaint (ARF report, provider JSON): the address is suppressed as "complaint"
            _event(session, d, "complaint", now, {"reason": report.reason[:300]})
            if d.account_id is not None:
                suppress(session, d.account_id, d.email, "complaint", {"mailing_id": str(d.mailing_id)})
            results.append({"rcpt": rcpt, "result": "complaint"})
        elif report.kind == bounce_parser.AUTO_REPLY:
            _event(session, d, "auto_reply", now, {"subject": report.reason[:300]})
            results.append({"rcpt": rcpt, "result": "auto_reply"})
        else:
            _event(session, d, "reply_unreadable", now, detail)
            results.append({"rcpt": rcpt, "result": "unknown"})
    session.commit()
    for result in results:
        if result["result"] == "bounce":
            BOUNCE_VERDICTS.labels("hard" if result["hard"] else "soft").inc()
            count_mail("bounced", result.pop("domain"))
        else:
            BOUNCE_VERDICTS.labels(VERDICTS.get(result["result"], result["result"])).inc()
    return results


#: the verdict label of a result (bounces are ``hard`` or ``soft``; the others keep their name)
VERDICTS = {"unsubscribed": "unsubscribe", "unknown": "unreadable", "unknown_delivery": "unknown",
            "unknown_address": "unknown"}
