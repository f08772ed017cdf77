"""Use cases: search journalists, outlets and forward features; show one record. Always within the caller's
licence (``licence_of``): records of datasets the account has not licensed do not exist for it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from svckit import entitlements
from svckit.errors import NotFound
from svckit.principal import Principal
from svckit.work import Work

from ..contracts import ForwardFeatureSearch, JournalistSearch, OutletSearch
from ..db import queries, search_sql
from ..db.models import account_entitlements
from ..domain import present
from ..domain.licence import Licence, licence_for
from ..domain.query import (
    FACETS_JOURNALISTS,
    FACETS_OUTLETS,
    decode_cursor,
    encode_cursor,
    parse_text,
    to_tsquery,
    words_of,
)
from ..i18n import _

JOURNALIST_NOT_FOUND = _("Journalist not found.")
OUTLET_NOT_FOUND = _("Outlet not found.")

EXACT_LIMIT = 1_000
FACET_TOP = {"outlet": 20, "topic": 40, "state": 30, "country": 30, "language": 20}
DEFAULT_TOP = 20

OPERATOR_LICENCE = Licence("operator", "regular", ("dach", "plus", "world"), True, False, None, None)


def licence_of(session: Session, principal: Principal) -> Licence:
    if principal.is_operator:
        return OPERATOR_LICENCE
    account_id = principal.require_account()
    return licence_for(entitlements.load(session, account_entitlements, account_id))


def _tops(prefixes: dict[str, str]) -> dict[str, int]:
    return {g: FACET_TOP.get(g, DEFAULT_TOP) for g in prefixes}


class _Search:
    table: str
    prefixes: dict[str, str]

    def __init__(self, session: Session, licence: Licence, lang: str, exact_limit: int = EXACT_LIMIT):
        self.session = session
        self.licence = licence
        self.lang = lang
        self.exact_limit = exact_limit

    def _filters(self, filters) -> tuple[list[str], dict[str, list[str]]]:
        data = filters.model_dump()
        wanted = data.pop("dataset") or list(self.licence.datasets)
        datasets = [d for d in self.licence.datasets if d in wanted]
        groups: dict[str, list[str]] = {}
        for group, values in data.items():
            if group == "freelance":
                if values is not None:
                    groups[group] = ["1" if values else "0"]
            elif values:
                groups[group] = [str(v) for v in values]
        return datasets, groups

    def run(self, params) -> dict[str, Any]:
        datasets, groups = self._filters(params.filters)
        query = parse_text(params.q, prefix_last=params.prefix)
        forms: dict = {}
        corrections: list = []
        tsquery = None
        if not query.empty:
            forms = search_sql.word_forms(self.session, words_of(query))
            corrections = search_sql.correct_typos(self.session, query, forms)
            tsquery = to_tsquery(query, forms, None)
        sort = params.sort
        if sort == "relevance" and tsquery is None:
            sort = "reach"
        cursor = decode_cursor(params.cursor, sort)
        result: dict[str, Any] = {"items": [], "next_cursor": None, "sort": sort, "corrections": corrections}
        if not datasets:
            result.update(total=0, estimated=False, facets_estimated=[], facets={} if params.facets else None)
            return result
        cond = search_sql.conditions(datasets, tsquery, groups, self.prefixes)
        matches = None
        if params.facets:
            matches = search_sql.sizes(self.session, self.table, cond, self.exact_limit)
        elif sort == "relevance":
            matches = search_sql.sizes(self.session, self.table, cond, self.exact_limit, with_groups=False)
        ids, nxt = search_sql.page(self.session, self.table, cond, sort, query, forms, cursor, params.limit,
                                   matches[None] if matches else None)
        result["items"] = self.items(ids)
        result["next_cursor"] = encode_cursor(nxt) if nxt else None
        if params.facets:
            counted = search_sql.counts(self.session, self.table, cond, self.exact_limit, _tops(self.prefixes),
                                        self.prefixes, matches)
            outlet_names = counted["outlet_names"]
            result["total"] = counted["total"]
            result["estimated"] = counted["estimated"]
            result["facets_estimated"] = counted["facets_estimated"]
            result["facets"] = present.facets(counted["facets"], self.lang, outlet_names)
        return result

    def _outlet_names(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        return dict(self.session.execute(text("SELECT id, name FROM outlets WHERE id = ANY(:ids)"), {"ids": ids}).all())

    def items(self, ids: list[int]) -> list[dict]:
        raise NotImplementedError


JOURNALIST_ROWS = """
SELECT j.*,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'name', o.name, 'media_type', o.media_type,
                                                     'role', jo.role) ORDER BY jo.ord), '[]')
          FROM journalist_outlets jo JOIN outlets o ON o.id = jo.outlet_id
         WHERE jo.journalist_id = j.id AND o.dataset = ANY(CAST(:datasets AS text[]))) AS outlet_list
  FROM journalists j
 WHERE j.id = ANY(CAST(:ids AS bigint[])) AND j.dataset = ANY(CAST(:datasets AS text[]))
