"""Sender domains (DKIM keys, DNS records, the check, key rotation) and sender accounts, managed by the
administrator.

DKIM key rotation by selector: ``start_rotation`` generates a new key pair under new selectors (``pending``); it
signs nothing until ``check_domain`` finds both of its DKIM records in DNS. Then it becomes the signing key (the
columns of ``sender_domains``, which the sending engine reads) and the key it replaces is kept as ``retiring`` for
the grace period (its record must stay published so mail already sent still verifies); ``retire_keys`` (every
housekeeping round) deletes it afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.errors import Conflict, InvalidInput
from svckit.metrics import DKIM_CHECKS
from svckit.principal import ADMINISTRATOR
from svckit.rows import rowcount
from svckit.validation import parse_uuid
from svckit.work import Work

from .. import contracts
from ..db import queries
from ..db.models import DkimKey, SenderAccount, SenderDomain
from ..dnscheck import TxtLookup, check_records
from ..domain import alignment, dkim
from ..i18n import _
from ..settings import DispatchSettings
from .common import load_domain, load_sender

DOMAIN_EXISTS = _("This domain already exists.")
SENDER_EXISTS = _("This sender already exists.")
NO_DOMAIN = _("There is no sender domain for this address.")
ROTATION_RUNNING = _("A key rotation is already under way for this domain: publish and check "
                     "its records, or cancel it.")
NO_ROTATION = _("No key rotation is under way for this domain.")


#: the window of a sending domain's complaint rate
COMPLAINT_WINDOW = timedelta(days=30)


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def _generate_keys(settings: DispatchSettings) -> dkim.KeyPair:
    """RSA-2048 generation costs 50-500 ms of CPU: done in a real thread (eventlet's tpool), so the service's
    other greenlets keep answering meanwhile."""
    from eventlet import tpool

    return tpool.execute(dkim.generate_keys, settings.dkim_key_secret)


def _key_records(domain: str, k, settings: DispatchSettings) -> list[dict]:
    """The two DKIM TXT records of one key (RSA required; for a rotation's new key both are checked)."""
    return dkim.dns_records(domain, k.rsa_selector, k.rsa_public, k.ed25519_selector, k.ed25519_public,
                            settings.spf_include)[:2]


def _keys_view(d: SenderDomain, keys: list[DkimKey], settings: DispatchSettings, now: datetime) -> list[dict]:
    """The signing key first, then a pending rotation's key, then keys kept for verification until retire_after."""
    out = [{"state": "active", "signing": True, "rsa_selector": d.rsa_selector,
            "ed25519_selector": d.ed25519_selector, "records": _key_records(d.domain, d, settings)}]
    order = {"pending": 0, "retiring": 1}
    for k in sorted(keys, key=lambda k: (order[k.state], k.created_at or now)):
        if k.state == "retiring" and k.retire_after is not None and k.retire_after <= now:
            continue   # past its grace period: housekeeping deletes it
        out.append({"state": k.state, "signing": False, "rsa_selector": k.rsa_selector,
                    "ed25519_selector": k.ed25519_selector, "records": _key_records(d.domain, k, settings),
                    "grace_days": k.grace_seconds // 86400, "check": k.check or {},
                    "checked_at": k.checked_at.isoformat() if k.checked_at else None,
                    "created_at": k.created_at.isoformat() if k.created_at else None,
                    "retire_after": k.retire_after.isoformat() if k.retire_after else None})
    return out


def _load_keys(session: Session, domain_ids: list) -> dict:
    by_domain: dict = {i: [] for i in domain_ids}
    if domain_ids:
        for k in session.scalars(select(DkimKey).where(DkimKey.domain_id.in_(domain_ids))):
            by_domain.setdefault(k.domain_id, []).append(k)
    return by_domain


def domain_view(d: SenderDomain, settings: DispatchSettings, keys: list[DkimKey] | None = None,
                now: datetime | None = None, complaints: dict | None = None) -> dict:
    keys = keys or []
    sent, complained = (complaints or {}).get(d.id, (0, 0))
    pending = next((k for k in keys if k.state == "pending"), None)
    return {
        "id": str(d.id), "domain": d.domain, "dkim_ok": d.dkim_ok, "allow_unverified": d.allow_unverified,
        "sendable": d.dkim_ok or d.allow_unverified,
        "checked_at": d.checked_at.isoformat() if d.checked_at else None, "check": d.check or {},
        "records": records_for(d, settings), "alignment": alignment_view(d),
        "created_at": d.created_at.isoformat() if d.created_at else None,
        "keys": _keys_view(d, keys, settings, _now(now)),
        "sender_issue": d.sender_issue,
        "sender_issue_at": d.sender_issue_at.isoformat() if d.sender_issue_at else None,
        "sent_30d": sent, "complaints_30d": complained,
        "complaint_rate_30d": round(complained / sent, 6) if sent else None,
        "rotation": None if pending is None else {
            "rsa_selector": pending.rsa_selector, "ed25519_selector": pending.ed25519_selector,
            "records": _key_records(d.domain, pending, settings), "check": pending.check or {},
            "checked_at": pending.checked_at.isoformat() if pending.checked_at else None},
    }


def records_for(d: SenderDomain, settings: DispatchSettings) -> list[dict]:
    return [*dkim.dns_records(d.domain, d.rsa_selector, d.rsa_public, d.ed25519_selector, d.ed25519_public,
                              settings.spf_include),
            alignment.return_path_record(d.domain, settings.verp_domain)]


def alignment_view(d: SenderDomain) -> dict:
    """SPF alignment (the custom return-path host in use or not) and the DMARC record, explained."""
    check = d.check or {}
    dmarc = check.get("dmarc")
    dmarc = dmarc if isinstance(dmarc, dict) else {}
    aligned = alignment.aligned_return_path(d.domain, check) is not None
    policy, rua = dmarc.get("policy"), list(dmarc.get("rua") or [])
    return {"return_path_host": alignment.return_path_host(d.domain), "spf_aligned": aligned,
            "dmarc_policy": policy, "dmarc_rua": rua,
            "explanation": [t.to_wire() for t in alignment.dmarc_explanation(policy, rua, aligned)]
            if d.checked_at else []}


def create_domain(work: Work, inp: contracts.DomainIn, settings: DispatchSettings) -> dict:
    session, p = work.session, work.principal
    p.require_role(ADMINISTRATOR)
    account = p.require_account()
    keys = _generate_keys(settings)
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
    return domain_view(d, settings, [])


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


def list_domains(work: Work, settings: DispatchSettings) -> list[dict]:
    session, p, now = work.session, work.principal, work.now
    account = p.require_account()
    rows = session.scalars(select(SenderDomain).where(SenderDomain.account_id == parse_uuid(account, "account_id"))
                           .order_by(SenderDomain.domain)).all()
    keys = _load_keys(session, [d.id for d in rows])
    complaints = _complaints(session, [d.id for d in rows], _now(now))
    return [domain_view(d, settings, keys[d.id], now, complaints) for d in rows]


def _complaints(session: Session, domain_ids: list, now: datetime) -> dict:
    """domain id -> (mails sent from its mailings in the last 30 days, how many of them drew a complaint)."""
    if not domain_ids:
        return {}
    rows = session.execute(queries.DOMAIN_COMPLAINTS, {"ids": [str(i) for i in domain_ids],
                                                       "since": now - COMPLAINT_WINDOW}).all()
    return {r.domain_id: (r.sent, r.complaints) for r in rows}


def _view(session: Session, d: SenderDomain, settings: DispatchSettings, now: datetime | None = None) -> dict:
    return domain_view(d, settings, _load_keys(session, [d.id])[d.id], now, _complaints(session, [d.id], _now(now)))


def check_domain(work: Work, domain_id, settings: DispatchSettings) -> dict:
    """Look the signing key's records (and SPF, DMARC, the return-path CNAME) up in DNS; with a rotation under way
    also the new key's two DKIM records, and once both are found the new key signs from then on (``_promote``)."""
    session, p, now = work.session, work.principal, work.now
    p.require_role(ADMINISTRATOR)
    now = _now(now)
    d = load_domain(session, p, domain_id)
    pending = session.scalars(select(DkimKey).where(DkimKey.domain_id == d.id, DkimKey.state == "pending")).first()
    # the lookups (seconds, if DNS is slow) happen before any row is locked
    lookup = TxtLookup(settings.dns_nameservers, settings.dns_port, settings.dns_timeout)
    result = check_records(lookup, records_for(d, settings))
    found = check_records(lookup, _key_records(d.domain, pending, settings)) if pending is not None else None
    DKIM_CHECKS.labels("ok" if result["dkim_ok"] else "dns_unreachable"
                       if result.get("dkim_rsa", {}).get("problem") == "dns_unreachable" else "failing").inc()
    session.refresh(d, with_for_update=True)   # one check at a time changes the domain's keys
    d.check = result
    d.dkim_ok = result["dkim_ok"]
    d.checked_at = now
    if found is not None and pending is not None and found["dkim_rsa"]["ok"] and found["dkim_ed25519"]["ok"] and \
            _promote(session, d, pending, now):
        d.check = {**result, "dkim_rsa": found["dkim_rsa"], "dkim_ed25519": found["dkim_ed25519"], "dkim_ok": True}
        d.dkim_ok = True
    elif found is not None and pending is not None:   # found is only set with a pending key
        session.execute(update(DkimKey).where(DkimKey.id == pending.id).values(check=found, checked_at=now))
    session.flush()
    retire_keys(session, now, d.id)
    session.expire_all()
    return _view(session, d, settings, now)


def _promote(session: Session, d: SenderDomain, pending: DkimKey, now: datetime) -> bool:
    """The checked new key signs from now on; the replaced one is kept, not signing, for the grace period.
    False when a concurrent check promoted it or the rotation was cancelled meanwhile. ``d`` is locked."""
    taken = session.execute(delete(DkimKey).where(DkimKey.id == pending.id, DkimKey.state == "pending")
                            .returning(DkimKey.grace_seconds)).scalar()
    if taken is None:
        return False
    session.add(DkimKey(domain_id=d.id, state="retiring", rsa_selector=d.rsa_selector,
                        ed25519_selector=d.ed25519_selector, rsa_private=d.rsa_private,
                        ed25519_private=d.ed25519_private, rsa_public=d.rsa_public, ed25519_public=d.ed25519_public,
                        grace_seconds=taken, check=d.check or {}, checked_at=d.checked_at,
                        retired_from_signing_at=now, retire_after=now + timedelta(seconds=taken)))
    d.rsa_selector, d.ed25519_selector = pending.rsa_selector, pending.ed25519_selector
    d.rsa_private, d.ed25519_private = pending.rsa_private, pending.ed25519_private
    d.rsa_public, d.ed25519_public = pending.rsa_public, pending.ed25519_public
    return True


def start_rotation(work: Work, domain_id, inp: contracts.RotationIn, settings: DispatchSettings) -> dict:
    """A new key pair under new selectors, pending until its records are published and checked."""
    session, p, now = work.session, work.principal, work.now
    p.require_role(ADMINISTRATOR)
    now = _now(now)
    d = load_domain(session, p, domain_id)
    keys = _load_keys(session, [d.id])[d.id]
    if any(k.state == "pending" for k in keys):
        raise Conflict(ROTATION_RUNNING, reason="rotation_pending")
    taken = {d.rsa_selector, d.ed25519_selector} | {s for k in keys for s in (k.rsa_selector, k.ed25519_selector)}
    rsa_sel, ed_sel = dkim.selectors(now.timestamp(), taken)
    pair = _generate_keys(settings)
    session.add(DkimKey(domain_id=d.id, state="pending", rsa_selector=rsa_sel, ed25519_selector=ed_sel,
                        rsa_private=pair.rsa_private, ed25519_private=pair.ed25519_private,
                        rsa_public=pair.rsa_public, ed25519_public=pair.ed25519_public,
                        grace_seconds=inp.grace_days * 86400, check={}))
    try:
        session.flush()
    except IntegrityError:   # another administrator started one at the same moment
        session.rollback()
        raise Conflict(ROTATION_RUNNING, reason="rotation_pending") from None
    return _view(session, d, settings, now)


def cancel_rotation(work: Work, domain_id, settings: DispatchSettings) -> None:
    session, p = work.session, work.principal
    p.require_role(ADMINISTRATOR)
    d = load_domain(session, p, domain_id)
    n = rowcount(session.execute(delete(DkimKey).where(DkimKey.domain_id == d.id, DkimKey.state == "pending")))
    if not n:
        raise Conflict(NO_ROTATION, reason="no_rotation")


def retire_keys(session: Session, now: datetime | None = None, domain_id=None) -> int:
    """Delete replaced keys whose grace period is over (housekeeping; the check does it for its domain)."""
    stmt = delete(DkimKey).where(DkimKey.state == "retiring", DkimKey.retire_after <= _now(now))
    if domain_id is not None:
        stmt = stmt.where(DkimKey.domain_id == domain_id)
    return rowcount(session.execute(stmt))


def update_domain(work: Work, domain_id, inp: contracts.DomainUpdate, settings: DispatchSettings) -> dict:
    session, p = work.session, work.principal
    p.require_role(ADMINISTRATOR)
    d = load_domain(session, p, domain_id)
    d.allow_unverified = inp.allow_unverified
    session.flush()
    return _view(session, d, settings)


def delete_domain(work: Work, domain_id) -> None:
    session, p = work.session, work.principal
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


def create_sender(work: Work, inp: contracts.SenderIn) -> dict:
    session, p = work.session, work.principal
    p.require_role(ADMINISTRATOR)
    account = parse_uuid(p.require_account(), "account_id")
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


def update_sender(work: Work, sender_id, inp: contracts.SenderUpdate) -> dict:
    session, p = work.session, work.principal
    p.require_role(ADMINISTRATOR)
    s = load_sender(session, p, sender_id)
    if inp.from_name is not None:
        s.from_name = inp.from_name
    if "reply_to" in inp.model_fields_set:
        s.reply_to = inp.reply_to
    if inp.user_ids is not None:
        s.user_ids = _user_ids(inp.user_ids)
    session.flush()
    return sender_view(s, session.get(SenderDomain, s.domain_id))


def delete_sender(work: Work, sender_id) -> None:
    session, p = work.session, work.principal
    p.require_role(ADMINISTRATOR)
    session.delete(load_sender(session, p, sender_id))
    session.flush()


def list_senders(work: Work) -> list[dict]:
    """Administrators see every sender of the account; users the ones assigned to them."""
    session, p = work.session, work.principal
    account = parse_uuid(p.require_account(), "account_id")
    stmt = select(SenderAccount, SenderDomain).join(SenderDomain, SenderDomain.id == SenderAccount.domain_id) \
        .where(SenderAccount.account_id == account).order_by(SenderAccount.from_address)
    if not p.has_role(ADMINISTRATOR):
        if not p.user_id:
            return []
        stmt = stmt.where(SenderAccount.user_ids.any(parse_uuid(p.user_id, "user_id")))
    return [sender_view(s, d) for s, d in session.execute(stmt).all()]
