"""Issuing invoices (gap-free numbers, immutable rows), rendering their documents, mailing them, credit notes."""

from __future__ import annotations

import base64
import logging
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.errors import Conflict, InvalidInput, NotFound
from svckit.i18n import Text
from svckit.mail import Attachment, TransactionalMail
from svckit.validation import parse_uuid
from svckit.work import Work

from ..db import models as m
from ..db import repo
from ..documents import cii, facturx
from ..documents.model import InvoiceData
from ..domain import money, pricing, tax
from ..domain.catalogue import Catalogue
from ..domain.dates import fmt_date
from ..i18n import _

log = logging.getLogger(__name__)

INVOICE_NOT_FOUND = _("Invoice not found.")
SUBSCRIPTION_KINDS = ("quarterly", "extension")


def customer_snapshot(row: m.Subscription) -> dict[str, Any]:
    c = dict(row.customer or {})
    c.setdefault("account_no", account_no(row.account_id))
    return c


def account_no(account_id) -> str:
    return "K-" + str(account_id).replace("-", "")[:8].upper()


def issue(session: Session, cat: Catalogue, row: m.Subscription, kind: str, lines: list[pricing.Line],
          issue_date: date, period_label: str | None = None, doc_type: str = "invoice",
          corrects: m.Invoice | None = None, reason: str | None = None, created_by: str | None = None,
          customer: dict | None = None, treatment: tax.Treatment | None = None, invoice_id=None) -> m.Invoice:
    """Insert an invoice with the year's next number, in the caller's transaction (rolled back: number unused)."""
    customer = customer or customer_snapshot(row)
    treatment = treatment or tax.treatment_for(customer.get("country") or "DE", customer.get("vat_id"),
                                               cat.vat_rate)
    totals = pricing.totals(lines, treatment)
    seq, number = repo.next_invoice_number(session, issue_date.year)
    froms = [line.period_from for line in lines if line.period_from]
    tos = [line.period_to for line in lines if line.period_to]
    notes = []
    if kind in SUBSCRIPTION_KINDS:
        notes.append(pricing.PRO_RATA_CONVENTION.to_wire())
    if reason:
        notes.append({"de": f"Grund: {reason}", "en": f"Reason: {reason}"})
    inv = m.Invoice(
        id=invoice_id or uuid.uuid4(), number=number, year=issue_date.year, seq=seq, account_id=row.account_id,
        kind=kind, doc_type=doc_type,
        period_label=period_label, issue_date=issue_date,
        due_date=issue_date + timedelta(days=cat.payment_terms_days),
        period_from=min(froms) if froms else None, period_to=max(tos) if tos else None,
        language=customer.get("language") or "de", currency="EUR", customer=customer, seller=dict(cat.seller),
        lines=[line.to_dict() for line in lines], tax={**treatment.to_dict(), "notes": notes},
        net_cents=totals.net_cents, tax_cents=totals.tax_cents, gross_cents=totals.gross_cents,
        corrects_invoice_id=corrects.id if corrects is not None else None, reason=reason, created_by=created_by,
    )
    session.add(inv)
    channel = customer.get("delivery") or "email"
    session.add(m.InvoiceDelivery(invoice_id=inv.id, channel=channel,
                                  recipient=customer.get("email") if channel == "email" else None))
    session.flush()
    return inv


def to_data(session: Session, inv: m.Invoice) -> InvoiceData:
    corrects = session.get(m.Invoice, inv.corrects_invoice_id) if inv.corrects_invoice_id else None
    treatment = tax.Treatment.from_dict(inv.tax)
    lines = [pricing.Line.from_dict(d) for d in inv.lines]
    return InvoiceData(
        number=inv.number, doc_type=inv.doc_type, issue_date=inv.issue_date, due_date=inv.due_date,
        language=inv.language, currency=inv.currency, seller=inv.seller, customer=inv.customer, lines=lines,
        totals=pricing.Totals(inv.net_cents, inv.tax_cents, inv.gross_cents, treatment.rate, treatment.category),
        treatment=treatment, period_from=inv.period_from, period_to=inv.period_to,
        notes=list((inv.tax or {}).get("notes") or []),
        corrects_number=corrects.number if corrects else None, corrects_date=corrects.issue_date if corrects else None,
    )


def render_pending(session_factory: Callable[[], Session], batch: int = 500) -> int:
    """Render the PDF/XML of invoices that have none yet, one transaction each; concurrent runners skip the rows
    another one is rendering (SKIP LOCKED). Batch after batch until a batch renders nothing."""
    total = 0
    while True:
        done = _render_batch(session_factory, batch)
        total += done
        if done == 0:
            return total


