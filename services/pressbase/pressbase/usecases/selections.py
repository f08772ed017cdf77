"""Use cases: saved searches and hand-picked lists, and their recipients for dispatch.

A selection belongs to an account; limited to a client it follows that client's rights (hidden: not found;
read only: may be read, resolved and exported but not changed). Items of a list that the feed deleted or the
account no longer licenses are kept (a licence may come back) but are neither shown as records nor resolved.
"""

from __future__ import annotations

import uuid
from typing import Any, Iterator

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.orm import Session

from svckit.errors import InvalidInput, NotFound, QuotaExceeded
from svckit.principal import Principal
from svckit.rows import rowcount
from svckit.validation import parse
from svckit.work import Work

from ..contracts import (
    ItemsFromSearch,
    JournalistFilters,
    JournalistSearch,
    OutletFilters,
    OutletSearch,
    Paging,
    SavedQuery,
    SelectionCreate,
    SelectionItems,
    SelectionUpdate,
)
from ..db import queries, search_sql
from ..db.models import Selection, SelectionItem
from ..domain import present, salutation
from ..domain.licence import Licence
from ..domain.query import (
    decode_cursor,
    encode_cursor,
    parse_text,
    to_tsquery,
    words_of,
)
from ..i18n import _
from . import search as search_uc

NOT_FOUND = _("Selection not found.")
MAX_ITEMS = 50_000
TOO_MANY = _("A list may hold at most {n} entries.")
UNKNOWN_IDS = _("Unknown or not licensed: {ids}.")
NOT_A_LIST = _("Only hand-picked lists have entries, saved searches do not.")
QUERY_REQUIRED = _("A saved search needs a query.")
QUERY_NOT_FOR_LISTS = _("A list has no query.")
WRONG_TARGET = _("This list holds {target}.")


def _filters_model(target: str):
    return JournalistFilters if target == "journalists" else OutletFilters


def _check_query(target: str, query: SavedQuery) -> dict:
    filters = parse(_filters_model(target), query.filters, prefix="query.filters")
    return {"q": query.q, "filters": filters.model_dump(exclude_defaults=True)}


def load(session: Session, principal: Principal, selection_id, write: bool = False) -> Selection:
    try:
        sid = uuid.UUID(str(selection_id))
    except ValueError:
        raise InvalidInput(fields={"selection_id": _("Invalid identifier.")}) from None
    selection = session.get(Selection, sid)
    if selection is None:
        raise NotFound(NOT_FOUND)
    principal.check_row(selection.account_id, selection.client_id, write=write, not_found=NOT_FOUND)
    return selection


def _item_counts(session: Session, ids: list) -> dict:
    counts: dict = {}
    for sid, kind, n in session.execute(
            select(SelectionItem.selection_id, SelectionItem.item_kind, func.count())
            .where(SelectionItem.selection_id.in_(ids)).group_by(SelectionItem.selection_id, SelectionItem.item_kind)):
        counts.setdefault(sid, {})[kind] = n
    return counts


def view(session: Session, selection: Selection, counts: dict | None = None) -> dict[str, Any]:
    if counts is None:
        counts = _item_counts(session, [selection.id]).get(selection.id, {})
    return {
        "id": str(selection.id), "name": selection.name, "kind": selection.kind, "target": selection.target,
        "client_id": str(selection.client_id) if selection.client_id else None, "query": selection.query or None,
        "items": {"journalists": counts.get("journalist", 0), "outlets": counts.get("outlet", 0)},
        "created_by": str(selection.created_by) if selection.created_by else None,
        "created_at": selection.created_at.isoformat() if selection.created_at else None,
        "updated_at": selection.updated_at.isoformat() if selection.updated_at else None,
    }


def create(work: Work, data: SelectionCreate) -> dict[str, Any]:
    session, principal = work.session, work.principal
    licence = search_uc.licence_of(session, principal)
    account = principal.require_account()
    if data.client_id is not None:
        principal.check_client(str(data.client_id), write=True)
    query: dict = {}
    if data.kind == "search":
        if data.query is None:
            raise InvalidInput(fields={"query": QUERY_REQUIRED})
        if data.journalist_ids or data.outlet_ids:
            raise InvalidInput(fields={"journalist_ids": NOT_A_LIST})
        query = _check_query(data.target, data.query)
    elif data.query is not None:
        raise InvalidInput(fields={"query": QUERY_NOT_FOR_LISTS})
    selection = Selection(id=uuid.uuid4(), account_id=account, client_id=data.client_id, name=data.name,
                          kind=data.kind, target=data.target, query=query,
                          created_by=principal.user_id if principal.is_user else None)
    session.add(selection)
    session.flush()
    if data.kind == "list" and (data.journalist_ids or data.outlet_ids):
        _add_items(session, licence, selection, SelectionItems(journalist_ids=data.journalist_ids,
                                                               outlet_ids=data.outlet_ids))
    return view(session, selection)


