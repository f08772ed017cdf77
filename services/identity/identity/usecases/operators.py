"""The vendor's staff: created by seeding/administration, log in with 2FA always on, every action audited.
They see account metadata (name, seats, users count), never a customer's contacts, mailings or files."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from svckit.errors import Conflict
from svckit.principal import BACK_OFFICE, SUPPORT
from svckit.textsafe import like_contains

from ..db.models import Account, User
from ..i18n import _
from ..work import Work
from .accounts import list_audit
from .common import effective_seats, iso, user_dict
from .passwords import set_password

EMAIL_TAKEN = _("This e-mail address is already taken.")


def create_operator(work: Work, data: dict[str, Any]) -> dict[str, Any]:
    work.principal.require_operator(BACK_OFFICE)
    email = data["email"].strip().lower()
    if work.session.execute(select(User.id).where(func.lower(User.email) == email)).first():
        raise Conflict(EMAIL_TAKEN, fields={"email": EMAIL_TAKEN})
    op = User(id=uuid.uuid4(), kind="operator", account_id=None, email=email,
              first_name=data.get("first_name") or "", last_name=data.get("last_name") or "",
              language=data.get("language") or "de", active=True, operator_roles=sorted(set(data["roles"])),
              two_factor="email")
    work.session.add(op)
    set_password(work, op, None, data["password"])
    op.must_change_password = bool(data.get("must_change_password", True))
    work.audit("operator_created", target_user_id=op.id, email=email, roles=op.operator_roles)
    work.commit()
    return user_dict(op, None)


def list_accounts(work: Work, query: str | None = None, limit: int = 100) -> dict[str, Any]:
    work.principal.require_operator(BACK_OFFICE, SUPPORT)
    q = select(Account)
    if query:
        q = q.where(func.lower(Account.name).like(like_contains(query.lower()), escape="\\"))
    accounts = work.session.execute(q.order_by(func.lower(Account.name)).limit(limit)).scalars().all()
    counts = dict(work.session.execute(select(User.account_id, func.count()).where(
        User.account_id.in_([a.id for a in accounts]), User.active.is_(True)).group_by(User.account_id)).all())
    work.audit("operator_listed_accounts", query=query)
    work.commit()
    return {"accounts": [{"id": str(a.id), "name": a.name, "language": a.language, "created_at": iso(a.created_at),
                          "seats": effective_seats(work, a), "active_users": counts.get(a.id, 0)} for a in accounts]}


def record_action(work: Work, action: dict[str, Any]) -> dict[str, Any]:
    """The gateway reports every request an operator makes (method, path, status)."""
    work.principal.require_operator()
    work.audit("operator_action", **{k: action.get(k) for k in ("method", "path", "status", "request_id")})
    work.commit()
    return {"recorded": True}


def operator_audit(work: Work, filters: dict[str, Any]) -> dict[str, Any]:
    work.principal.require_operator(BACK_OFFICE, SUPPORT)
    return list_audit(work, filters, None)
