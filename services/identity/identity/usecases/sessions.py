"""Opening, checking, listing and ending sessions."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from svckit.errors import NotFound, Unauthenticated
from svckit.validation import parse_uuid

from ..db import queries
from ..db.models import Account, User, UserSession
from ..domain import codes, passwords, throttle
from ..domain import sessions as rules
from ..i18n import _
from ..work import Work
from .common import iso, principal_of, user_dict

SESSION_ENDED = _("Your session has expired or was ended. Please log in again.")
SESSION_NOT_FOUND = _("Session not found.")
PASSWORD_CHANGE_REQUIRED = "password_change_required"


def idle_minutes(account: Account | None) -> int:
    return account.idle_timeout_minutes if account is not None else rules.DEFAULT_IDLE_MINUTES


def lifetime_hours(account: Account | None) -> int:
    return account.session_lifetime_hours if account is not None else rules.DEFAULT_LIFETIME_HOURS


def restrictions(work: Work, user: User, account: Account | None, session_flag: bool) -> list[str]:
    expired = passwords.expired(user.password_changed_at, account.password_max_age_days if account else None,
                                work.now)
    return [PASSWORD_CHANGE_REQUIRED] if (session_flag or user.must_change_password or expired) else []


def open_session(work: Work, user: User, account: Account | None, password_change_required: bool,
                 method: str, clear_failures: bool = False) -> dict[str, Any]:
    """A new session, its audit entry and the user's last login: one statement (the login hot path)."""
    token = codes.new_token()
    session_id = uuid.uuid4()
    expires = rules.expires_at(work.now, lifetime_hours(account))
    queries.record_login(
        work.session, session_id=session_id, token_hash=codes.token_hash(token), user_id=user.id,
        account_id=user.account_id, now=work.now, expires_at=expires, pcr=password_change_required, ip=work.ip,
        user_agent=work.user_agent, kind=user.kind, actor_id=str(user.id), email=user.email,
        details=json.dumps({"method": method, "session_id": str(session_id)}), clear=clear_failures,
        email_key=throttle.email_key(user.email))
    set_committed_value(user, "last_login_at", work.now)  # written by the statement above; no second UPDATE
    return {"status": "authenticated", "token": token, "session_id": str(session_id),
            "expires_at": iso(expires), "idle_timeout_minutes": idle_minutes(account),
            "restrictions": restrictions(work, user, account, password_change_required),
            "user": user_dict(user, account)}


def authenticate(work: Work, token: Any, cache_ceiling: float) -> dict[str, Any]:
    if not isinstance(token, str) or not token or len(token) > 512:
        raise Unauthenticated(SESSION_ENDED)
    row = work.session.execute(
        select(UserSession, User, Account).join(User, User.id == UserSession.user_id)
        .outerjoin(Account, Account.id == UserSession.account_id)
        .where(UserSession.token_hash == codes.token_hash(token))).first()
    if row is None:
        raise Unauthenticated(SESSION_ENDED)
    session, user, account = row
    if rules.end_reason(session.revoked_at, session.last_seen_at, session.expires_at, idle_minutes(account),
                        work.now) or not user.active:
        raise Unauthenticated(SESSION_ENDED)
    if rules.needs_touch(session.last_seen_at, work.now):
        session.last_seen_at = work.now
        work.session.commit()
    principal = principal_of(work, user, account, session.id)
    return {"principal": principal.to_dict(),
            "restrictions": restrictions(work, user, account, session.password_change_required),
            "cache_seconds": rules.cache_seconds(session.expires_at, idle_minutes(account), work.now, cache_ceiling)}


def current_session(work: Work) -> UserSession:
    p = work.principal.require_authenticated()
    sid = p.session_id
    session = work.session.get(UserSession, uuid.UUID(sid)) if sid else None
    if session is None or str(session.user_id) != str(p.user_id) or session.revoked_at is not None:
        raise Unauthenticated(SESSION_ENDED)
    return session


def revoke(work: Work, reason: str, *, user_ids=None, session_ids=None, account_id=None,
           except_session=None) -> int:
    """End sessions at once: mark revoked and make their cached principals stale after the commit."""
    q = update(UserSession).where(UserSession.revoked_at.is_(None))
    if user_ids is not None:
        q = q.where(UserSession.user_id.in_(list(user_ids)))
    if session_ids is not None:
        q = q.where(UserSession.id.in_(list(session_ids)))
    if account_id is not None:
        q = q.where(UserSession.account_id == account_id)
    if except_session is not None:
        q = q.where(UserSession.id != except_session)
    ids = work.session.execute(q.values(revoked_at=work.now, revoked_reason=reason).returning(UserSession.id)
                          ).scalars().all()
    if ids:
        work.invalidate(session_ids=ids)
    return len(ids)


def logout(work: Work) -> dict[str, Any]:
    session = current_session(work)
    revoke(work, "logout", session_ids=[session.id])
    work.audit("logout", account_id=session.account_id, target_user_id=session.user_id)
    return {"ended": True}


def list_sessions(work: Work) -> dict[str, Any]:
    p = work.principal.require_authenticated()
    account = work.session.get(Account, uuid.UUID(p.account_id)) if p.account_id else None
    rows = work.session.execute(select(UserSession).where(UserSession.user_id == uuid.UUID(p.user_id),
                                                     UserSession.revoked_at.is_(None),
                                                     UserSession.expires_at > work.now)
                           .order_by(UserSession.created_at.desc())).scalars().all()
    live = [s for s in rows
            if not rules.end_reason(None, s.last_seen_at, s.expires_at, idle_minutes(account), work.now)]
    return {"sessions": [{"id": str(s.id), "created_at": iso(s.created_at), "last_seen_at": iso(s.last_seen_at),
                          "expires_at": iso(s.expires_at), "ip": s.ip, "user_agent": s.user_agent,
                          "current": str(s.id) == p.session_id} for s in live]}


def end_session(work: Work, session_id: Any) -> dict[str, Any]:
    p = work.principal.require_authenticated()
    sid = parse_uuid(session_id, "session_id")
    session = work.session.get(UserSession, sid)
    if session is None or str(session.user_id) != str(p.user_id) or session.revoked_at is not None:
        raise NotFound(SESSION_NOT_FOUND, fields={"session_id": SESSION_NOT_FOUND})
    revoke(work, "ended_by_user", session_ids=[sid])
    work.audit("session_ended", account_id=session.account_id, target_user_id=session.user_id, session_id=str(sid))
    return {"ended": True, "current": str(sid) == p.session_id}
