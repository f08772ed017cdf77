"""A service's part of the whole-account export (docs/contracts.md, "Whole-account export"), one table page per call.

crm assembles the archive: it calls ``<service>.export_account_data(account_id)`` as the account's system principal
and follows ``next_cursor`` until it is null. A service describes its part as a list of :class:`Table` (a name and
a query of the account's rows in a stable order, secrets left out) and answers with :func:`export_page`. Only the
caller's own account is ever exported: a service acting for another account, or a user of another account, gets
NotFound, as for any object they cannot see.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Select
from sqlalchemy.orm import Session

from .errors import InvalidInput, NotFound
from .i18n import _
from .principal import ADMINISTRATOR, LICENSE_MANAGER, Principal
from .validation import parse_uuid

PAGE = 2000
BAD_CURSOR = _("Invalid cursor.")


@dataclass(frozen=True)
class Table:
    name: str
    query: Callable[[uuid.UUID], Select]   # the account's rows, ordered by a unique key (pages by offset)


def own_account(principal: Principal, account_id: Any) -> uuid.UUID:
    """The account to export: the caller's own (a service acting for it, or its administrator or license
    manager); anything else is NotFound."""
    wanted = parse_uuid(account_id, "account_id")
    if principal.is_user:
        principal.require_role(ADMINISTRATOR, LICENSE_MANAGER)
    elif not principal.is_service:
        raise NotFound()
    if str(principal.account_id or "") != str(wanted):
        raise NotFound()
    return wanted


def plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _position(cursor: Any) -> tuple[int, int]:
    if cursor in (None, ""):
        return 0, 0
    try:
        index, offset = (int(p) for p in str(cursor).split(":", 1))
    except (TypeError, ValueError):
        raise InvalidInput(fields={"cursor": BAD_CURSOR}) from None
    if not (0 <= index < 1000 and 0 <= offset < 2**40):
        raise InvalidInput(fields={"cursor": BAD_CURSOR})
    return index, offset


def export_page(session: Session, service: str, tables: list[Table], account: uuid.UUID, cursor: Any = None,
                page: int = PAGE) -> dict[str, Any]:
    """``{"service", "tables": {name: [rows]}, "files": [], "next_cursor"}``: one page of one table."""
    index, offset = _position(cursor)
    if index >= len(tables):
        return {"service": service, "tables": {}, "files": [], "next_cursor": None}
    table = tables[index]
    rows = session.execute(table.query(account).limit(page).offset(offset)).mappings().all()
    if len(rows) == page:
        nxt: str | None = f"{index}:{offset + page}"
    elif index + 1 < len(tables):
        nxt = f"{index + 1}:0"
    else:
        nxt = None
    return {"service": service, "tables": {table.name: [{k: plain(v) for k, v in r.items()} for r in rows]},
            "files": [], "next_cursor": nxt}


_SECRET = re.compile(r"hash|secret|password|private|token|key_enc|_enc$")


def columns(model, *leave_out: str) -> list:
    """A model's columns but secrets (password and token hashes, keys, encrypted values: by name, so a column added
    later is left out too) and the ones named."""
    return [c for c in model.__table__.columns if c.key not in leave_out and not _SECRET.search(c.key)]