def get(work: Work, selection_id: Any) -> dict[str, Any]:
    return view(work.session, load(work.session, work.principal, selection_id))


def delete(work: Work, selection_id: Any) -> dict[str, Any]:
    work.session.delete(load(work.session, work.principal, selection_id, write=True))
    return {"deleted": True}


def update(work: Work, selection_id: Any, data: SelectionUpdate) -> dict[str, Any]:
    session, principal = work.session, work.principal
    selection = load(session, principal, selection_id, write=True)
    if data.name is not None:
        selection.name = data.name
    if data.query is not None:
        if selection.kind != "search":
            raise InvalidInput(fields={"query": QUERY_NOT_FOR_LISTS})
        selection.query = _check_query(selection.target, data.query)
    if data.client_id is not None:
        principal.check_client(str(data.client_id), write=True)
        selection.client_id = data.client_id
    elif data.account_wide:
        selection.client_id = None
    selection.updated_at = func.now()
    session.flush()
    return view(session, selection)


def list_for(work: Work, paging: Paging) -> dict[str, Any]:
    session, principal = work.session, work.principal
    account = principal.require_account()
    stmt = select(Selection).where(Selection.account_id == account)
    if principal.kind != "service":
        visible = [uuid.UUID(c) for c in principal.visible_client_ids()]
        stmt = stmt.where((Selection.client_id.is_(None)) | (Selection.client_id.in_(visible)))
    cursor = decode_cursor(paging.cursor, "selections") if paging.cursor else None
    if cursor:
        try:
            after = (str(cursor["k"]), uuid.UUID(str(cursor["u"])))
        except (KeyError, ValueError):
            raise InvalidInput(fields={"cursor": _("Invalid cursor.")}) from None
        stmt = stmt.where(tuple_(Selection.name, Selection.id) > tuple_(*after))
    rows = session.execute(stmt.order_by(Selection.name, Selection.id).limit(paging.limit + 1)).scalars().all()
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    nxt = encode_cursor({"s": "selections", "k": rows[-1].name, "u": str(rows[-1].id), "id": 0}) if more else None
    counts = _item_counts(session, [s.id for s in rows])
    return {"items": [view(session, s, counts.get(s.id, {})) for s in rows], "next_cursor": nxt}


def _visible_ids(session: Session, licence: Licence, kind: str, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.execute(queries.VISIBLE_IDS[kind], {"ids": ids, "ds": list(licence.datasets)}).scalars())


def add_items(work: Work, selection_id: Any, data: SelectionItems) -> dict[str, int]:
    selection = load(work.session, work.principal, selection_id, write=True)
    return _add_items(work.session, search_uc.licence_of(work.session, work.principal), selection, data)


def _add_items(session: Session, licence: Licence, selection: Selection, data: SelectionItems) -> dict[str, int]:
    if selection.kind != "list":
        raise InvalidInput(NOT_A_LIST, fields={"selection_id": NOT_A_LIST})
    added = 0
    for kind, ids, name in (("journalist", data.journalist_ids, "journalist_ids"),
                            ("outlet", data.outlet_ids, "outlet_ids")):
        ids = list(dict.fromkeys(ids))
        visible = _visible_ids(session, licence, kind, ids)
        unknown = [i for i in ids if i not in visible]
        if unknown:
            shown = ", ".join(str(i) for i in unknown[:20]) + (" …" if len(unknown) > 20 else "")
            raise InvalidInput(fields={name: UNKNOWN_IDS.format(ids=shown)}, unknown=unknown[:100])
        if ids:
            added += _insert_items(session, selection, kind, ids)
    return {"added": added}


def _insert_items(session: Session, selection: Selection, kind: str, ids: list[int]) -> int:
    have = session.execute(select(func.count()).where(SelectionItem.selection_id == selection.id)).scalar_one()
    inserted = rowcount(session.execute(queries.ADD_SELECTION_ITEMS, {"s": selection.id, "k": kind, "ids": ids}))
    if have + inserted > MAX_ITEMS:
        raise QuotaExceeded(TOO_MANY.format(n=f"{MAX_ITEMS:,}".replace(",", ".")), limit=MAX_ITEMS)
    return inserted


