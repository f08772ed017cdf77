"""What every use case needs: scoping by the principal, loading one visible row, ids, cursors, serialising."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from svckit.errors import InvalidInput, NotFound
from svckit.principal import Principal
from svckit.validation import parse_uuid

from ..i18n import _


class _AccountRow(Protocol):
    """A model :func:`load` can read: an id and the owning account."""
    id: Any
    account_id: Any


T = TypeVar("T", bound=_AccountRow)

NOT_FOUND = {
    "contact": _("Contact not found."),
    "list": _("Distribution list not found."),
    "event": _("Event not found."),
    "folder": _("Folder not found."),
    "file": _("File not found."),
    "import": _("Import not found."),
    "job": _("Job not found."),
    "mailbox": _("Mailbox not found."),
    "custom_field": _("Custom field not found."),
    "participant": _("Participant not found."),
    "history": _("Entry not found."),
}
BAD_CURSOR = _("Invalid cursor.")


class Scope:
    """The account and the clients a principal may read or write; ``clients is None`` means every client of the
    account (a service acting for the account)."""

    def __init__(self, principal: Principal, write: bool = False):
        self.principal = principal
        self.account_id = uuid.UUID(str(principal.require_account()))
        if principal.is_service:
            self.clients = None
        else:
            ids = principal.writable_client_ids() if write else principal.visible_client_ids()
            self.clients = [uuid.UUID(c) for c in ids]

    def narrow(self, requested: list[uuid.UUID]) -> list[uuid.UUID] | None:
        """The requested clients, each checked: a hidden one is NotFound."""
        if not requested:
            return self.clients
        for cid in requested:
            self.principal.check_client(str(cid))
        return list(requested)


def load(session: Session, model: type[T], raw_id: Any, principal: Principal, what: str, field: str = "id",
         write: bool = False, lock: bool = False) -> T:
    """One row by id, visible to the principal: malformed id -> 422, unknown/other account/hidden -> 404,
    read-only client + write -> 403."""
    row_id = parse_uuid(raw_id, field)
    query = session.query(model).filter(model.id == row_id)
    if lock:
        query = query.with_for_update()
    row = query.one_or_none()
    if row is None:
        raise NotFound(NOT_FOUND[what])
    principal.check_row(row.account_id, getattr(row, "client_id", None), write=write, not_found=NOT_FOUND[what])
    return row


def user_uuid(principal: Principal) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(principal.user_id)) if principal.user_id else None
    except ValueError:
        return None


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, parts: int) -> list[str] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != parts or not all(isinstance(v, str) for v in values):
            raise ValueError
        return values
    except (ValueError, TypeError):
        raise InvalidInput(fields={"cursor": BAD_CURSOR}) from None


def iso(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
