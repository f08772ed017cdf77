"""Sender domains (DKIM keys, DNS records, the check) and sender accounts, managed by the administrator."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from svckit.errors import Conflict, InvalidInput
from svckit.i18n import Text
from svckit.principal import ADMINISTRATOR, Principal
from svckit.validation import parse, parse_uuid

from .. import schemas
from ..db.models import SenderAccount, SenderDomain
from ..dnscheck import TxtLookup, check_records
from ..domain import dkim
from ..settings import DispatchSettings
from .common import load_domain, load_sender

DOMAIN_EXISTS = Text("Diese Domain ist bereits angelegt.", "This domain already exists.")
SENDER_EXISTS = Text("Diesen Absender gibt es bereits.", "This sender already exists.")
NO_DOMAIN = Text("Für diese Adresse ist keine Absenderdomain angelegt.",
                 "There is no sender domain for this address.")


def domain_view(d: SenderDomain, settings: DispatchSettings) -> dict:
    return {
        "id": str(d.id), "domain": d.domain, "dkim_ok": d.dkim_ok, "allow_unverified": d.allow_unverified,
        "sendable": d.dkim_ok or d.allow_unverified,
        "checked_at": d.checked_at.isoformat() if d.checked_at else None, "check": d.check or {},
        "records": records_for(d, settings), "created_at": d.created_at.isoformat() if d.created_at else None,
    }


def records_for(d: SenderDomain, settings: DispatchSettings) -> list[dict]:
    return dkim.dns_records(d.domain, d.rsa_selector, d.rsa_public, d.ed25519_selector, d.ed25519_public,
                            settings.spf_include)


def create_domain(session: Session, p: Principal, data, settings: DispatchSettings) -> dict:
    p.require_role(ADMINISTRATOR)
    account = p.require_account()
    inp = parse(schemas.DomainIn, data)
    keys = dkim.generate_keys(settings.dkim_key_secret)
    rsa_sel, ed_sel = dkim.selectors()
    d = SenderDomain(account_id=parse_uuid(account, "account_id"), domain=inp.domain, rsa_selector=rsa_sel,
                     ed25519_selector=ed_sel, rsa_private=keys.rsa_private, ed25519_private=keys.ed25519_private,
                     rsa_public=keys.rsa_public, ed25519_public=keys.ed25519_public, check={})
    session.add(d)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(DOMAIN_EXISTS, fields={"domain": DOMAIN_EXISTS}) from None
    session.refresh(d)
    return domain_view(d, settings)


def ensure_system_domain(session: Session, settings: DispatchSettings) -> SenderDomain:
    """The DKIM keys of transactional mail's own sender domain (MAIL_FROM), created once."""
    domain = settings.mail_from.rpartition("@")[2].lower()
    d = session.scalars(select(SenderDomain).where(SenderDomain.account_id.is_(None),
                                                   SenderDomain.domain == domain)).first()
    if d is None:
        keys = dkim.generate_keys(settings.dkim_key_secret)
        rsa_sel, ed_sel = dkim.selectors()
        d = SenderDomain(account_id=None, domain=domain, rsa_selector=rsa_sel, ed25519_selector=ed_sel,
                         rsa_private=keys.rsa_private, ed25519_private=keys.ed25519_private,
                         rsa_public=keys.rsa_public, ed25519_public=keys.ed25519_public, check={},
                         allow_unverified=True)
        session.add(d)
        try:
            session.flush()
        except IntegrityError:  # another process made it meanwhile
            session.rollback()
            return ensure_system_domain(session, settings)
    return d


def list_domains(session: Session, p: Principal, settings: DispatchSettings) -> list[dict]:
    account = p.require_account()
    rows = session.scalars(select(SenderDomain).where(SenderDomain.account_id == parse_uuid(account, "account_id"))
                           .order_by(SenderDomain.domain)).all()
    return [domain_view(d, settings) for d in rows]


