"""Use cases of an account's life: entitlements from billing, the purge four weeks after the contract, GDPR.

pressbase holds little per account: selections and their items, transfer links, the export log and files, jobs,
and the entitlements billing sent. The media records themselves belong to the licensed vendor data, not to the
account.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from sqlalchemy import text

from svckit import entitlements
from svckit.errors import NotFound
from svckit.rows import rowcount
from svckit.work import Work

from .. import events
from ..db.models import account_entitlements

ACCOUNT_TABLES = ("selections", "transfer_links", "exports", "jobs")


def store_entitlements(work: Work, payload: dict[str, Any]) -> bool:
    return entitlements.store(work.session, account_entitlements, payload)


def purge_account(work: Work, account_id: str) -> dict[str, int]:
    """Delete everything the account has here (idempotent) and confirm with ``account_purged`` (also when there was
    nothing left: the confirmation itself may have been lost)."""
    session = work.session
    aid = uuid.UUID(str(account_id))
    deleted = {}
    for table in ACCOUNT_TABLES:   # selection_items go with their selections (ON DELETE CASCADE)
        deleted[table] = rowcount(session.execute(text(f"DELETE FROM {table} WHERE account_id = :a"), {"a": aid}))  # noqa: S608 -- table names from a fixed tuple, values bound
    deleted["account_entitlements"] = rowcount(session.execute(
        text("DELETE FROM account_entitlements WHERE account_id = :a"), {"a": aid}))
    work.emit(events.ACCOUNT_PURGED, events.account_purged(account_id))
    return deleted


def erase_person(work: Work, account_id: str, contact_id: str | None) -> int:
    """A contact the account erased in crm: forget that it came from the pressbase (no more change offers), and
    confirm with ``person_erased``."""
    n = 0
    if contact_id:
        n = rowcount(work.session.execute(text("DELETE FROM transfer_links WHERE account_id = :a AND contact_id = :c"),
                                          {"a": uuid.UUID(str(account_id)), "c": str(contact_id)}))
    work.emit(events.PERSON_ERASED, events.person_erased(account_id, contact_id))
    return n


def export_account_data(work: Work, account_id: str) -> dict[str, Any]:
    """Everything held for the account (docs/contracts.md "GDPR"), export files included: the caller's own account
    (administrators and license managers), or any account for an operator or a service acting for it."""
    session, principal = work.session, work.principal
    if not principal.is_operator and str(principal.require_account()) != account_id:
        raise NotFound()
    if principal.is_user:
        principal.require_role("administrator", "license_manager")
    aid = uuid.UUID(str(account_id))
    starting = entitlements.load(session, account_entitlements, str(aid)).phase == entitlements.STARTING
    snapshot = "NULL AS snapshot" if starting else "snapshot"

    def rows(sql: str) -> list[dict]:
        return [{k: (str(v) if isinstance(v, uuid.UUID) else v.isoformat() if hasattr(v, "isoformat") else v)
                 for k, v in r.items()} for r in session.execute(text(sql), {"a": aid}).mappings()]

    tables = {
        "selections": rows("SELECT id, client_id, name, kind, target, query, created_by, created_at, updated_at "
                           "FROM selections WHERE account_id = :a ORDER BY created_at"),
        "selection_items": rows("SELECT i.selection_id, i.item_kind, i.item_id, i.added_at FROM selection_items i "
                                "JOIN selections s ON s.id = i.selection_id WHERE s.account_id = :a "
                                "ORDER BY i.selection_id, i.item_kind, i.item_id"),
        # in the starting phase the licensed journalist data (the snapshot) stays out, as crm leaves the transferred
        # contacts out of its part (the starting phase allows no export of pressbase data)
        "transfer_links": rows(f"SELECT client_id, journalist_id, contact_id, version, {snapshot}, transferred_by, "  # noqa: S608 -- a fixed column expression
                               "transferred_at, applied_at FROM transfer_links WHERE account_id = :a ORDER BY id"),
        "exports": rows("SELECT id, client_id, selection_id, selection_name, user_id, records, filename, created_at "
                        "FROM exports WHERE account_id = :a ORDER BY created_at"),
    }
    files = [{"path": f"pressbase/exports/{r[0]}-{r[1]}", "content_b64": base64.b64encode(r[2]).decode()}
             for r in session.execute(text("SELECT id, filename, content FROM exports WHERE account_id = :a "
                                           "AND content IS NOT NULL"), {"a": aid}).all()]
    return {"service": "pressbase", "tables": tables, "files": files}
