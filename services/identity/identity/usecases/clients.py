"""Clients (data partitions) and the rights matrix.

Users see the clients they have a right on; a hidden client is not found (404), a read-only one cannot be changed
(403) — the same svckit principal helpers every service uses. The administrator manages all clients of the
account (create, rename, delete, rights) whatever their own data rights are.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from svckit.errors import Conflict, NotFound
from svckit.validation import parse_uuid

from .. import events
from ..db.models import Account, Client, ClientRight, User
from ..i18n import _
from ..work import Work
from .common import CLIENT_NOT_FOUND, account_of, client_dict, require_admin, user_in_account

NAME_TAKEN = _("A client with this name already exists.")
LAST_CLIENT = _("The last client of an account cannot be deleted.")


def _is_admin(work: Work, account: Account) -> bool:
    return work.principal.is_service or str(account.administrator_id) == str(work.principal.user_id)


def _visible(work: Work, account: Account, client_id: Any, write: bool = False) -> Client:
    """The client if the caller may see it (write: change it); hidden or foreign -> 404, read only -> 403."""
    cid = parse_uuid(client_id, "client_id")
    client = work.session.execute(select(Client).where(Client.id == cid, Client.account_id == account.id)
                             ).scalar_one_or_none()
    if client is None:
        raise NotFound(CLIENT_NOT_FOUND)
    if not _is_admin(work, account):
        work.principal.check_row(client.account_id, client.id, write=write, not_found=CLIENT_NOT_FOUND)
    return client


def list_clients(work: Work) -> dict[str, Any]:
    account = account_of(work)
    clients = work.session.execute(select(Client).where(Client.account_id == account.id)
                              .order_by(func.lower(Client.name))).scalars().all()
    admin = _is_admin(work, account)
    p = work.principal
    return {"clients": [client_dict(c, p.right_on(str(c.id)) or "hidden") for c in clients
                        if admin or p.can_see_client(str(c.id))]}


def get_client(work: Work, client_id: Any) -> dict[str, Any]:
    account = account_of(work, not_found=CLIENT_NOT_FOUND)
    client = _visible(work, account, client_id)
    return client_dict(client, work.principal.right_on(str(client.id)) or "hidden")


def _name_free(work: Work, account_id, name: str, except_id=None) -> None:
    q = select(Client.id).where(Client.account_id == account_id, func.lower(Client.name) == name.lower())
    if except_id is not None:
        q = q.where(Client.id != except_id)
    if work.session.execute(q).first():
        raise Conflict(NAME_TAKEN, fields={"name": NAME_TAKEN})


def add_client(work: Work, account: Account, name: str, description: str = "",
               full_access_for: Sequence[Any] = ()) -> Client:
    _name_free(work, account.id, name)
    client = Client(id=uuid.uuid4(), account_id=account.id, name=name, description=description or "")
    work.session.add(client)
    try:
        work.session.flush()
    except IntegrityError:
        work.session.rollback()
        raise Conflict(NAME_TAKEN, fields={"name": NAME_TAKEN}) from None
    for user_id in {u for u in full_access_for if u is not None}:
        work.session.add(ClientRight(user_id=user_id, client_id=client.id, account_id=account.id, right="full"))
    if full_access_for:
        work.invalidate(user_ids=[u for u in full_access_for if u is not None])
    work.audit("client_created", account_id=account.id, target_client_id=client.id, name=name)
    work.emit(events.CLIENT_CREATED, events.client_event(client))
    return client


def create_client(work: Work, data: dict[str, Any]) -> dict[str, Any]:
    account = require_admin(work)
    creator = uuid.UUID(work.principal.user_id) if work.principal.user_id else None
    client = add_client(work, account, data["name"], data.get("description") or "", [creator])
    work.commit()
    return client_dict(client, "full" if creator else None)


def update_client(work: Work, client_id: Any, changes: dict[str, Any]) -> dict[str, Any]:
    account = account_of(work, not_found=CLIENT_NOT_FOUND)
    client = _visible(work, account, client_id, write=True)
    if "name" in changes and changes["name"] != client.name:
        _name_free(work, account.id, changes["name"], client.id)
        client.name = changes["name"]
    if "description" in changes:
        client.description = changes["description"] or ""
    work.audit("client_changed", target_client_id=client.id, fields=sorted(changes))
    work.commit()
    return client_dict(client, work.principal.right_on(str(client.id)) or "hidden")


def delete_client(work: Work, client_id: Any) -> dict[str, Any]:
    account = require_admin(work, not_found=CLIENT_NOT_FOUND)
    client = _visible(work, account, client_id)
    count = work.session.execute(select(func.count()).select_from(Client).where(Client.account_id == account.id)
                            ).scalar_one()
    if count <= 1:
        raise Conflict(LAST_CLIENT)
    holders = work.session.execute(
        select(ClientRight.user_id).where(ClientRight.client_id == client.id)).scalars().all()
    payload = events.client_event(client)
    work.session.delete(client)
    work.invalidate(user_ids=holders)
    work.audit("client_deleted", target_client_id=client.id, name=client.name)
    work.emit(events.CLIENT_DELETED, payload)
    work.commit()
    return {"deleted": True}


def rights_matrix(work: Work) -> dict[str, Any]:
    account = require_admin(work)
    clients = work.session.execute(select(Client).where(Client.account_id == account.id)
                              .order_by(func.lower(Client.name))).scalars().all()
    users = work.session.execute(select(User).where(User.account_id == account.id).order_by(func.lower(User.email))
                            ).scalars().all()
    rights = {(r.user_id, r.client_id): r.right for r in work.session.execute(
        select(ClientRight).where(ClientRight.account_id == account.id)).scalars()}
    return {"clients": [{"id": str(c.id), "name": c.name} for c in clients],
            "users": [{"id": str(u.id), "email": u.email, "name": f"{u.first_name} {u.last_name}".strip(),
                       "active": u.active,
                       "rights": {str(c.id): rights.get((u.id, c.id), "hidden") for c in clients}} for u in users]}


def set_client_rights(work: Work, client_id: Any, rights: dict[str, str]) -> dict[str, Any]:
    """One client's column of the matrix: ``{user_id: full | read | hidden}``."""
    account = require_admin(work, not_found=CLIENT_NOT_FOUND)
    client = _visible(work, account, client_id)
    touched = []
    for user_id, right in rights.items():
        user = user_in_account(work, account, user_id, field=f"rights.{user_id}")
        existing = work.session.get(ClientRight, (user.id, client.id))
        if right == "hidden":
            if existing is not None:
                work.session.delete(existing)
        elif existing is None:
            work.session.add(ClientRight(user_id=user.id, client_id=client.id, account_id=account.id, right=right))
        else:
            existing.right = right
        touched.append(user.id)
    work.session.flush()
    work.invalidate(user_ids=touched)
    work.audit("rights_changed", target_client_id=client.id, rights={str(k): v for k, v in rights.items()})
    work.commit()
    current = {str(r.user_id): r.right for r in work.session.execute(
        select(ClientRight).where(ClientRight.client_id == client.id)).scalars()}
    return {"client_id": str(client.id), "rights": current}