def _render_batch(session_factory: Callable[[], Session], limit: int) -> int:
    done = 0
    with session_factory() as session:
        ids = repo.invoices_without_document(session, limit)
    for invoice_id in ids:
        time.sleep(0)  # a PDF takes tens of ms of CPU: let the service's other greenthreads run in between
        with session_factory() as session:
            inv = session.execute(text(
                "SELECT i.id FROM invoices i WHERE i.id = :id AND NOT EXISTS "
                "(SELECT 1 FROM invoice_documents d WHERE d.invoice_id = i.id) FOR NO KEY UPDATE SKIP LOCKED"),
                {"id": invoice_id}).scalar()
            if inv is None:
                continue
            try:
                render_one(session, session.get_one(m.Invoice, invoice_id))
                session.commit()
            except Exception:  # one broken document must not stop the others; the next run tries again
                log.exception("rendering invoice %s failed", invoice_id)
                session.rollback()
                continue
            done += 1
    return done


def render_one(session: Session, inv: m.Invoice) -> m.InvoiceDocument:
    pdf, xml = facturx.render_in_thread(to_data(session, inv))   # not on the event loop (svckit.cooperative)
    doc = m.InvoiceDocument(invoice_id=inv.id, pdf=pdf, xml=xml)
    session.add(doc)
    session.flush()
    return doc


MAIL_SUBJECT = _("{doc} {number} from Pressroom")
MAIL_TEXT = _("Hello,\n\nplease find attached {doc_lower} {number} of {date} for {amount}.\nIt is an electronic "
              "invoice (ZUGFeRD/Factur-X, EN 16931); the structured data is embedded in the PDF.\n\nKind "
              "regards\nYour Pressroom team\n")
DOC_NAMES = {"invoice": _("Invoice"), "credit_note": _("Credit note")}


def invoice_mail(inv: m.Invoice, pdf: bytes, to: str) -> TransactionalMail:
    lang = inv.language
    doc = DOC_NAMES[inv.doc_type]
    doc_lower = _("invoice") if inv.doc_type == "invoice" else _("credit note")
    subject = MAIL_SUBJECT.format(doc=doc, number=inv.number).pick(lang)
    body = MAIL_TEXT.format(doc_lower=doc_lower, number=inv.number,
                            date=Text(fmt_date(inv.issue_date, "de"), fmt_date(inv.issue_date, "en")),
                            amount=Text(money.fmt(inv.gross_cents, "de"), money.fmt(inv.gross_cents, "en"))).pick(lang)
    filename = f"{doc.pick(lang)}_{inv.number}.pdf"
    return TransactionalMail(to=to, to_name=inv.customer.get("name"), subject=subject, text=body, category="invoice",
                             account_id=str(inv.account_id), language=lang,
                             attachments=[Attachment.from_bytes(filename, "application/pdf", pdf)],
                             idempotency_key=f"invoice-{inv.id}")


def deliver_pending(session_factory: Callable[[], Session], send: Callable[[TransactionalMail], Any],
                    batch: int = 200, now: Callable[[], datetime] = utcnow) -> int:
    """Mail invoices with a document whose e-mail is not sent yet (SKIP LOCKED: concurrent runners share the work),
    batch after batch until a batch sends nothing (a failing relay: the next run tries again)."""
    total = 0
    while True:
        sent = _deliver_batch(session_factory, send, batch, now)
        total += sent
        if sent == 0:
            return total


def _deliver_batch(session_factory: Callable[[], Session], send: Callable[[TransactionalMail], Any],
                   limit: int, now: Callable[[], datetime]) -> int:
    sent = 0
    with session_factory() as session:
        ids = repo.pending_deliveries(session, limit)
    for invoice_id in ids:
        with session_factory() as session:
            delivery = repo.lock_delivery(session, invoice_id)
            if delivery is None:
                continue
            inv = session.get_one(m.Invoice, invoice_id)   # the delivery row references it
            doc = repo.document(session, invoice_id)
            delivery.attempts += 1
            try:
                if doc is None or delivery.recipient is None:   # pending_deliveries joins the document
                    raise LookupError(f"invoice {inv.number} has no document or no recipient")
                send(invoice_mail(inv, doc.pdf, delivery.recipient))
            except Exception as exc:  # the relay is down: try again on the next run
                log.warning("invoice mail %s failed: %s", inv.number, exc)
                delivery.last_error = str(exc)[:500]
                session.commit()
                continue
            delivery.sent_at = now()
            delivery.last_error = None
            session.commit()
            sent += 1
    return sent


# --- reading -------------------------------------------------------------------------------------------------------

