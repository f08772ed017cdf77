"""Mailings: drafts, attachments, preview, test send, volume, start (recipient rows), cancel, re-send."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from svckit import entitlements
from svckit.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge, QuotaExceeded
from svckit.i18n import Text
from svckit.principal import Principal
from svckit.rows import rowcount
from svckit.textsafe import one_line
from svckit.validation import parse_uuid
from svckit.work import Work

from .. import contracts
from ..db import queries
from ..db.models import (
    LANES,
    PREMIUM,
    STANDARD,
    TRANSACTIONAL,
    Attachment,
    Delivery,
    Mailing,
    SenderDomain,
    account_entitlements,
)
from ..domain import alignment
from ..domain import verdict as rules
from ..domain.mime import EncodedAttachment, Mail
from ..domain.templates import SAMPLE_RECIPIENT, TemplateProblem, compile_templates, context_for
from ..i18n import _
from ..settings import DispatchSettings
from .common import load_mailing, load_sender
from .recipients import RecipientResolver, Resolved, resolve
from .suppression import REASONS as SUPPRESSION_REASONS

NOT_DRAFT = _("The mailing has already started and can no longer be changed.")
NO_SENDER = _("Please choose a sender.")
NO_SUBJECT = _("Please enter a subject.")
NO_BODY = _("Please enter a body (HTML or text).")
NO_SOURCES = _("Please choose recipients (lists, contacts, a selection or addresses).")
NO_RECIPIENTS = _("No recipient is left after checking.")
DKIM_MISSING = _("The DKIM record of the sender domain {domain} is missing from DNS. Please publish and check "
                 "it, or have the administrator allow sending without it.")
TOO_MANY = _("At most {limit} recipients per mailing in your subscription ({count} chosen).")
PREMIUM_NEEDED = _("Premium dispatch is an add-on to your subscription.")
NOT_USABLE = _("Your subscription has ended.")
PAST = _("The time is in the past.")
TOO_BIG = _("Attachments may be at most {mb} MB in total.")
BAD_B64 = _("The content is not valid base64.")
ATT_NOT_FOUND = _("Attachment not found.")
NOT_UNDELIVERABLE = _("This recipient is not undeliverable.")
NOT_IN_LIST = _("This address is not among the recipients.")
NOT_CANCELLABLE = _("The mailing has already finished.")
NO_FILES = _("The mediacenter is not connected yet; please upload the file directly.")
PRESEND_REFUSED = _("The mailing is not started, the pre-send check is red: {reasons}")


def view(m: Mailing, attachments: list[Attachment] | None = None) -> dict[str, Any]:
    return {
        "id": str(m.id), "client_id": str(m.client_id), "name": m.name, "subject": m.subject, "html": m.html,
        "text": m.text_body, "sender_id": str(m.sender_id) if m.sender_id else None, "lane": m.lane,
        "language": m.language, "sources": m.sources, "state": m.state, "total": m.total,
        "track_opens": m.track_opens, "track_clicks": m.track_clicks,
        "scheduled_at": _iso(m.scheduled_at), "started_at": _iso(m.started_at), "finished_at": _iso(m.finished_at),
        "created_at": _iso(m.created_at),
        "attachments": [{"id": str(a.id), "filename": a.filename, "content_type": a.content_type, "size": a.size}
                        for a in attachments or []],
    }


def _iso(value):
    return value.isoformat() if value else None


def _attachments(session: Session, mailing_id) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.mailing_id == mailing_id)
                                .order_by(Attachment.created_at, Attachment.id)))


def _check_templates(subject: str, html: str | None, text_body: str | None) -> None:
    try:
        compiled = compile_templates(subject or "", html, text_body)
        compiled.render(context_for(SAMPLE_RECIPIENT))
    except TemplateProblem as exc:
        field = getattr(exc, "field", "html")
        raise InvalidInput(fields={field: Text(exc.de, exc.en)}) from None


def create(work: Work, inp: contracts.MailingIn) -> dict:
    session, p = work.session, work.principal
    account = p.require_account()
    client = parse_uuid(inp.client_id, "client_id")
    p.check_client(str(client), write=True)
    if inp.sender_id:
        load_sender(session, p, inp.sender_id)
    _check_templates(inp.subject, inp.html, inp.text)
    m = Mailing(account_id=parse_uuid(account, "account_id"), client_id=client,
                created_by=parse_uuid(p.user_id, "user_id") if p.user_id else None,
                sender_id=parse_uuid(inp.sender_id, "sender_id") if inp.sender_id else None, name=inp.name,
                subject=inp.subject, html=inp.html, text_body=inp.text, lane=inp.lane, language=inp.language,
                sources=[s.model_dump() for s in inp.sources], state="draft", track_opens=inp.track_opens,
                track_clicks=inp.track_clicks)
    session.add(m)
    session.flush()
    session.refresh(m)
    return view(m, [])


def update_(work: Work, mailing_id, inp: contracts.MailingUpdate) -> dict:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id, write=True, lock=True)
    if m.state != "draft":
        raise Conflict(NOT_DRAFT)
    fields = inp.model_fields_set
    if "sender_id" in fields:
        if inp.sender_id:
            load_sender(session, p, inp.sender_id)
        m.sender_id = parse_uuid(inp.sender_id, "sender_id") if inp.sender_id else None
    for name in ("name", "subject", "lane", "language"):
        if name in fields and getattr(inp, name) is not None:
            setattr(m, name, getattr(inp, name))
    for name in ("track_opens", "track_clicks"):   # null: back to the account's default
        if name in fields:
            setattr(m, name, getattr(inp, name))
    if "html" in fields:
        m.html = inp.html
    if "text" in fields:
        m.text_body = inp.text
    if "sources" in fields and inp.sources is not None:
        m.sources = [s.model_dump() for s in inp.sources]
    _check_templates(m.subject, m.html, m.text_body)
    session.flush()
    return view(m, _attachments(session, m.id))


def get(work: Work, mailing_id) -> dict:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    return view(m, _attachments(session, m.id))


def list_(work: Work, filters: dict | None) -> list[dict]:
    session, p = work.session, work.principal
    account = parse_uuid(p.require_account(), "account_id")
    filters = filters or {}
    visible = [parse_uuid(c, "client_id") for c in p.visible_client_ids()]
    stmt = select(Mailing).where(Mailing.account_id == account, Mailing.client_id.in_(visible))
    if filters.get("client_id"):
        stmt = stmt.where(Mailing.client_id == parse_uuid(filters["client_id"], "client_id"))
    if filters.get("state"):
        stmt = stmt.where(Mailing.state == str(filters["state"])[:20])
    rows = session.scalars(stmt.order_by(Mailing.created_at.desc()).limit(500)).all()
    return [view(m) for m in rows]


def delete(work: Work, mailing_id) -> None:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id, write=True, lock=True)
    if m.state not in ("draft", "finished", "cancelled"):
        raise Conflict(NOT_CANCELLABLE)
    session.delete(m)
    session.flush()


# --- attachments ----------------------------------------------------------------------------------------------------

def add_attachment(work: Work, mailing_id, inp: contracts.AttachmentIn, settings: DispatchSettings,
                   fetch_file=None) -> dict:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id, write=True, lock=True)
    if m.state != "draft":
        raise Conflict(NOT_DRAFT)
    source: dict = {}
    if inp.file_id is not None:
        if fetch_file is None:
            raise InvalidInput(fields={"file_id": NO_FILES})
        f = fetch_file(inp.file_id)
        raw = base64.b64decode(f["content_b64"])
        # the mediacenter's name becomes a MIME parameter: one line, no path (old files may carry a line break)
        filename = one_line(f.get("filename")).replace("/", "_").replace("\\", "_")[:255] or inp.filename
        content_type = f.get("content_type") or inp.content_type
        source = {"crm_file_id": inp.file_id}
    else:
        try:
            raw = base64.b64decode(inp.content_b64 or "", validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(fields={"content_b64": BAD_B64}) from None
        filename, content_type = inp.filename, inp.content_type
    used = session.execute(select(func.coalesce(func.sum(Attachment.size), 0))
                           .where(Attachment.mailing_id == m.id)).scalar() or 0
    if used + len(raw) > settings.max_attachment_bytes:
        mb = settings.max_attachment_bytes // (1024 * 1024)
        raise PayloadTooLarge(TOO_BIG.format(mb=mb), fields={"content_b64": TOO_BIG.format(mb=mb)})
    a = Attachment(account_id=m.account_id, mailing_id=m.id, filename=filename, content_type=content_type,
                   size=len(raw), data=raw, source=source)
    session.add(a)
    session.flush()
    return {"id": str(a.id), "filename": a.filename, "content_type": a.content_type, "size": a.size}


def delete_attachment(work: Work, mailing_id, attachment_id) -> None:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id, write=True, lock=True)
    if m.state != "draft":
        raise Conflict(NOT_DRAFT)
    a = session.get(Attachment, parse_uuid(attachment_id, "attachment_id"))
    if a is None or a.mailing_id != m.id:
        raise NotFound(ATT_NOT_FOUND)
    session.delete(a)
    session.flush()


# --- preview, volume, test send -------------------------------------------------------------------------------------

def _sources(m: Mailing) -> list[dict]:
    if not m.sources:
        raise InvalidInput(NO_SOURCES, fields={"sources": NO_SOURCES})
    return list(m.sources)


def _render_for(m: Mailing, recipient: dict) -> dict:
    try:
        compiled = compile_templates(m.subject or "", m.html, m.text_body)
        subject, html, text_body = compiled.render(context_for(recipient, m.language))
    except TemplateProblem as exc:
        raise InvalidInput(fields={getattr(exc, "field", "html"): Text(exc.de, exc.en)}) from None
    return {"subject": subject, "html": html, "text": text_body}


def _sample_recipient(session: Session, m: Mailing, email: str | None, resolver: RecipientResolver) -> dict:
    """The one recipient a preview and a test send are rendered for, subject and body alike: the chosen one
    (``email``, which must be among the recipients), else the first recipient, else the sample recipient."""
    if m.sources:
        resolved = resolve(session, m.account_id, list(m.sources), resolver)
        if email:
            found = next((r for r in resolved.recipients if r["email"].lower() == email.lower()), None)
            if found is None:
                raise InvalidInput(fields={"email": NOT_IN_LIST})
            return found
        if resolved.recipients:
            return resolved.recipients[0]
    return dict(SAMPLE_RECIPIENT)


def preview(work: Work, mailing_id, inp: contracts.PreviewIn, resolver: RecipientResolver) -> dict:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    recipient = _sample_recipient(session, m, inp.email, resolver)
    rendered = _render_for(m, recipient)
    return {"recipient": {k: recipient.get(k) for k in ("email", "first_name", "last_name", "contact_id")},
            **rendered}


def _mail_size(m: Mailing, attachments: list[Attachment], rendered: dict) -> int:
    mail = Mail(from_name="x" * 30, from_address="sender@example.com", to_address="recipient@example.com",
                subject=rendered["subject"], text=rendered["text"], html=rendered["html"],
                attachments=[EncodedAttachment.build(a.filename, a.content_type, bytes(a.data)) for a in attachments])
    return len(mail.to_bytes()) + 1600  # + DKIM signatures, tracking and unsubscribe headers and footer


def volume(work: Work, mailing_id, resolver: RecipientResolver, settings: DispatchSettings) -> dict:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    resolved = resolve(session, m.account_id, _sources(m), resolver)
    rendered = _render_for(m, resolved.recipients[0] if resolved.recipients else dict(SAMPLE_RECIPIENT))
    size = _mail_size(m, _attachments(session, m.id), rendered)
    ent = entitlements.load(session, account_entitlements, str(m.account_id))
    return {**resolved.summary(), "left_out_detail": resolved.left_out[:1000], "bytes_per_mail": size,
            "total_bytes": size * len(resolved.recipients), "max_recipients": ent.max_recipients_per_mailing,
            "premium_allowed": ent.premium_dispatch,
            "within_limit": ent.max_recipients_per_mailing is None
            or len(resolved.recipients) <= ent.max_recipients_per_mailing,
            "sample": [{"email": r["email"], "name": " ".join(x for x in (r.get("first_name"), r.get("last_name"))
                                                              if x)} for r in resolved.recipients[:SAMPLE]],
            "problems": problems(session, p, m, len(resolved.recipients)),
            "verdict": verdict_view(presend(session, p, m, resolved, settings, work.now))}


SAMPLE = 200


def problems(session: Session, p: Principal, m: Mailing, count: int) -> list[dict]:
    """What would stop ``start`` now, with the very messages it would answer (checked in its order): shown before
    sending, so nobody learns about the recipient limit or a missing DKIM record only from the failed start."""
    found = []

    def content() -> None:
        if not (m.subject or "").strip():
            raise InvalidInput(NO_SUBJECT, fields={"subject": NO_SUBJECT})
        if not (m.html or m.text_body):
            raise InvalidInput(NO_BODY, fields={"html": NO_BODY})

    def recipients() -> None:
        if not count:
            raise InvalidInput(NO_RECIPIENTS, fields={"sources": NO_RECIPIENTS})

    for check in (content, lambda: check_sender(session, p, m), recipients,
                  lambda: check_entitlements(session, m, count)):
        try:
            check()
        except (InvalidInput, Conflict, NotFound, QuotaExceeded) as exc:
            fields = list(exc.fields)
            found.append({"code": exc.code, "field": fields[0] if fields else None,
                          "message": (exc.fields[fields[0]] if fields else exc.detail).to_wire(),
                          **({"limit": exc.extra["limit"]} if "limit" in exc.extra else {})})
    return found


def test_send(work: Work, mailing_id, inp: contracts.TestSendIn, resolver: RecipientResolver) -> dict:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id, write=True)
    if m.sender_id is None:
        raise InvalidInput(NO_SENDER, fields={"sender_id": NO_SENDER})
    sender = load_sender(session, p, m.sender_id)
    recipient = _sample_recipient(session, m, inp.email, resolver)
    rendered = _render_for(m, recipient)
    language = "en" if (recipient.get("language") or m.language) == "en" else "de"
    atts = [{"filename": a.filename, "content_type": a.content_type,
             "content_b64": base64.b64encode(bytes(a.data)).decode()} for a in _attachments(session, m.id)]
    ids = []
    for to in inp.to:
        payload = {"subject": "[Test] " + rendered["subject"], "text": rendered["text"], "html": rendered["html"],
                   "category": "test", "attachments": atts,
                   "footer": {"language": language, "premium": m.lane == "premium"},   # as the recipients get it
                   "sender": {"from_name": sender.from_name, "from_address": sender.from_address,
                              "reply_to": sender.reply_to, "domain_id": str(sender.domain_id)}}
        d = Delivery(account_id=m.account_id, mailing_id=None, lane=TRANSACTIONAL, email=to,
                     domain=to.rpartition("@")[2].lower(), recipient=payload,
                     idempotency_key=f"test:{m.id}:{uuid.uuid4().hex}")
        session.add(d)
        session.flush()
        ids.append(d.id)
    return {"queued": len(ids), "to": inp.to}


# --- start, cancel ----------------------------------------------------------------------------------------------------

def check_sender(session: Session, p: Principal, m: Mailing) -> None:
    if m.sender_id is None:
        raise InvalidInput(NO_SENDER, fields={"sender_id": NO_SENDER})
    sender = load_sender(session, p, m.sender_id)
    domain = session.get(SenderDomain, sender.domain_id)
    if domain is None or not (domain.dkim_ok or domain.allow_unverified):
        msg = DKIM_MISSING.format(domain=domain.domain if domain else "?")
        raise Conflict(msg, fields={"sender_id": msg}, reason="dkim_missing")


def check_entitlements(session: Session, m: Mailing, count: int) -> None:
    ent = entitlements.load(session, account_entitlements, str(m.account_id))
    if not ent.usable:
        raise QuotaExceeded(NOT_USABLE, phase=ent.phase)
    if m.lane == "premium" and not ent.premium_dispatch:
        raise QuotaExceeded(PREMIUM_NEEDED, fields={"lane": PREMIUM_NEEDED}, addon="premium_dispatch")
    limit = ent.max_recipients_per_mailing
    if limit is not None and count > limit:
        raise QuotaExceeded(TOO_MANY.format(limit=limit, count=count), limit=limit, recipients=count)


def start(work: Work, mailing_id, inp: contracts.StartIn, resolver: RecipientResolver,
          settings: DispatchSettings) -> dict:
    session, p, now = work.session, work.principal, work.now
    m = load_mailing(session, p, mailing_id, write=True, lock=True)
    if m.state != "draft":
        raise Conflict(NOT_DRAFT)
    if not (m.subject or "").strip():
        raise InvalidInput(NO_SUBJECT, fields={"subject": NO_SUBJECT})
    if not (m.html or m.text_body):
        raise InvalidInput(NO_BODY, fields={"html": NO_BODY})
    _check_templates(m.subject, m.html, m.text_body)
    check_sender(session, p, m)
    if inp.scheduled_at is not None and inp.scheduled_at < now:
        raise InvalidInput(PAST, fields={"scheduled_at": PAST})
    resolved = resolve(session, m.account_id, _sources(m), resolver)
    if not resolved.recipients:
        raise InvalidInput(NO_RECIPIENTS, fields={"sources": NO_RECIPIENTS}, left_out=len(resolved.left_out))
    check_entitlements(session, m, len(resolved.recipients))
    check_verdict(presend(session, p, m, resolved, settings, now))
    due = inp.scheduled_at or now
    write_recipients(session, m, resolved.recipients, due)
    m.state = "scheduled" if inp.scheduled_at and inp.scheduled_at > now else "sending"
    m.scheduled_at = inp.scheduled_at
    m.started_at = now
    m.total = len(resolved.recipients)
    m.left_out = resolved.left_out[:10_000]
    session.flush()
    return {"mailing": view(m), **resolved.summary(), "left_out_detail": resolved.left_out[:1000]}


# --- the pre-send verdict (domain/verdict.py) -----------------------------------------------------------------------

COMPLAINT_WINDOW = timedelta(days=30)


def verdict_inputs(session: Session, p: Principal, m: Mailing, resolved: Resolved, settings: DispatchSettings,
                   now: datetime) -> rules.Inputs:
    """What the rules need: the sender domain's DNS state, the return path, the account's complaints of the last
    30 days and the suppressed share of the chosen addresses."""
    domain = None
    if m.sender_id is not None:
        try:
            domain = session.get(SenderDomain, load_sender(session, p, m.sender_id).domain_id)
        except NotFound:   # no usable sender: volume's problems say so, the start refuses before
            domain = None
    name = domain.domain if domain else "?"
    check = (domain.check or {}) if domain else {}
    dmarc = check.get("dmarc")
    # the envelope sender: at the domain's checked return-path host (engine/compose.py), else at our bounce host
    return_path = (alignment.aligned_return_path(domain.domain, domain.check) if domain else None) \
        or settings.verp_domain.lower()
    figures = session.execute(queries.ACCOUNT_COMPLAINTS,
                              {"a": m.account_id, "since": now - COMPLAINT_WINDOW}).one()
    return rules.Inputs(
        domain=name, dkim_ok=bool(domain and domain.dkim_ok), allow_unverified=bool(domain and domain.allow_unverified),
        return_path=return_path, spf_aligned=return_path == name or return_path.endswith("." + name),
        dmarc_ok=None if not isinstance(dmarc, dict) else bool(dmarc.get("ok")),
        one_click_unsubscribe=True,   # engine/compose.py puts List-Unsubscribe(-Post) into every mailing's mail
        sent=figures.sent, complaints=figures.complaints, recipients=len(resolved.recipients),
        suppressed=sum(1 for x in resolved.left_out if x["reason"] in SUPPRESSION_REASONS))


def presend(session: Session, p: Principal, m: Mailing, resolved: Resolved, settings: DispatchSettings,
            now: datetime) -> rules.Verdict:
    return rules.verdict(verdict_inputs(session, p, m, resolved, settings, now))


def verdict_view(v: rules.Verdict) -> dict:
    return {"light": v.light, "reasons": [{"code": r.code, "light": r.light, "message": r.message.to_wire()}
                                          for r in v.reasons]}


def check_verdict(v: rules.Verdict) -> None:
    """Refuse the start when the verdict is red, naming the red reasons in both languages."""
    if not v.refused:
        return
    blocking = v.blocking()
    joined = Text(" ".join(r.message.de for r in blocking), " ".join(r.message.en for r in blocking))
    raise Conflict(PRESEND_REFUSED.format(reasons=joined), reason="presend_red",
                   reasons=[r.code for r in blocking], verdict=verdict_view(v))


def presend_verdict(work: Work, mailing_id, resolver: RecipientResolver, settings: DispatchSettings) -> dict:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    resolved = resolve(session, m.account_id, _sources(m), resolver)
    return verdict_view(presend(session, p, m, resolved, settings, work.now))


def write_recipients(session: Session, m: Mailing, recipients: list[dict], due: datetime) -> int:
    lane = PREMIUM if m.lane == "premium" else STANDARD
    rows = [{"account_id": m.account_id, "mailing_id": m.id, "lane": lane, "email": r["email"],
             "domain": r["email"].rpartition("@")[2].lower(), "contact_id": _uuid_or_none(r.get("contact_id")),
             "recipient": {k: v for k, v in r.items() if k != "email_valid"}, "next_attempt_at": due}
            for r in recipients]
    for i in range(0, len(rows), 2000):
        session.execute(insert(Delivery), rows[i:i + 2000])
    return len(rows)


def _uuid_or_none(value):
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def cancel(work: Work, mailing_id) -> dict:
    session, p, now = work.session, work.principal, work.now
    m = load_mailing(session, p, mailing_id, write=True, lock=True)
    if m.state not in ("scheduled", "sending"):
        raise Conflict(NOT_CANCELLABLE)
    n = rowcount(session.execute(update(Delivery).where(Delivery.mailing_id == m.id,
                                                        Delivery.state.in_(("queued", "deferred")))
                                 .values(state="cancelled", final_at=now)))
    m.state = "cancelled"
    m.finished_at = now
    session.flush()
    return {"mailing": view(m), "cancelled": n}


# --- undeliverable and re-send ----------------------------------------------------------------------------------------

def undeliverable(work: Work, mailing_id) -> list[dict]:
    session, p = work.session, work.principal
    m = load_mailing(session, p, mailing_id)
    rows = session.execute(queries.UNDELIVERABLE, {"m": m.id}).mappings().all()
    return [{**{k: (str(v) if k == "contact_id" and v else v) for k, v in r.items()},
             "final_at": _iso(r["final_at"])} for r in rows]


def resend(work: Work, mailing_id, inp: contracts.ResendIn, correct_contact=None) -> dict:
    """Send again to just the undeliverable recipients whose address was corrected (here, or in crm). A
    correction made here is written to the crm contact too (``correct_contact``), before anything is queued."""
    session, p, now = work.session, work.principal, work.now
    m = load_mailing(session, p, mailing_id, write=True, lock=True)
    if m.state == "draft":
        raise Conflict(NOT_DRAFT)
    for i, c in enumerate(inp.corrections):
        d = session.get(Delivery, c.delivery_id)
        if d is None or d.mailing_id != m.id:
            raise InvalidInput(fields={f"corrections.{i}.delivery_id": NOT_UNDELIVERABLE})
        if d.state not in ("failed", "bounced"):
            raise InvalidInput(fields={f"corrections.{i}.delivery_id": NOT_UNDELIVERABLE})
        d.corrected_email = c.email
        if correct_contact is not None and d.contact_id is not None:
            correct_contact(str(d.contact_id), d.email, c.email)
    session.flush()
    todo = session.execute(queries.RESEND_DUE, {"m": m.id}).mappings().all()
    from .suppression import suppressed

    blocked = suppressed(session, m.account_id, [r["corrected_email"] for r in todo])
    existing = set(session.scalars(select(func.lower(Delivery.email)).where(Delivery.mailing_id == m.id)))
    lane = PREMIUM if m.lane == "premium" else STANDARD
    created, skipped = [], []
    for r in todo:
        email = r["corrected_email"]
        if email.lower() in blocked or email.lower() in existing:
            skipped.append({"delivery_id": r["id"], "email": email,
                            "reason": blocked.get(email.lower(), "duplicate")})
            continue
        existing.add(email.lower())
        recipient = dict(r["recipient"] or {})
        recipient["email"] = email
        d = Delivery(account_id=m.account_id, mailing_id=m.id, lane=lane, email=email,
                     domain=email.rpartition("@")[2].lower(), contact_id=r["contact_id"], recipient=recipient,
                     resend_of=r["id"], next_attempt_at=now)
        session.add(d)
        created.append(email)
    if created:
        m.state = "sending"
        m.finished_at = None
        m.total = (m.total or 0) + len(created)
    session.flush()
    return {"resent": len(created), "skipped": skipped, "emails": created}


LANE_OF = LANES