"""


class JournalistSearcher(_Search):
    table = "journalist_search"
    prefixes = FACETS_JOURNALISTS

    def items(self, ids: list[int]) -> list[dict]:
        if not ids:
            return []
        rows = self.session.execute(text(JOURNALIST_ROWS),
                                    {"ids": ids, "datasets": list(self.licence.datasets)}).mappings().all()
        by_id = {r["id"]: present.journalist(dict(r), self.lang, self.licence.plus_fields) for r in rows}
        return [by_id[i] for i in ids if i in by_id]


class OutletSearcher(_Search):
    table = "outlet_search"
    prefixes = FACETS_OUTLETS

    def items(self, ids: list[int]) -> list[dict]:
        if not ids:
            return []
        rows = self.session.execute(text(
            "SELECT * FROM outlets WHERE id = ANY(CAST(:ids AS bigint[])) AND dataset = ANY(CAST(:ds AS text[]))"),
            {"ids": ids, "ds": list(self.licence.datasets)}).mappings().all()
        by_id = {r["id"]: present.outlet(dict(r), self.lang, self.licence.plus_fields) for r in rows}
        return [by_id[i] for i in ids if i in by_id]


def exact_limit(config: dict[str, Any]) -> int:
    """Up to how many hits a search counts exactly (PRESSBASE_EXACT_COUNT_LIMIT), beyond that it estimates."""
    return int(config.get("PRESSBASE_EXACT_COUNT_LIMIT", EXACT_LIMIT))


def licence_view(work: Work) -> dict:
    """What the caller's account may see and do here, and why not (in the caller's language)."""
    return licence_of(work.session, work.principal).to_dict(work.principal.lang)


def search_journalists(work: Work, params: JournalistSearch) -> dict:
    lic = licence_of(work.session, work.principal)
    return JournalistSearcher(work.session, lic, work.principal.lang, exact_limit(work.config)).run(params)


def search_outlets(work: Work, params: OutletSearch) -> dict:
    lic = licence_of(work.session, work.principal)
    return OutletSearcher(work.session, lic, work.principal.lang, exact_limit(work.config)).run(params)


def get_journalist(work: Work, journalist_id: int) -> dict:
    licence = licence_of(work.session, work.principal)
    items = JournalistSearcher(work.session, licence, work.principal.lang).items([journalist_id])
    if not items:
        raise NotFound(JOURNALIST_NOT_FOUND)
    return items[0]


def get_outlet(work: Work, outlet_id: int) -> dict:
    session, lang = work.session, work.principal.lang
    licence = licence_of(session, work.principal)
    items = OutletSearcher(session, licence, lang).items([outlet_id])
    if not items:
        raise NotFound(OUTLET_NOT_FOUND)
    outlet = items[0]
    staff = session.execute(queries.OUTLET_STAFF, {"o": outlet_id, "ds": list(licence.datasets)}).mappings().all()
    outlet["journalists"] = [{"id": s["id"], "pressbase_id": present.pressbase_id("journalist", s["id"]),
                              "name": present.full_name(s["first_name"], s["last_name"], s["title"]),
                              "position": s["position"], "role": s["role"]} for s in staff]
    if licence.forward_features:
        ff = session.execute(queries.OUTLET_FORWARD_FEATURES, {"o": outlet_id}).mappings().all()
        outlet["forward_features"] = [present.forward_feature(dict(r), lang) for r in ff]
    return outlet


def search_forward_features(work: Work, params: ForwardFeatureSearch) -> dict:
    """Editorial calendars by topic and upcoming deadline (soonest first), licensed accounts only."""
    session, lang, today = work.session, work.principal.lang, work.today
    licence = licence_of(session, work.principal)
    licence.require_forward_features()
    where = ["f.dataset = ANY(CAST(:ds AS text[]))", "f.deadline >= :dfrom"]
    values: dict[str, Any] = {"ds": list(licence.datasets), "dfrom": params.deadline_from or today}
    if params.deadline_to:
        where.append("f.deadline <= :dto")
        values["dto"] = params.deadline_to
    if params.topic:
        where.append("f.topic_tokens && CAST(:topics AS text[])")
        values["topics"] = [f"tp:{t}" for t in params.topic]
    if params.outlet:
        where.append("f.outlet_id = ANY(CAST(:outlets AS bigint[]))")
        values["outlets"] = params.outlet
    if params.media_type:
        where.append("o.media_type = ANY(CAST(:types AS text[]))")
        values["types"] = params.media_type
    corrections: list = []
    query = parse_text(params.q, prefix_last=True)
    if not query.empty:
        forms = search_sql.word_forms(session, words_of(query))
        corrections = search_sql.correct_typos(session, query, forms)
        tsquery = to_tsquery(query, forms, None)
        if tsquery:
            where.append("f.tsv @@ CAST(:q AS tsquery)")
            values["q"] = tsquery
    count_where = " AND ".join(where)
    cursor = decode_cursor(params.cursor, "deadline") if params.cursor else None
    if cursor:
        where.append("(f.deadline, f.id) > (CAST(:ck AS date), :cid)")
        values.update(ck=cursor["k"], cid=cursor["id"])
    rows = session.execute(text(f"""