def summary(inv: m.Invoice, delivery: m.InvoiceDelivery | None = None, credited: int | None = None) -> dict:
    data = {
        "id": str(inv.id), "number": inv.number, "doc_type": inv.doc_type, "kind": inv.kind,
        "issue_date": inv.issue_date.isoformat(), "due_date": inv.due_date.isoformat(),
        "period_from": inv.period_from.isoformat() if inv.period_from else None,
        "period_to": inv.period_to.isoformat() if inv.period_to else None,
        "period_label": inv.period_label, "currency": inv.currency, "language": inv.language,
        "net_cents": inv.net_cents, "tax_cents": inv.tax_cents, "gross_cents": inv.gross_cents,
        "tax": {"category": inv.tax["category"], "rate": inv.tax["rate"]},
        "lines": [{"code": d["code"], "name": d["name"], "detail": d.get("detail"), "amount_cents": d["amount_cents"],
                   "period_from": d.get("period_from"), "period_to": d.get("period_to"),
                   "quantity": d.get("quantity"), "unit_cents": d.get("unit_cents")} for d in inv.lines],
        "corrects_invoice_id": str(inv.corrects_invoice_id) if inv.corrects_invoice_id else None,
        "reason": inv.reason, "account_id": str(inv.account_id),
    }
    if delivery is not None:
        data["delivery"] = {"channel": delivery.channel,
                            "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None}
    if credited is not None:
        data["credited_net_cents"] = credited
    return data


def load_for(session: Session, invoice_id, account_id=None) -> m.Invoice:
    inv = session.get(m.Invoice, invoice_id)
    if inv is None or (account_id is not None and str(inv.account_id) != str(account_id)):
        raise NotFound(INVOICE_NOT_FOUND)
    return inv


def list_for(work: Work, account_id, limit: int, offset: int) -> list[dict]:
    if work.principal.is_operator and repo.subscription_row(work.session, account_id) is None:
        from .subscriptions import NO_SUBSCRIPTION

        raise NotFound(NO_SUBSCRIPTION)  # an unknown account is not an empty list
    return [summary(i) for i in repo.invoices_of(work.session, account_id, limit, offset)]


def visible(work: Work, invoice_id: Any) -> m.Invoice:
    """An invoice the caller may read: operators (back office, support) any, the account's license manager (or a
    service acting for the account) its own."""
    p = work.principal
    p.require_authenticated()
    iid = parse_uuid(invoice_id, "invoice_id")
    if p.is_operator:
        p.require_operator("back_office", "support")
        return load_for(work.session, iid)
    account = p.require_account()
    if not p.is_service:
        p.require_role("license_manager")
    return load_for(work.session, iid, account)


def get(work: Work, invoice_id: Any) -> dict:
    return detail(work.session, visible(work, invoice_id))


def pdf(work: Work, invoice_id: Any) -> dict:
    inv = visible(work, invoice_id)
    content = pdf_of(work.session, inv)
    name = ("Rechnung" if inv.language == "de" else "Invoice") if inv.doc_type == "invoice" else (
        "Gutschrift" if inv.language == "de" else "Credit-note")
    return {"filename": f"{name}_{inv.number}.pdf", "content_type": "application/pdf",
            "content_b64": base64.b64encode(content).decode()}


def xml(work: Work, invoice_id: Any, flavor: str) -> dict:
    """``factur-x`` (the XML embedded in the PDF) or ``xrechnung`` (XRechnung 3.0, CII syntax)."""
    inv = visible(work, invoice_id)
    content = xml_of(work.session, inv, flavor)
    return {"filename": f"{inv.number}-{flavor}.xml", "content_type": "application/xml",
            "content_b64": base64.b64encode(content).decode()}


def detail(session: Session, inv: m.Invoice) -> dict:
    return summary(inv, session.get(m.InvoiceDelivery, inv.id),
                   repo.credited_cents(session, inv.id) if inv.doc_type == "invoice" else None)


def pdf_of(session: Session, inv: m.Invoice) -> bytes:
    doc = repo.document(session, inv.id)
    if doc is None:
        doc = render_one(session, inv)
        session.commit()
    return doc.pdf


def xml_of(session: Session, inv: m.Invoice, flavor: str) -> bytes:
    if flavor == "xrechnung":
        return cii.build(to_data(session, inv), xrechnung=True)
    doc = repo.document(session, inv.id)
    return doc.xml if doc is not None else cii.build(to_data(session, inv))


# --- credit notes --------------------------------------------------------------------------------------------------

def credit_note(session: Session, cat: Catalogue, invoice_id, amount_cents: int | None, reason: str, today: date,
                created_by: str) -> m.Invoice:
    original = session.execute(select(m.Invoice).where(m.Invoice.id == invoice_id).with_for_update()).scalar()
    if original is None:
        raise NotFound(INVOICE_NOT_FOUND, fields={"invoice_id": INVOICE_NOT_FOUND})
    if original.doc_type != "invoice":
        raise Conflict(_("A credit note cannot be credited."),
                       fields={"invoice_id": _("This is a credit note.")})
    open_net = original.net_cents - repo.credited_cents(session, original.id)
    amount = open_net if amount_cents is None else amount_cents
    if amount <= 0 or amount > open_net:
        raise InvalidInput(fields={"amount_cents": _("At most the net amount not yet credited ({open}).").format(
            open=Text(money.fmt(open_net, "de"), money.fmt(open_net, "en")))})
    row = session.execute(select(m.Subscription).where(m.Subscription.account_id == original.account_id)).scalar_one()
    name = _("Credit for invoice {n}").format(n=original.number)
    line = pricing.Line("credit", name, amount, original.period_from, original.period_to)
    return issue(session, cat, row, "credit_note", [line], today, doc_type="credit_note", corrects=original,
                 reason=reason, created_by=created_by, customer=dict(original.customer),
                 treatment=tax.Treatment.from_dict(original.tax))
