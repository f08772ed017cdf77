"""HTTP routes of the pressbase service: search (journalists, outlets, forward features), reference data and the
licence, selections, recipients, transfer into the CRM and the changes since, the Excel export and its log, long
jobs, and (for the vendor's operators) feed uploads with the import history and change log.

Every route is one row of ``ROUTES``; resources and the OpenAPI fragment are built from that table, so a route
cannot exist undocumented. The service decides everything (licence, client rights, validation); the gateway only
turns query strings and bodies into RPC arguments and streams files:

- a feed upload is read from the request in 4 MB chunks, each handed to ``pressbase.add_feed_chunk`` (the file
  never sits in one RPC message), then imported as a job;
- an export download is fetched chunk by chunk (``get_export_chunk``) and streamed out.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import falcon

from svckit.errors import InvalidInput, PayloadTooLarge
from svckit.i18n import Text
from svckit.settings import env

from ..resource import Resource

P = "/api/v1/pressbase"
MB = 1024 * 1024
FEED_MAX_BYTES = int(env("PRESSBASE_FEED_MAX_BYTES", str(2048 * MB)))
CHUNK = 4 * MB
SLOW = 120.0

FORMAT_REQUIRED = Text("Format fehlt oder unbekannt (format=jsonl oder format=csv).",
                       "Format missing or unknown (format=jsonl or format=csv).")
EMPTY = Text("Die Datei ist leer.", "The file is empty.")
TOO_LARGE = Text("Die Datei ist zu groß (höchstens {mb} MB).", "The file is too large (at most {mb} MB).")

FILTERS = ("media_type", "country", "state", "topic", "desk", "language", "frequency", "dataset")
JOURNALIST_FILTERS = FILTERS + ("outlet",)
SEARCH_Q = ("q", "prefix", "sort", "cursor", "limit", "facets")
PAGE_Q = ("cursor", "limit")
FF_Q = ("q", "topic", "outlet", "media_type", "deadline_from", "deadline_to", "cursor", "limit")


def _list(req, name: str) -> list[str]:
    values: list[str] = []
    for v in req.get_param_as_list(name) or []:
        values.extend(p.strip() for p in str(v).split(",") if p.strip())
    return values


def _search(filters: tuple[str, ...]):
    """Query string -> search input; values are passed as strings and validated by the service."""
    def build(res, req, params):
        query: dict[str, Any] = {k: req.get_param(k) for k in SEARCH_Q if req.get_param(k) not in (None, "")}
        f: dict[str, Any] = {k: _list(req, k) for k in filters if _list(req, k)}
        if req.get_param("freelance") not in (None, "") and "outlet" in filters:
            f["freelance"] = req.get_param("freelance")
        if f:
            query["filters"] = f
        return (query,), {}
    return build


def _page(req) -> dict:
    return {k: req.get_param(k) for k in PAGE_Q if req.get_param(k) not in (None, "")}


def a_none(res, req, params):
    return (), {}


def a_body(res, req, params):
    return (res.body(req),), {}


def a_id(name):
    return lambda res, req, params: ((params[name],), {})


def a_id_body(name):
    return lambda res, req, params: ((params[name], res.body(req)), {})


def a_id_page(name):
    return lambda res, req, params: ((params[name], _page(req)), {})


def a_page(res, req, params):
    return (_page(req),), {}


def a_forward_features(res, req, params):
    query: dict[str, Any] = {}
    for k in FF_Q:
        if k in ("topic", "outlet", "media_type"):
            if _list(req, k):
                query[k] = _list(req, k)
        elif req.get_param(k) not in (None, ""):
            query[k] = req.get_param(k)
    return (query,), {}


def a_recipients(res, req, params):
    limit = req.get_param("limit")
    try:
        limit = int(limit) if limit not in (None, "") else 100
    except ValueError:
        raise InvalidInput(fields={"limit": Text("Ganze Zahl erwartet.", "Whole number expected.")}) from None
    return (params["selection_id"], req.get_param("cursor"), limit), {}


def a_export(res, req, params):
    body = res.body(req, required=False)
    return ({"selection_id": params["selection_id"], "lang": body.get("lang") or req.context.lang},), {}


def a_transfer(res, req, params):
    body = res.body(req)
    return ({**body, "selection_id": params["selection_id"]},), {}


def a_changes(res, req, params):
    return (req.get_param("client_id"), _page(req)), {}


def a_record_changes(res, req, params):
    query = {k: req.get_param(k) for k in ("kind", "record_id", "import_id", "cursor", "limit")
             if req.get_param(k) not in (None, "")}
    return (query,), {}


Args = Callable[[Resource, falcon.Request, dict], tuple[tuple, dict]]


@dataclass
class Route:
    path: str
    method: str
    rpc: str | None
    args: Args
    status: int = 200
    summary: str = ""
    tag: str = "search"
    body: str | None = None
    response: str = "Object"
    query: tuple[str, ...] = ()
    timeout: float | None = None
    handler: str | None = None        # a special responder (feed upload, export download)


def R(path, method, rpc, args, **kw) -> Route:
    return Route(P + path, method, rpc, args, **kw)


ROUTES: list[Route] = [
    R("/reference", "get", "get_reference", a_none, tag="reference",
      summary="Codes and labels (media types, frequencies, desks, roles, languages, topics, regions)"),
    R("/licence", "get", "get_licence", a_none, tag="reference",
      summary="What the account may see and do (datasets, forward features, export)", response="Licence"),
    # search
    R("/journalists", "get", "search_journalists", _search(JOURNALIST_FILTERS),
      summary="Search journalists: full text, filters (repeat or comma-separate values), facets, cursor",
      query=SEARCH_Q + JOURNALIST_FILTERS + ("freelance",), response="SearchResult"),
    R("/journalists/search", "post", "search_journalists", a_body, summary="Search journalists (query as JSON)",
      body="JournalistSearch", response="SearchResult"),
    R("/journalists/{journalist_id}", "get", "get_journalist", a_id("journalist_id"), summary="One journalist",
      response="Journalist"),
    R("/outlets", "get", "search_outlets", _search(FILTERS),
      summary="Search outlets: full text, filters, facets, cursor", query=SEARCH_Q + FILTERS,
      response="SearchResult"),
    R("/outlets/search", "post", "search_outlets", a_body, summary="Search outlets (query as JSON)",
      body="OutletSearch", response="SearchResult"),
    R("/outlets/{outlet_id}", "get", "get_outlet", a_id("outlet_id"),
      summary="One outlet with its journalists and (if licensed) upcoming forward features"),
    R("/forward-features", "get", "search_forward_features", a_forward_features, tag="forward features",
      summary="Editorial calendars by topic and upcoming deadline (soonest first; licensed accounts only)",
      query=FF_Q, response="SearchResult"),
    # selections
    R("/selections", "get", "list_selections", a_page, tag="selections",
      summary="Saved searches and lists of the account (within the caller's clients)", query=PAGE_Q,
      response="Page"),
    R("/selections", "post", "create_selection", a_body, status=201, tag="selections",
      summary="Save a search or create a hand-picked list (optionally limited to a client)",
      body="SelectionIn", response="Selection"),
    R("/selections/{selection_id}", "get", "get_selection", a_id("selection_id"), tag="selections",
      summary="One selection", response="Selection"),
    R("/selections/{selection_id}", "patch", "update_selection", a_id_body("selection_id"), tag="selections",
      summary="Rename, change the query, or move to / out of a client", body="Object", response="Selection"),
    R("/selections/{selection_id}", "delete", "delete_selection", a_id("selection_id"), status=204,
      tag="selections", summary="Delete a selection"),
    R("/selections/{selection_id}/members", "get", "list_selection_members", a_id_page("selection_id"),
      tag="selections", summary="The selection's current (licensed) records", query=PAGE_Q, response="Page"),
    R("/selections/{selection_id}/items", "post", "add_selection_items", a_id_body("selection_id"),
      tag="selections", summary="Add journalists and outlets to a list", body="Items", response="Object"),
    R("/selections/{selection_id}/items/remove", "post", "remove_selection_items", a_id_body("selection_id"),
      tag="selections", summary="Remove journalists and outlets from a list", body="Items", response="Object"),
    R("/selections/{selection_id}/items/from-search", "post", "add_selection_items_from_search",
      a_id_body("selection_id"), tag="selections", summary="Add the best results of a search to a list",
      body="Object", response="Object"),
    R("/selections/{selection_id}/recipients", "get", "resolve_selection", a_recipients, tag="selections",
      summary="The selection as mailing recipients (what dispatch resolves), a page at a time",
      query=PAGE_Q, response="Recipients"),
    R("/selections/{selection_id}/export", "post", "start_export", a_export, status=202, tag="export",
      summary="Excel export of a selection as a job (export add-on, not in the starting phase)",
      body="Object", response="Job"),
    R("/selections/{selection_id}/transfer", "post", "start_transfer", a_transfer, status=202, tag="transfer",
      summary="Transfer the selection's journalists into CRM contacts of a client (a job; free of charge)",
      body="TransferIn", response="Job"),
    # transfer
    R("/transfers", "post", "start_transfer", a_body, status=202, tag="transfer",
      summary="Transfer chosen journalists into CRM contacts of a client (a job)", body="TransferIn",
      response="Job"),
    R("/transfers/changes", "get", "list_transfer_changes", a_changes, tag="transfer",
      summary="Transferred journalists of a client whose record changed since (field by field)",
      query=("client_id",) + PAGE_Q, response="Page"),
    R("/transfers/apply", "post", "apply_transfer_changes", a_body, tag="transfer",
      summary="Apply the changes of chosen links to the CRM contacts", body="ApplyIn", response="Object",
      timeout=SLOW),
    # export log and files
    R("/exports", "get", "list_exports", a_page, tag="export",
      summary="The export log (who, when, how many records); administrators see every export", query=PAGE_Q,
      response="Page"),
    R("/exports/{export_id}/file", "get", None, a_id("export_id"), tag="export",
      summary="Download an export (.xlsx, streamed)", response="binary", handler="download"),
    # jobs
    R("/jobs/{job_id}", "get", "get_job", a_id("job_id"), tag="jobs",
      summary="A job's state and progress (state, done, total)", response="Job"),
    # feeds (operators)
    R("/feed-imports", "post", None, a_none, status=202, tag="feeds", handler="upload",
      summary="Upload a vendor feed (raw body: JSON lines or CSV, streamed) and import it as a job "
              "(operators)", query=("format", "mode", "record_type", "filename"), response="Job"),
    R("/feed-imports", "get", "list_feed_imports", a_page, tag="feeds", summary="Feed import history (operators)",
      query=PAGE_Q, response="Page"),
    R("/feed-imports/{import_id}", "get", "get_feed_import", a_id("import_id"), tag="feeds",
      summary="One feed import: counts per kind, errors (operators)"),
    R("/changes", "get", "list_record_changes", a_record_changes, tag="feeds",
      summary="What changed when: the change log of the media database, newest first (operators)",
      query=("kind", "record_id", "import_id") + PAGE_Q, response="Page"),
]


# --- special responders ----------------------------------------------------------------------------------------------

def _upload(self: Resource, req, resp, **params):
    """Stream the body to the service in chunks, then start the import job."""
    fmt = (req.get_param("format") or "").lower()
    if not fmt:
        ctype = (req.content_type or "").split(";")[0].strip().lower()
        fmt = {"application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "text/csv": "csv"}.get(ctype, "")
    if fmt not in ("jsonl", "csv"):
        raise InvalidInput(FORMAT_REQUIRED, fields={"format": FORMAT_REQUIRED})
    if req.content_length is not None and req.content_length > FEED_MAX_BYTES:
        too = TOO_LARGE.format(mb=FEED_MAX_BYTES // MB)
        raise PayloadTooLarge(too, fields={"file": too}, limit=FEED_MAX_BYTES)
    upload = self.call(req, "pressbase", "create_feed_upload", {"filename": req.get_param("filename"),
                                                               "format": fmt})
    seq = size = 0
    while True:
        chunk = req.bounded_stream.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > FEED_MAX_BYTES:
            too = TOO_LARGE.format(mb=FEED_MAX_BYTES // MB)
            raise PayloadTooLarge(too, fields={"file": too}, limit=FEED_MAX_BYTES)
        self.call(req, "pressbase", "add_feed_chunk", upload["upload_id"], seq, base64.b64encode(chunk).decode(),
                  timeout=SLOW)
        seq += 1
    if size == 0:
        raise InvalidInput(EMPTY, fields={"file": EMPTY})
    start = {"upload_id": upload["upload_id"], "mode": req.get_param("mode") or "delta"}
    if req.get_param("record_type"):
        start["record_type"] = req.get_param("record_type")
    resp.media = self.call(req, "pressbase", "start_feed_import", start)
    resp.status = 202


def _download(self: Resource, req, resp, **params):
    """Fetch the first chunk now (so errors become problems), stream the rest as the client reads."""
    first = self.call(req, "pressbase", "get_export_chunk", params["export_id"], 0, CHUNK)
    principal, request_id = req.context.principal, req.context.request_id
    rpc = self.rpc

    def chunks() -> Iterator[bytes]:
        yield base64.b64decode(first["content_b64"])
        offset = first["next_offset"]
        while offset is not None:
            part = rpc.call("pressbase", "get_export_chunk", params["export_id"], offset, CHUNK,
                            principal=principal, request_id=request_id)
            yield base64.b64decode(part["content_b64"])
            offset = part["next_offset"]

    from urllib.parse import quote

    resp.content_type = first["content_type"]
    resp.set_header("Content-Length", str(first["size"]))
    name = first["filename"] or "export.xlsx"
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "")
    resp.set_header("Content-Disposition", f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    resp.set_header("Cache-Control", "private, no-store")
    resp.stream = chunks()


SPECIAL = {"upload": _upload, "download": _download}


def _responder(route: Route):
    if route.handler:
        return SPECIAL[route.handler]

    def respond(self, req, resp, **params):
        args, kwargs = route.args(self, req, params)
        result = self.call(req, "pressbase", route.rpc, *args, timeout=route.timeout, **kwargs)
        resp.status = route.status
        if route.status != 204:
            resp.media = result
    return respond


def register(app, deps) -> None:
    by_path: dict[str, dict[str, Route]] = {}
    for route in ROUTES:
        by_path.setdefault(route.path, {})[route.method] = route
    for path, methods in by_path.items():
        attrs: dict[str, Any] = {f"on_{m}": _responder(r) for m, r in methods.items()}
        if any(r.handler == "upload" for r in methods.values()):
            attrs["max_body_bytes"] = FEED_MAX_BYTES
        cls = type("Pressbase" + re.sub(r"\W", "", path.title()), (Resource,), attrs)
        app.add_route(path, cls(deps.rpc, deps.settings))


# --- OpenAPI ---------------------------------------------------------------------------------------------------------

_STR_LIST = {"type": "array", "items": {"type": "string"}}
_QUERY = {
    "q": ({"type": "string", "maxLength": 300},
          "words (ANDed), \"phrases\", -excluded, prefix*; German and English stemming, umlauts folded "
          "(Müller = Mueller = Muller), typos corrected when a word occurs nowhere"),
    "prefix": ({"type": "boolean", "default": True}, "the last word matches as a prefix (as you type)"),
    "sort": ({"enum": ["relevance", "name", "reach"], "default": "relevance"},
             "relevance: words in the name first, then position/desks/topics/outlets, then anywhere; each by reach"),
    "cursor": ({"type": "string"}, "next_cursor of the previous page"),
    "limit": ({"type": "integer", "minimum": 1}, "page size"),
    "facets": ({"type": "boolean", "default": True}, "count facets (and the total)"),
    "media_type": (_STR_LIST, "media type codes (GET /reference)"), "country": (_STR_LIST, "ISO country codes"),
    "state": (_STR_LIST, "ISO 3166-2 state codes (DE-BY, AT-9, CH-ZH ...)"),
    "topic": (_STR_LIST, "topic codes; a topic includes its subtopics"), "desk": (_STR_LIST, "desk codes"),
    "language": (_STR_LIST, "language codes"), "frequency": (_STR_LIST, "frequency codes"),
    "dataset": ({"type": "array", "items": {"enum": ["dach", "plus", "world"]}}, "only these (licensed) datasets"),
    "outlet": ({"type": "array", "items": {"type": "integer"}}, "outlet ids"),
    "freelance": ({"type": "boolean"}, "freelancers only (true) or staff only (false)"),
    "deadline_from": ({"type": "string", "format": "date"}, "default: today (upcoming deadlines)"),
    "deadline_to": ({"type": "string", "format": "date"}, "deadlines until this day"),
    "client_id": ({"type": "string", "format": "uuid"}, "the CRM client"),
    "kind": ({"enum": ["outlet", "journalist", "forward_feature"]}, "record kind"),
    "record_id": ({"type": "integer"}, "one record"), "import_id": ({"type": "integer"}, "one import"),
    "format": ({"enum": ["jsonl", "csv"]}, "the file's format (or Content-Type application/x-ndjson / text/csv)"),
    "mode": ({"enum": ["full", "delta"], "default": "delta"},
             "full: the file replaces every record of its kinds and datasets; delta: upserts and deletions"),
    "record_type": ({"enum": ["outlet", "journalist", "forward_feature"]}, "CSV: the kind of every row"),
    "filename": ({"type": "string"}, "the file's name, for the history"),
}
_PATH_INT = ("journalist_id", "outlet_id", "import_id")


def _operation(route: Route) -> dict:
    params = [{"name": n, "in": "path", "required": True,
               "schema": {"type": "integer"} if n in _PATH_INT else {"type": "string", "format": "uuid"}}
              for n in re.findall(r"{(\w+)}", route.path)]
    for q in route.query:
        schema, text = _QUERY[q]
        param = {"name": q, "in": "query", "required": q == "client_id", "schema": schema, "description": text}
        if schema.get("type") == "array":
            param["style"], param["explode"] = "form", True
        params.append(param)
    responses: dict[str, Any] = {}
    if route.status == 204:
        responses["204"] = {"description": "done"}
    elif route.response == "binary":
        responses["200"] = {"description": "the workbook, streamed", "content": {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}}
    else:
        responses[str(route.status)] = {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/Pressbase{route.response}"}}}}
    responses.update({"401": {"$ref": "#/components/responses/Unauthenticated"},
                      "403": {"$ref": "#/components/responses/Forbidden"},
                      "404": {"$ref": "#/components/responses/NotFound"},
                      "422": {"$ref": "#/components/responses/Invalid"}})
    if route.handler == "upload":
        responses["413"] = {"description": "the file is larger than the limit", "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    op: dict[str, Any] = {"tags": [f"pressbase {route.tag}"], "summary": route.summary,
                          "operationId": "pressbase_" + (route.rpc or route.handler)
                          + ("_" + route.method if route.method != "get" else "")
                          + ("_json" if route.path.endswith("/search") else "")
                          + ("_selection" if route.path.endswith("/{selection_id}/transfer") else ""),
                          "parameters": params, "responses": responses}
    if route.handler == "upload":
        op["requestBody"] = {"required": True, "description": f"the raw feed file (at most {FEED_MAX_BYTES // MB} MB)",
                             "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                                         "text/csv": {"schema": {"type": "string"}},
                                         "application/octet-stream": {"schema": {"type": "string"}}}}
    elif route.body:
        op["requestBody"] = {"required": route.method == "post", "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/Pressbase{route.body}"}}}}
    return op


_OBJ = {"type": "object"}
_CODE = {"type": "object", "properties": {"code": {"type": "string"}, "label": {"type": "string"}}}
_FILTERS = {"type": "object", "properties": {
    **{k: {"type": "array", "items": {"type": "string"}} for k in FILTERS},
    "outlet": {"type": "array", "items": {"type": "integer"}}, "freelance": {"type": ["boolean", "null"]}}}
_SEARCH_IN = {
    "q": {"type": ["string", "null"], "maxLength": 300}, "prefix": {"type": "boolean"},
    "sort": {"enum": ["relevance", "name", "reach"]}, "cursor": {"type": ["string", "null"]},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100}, "facets": {"type": "boolean"}, "filters": _FILTERS}
_FACET = {"type": "array", "items": {"type": "object", "properties": {
    "code": {"type": ["string", "boolean"]}, "label": {"type": "string"}, "count": {"type": "integer"},
    "parent": {"type": ["string", "null"]}}}}
SCHEMAS = {
    "PressbaseObject": _OBJ,
    "PressbasePage": {"type": "object", "properties": {"items": {"type": "array", "items": _OBJ},
                                                        "next_cursor": {"type": ["string", "null"]}}},
    "PressbaseLicence": {"type": "object", "properties": {
        "phase": {"enum": ["starting", "regular", "cancelled", "ended"]},
        "datasets": {"type": "array", "items": {"enum": ["dach", "plus", "world"]}},
        "forward_features": {"type": "boolean"}, "export": {"type": "boolean"}, "plus_fields": {"type": "boolean"},
        "reasons": {"type": "object", "description": "why not, in the caller's language (null: allowed)",
                    "properties": {"export": {"type": ["string", "null"]},
                                   "forward_features": {"type": ["string", "null"]}}}}},
    "PressbaseJournalistSearch": {"type": "object", "properties": _SEARCH_IN},
    "PressbaseOutletSearch": {"type": "object", "properties": _SEARCH_IN},
    "PressbaseSearchResult": {"type": "object", "properties": {
        "items": {"type": "array", "items": _OBJ}, "next_cursor": {"type": ["string", "null"]},
        "total": {"type": "integer"},
        "estimated": {"type": "boolean", "description": "true: the total (and facet counts) are estimates from a "
                                                         "sample (more matches than the exact-count limit)"},
        "facets_estimated": {"type": "array", "items": {"type": "string"},
                             "description": "the facet groups whose counts are estimates (a group with an active "
                                            "filter is counted without it, which may be many more matches), while "
                                            "the total may be exact"},
        "facets": {"type": ["object", "null"], "additionalProperties": _FACET},
        "corrections": {"type": "array", "items": {"type": "object", "properties": {
            "word": {"type": "string"}, "used": {"type": "array", "items": {"type": "string"}}}}},
        "sort": {"type": "string"}}},
    "PressbaseJournalist": {"type": "object", "properties": {
        "id": {"type": "integer"}, "pressbase_id": {"type": "string"}, "dataset": {"type": "string"},
        "name": {"type": "string"}, "gender": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]},
        "first_name": {"type": "string"}, "last_name": {"type": "string"}, "position": {"type": ["string", "null"]},
        "desks": {"type": "array", "items": _CODE}, "topics": {"type": "array", "items": _CODE},
        "languages": {"type": "array", "items": _CODE}, "country": {"oneOf": [_CODE, {"type": "null"}]},
        "state": {"oneOf": [_CODE, {"type": "null"}]}, "city": {"type": ["string", "null"]},
        "freelance": {"type": "boolean"}, "email": {"type": ["string", "null"]}, "phone": {"type": ["string", "null"]},
        "last_verified": {"type": ["string", "null"], "format": "date"}, "version": {"type": "integer"},
        "outlets": {"type": "array", "items": _OBJ},
        "plus": {"type": "object", "description": "PLUS fields (only with the PLUS dataset)"}}},
    "PressbaseSelectionIn": {"type": "object", "required": ["name", "kind"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200}, "kind": {"enum": ["search", "list"]},
        "target": {"enum": ["journalists", "outlets"]}, "client_id": {"type": ["string", "null"], "format": "uuid"},
        "query": {"type": ["object", "null"], "properties": {"q": {"type": ["string", "null"]}, "filters": _FILTERS}},
        "journalist_ids": {"type": "array", "items": {"type": "integer"}},
        "outlet_ids": {"type": "array", "items": {"type": "integer"}}}},
    "PressbaseSelection": {"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "kind": {"enum": ["search", "list"]},
        "target": {"enum": ["journalists", "outlets"]}, "client_id": {"type": ["string", "null"]},
        "query": {"type": ["object", "null"]}, "items": {"type": "object", "properties": {
            "journalists": {"type": "integer"}, "outlets": {"type": "integer"}}}}},
    "PressbaseItems": {"type": "object", "properties": {
        "journalist_ids": {"type": "array", "items": {"type": "integer"}},
        "outlet_ids": {"type": "array", "items": {"type": "integer"}}}},
    "PressbaseRecipients": {"type": "object", "properties": {
        "recipients": {"type": "array", "items": _OBJ}, "next_cursor": {"type": ["string", "null"]}}},
    "PressbaseTransferIn": {"type": "object", "required": ["client_id"], "properties": {
        "client_id": {"type": "string", "format": "uuid"}, "selection_id": {"type": ["string", "null"]},
        "journalist_ids": {"type": "array", "items": {"type": "integer"}}}},
    "PressbaseApplyIn": {"type": "object", "required": ["client_id", "link_ids"], "properties": {
        "client_id": {"type": "string", "format": "uuid"},
        "link_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 500}}},
    "PressbaseJob": {"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "kind": {"enum": ["feed_import", "export", "transfer"]},
        "state": {"enum": ["queued", "running", "done", "failed"]}, "done": {"type": "integer"},
        "total": {"type": ["integer", "null"]}, "result": {"type": ["object", "null"]},
        "error": {"type": ["object", "null"]}}},
}


def _openapi() -> dict:
    paths: dict[str, dict] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = _operation(route)
    tags = sorted({f"pressbase {r.tag}" for r in ROUTES})
    return {"tags": [{"name": t, "description": "Media database: " + t[10:]} for t in tags], "paths": paths,
            "components": {"schemas": SCHEMAS}}


OPENAPI: dict = _openapi()
