"""Use case: transfer journalists into an account's own CRM contacts (a chosen client), free of charge, linked.

pressbase keeps one link per (account, client, journalist): the crm contact id, the pressbase version and the
contact fields as transferred (``snapshot``). When a feed later changes the journalist, the current fields differ
from the snapshot: ``changes`` lists those differences, ``apply`` sends the chosen ones to
``crm.update_pressbase_contacts`` and moves the snapshot forward. Contact fields are built by one SQL projection
(``db/queries.CONTACT_FIELDS``) for both the transfer and the comparison, so they cannot drift apart.

In the starting phase, when the Excel export is refused, the transfer is capped: an account may have at most the
phase's recipient limit (``max_recipients_per_mailing``, 100) of distinct journalists transferred; a transfer that
would go beyond it is refused as a whole (403, ``reason: starting_phase_transfer_limit``). The crm leaves
pressbase contacts out of its exports in that phase too.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit import entitlements
from svckit.errors import Forbidden, InvalidInput
from svckit.principal import Principal
from svckit.textsafe import one_line
from svckit.work import Work

from ..contracts import ApplyChanges, Paging, TransferStart
from ..db import queries
from ..db.copy import jsonb
from ..db.models import account_entitlements
from ..domain.licence import Licence
from ..domain.query import decode_cursor, encode_cursor
from ..i18n import _
from . import search, selections

BATCH = 500
NOTHING_TO_TRANSFER = _("No (licensed) journalists to transfer.")
UNKNOWN_LINKS = _("Unknown links: {ids}.")

STARTING_PHASE_LIMIT = _("In the starting phase at most {limit} journalists can be transferred to the CRM (already "
                         "transferred: {done}, with this transfer: {total}).")

GENDER = {"f": "female", "m": "male", "d": "diverse"}

# the contact fields of a journalist (docs/contracts.md "Pressbase transfer"); mobile is a PLUS field
FIELD_LABELS = {
    "gender": _("Gender"), "title": _("Title"),
    "first_name": _("First name"),
    "last_name": _("Last name"), "email": _("E-mail"), "phone": _("Phone"),
    "mobile": _("Mobile"), "position": _("Position"),
    "department": _("Desk"), "organisation": _("Outlet"),
    "language": _("Language"), "street": _("Street"),
    "postal_code": _("Postal code"), "city": _("City"), "country": _("Country"),
    "website": _("Website"),
}


def _one_line_fields(fields: dict) -> dict:
    """Every contact field is a single line (crm refuses line breaks): records stored before the feed cleaned them
    are cleaned here, so they transfer instead of failing the batch."""
    return {k: one_line(v) if isinstance(v, str) else v for k, v in fields.items()}


def contact_fields(session: Session, licence: Licence, ids: list[int]) -> dict[int, tuple[int, dict]]:
    rows = session.execute(queries.CONTACT_FIELDS, {"ids": ids, "ds": list(licence.datasets),
                                                  "plus": licence.plus_fields}).all()
    return {r[0]: (r[1], _one_line_fields(r[2])) for r in rows}


def journalist_ids(session: Session, principal: Principal, licence: Licence, data: TransferStart) -> list[int]:
    ids: list[int] = []
    if data.selection_id is not None:
        selection = selections.load(session, principal, data.selection_id)
        after = 0
        while True:
            page = selections.member_ids(session, licence, selection, "journalist", after, 10_000)
            ids.extend(page)
            if len(page) < 10_000:
                break
            after = page[-1]
    if data.journalist_ids:
        visible = set(session.execute(queries.VISIBLE_IDS["journalist"],
                                      {"ids": data.journalist_ids, "ds": list(licence.datasets)}).scalars())
        unknown = [i for i in data.journalist_ids if i not in visible]
        if unknown:
            raise InvalidInput(fields={"journalist_ids": selections.UNKNOWN_IDS.format(
                ids=", ".join(map(str, unknown[:20])))})
        ids.extend(data.journalist_ids)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise InvalidInput(NOTHING_TO_TRANSFER, fields={"selection_id": NOTHING_TO_TRANSFER})
    return ids


def check_starting_phase_cap(session: Session, principal: Principal, ids: list[int]) -> None:
    """Refuse a transfer that would take the account beyond the starting phase's recipient limit (distinct
    journalists transferred into any of its clients; transferring one again does not count twice)."""
    account = principal.require_account()
    ent = entitlements.load(session, account_entitlements, account)
    if ent.phase != entitlements.STARTING:
        return
    limit = ent.max_recipients_per_mailing or entitlements.STARTING_PHASE_MAX_RECIPIENTS
    done, again = session.execute(queries.TRANSFERRED_COUNTS, {"a": account, "ids": ids}).one()
    total = done + len(set(ids)) - again
    if total > limit:
        raise Forbidden(STARTING_PHASE_LIMIT.format(limit=limit, done=done, total=total),
                        reason="starting_phase_transfer_limit", limit=limit, transferred=done, requested=len(ids))


def run(session: Session, principal: Principal, licence: Licence, client_id: str, ids: list[int],
        import_contacts: Callable[[str, list[dict]], list[dict]], progress: Callable[[int], None],
        commit: Callable[[], None]) -> dict[str, Any]:
    """Transfer in batches of 500: crm creates or links the contacts, pressbase records the links (committed per
    batch, so a failure later keeps what crm already created linked)."""
    created = linked = 0
    account = principal.require_account()
    check_starting_phase_cap(session, principal, ids)   # again when the job runs: another may have run meanwhile
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        fields = contact_fields(session, licence, batch)
        records = [fields[i][1] for i in batch if i in fields]
        if not records:
            continue
        results = import_contacts(client_id, records)
        links = []
        for r in results or []:
            pid = r.get("pressbase_id") or ""
            jid = int(pid[2:]) if pid.startswith("J-") and pid[2:].isdigit() else None
            if jid is None or jid not in fields or not r.get("contact_id"):
                continue
            created += 1 if r.get("created") else 0
            linked += 0 if r.get("created") else 1
            links.append({"j": jid, "c": str(r["contact_id"]), "v": fields[jid][0], "s": fields[jid][1]})
        if links:
            session.execute(queries.SAVE_TRANSFER_LINKS,
                            {"a": account, "cl": client_id, "links": jsonb(links),
                             "u": principal.user_id if principal.is_user else None})
        commit()
        progress(min(len(ids), start + BATCH))
    return {"transferred": created + linked, "created": created, "linked": linked, "requested": len(ids)}



def start(work: Work, queue: Any, params: TransferStart) -> dict:
    """A transfer of journalists into a client of the crm as a job (``queue``: the service's ``self.jobs``): write
    access to the client, records within the licence, the starting phase's recipient cap."""
    from svckit.jobs import serialise

    session, principal = work.session, work.principal
    principal.check_client(str(params.client_id), write=True)
    ids = journalist_ids(session, principal, search.licence_of(session, principal), params)
    check_starting_phase_cap(session, principal, ids)
    job = queue.enqueue(session, "transfer", principal, {"client_id": str(params.client_id), "ids": ids},
                        client_id=params.client_id, total=len(ids))
    return serialise(job, principal.lang)

def _diff(old: dict, new: dict | None) -> dict[str, dict[str, Any]]:
    if new is None:
        return {}
    keys = [k for k in FIELD_LABELS if old.get(k) != new.get(k)]
    return {k: {"old": old.get(k), "new": new.get(k)} for k in keys}


def changes(work: Work, client_id: str, paging: Paging) -> dict:
    """Transferred journalists of a client whose pressbase record changed (or was deleted) since the transfer."""
    session, principal = work.session, work.principal
    licence = search.licence_of(session, principal)
    principal.check_client(client_id)
    account = principal.require_account()
    cursor = decode_cursor(paging.cursor, "changes") or {"id": 0}
    items: list[dict] = []
    after = cursor["id"]
    scanned_to = after
    # scan links in id order; only differing ones are returned, so scan in bounded rounds
    for _unused in range(50):
        links = session.execute(queries.TRANSFER_LINKS_PAGE,
            {"a": account, "c": client_id, "after": after}).mappings().all()
        if not links:
            return {"items": items, "next_cursor": None}
        current = contact_fields(session, licence, [link["journalist_id"] for link in links])
        for link in links:
            scanned_to = link["id"]
            now = current.get(link["journalist_id"])
            if now is not None and now[1] == link["snapshot"]:
                continue
            items.append(_change_view(link, now, principal.lang))
            if len(items) >= paging.limit:
                return {"items": items, "next_cursor": encode_cursor({"s": "changes", "id": scanned_to})}
        after = links[-1]["id"]
    return {"items": items, "next_cursor": encode_cursor({"s": "changes", "id": scanned_to})}


def _change_view(link, now: tuple[int, dict] | None, lang: str) -> dict:
    diff = _diff(link["snapshot"], now[1] if now else None)
    return {
        "link_id": link["id"], "contact_id": link["contact_id"], "journalist_id": link["journalist_id"],
        "pressbase_id": f"J-{link['journalist_id']}",
        "name": " ".join(p for p in (link["snapshot"].get("first_name"), link["snapshot"].get("last_name")) if p),
        "state": "deleted" if now is None else "changed",
        "transferred_version": link["version"], "current_version": now[0] if now else None,
        "transferred_at": link["transferred_at"].isoformat(),
        "changes": [{"field": k, "label": FIELD_LABELS[k].pick(lang), **v} for k, v in diff.items()],
    }


def apply(work: Work, data: ApplyChanges, update_contacts: Callable[[str, list[dict]], list[dict]]) -> dict:
    """Send the current fields of the chosen links to crm (``update_contacts``: crm's
    ``update_pressbase_contacts``); links of deleted records are closed."""
    session, principal = work.session, work.principal
    licence = search.licence_of(session, principal)
    client_id = str(data.client_id)
    principal.check_client(client_id, write=True)
    account = principal.require_account()
    links = session.execute(queries.TRANSFER_LINKS_BY_ID,
        {"a": account, "c": client_id, "ids": data.link_ids}).mappings().all()
    found = {link["id"] for link in links}
    unknown = [i for i in data.link_ids if i not in found]
    if unknown:
        raise InvalidInput(fields={"link_ids": UNKNOWN_LINKS.format(ids=", ".join(map(str, unknown[:20])))})
    current = contact_fields(session, licence, [link["journalist_id"] for link in links])
    updates, closed, by_contact = [], [], {}
    for link in links:
        now = current.get(link["journalist_id"])
        if now is None:
            closed.append(link["id"])
            continue
        diff = _diff(link["snapshot"], now[1])
        if not diff:
            continue
        updates.append({"contact_id": link["contact_id"], "pressbase_id": f"J-{link['journalist_id']}",
                        "fields": {k: v["new"] for k, v in diff.items()}})
        by_contact[link["contact_id"]] = (link, now)
    applied = 0
    if updates:
        for r in update_contacts(client_id, updates) or []:
            entry = by_contact.get(str(r.get("contact_id")))
            if entry is None:
                continue
            link, now = entry
            if r.get("updated"):
                applied += 1
                session.execute(text("UPDATE transfer_links SET version = :v, snapshot = CAST(:s AS jsonb), "
                                     "applied_at = now() WHERE id = :i"),
                                {"v": now[0], "s": jsonb(now[1]), "i": link["id"]})
            else:
                closed.append(link["id"])   # the contact is gone or no longer linked
    if closed:
        session.execute(text("DELETE FROM transfer_links WHERE id = ANY(CAST(:ids AS bigint[]))"), {"ids": closed})
    return {"applied": applied, "closed": len(closed), "unchanged": len(links) - applied - len(closed)}


def changed_links(session: Session, import_id: int) -> list[dict[str, Any]]:
    """``journalist_changed`` payloads for the journalists an import changed that some account transferred: crm
    keeps the differences on the linked contacts (any account) for their users to apply there."""
    ids = list(session.execute(queries.TRANSFERRED_AND_CHANGED, {"i": import_id}).scalars())
    if not ids:
        return []
    rows = session.execute(queries.CONTACT_FIELDS, {"ids": ids, "ds": ["dach", "plus", "world"], "plus": False}).all()
    changed_at = session.execute(text("SELECT now()")).scalar_one().isoformat()
    return [{"pressbase_id": f"J-{r[0]}", "record": _one_line_fields(r[2]), "changed_at": changed_at} for r in rows]
