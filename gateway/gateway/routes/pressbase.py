"""HTTP routes of the pressbase service: search (journalists, outlets, forward features), reference data and the
licence, selections, recipients, transfer into the CRM and the changes since, the Excel export and its log, long
jobs, and (for the vendor's operators) feed uploads with the import history and change log.

Every route is a row of ``ROUTES`` (:mod:`gateway.routing`); request and answer schemas are pressbase's contract
models (``pressbase.contracts``). The service decides everything (licence, client rights, operators, validation);
the gateway only turns query strings and bodies into RPC arguments and streams files. Two routes have their own
resource, because a file never sits in one RPC message:

- a feed upload is read from the request in 4 MB chunks, each handed to ``pressbase.add_feed_chunk``, then imported
  as a job (``FeedImports``; its GET, the import history, is an ordinary row);
- an export download is fetched chunk by chunk (``get_export_chunk``) and streamed out (``ExportFile``).
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from pressbase import contracts as c
from svckit.errors import InvalidInput, PayloadTooLarge
from svckit.settings import env

from .. import routing
from ..i18n import _
from ..resource import Resource
from ..routing import Body, Computed, Id, Page, Path, Query, QueryDict, Route

P = "/api/v1/pressbase"
MB = 1024 * 1024
FEED_MAX_BYTES = int(env("PRESSBASE_FEED_MAX_BYTES", str(2048 * MB)))
CHUNK = 4 * MB
SLOW = 120.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMAT_REQUIRED = _("Format missing or unknown (format=jsonl or format=csv).")
EMPTY = _("The file is empty.")
TOO_LARGE = _("The file is too large (at most {mb} MB).")

SEARCH, REFERENCE, FORWARD = "pressbase search", "pressbase reference", "pressbase forward features"
SELECTIONS, TRANSFER, EXPORT = "pressbase selections", "pressbase transfer", "pressbase export"
JOBS, FEEDS = "pressbase jobs", "pressbase feeds"
TAGS = [{"name": t, "description": "Media database: " + t[10:]}
        for t in sorted((SEARCH, REFERENCE, FORWARD, SELECTIONS, TRANSFER, EXPORT, JOBS, FEEDS))]


# --- query parameters ------------------------------------------------------------------------------------------------

def _codes(name: str, description: str, items: dict | None = None) -> Query:
    """A filter of codes: repeat the parameter or separate values with commas."""
    return Query(name, list, split=True, schema={"type": "array", "items": items or {"type": "string"}},
                 description=description)


Q = Query("q", schema={"type": "string", "maxLength": 300},
          description="words (ANDed), \"phrases\", -excluded, prefix*; German and English stemming, umlauts folded "
                      "(Müller = Mueller = Muller), typos corrected when a word occurs nowhere")
CURSOR = Query("cursor", description="next_cursor of the previous page")
LIMIT = Query("limit", int, schema={"type": "integer", "minimum": 1}, description="page size")
SEARCH_QUERY = (
    Q,
    Query("prefix", bool, schema={"type": "boolean", "default": True},
          description="the last word matches as a prefix (as you type)"),
    Query("sort", schema={"enum": ["relevance", "name", "reach"], "default": "relevance"},
          description="relevance: words in the name first, then position/desks/topics/outlets, then anywhere; "
                      "each by reach"),
    CURSOR, LIMIT,
    Query("facets", bool, schema={"type": "boolean", "default": True}, description="count facets (and the total)"),
)
MEDIA_TYPE = _codes("media_type", "media type codes (GET /reference)")
TOPIC = _codes("topic", "topic codes; a topic includes its subtopics")
OUTLET = _codes("outlet", "outlet ids", {"type": "integer"})
FILTERS = (
    MEDIA_TYPE, _codes("country", "ISO country codes"),
    _codes("state", "ISO 3166-2 state codes (DE-BY, AT-9, CH-ZH ...)"), TOPIC, _codes("desk", "desk codes"),
    _codes("language", "language codes"), _codes("frequency", "frequency codes"),
    _codes("dataset", "only these (licensed) datasets", {"enum": ["dach", "plus", "world"]}),
)
JOURNALIST_FILTERS = (*FILTERS, OUTLET, Query("freelance", bool, schema={"type": "boolean"},
                                               description="freelancers only (true) or staff only (false)"))
FORWARD_QUERY = (
    Q, TOPIC, OUTLET, MEDIA_TYPE,
    Query("deadline_from", schema={"type": "string", "format": "date"},
          description="default: today (upcoming deadlines)"),
    Query("deadline_to", schema={"type": "string", "format": "date"}, description="deadlines until this day"),
    CURSOR, LIMIT,
)
PAGE = Page(max_limit=500)


def _search(filters: tuple[Query, ...]) -> QueryDict:
    """Query string -> search input; values are passed as strings and validated by the service."""
    return QueryDict(*SEARCH_QUERY, QueryDict(*filters, dest="filters"))


def _export_options(req, params) -> dict:
    """Only the language is read from the body; without it, the caller's language."""
    body = Resource.body(req, required=False)
    return {"selection_id": params["selection_id"], "lang": body.get("lang") or req.context.lang}