SELECT f.*, o.name AS outlet_name, o.media_type FROM forward_features f JOIN outlets o ON o.id = f.outlet_id
 WHERE {' AND '.join(where)} ORDER BY f.deadline, f.id LIMIT :n"""), {**values, "n": params.limit + 1}).mappings().all()  # noqa: S608 -- WHERE built from fixed fragments, values bound
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    counts = session.execute(text(f"""
SELECT t, count(*) FROM forward_features f JOIN outlets o ON o.id = f.outlet_id, unnest(f.topic_tokens) t
 WHERE {count_where} GROUP BY t ORDER BY count(*) DESC LIMIT 40"""), values).all()  # noqa: S608 -- WHERE built from fixed fragments, values bound
    total = session.execute(text(f"SELECT count(*) FROM forward_features f JOIN outlets o ON o.id = f.outlet_id "  # noqa: S608 -- WHERE built from fixed fragments, values bound
                                 f"WHERE {count_where}"), values).scalar()
    nxt = None
    if more:
        nxt = encode_cursor({"s": "deadline", "k": rows[-1]["deadline"].isoformat(), "id": rows[-1]["id"]})
    return {
        "items": [present.forward_feature(dict(r), lang) for r in rows],
        "next_cursor": nxt,
        "total": total,
        "estimated": False,
        "facets_estimated": [],
        "facets": present.facets({"topic": [(t[3:], n) for t, n in counts]}, lang, {}),
        "corrections": corrections,
    }