def add_from_search(work: Work, selection_id: Any, data: ItemsFromSearch) -> dict[str, int]:
    """Add up to ``max`` results of a search (best first) to a list."""
    session, principal = work.session, work.principal
    selection = load(session, principal, selection_id, write=True)
    licence = search_uc.licence_of(session, principal)
    if selection.kind != "list":
        raise InvalidInput(NOT_A_LIST, fields={"selection_id": NOT_A_LIST})
    params: JournalistSearch | OutletSearch
    searcher: search_uc.JournalistSearcher | search_uc.OutletSearcher
    if selection.target == "journalists":
        params = parse(JournalistSearch, {"q": data.q, "filters": data.filters, "prefix": False, "facets": False,
                                          "limit": 100})
        searcher = search_uc.JournalistSearcher(session, licence, principal.lang)
        kind = "journalist"
    else:
        params = parse(OutletSearch, {"q": data.q, "filters": data.filters, "prefix": False, "facets": False,
                                      "limit": 100})
        searcher = search_uc.OutletSearcher(session, licence, principal.lang)
        kind = "outlet"
    ids = list(_all_ids(session, searcher, params, data.max))
    added = _insert_items(session, selection, kind, ids) if ids else 0
    return {"added": added, "matched": len(ids)}


def remove_items(work: Work, selection_id: Any, data: SelectionItems) -> dict[str, int]:
    session = work.session
    selection = load(session, work.principal, selection_id, write=True)
    if selection.kind != "list":
        raise InvalidInput(NOT_A_LIST, fields={"selection_id": NOT_A_LIST})
    removed = 0
    for kind, ids in (("journalist", data.journalist_ids), ("outlet", data.outlet_ids)):
        if ids:
            removed += rowcount(session.execute(queries.REMOVE_SELECTION_ITEMS,
                                                {"s": selection.id, "k": kind, "ids": ids}))
    return {"removed": removed}


# --- members: the records a selection stands for ----------------------------------------------------------------------

def _search_params(selection: Selection, limit: int):
    model = JournalistSearch if selection.target == "journalists" else OutletSearch
    query = selection.query or {}
    return parse(model, {"q": query.get("q"), "filters": query.get("filters") or {}, "prefix": False,
                         "facets": False, "limit": min(limit, 100)})


def _all_ids(session: Session, searcher, params, maximum: int) -> Iterator[int]:
    """The ids of a search in relevance order, following cursors (bounded)."""
    cursor = None
    got = 0
    while got < maximum:
        params = params.model_copy(update={"cursor": cursor, "limit": min(100, maximum - got)})
        datasets, groups = searcher._filters(params.filters)
        if not datasets:
            return
        query = parse_text(params.q, prefix_last=False)
        forms = search_sql.word_forms(session, words_of(query)) if not query.empty else {}
        tsquery = to_tsquery(query, forms, None) if forms else None
        sort = "relevance" if tsquery else "reach"
        cond = search_sql.conditions(datasets, tsquery, groups, searcher.prefixes)
        ids, nxt = search_sql.page(session, searcher.table, cond, sort, query, forms,
                                   decode_cursor(cursor, sort) if cursor else None, params.limit)
        yield from ids
        got += len(ids)
        if not nxt:
            return
        cursor = encode_cursor(nxt)


def member_ids(session: Session, licence: Licence, selection: Selection, kind: str, after: int, limit: int,
               lang: str = "de") -> list[int]:
    """Ids of one kind in id order after ``after``: a stable order to page through (resolve, export, transfer)."""
    if selection.kind == "list":
        return list(session.execute(queries.LIST_MEMBER_IDS[kind], {
            "s": selection.id, "k": kind, "after": after, "ds": list(licence.datasets), "n": limit}).scalars())
    if (kind == "journalist") != (selection.target == "journalists"):
        return []
    searcher = (search_uc.JournalistSearcher if kind == "journalist" else search_uc.OutletSearcher)(
        session, licence, lang)
    params = _search_params(selection, limit)
    datasets, groups = searcher._filters(params.filters)
    if not datasets:
        return []
    query = parse_text(params.q, prefix_last=False)
    forms = search_sql.word_forms(session, words_of(query)) if not query.empty else {}
    tsquery = to_tsquery(query, forms, None) if forms else None
    cond = search_sql.conditions(datasets, tsquery, groups, searcher.prefixes)
    return list(session.execute(text(
        f"SELECT s.id FROM {searcher.table} s WHERE {cond.sql()} AND s.id > :after ORDER BY s.id LIMIT :n"),  # noqa: S608 -- table name and condition fixed in code, values bound
        {**cond.params, "after": after, "n": limit}).scalars())