# --- the two resources that move files -----------------------------------------------------------------------------

class FeedImports(Resource):
    """POST: stream the body to the service in chunks, then start the import job. GET: the import history (the
    table's row)."""

    routes: dict[str, Route]

    def on_get(self, req, resp):
        routing.responder(self.routes["get"])(self, req, resp)

    def on_post(self, req, resp):
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
            self.call(req, "pressbase", "add_feed_chunk", upload["upload_id"], seq,
                      base64.b64encode(chunk).decode(), timeout=SLOW)
            seq += 1
        if size == 0:
            raise InvalidInput(EMPTY, fields={"file": EMPTY})
        start = {"upload_id": upload["upload_id"], "mode": req.get_param("mode") or "delta"}
        if req.get_param("record_type"):
            start["record_type"] = req.get_param("record_type")
        resp.media = self.call(req, "pressbase", "start_feed_import", start)
        resp.status = 202


class ExportFile(Resource):
    """Fetch the first chunk now (so errors become problems), stream the rest as the client reads."""

    def on_get(self, req, resp, export_id):
        first = self.call(req, "pressbase", "get_export_chunk", export_id, 0, CHUNK)
        principal, request_id = req.context.principal, req.context.request_id
        rpc = self.rpc

        def chunks() -> Iterator[bytes]:
            yield base64.b64decode(first["content_b64"])
            offset = first["next_offset"]
            while offset is not None:
                part = rpc.call("pressbase", "get_export_chunk", export_id, offset, CHUNK,
                                principal=principal, request_id=request_id)
                yield base64.b64decode(part["content_b64"])
                offset = part["next_offset"]

        resp.content_type = first["content_type"]
        resp.set_header("Content-Length", str(first["size"]))
        name = first["filename"] or "export.xlsx"
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "")
        resp.set_header("Content-Disposition",
                        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
        resp.set_header("Cache-Control", "private, no-store")
        resp.stream = chunks()


# --- the routes ----------------------------------------------------------------------------------------------------

JOURNALIST_ID = Path("journalist_id", schema={"type": "integer"})
OUTLET_ID = Path("outlet_id", schema={"type": "integer"})
SELECTION = Id("selection_id")

ROUTES: list[Route] = [
    Route("get", f"{P}/reference", "pressbase.get_reference", response=c.Reference, tag=REFERENCE,
          summary="Codes and labels (media types, frequencies, desks, roles, languages, topics, regions)"),
    Route("get", f"{P}/licence", "pressbase.get_licence", response=c.Licence, tag=REFERENCE,
          summary="What the account may see and do (datasets, forward features, export)"),
    # search
    Route("get", f"{P}/journalists", "pressbase.search_journalists", args=(_search(JOURNALIST_FILTERS),),
          response=c.JournalistResult, tag=SEARCH,
          summary="Search journalists: full text, filters (repeat or comma-separate values), facets, cursor"),
    Route("post", f"{P}/journalists/search", "pressbase.search_journalists", args=(Body(),),
          body=c.JournalistSearch, response=c.JournalistResult, tag=SEARCH,
          summary="Search journalists (query as JSON)", operation_id="pressbase_search_journalists_post_json"),
    Route("get", f"{P}/journalists/{{journalist_id}}", "pressbase.get_journalist", args=(JOURNALIST_ID,),
          response=c.Journalist, tag=SEARCH, summary="One journalist"),
    Route("get", f"{P}/outlets", "pressbase.search_outlets", args=(_search(FILTERS),), response=c.OutletResult,
          tag=SEARCH, summary="Search outlets: full text, filters, facets, cursor"),
    Route("post", f"{P}/outlets/search", "pressbase.search_outlets", args=(Body(),), body=c.OutletSearch,
          response=c.OutletResult, tag=SEARCH, summary="Search outlets (query as JSON)",
          operation_id="pressbase_search_outlets_post_json"),
    Route("get", f"{P}/outlets/{{outlet_id}}", "pressbase.get_outlet", args=(OUTLET_ID,), response=c.Outlet,
          tag=SEARCH, summary="One outlet with its journalists and (if licensed) upcoming forward features"),
    Route("get", f"{P}/forward-features", "pressbase.search_forward_features", args=(QueryDict(*FORWARD_QUERY),),
          response=c.ForwardFeatureResult, tag=FORWARD,
          summary="Editorial calendars by topic and upcoming deadline (soonest first; licensed accounts only)"),
    # selections
    Route("get", f"{P}/selections", "pressbase.list_selections", args=(PAGE,), response=c.SelectionPage,
          tag=SELECTIONS, summary="Saved searches and lists of the account (within the caller's clients)"),
    Route("post", f"{P}/selections", "pressbase.create_selection", args=(Body(),), body=c.SelectionCreate,
          response=c.Selection, status=201, tag=SELECTIONS,
          summary="Save a search or create a hand-picked list (optionally limited to a client)"),
    Route("get", f"{P}/selections/{{selection_id}}", "pressbase.get_selection", args=(SELECTION,),
          response=c.Selection, tag=SELECTIONS, summary="One selection"),
    Route("patch", f"{P}/selections/{{selection_id}}", "pressbase.update_selection", args=(SELECTION, Body()),
          body=c.SelectionUpdate, response=c.Selection, tag=SELECTIONS,
          summary="Rename, change the query, or move to / out of a client"),
    Route("delete", f"{P}/selections/{{selection_id}}", "pressbase.delete_selection", args=(SELECTION,),
          status=204, tag=SELECTIONS, summary="Delete a selection"),
    Route("get", f"{P}/selections/{{selection_id}}/members", "pressbase.list_selection_members",
          args=(SELECTION, PAGE), response=c.MemberPage, tag=SELECTIONS,
          summary="The selection's current (licensed) records"),
    Route("post", f"{P}/selections/{{selection_id}}/items", "pressbase.add_selection_items", args=(SELECTION, Body()),
          body=c.SelectionItems, response=c.Added, tag=SELECTIONS, summary="Add journalists and outlets to a list"),
    Route("post", f"{P}/selections/{{selection_id}}/items/remove", "pressbase.remove_selection_items",
          args=(SELECTION, Body()), body=c.SelectionItems, response=c.Removed, tag=SELECTIONS,
          summary="Remove journalists and outlets from a list"),
    Route("post", f"{P}/selections/{{selection_id}}/items/from-search", "pressbase.add_selection_items_from_search",
          args=(SELECTION, Body()), body=c.ItemsFromSearch, response=c.AddedFromSearch, tag=SELECTIONS,
          summary="Add the best results of a search to a list"),
    Route("get", f"{P}/selections/{{selection_id}}/recipients", "pressbase.resolve_selection",
          args=(SELECTION, CURSOR, Query("limit", int, default=100, description="page size",
                                         schema={"type": "integer", "minimum": 1, "maximum": 1000, "default": 100})),
          response=c.Recipients, tag=SELECTIONS,
          summary="The selection as mailing recipients (what dispatch resolves), a page at a time"),
    Route("post", f"{P}/selections/{{selection_id}}/export", "pressbase.start_export",
          args=(Computed(_export_options),), body=c.ExportOptions, response=c.Job, status=202, tag=EXPORT,
          summary="Excel export of a selection as a job (export add-on, not in the starting phase)"),
    Route("post", f"{P}/selections/{{selection_id}}/transfer", "pressbase.start_transfer",
          args=(Body(add={"selection_id": SELECTION}),), body=c.TransferStart, response=c.Job, status=202,
          tag=TRANSFER, operation_id="pressbase_start_transfer_post_selection",
          summary="Transfer the selection's journalists into CRM contacts of a client (a job; free of charge)"),
    # transfer
    Route("post", f"{P}/transfers", "pressbase.start_transfer", args=(Body(),), body=c.TransferStart,
          response=c.Job, status=202, tag=TRANSFER,
          summary="Transfer chosen journalists into CRM contacts of a client (a job)"),
    Route("get", f"{P}/transfers/changes", "pressbase.list_transfer_changes",
          args=(Query("client_id", schema={"type": "string", "format": "uuid"}, description="the CRM client"), PAGE),
          response=c.TransferChangePage, tag=TRANSFER,
          summary="Transferred journalists of a client whose record changed since (field by field)"),
    Route("post", f"{P}/transfers/apply", "pressbase.apply_transfer_changes", args=(Body(),), body=c.ApplyChanges,
          response=c.Applied, timeout=SLOW, tag=TRANSFER,
          summary="Apply the changes of chosen links to the CRM contacts"),
    # export log and files
    Route("get", f"{P}/exports", "pressbase.list_exports", args=(PAGE,), response=c.ExportPage, tag=EXPORT,
          summary="The export log (who, when, how many records); administrators see every export"),
    Route("get", f"{P}/exports/{{export_id}}/file", "pressbase.get_export_chunk", args=(Id("export_id"),),
          resource=ExportFile, response="binary", media_type=XLSX, tag=EXPORT, operation_id="pressbase_download",
          summary="Download an export (.xlsx, streamed)"),
    # jobs
    Route("get", f"{P}/jobs/{{job_id}}", "pressbase.get_job", args=(Id("job_id"),), response=c.Job, tag=JOBS,
          summary="A job's state and progress (state, done, total)"),
    # feeds (operators)
    Route("post", f"{P}/feed-imports", "pressbase.start_feed_import", resource=FeedImports,
          args=(Query("format", schema={"enum": ["jsonl", "csv"]},
                      description="the file's format (or Content-Type application/x-ndjson / text/csv)"),
                Query("mode", schema={"enum": ["full", "delta"], "default": "delta"},
                      description="full: the file replaces every record of its kinds and datasets; delta: upserts "
                                  "and deletions"),
                Query("record_type", schema={"enum": ["outlet", "journalist", "forward_feature"]},
                      description="CSV: the kind of every row")),
          upload_limit=FEED_MAX_BYTES, response=c.Job, status=202, tag=FEEDS, operation_id="pressbase_upload_post",
          summary="Upload a vendor feed (raw body: JSON lines or CSV, streamed) and import it as a job (operators)"),
    Route("get", f"{P}/feed-imports", "pressbase.list_feed_imports", args=(PAGE,), resource=FeedImports,
          response=c.FeedImportPage, tag=FEEDS, summary="Feed import history (operators)"),
    Route("get", f"{P}/feed-imports/{{import_id}}", "pressbase.get_feed_import",
          args=(Path("import_id", schema={"type": "integer"}),), response=c.FeedImport, tag=FEEDS,
          summary="One feed import: counts per kind, errors (operators)"),
    Route("get", f"{P}/changes", "pressbase.list_record_changes",
          args=(QueryDict(Query("kind", schema={"enum": ["outlet", "journalist", "forward_feature"]},
                                description="record kind"),
                          Query("record_id", schema={"type": "integer"}, description="one record"),
                          Query("import_id", schema={"type": "integer"}, description="one import"),
                          CURSOR, LIMIT),),
          response=c.RecordChangePage, tag=FEEDS,
          summary="What changed when: the change log of the media database, newest first (operators)"),
]


def register(app, deps) -> None:
    routing.register(app, deps, ROUTES)


def _openapi() -> dict:
    doc = routing.openapi(ROUTES, TAGS)
    upload = doc["paths"][f"{P}/feed-imports"]["post"]
    body = copy.deepcopy(upload["requestBody"])
    raw = {"type": "string"}
    body["content"] = {"application/x-ndjson": {"schema": raw}, "text/csv": {"schema": raw},
                       "application/octet-stream": {"schema": raw}}
    upload["requestBody"] = body
    for param in upload["parameters"]:
        if param["name"] == "filename":
            param["description"] = "the file's name, for the history"
    return doc


OPENAPI: dict[str, Any] = _openapi()
