"""Loading rows the way the principal may see them: another account's row or a hidden client's is not there."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from svckit.errors import NotFound, Unavailable
from svckit.principal import ADMINISTRATOR, Principal
from svckit.validation import parse_uuid

from ..db.models import Mailing, SenderAccount, SenderDomain
from ..i18n import _

MAILING_NOT_FOUND = _("Mailing not found.")
DOMAIN_NOT_FOUND = _("Sender domain not found.")
SENDER_NOT_FOUND = _("Sender not found.")


@contextmanager
def remote(service: str):
    """Another service that is not running is "unavailable" (503), not an internal error."""
    from nameko.exceptions import UnknownService

    try:
        yield
    except UnknownService:
        raise Unavailable(_("The {service} service does not answer.")
                          .format(service=service), service=service) from None


def load_mailing(session: Session, p: Principal, mailing_id, write: bool = False, lock: bool = False) -> Mailing:
    mid = parse_uuid(mailing_id, "mailing_id")
    stmt = select(Mailing).where(Mailing.id == mid)
    if lock:
        stmt = stmt.with_for_update()
    m = session.scalars(stmt).first()
    if m is None:
        raise NotFound(MAILING_NOT_FOUND)
    p.check_row(m.account_id, m.client_id, write=write, not_found=MAILING_NOT_FOUND)
    return m


def load_domain(session: Session, p: Principal, domain_id) -> SenderDomain:
    did = parse_uuid(domain_id, "domain_id")
    d = session.get(SenderDomain, did)
    if d is None or d.account_id is None or str(d.account_id) != str(p.require_account()):
        raise NotFound(DOMAIN_NOT_FOUND)
    return d


def load_sender(session: Session, p: Principal, sender_id, field: str = "sender_id") -> SenderAccount:
    sid = parse_uuid(sender_id, field)
    s = session.get(SenderAccount, sid)
    if s is None or str(s.account_id) != str(p.require_account()):
        raise NotFound(SENDER_NOT_FOUND, fields={field: SENDER_NOT_FOUND})
    if not p.has_role(ADMINISTRATOR) and not p.is_service and \
            (p.user_id is None or parse_uuid(p.user_id, "user_id") not in (s.user_ids or [])):
        raise NotFound(SENDER_NOT_FOUND, fields={field: SENDER_NOT_FOUND})
    return s