def count_members(session: Session, licence: Licence, selection: Selection) -> int:
    total = 0
    for kind in ("journalist", "outlet"):
        after = 0
        while True:
            ids = member_ids(session, licence, selection, kind, after, 10_000)
            total += len(ids)
            if len(ids) < 10_000:
                break
            after = ids[-1]
    return total


def list_members(work: Work, selection_id: Any, paging: Paging) -> dict[str, Any]:
    """The current records of a selection, journalists first, each kind in id order."""
    session, principal = work.session, work.principal
    selection = load(session, principal, selection_id)
    licence = search_uc.licence_of(session, principal)
    cursor = decode_cursor(paging.cursor, "members") or {"k": "journalist", "id": 0}
    kind, after = cursor.get("k"), cursor["id"]   # decode_cursor makes sure of an int id
    if kind not in ("journalist", "outlet"):
        raise InvalidInput(fields={"cursor": _("Invalid cursor.")})
    items: list[dict] = []
    nxt = None
    while True:
        ids = member_ids(session, licence, selection, kind, after, paging.limit - len(items) + 1, principal.lang)
        more = len(ids) > paging.limit - len(items)
        ids = ids[: paging.limit - len(items)]
        searcher = (search_uc.JournalistSearcher if kind == "journalist" else search_uc.OutletSearcher)(
            session, licence, principal.lang)
        items.extend({"kind": kind, **record} for record in searcher.items(ids))
        if more:
            nxt = {"s": "members", "k": kind, "id": ids[-1]}
            break
        if kind == "outlet":
            break
        kind, after = "outlet", 0
        if len(items) >= paging.limit:
            nxt = {"s": "members", "k": "outlet", "id": 0}
            break
    return {"items": items, "next_cursor": encode_cursor(nxt) if nxt else None}


# --- recipients for dispatch --------------------------------------------------------------------------------------

def resolve(work: Work, selection_id: Any, cursor: str | None, limit: int) -> dict:
    """One page of recipients (docs/contracts.md "Recipients"): journalists, then outlets' newsroom addresses."""
    session = work.session
    selection = load(session, work.principal, selection_id)
    licence = search_uc.licence_of(session, work.principal)
    position = decode_cursor(cursor, "recipients") or {"k": "journalist", "id": 0}
    kind, after = position.get("k"), position["id"]   # decode_cursor makes sure of an int id
    if kind not in ("journalist", "outlet"):
        raise InvalidInput(fields={"cursor": _("Invalid cursor.")})
    recipients: list[dict] = []
    client = str(selection.client_id) if selection.client_id else None
    while True:
        room = limit - len(recipients)
        ids = member_ids(session, licence, selection, kind, after, room + 1)
        more = len(ids) > room
        ids = ids[:room]
        if kind == "journalist" and ids:
            for r in session.execute(queries.RECIPIENT_JOURNALISTS, {"ids": ids}).mappings():
                lang = salutation.correspondence_language(r["languages"])
                recipients.append({
                    "contact_id": None, "pressbase_id": present.pressbase_id("journalist", r["id"]),
                    "client_id": client, "email": r["email"], "email_valid": bool(r["email"]),
                    "salutation": salutation.salutation(r["gender"], lang),
                    "letter_salutation": salutation.letter_salutation(r["gender"], r["title"], r["first_name"],
                                                                      r["last_name"], lang),
                    "title": r["title"] or "", "first_name": r["first_name"] or "", "last_name": r["last_name"],
                    "organisation": r["organisation"] or "", "position": r["position"] or "", "language": lang,
                    "custom": {"desk": (r["desks"] or [None])[0], "media_type": r["media_type"]},
                })
        elif ids:
            for r in session.execute(queries.RECIPIENT_OUTLETS, {"ids": ids}).mappings():
                lang = "de" if r["language"] == "de" else "en"
                recipients.append({
                    "contact_id": None, "pressbase_id": present.pressbase_id("outlet", r["id"]),
                    "client_id": client, "email": r["email"], "email_valid": bool(r["email"]),
                    "salutation": "", "letter_salutation": salutation.organisation_salutation(lang),
                    "title": "", "first_name": "", "last_name": "", "organisation": r["name"], "position": "",
                    "language": lang, "custom": {"media_type": r["media_type"]},
                })
        if more:
            return {"recipients": recipients, "next_cursor": encode_cursor({"s": "recipients", "k": kind,
                                                                            "id": ids[-1]})}
        if kind == "outlet":
            return {"recipients": recipients, "next_cursor": None}
        kind, after = "outlet", 0
        if len(recipients) >= limit:
            return {"recipients": recipients,
                    "next_cursor": encode_cursor({"s": "recipients", "k": "outlet", "id": 0})}