def check_domain(session: Session, p: Principal, domain_id, settings: DispatchSettings) -> dict:
    p.require_role(ADMINISTRATOR)
    d = load_domain(session, p, domain_id)
    lookup = TxtLookup(settings.dns_nameservers, settings.dns_port, settings.dns_timeout)
    result = check_records(lookup, records_for(d, settings))
    d.check = result
    d.dkim_ok = result["dkim_ok"]
    d.checked_at = datetime.now(UTC)
    session.flush()
    return domain_view(d, settings)


def update_domain(session: Session, p: Principal, domain_id, data, settings: DispatchSettings) -> dict:
    p.require_role(ADMINISTRATOR)
    d = load_domain(session, p, domain_id)
    inp = parse(schemas.DomainUpdate, data)
    d.allow_unverified = inp.allow_unverified
    session.flush()
    return domain_view(d, settings)


def delete_domain(session: Session, p: Principal, domain_id) -> None:
    p.require_role(ADMINISTRATOR)
    d = load_domain(session, p, domain_id)
    session.delete(d)
    session.flush()


# --- sender accounts ------------------------------------------------------------------------------------------------

def sender_view(s: SenderAccount, domain: SenderDomain | None = None) -> dict:
    return {"id": str(s.id), "from_name": s.from_name, "from_address": s.from_address, "reply_to": s.reply_to,
            "domain_id": str(s.domain_id), "user_ids": [str(u) for u in s.user_ids or []],
            "sendable": bool(domain and (domain.dkim_ok or domain.allow_unverified)) if domain else None}


def _user_ids(values: list[str]) -> list:
    return sorted({parse_uuid(v, "user_ids") for v in values}, key=str)


def create_sender(session: Session, p: Principal, data) -> dict:
    p.require_role(ADMINISTRATOR)
    account = parse_uuid(p.require_account(), "account_id")
    inp = parse(schemas.SenderIn, data)
    domain_name = inp.from_address.rpartition("@")[2].lower()
    domain = session.scalars(select(SenderDomain).where(SenderDomain.account_id == account,
                                                        SenderDomain.domain == domain_name)).first()
    if domain is None:
        raise InvalidInput(NO_DOMAIN, fields={"from_address": NO_DOMAIN})
    s = SenderAccount(account_id=account, domain_id=domain.id, from_name=inp.from_name,
                      from_address=inp.from_address, reply_to=inp.reply_to, user_ids=_user_ids(inp.user_ids))
    session.add(s)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(SENDER_EXISTS, fields={"from_address": SENDER_EXISTS}) from None
    return sender_view(s, domain)


def update_sender(session: Session, p: Principal, sender_id, data) -> dict:
    p.require_role(ADMINISTRATOR)
    s = load_sender(session, p, sender_id)
    inp = parse(schemas.SenderUpdate, data)
    if inp.from_name is not None:
        s.from_name = inp.from_name
    if "reply_to" in inp.model_fields_set:
        s.reply_to = inp.reply_to
    if inp.user_ids is not None:
        s.user_ids = _user_ids(inp.user_ids)
    session.flush()
    return sender_view(s, session.get(SenderDomain, s.domain_id))


def delete_sender(session: Session, p: Principal, sender_id) -> None:
    p.require_role(ADMINISTRATOR)
    session.delete(load_sender(session, p, sender_id))
    session.flush()


def list_senders(session: Session, p: Principal) -> list[dict]:
    """Administrators see every sender of the account; users the ones assigned to them."""
    account = parse_uuid(p.require_account(), "account_id")
    stmt = select(SenderAccount, SenderDomain).join(SenderDomain, SenderDomain.id == SenderAccount.domain_id) \
        .where(SenderAccount.account_id == account).order_by(SenderAccount.from_address)
    if not p.has_role(ADMINISTRATOR):
        if not p.user_id:
            return []
        stmt = stmt.where(SenderAccount.user_ids.any(parse_uuid(p.user_id, "user_id")))
    return [sender_view(s, d) for s, d in session.execute(stmt).all()]
