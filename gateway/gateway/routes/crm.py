"""HTTP routes of the crm service: contacts, lists, events, history, import wizard, exports, jobs, mailboxes,
mediacenter, GDPR.

Every route is one row of ``ROUTES`` (path, HTTP method, crm RPC method, how the arguments are taken from the
request, the success status and its documentation); the resources and the OpenAPI fragment are both built from
that table, so a route cannot exist undocumented. Rights are the crm service's business: it reads the principal
the gateway put into the context data (hidden client -> 404, read-only client + write -> 403).

Files travel as streams, never inside an RPC message: an upload's body is written to the spool directory
(``UPLOAD_DIR``, default var/uploads, shared with the crm service) while its size is counted against the route's
limit and its SHA-256 computed; crm gets the spool token, size and hash and takes the file from there. A download
is the reverse: crm places the file in the spool (a hard link where possible) and the gateway streams it out and
removes the spool entry.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import falcon

from svckit.errors import InvalidInput, PayloadTooLarge
from svckit.i18n import Text
from svckit.settings import env
from svckit.textsafe import one_line
from svckit.validation import check_line

from ..resource import Resource

P = "/api/v1/crm"
MB = 1024 * 1024
IMPORT_MAX_BYTES = int(env("CRM_IMPORT_MAX_BYTES", str(50 * MB)))
MEDIA_MAX_BYTES = int(env("CRM_MEDIA_MAX_BYTES", str(100 * MB)))
RPC_TIMEOUT_SLOW = 60.0

FILENAME_MISSING = Text("Dateiname fehlt (Parameter filename oder Content-Disposition).",
                        "File name missing (parameter filename or Content-Disposition).")
TOO_LARGE = Text("Die Datei ist zu groß (höchstens {mb} MB).", "The file is too large (at most {mb} MB).")
EMPTY = Text("Die Datei ist leer.", "The file is empty.")


def spool_dir() -> Path:
    path = Path(env("UPLOAD_DIR", "var/uploads")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- how arguments come from a request ---------------------------------------------------------------------------

_LIST_PARAMS = {"client_id": "client_ids", "tag": "tags", "any_tag": "any_tags"}
_FILTER_PARAMS = ("q", "kind", "country", "city", "language", "org_type", "position", "has_email", "email_state",
                  "list_id", "source_kind")


def _page(req) -> dict:
    out = {}
    if req.get_param("cursor"):
        out["cursor"] = req.get_param("cursor")
    if req.get_param("limit"):
        out["limit"] = req.get_param("limit")
    return out


def contact_filter(req) -> dict:
    f: dict[str, Any] = {}
    for name in _FILTER_PARAMS:
        value = req.get_param(name)
        if value not in (None, ""):
            f[name] = value
    for param, key in _LIST_PARAMS.items():
        values = req.get_param_as_list(param)
        if values:
            f[key] = values
    return f


Args = Callable[[Resource, falcon.Request, dict], tuple[tuple, dict]]


def a_none(res, req, params):
    return (), {}


def a_body(res, req, params):
    return (res.body(req),), {}


def a_id(name):
    return lambda res, req, params: ((params[name],), {})


def a_id_body(name):
    return lambda res, req, params: ((params[name], res.body(req)), {})


def a_ids_body(*names):
    return lambda res, req, params: ((*[params[n] for n in names], res.body(req)), {})


def a_ids(*names):
    return lambda res, req, params: (tuple(params[n] for n in names), {})


def a_search_contacts(res, req, params):
    return (contact_filter(req),), _page(req)


def a_client_page(res, req, params):
    kwargs = _page(req)
    if req.get_param("client_id"):
        kwargs["client_id"] = req.get_param("client_id")
    if req.get_param("q"):
        kwargs["q"] = req.get_param("q")
    return (), kwargs


def a_id_page(name, *extra, lang: bool = False):
    def build(res, req, params):
        kwargs = _page(req)
        if lang:
            kwargs["lang"] = req.context.lang
        for e in extra:
            if req.get_param(e):
                kwargs[e] = req.get_param(e)
        return (params[name],), kwargs
    return build


def a_body_opt(res, req, params):
    return (res.body(req, required=False),), {}


def a_id_body_opt(name):
    return lambda res, req, params: ((params[name], res.body(req, required=False)), {})


# --- streams -----------------------------------------------------------------------------------------------------

_DISPOSITION_NAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.I)


def _filename(req) -> str:
    name = req.get_param("filename")
    if not name:
        disposition = req.get_header("Content-Disposition") or ""
        m = _DISPOSITION_NAME.search(disposition)
        if m:
            from urllib.parse import unquote
            name = unquote(m.group(1))
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    if not name:
        raise InvalidInput(FILENAME_MISSING, fields={"filename": FILENAME_MISSING})
    check_line(name, "filename")   # a line break in a stored name would end up in headers (issue 13)
    return name[:255]


def spool_upload(req, limit: int) -> dict:
    """Write the request body to the spool while counting and hashing it; refuse it past ``limit`` bytes."""
    mb = limit // MB
    if req.content_length is not None and req.content_length > limit:
        raise PayloadTooLarge(TOO_LARGE.format(mb=mb), fields={"file": TOO_LARGE.format(mb=mb)}, limit=limit)
    filename = _filename(req)
    token = uuid.uuid4().hex
    path = spool_dir() / token
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "wb") as out:
            while True:
                chunk = req.bounded_stream.read(256 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(TOO_LARGE.format(mb=mb), fields={"file": TOO_LARGE.format(mb=mb)},
                                          limit=limit)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput(EMPTY, fields={"file": EMPTY})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return {"token": token, "filename": filename, "size": size, "sha256": digest.hexdigest(),
            "content_type": (req.content_type or "application/octet-stream").split(";")[0][:150]}


def content_disposition(name: str, kind: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback (accents dropped, quotes, backslashes and controls replaced) and the exact name as
    ``filename*`` (RFC 5987, UTF-8, percent-encoded). Controls are removed first, so no stored name (older rows,
    another path) can break the header."""
    import unicodedata
    from urllib.parse import quote

    name = one_line(name) or "download"
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "_"
                       for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def stream_download(resp, info: dict) -> None:
    """Stream a file crm placed in the spool; the spool entry is removed as soon as it is open (POSIX keeps the
    inode readable until the stream is closed)."""
    path = spool_dir() / info["token"]
    handle = open(path, "rb")
    path.unlink(missing_ok=True)
    resp.content_type = info.get("content_type") or "application/octet-stream"
    resp.set_stream(handle, info["size"])
    resp.set_header("Content-Disposition", content_disposition(info.get("filename") or ""))
    resp.set_header("Cache-Control", "private, no-store")


# --- the table -----------------------------------------------------------------------------------------------------

@dataclass
class Route:
    path: str
    method: str
    rpc: str
    args: Args
    status: int = 200
    summary: str = ""
    tag: str = "contacts"
    body: str | None = None            # request schema name (components) or "binary"
    response: str | None = None        # response schema name, "binary" or None (no body)
    query: tuple[str, ...] = ()
    upload_limit: int | None = None
    download: bool = False
    timeout: float | None = None
    extra_query: dict = field(default_factory=dict)
    conflict: bool = False             # may answer 409 (documented)


def R(path, method, rpc, args, **kw) -> Route:
    return Route(P + path, method, rpc, args, **kw)


PAGE_Q = ("cursor", "limit")
FILTER_Q = ("q", "client_id", "kind", "tag", "any_tag", "country", "city", "language", "org_type", "position",
            "has_email", "email_state", "list_id", "source_kind") + PAGE_Q

ROUTES: list[Route] = [
    # contacts
    R("/contacts", "get", "search_contacts", a_search_contacts, summary="Search contacts (full text, filters, cursor)",
      query=FILTER_Q, response="ContactPage"),
    R("/contacts", "post", "create_contact", a_body, status=201, summary="Create a person or organisation",
      body="ContactIn", response="Contact"),
    R("/contacts/{contact_id}", "get", "get_contact", a_id("contact_id"), summary="One contact", response="Contact"),
    R("/contacts/{contact_id}", "patch", "update_contact", a_id_body("contact_id"),
      summary="Change a contact (only the fields sent)", body="ContactIn", response="Contact"),
    R("/contacts/{contact_id}", "delete", "delete_contact", a_id("contact_id"), status=204,
      summary="Delete a contact"),
    R("/contacts/{contact_id}/history", "get", "list_history", a_id_page("contact_id", "kind"),
      summary="The contact's history, newest first", query=("kind",) + PAGE_Q, response="Page"),
    R("/contacts/{contact_id}/history", "post", "add_history", a_id_body("contact_id"), status=201,
      summary="Add a note, call or meeting", body="HistoryIn", response="Object"),
    R("/duplicates", "get", "find_duplicates", lambda res, req, params: ((req.get_param("client_id"),), (
        {"limit": req.get_param("limit")} if req.get_param("limit") else {})),
      summary="Likely duplicates in a client (same e-mail; similar name and organisation)",
      query=("client_id", "limit"), response="Object"),
    R("/contacts/{contact_id}/merge", "post", "merge_contacts", a_id_body("contact_id"),
      summary="Merge another contact (other_id) into this one", body="Object", response="Contact"),
    R("/contacts/{contact_id}/pressbase-changes", "get", "get_pressbase_changes", a_id("contact_id"),
      summary="Changes of the linked media database record not yet applied", response="Object"),
    R("/contacts/{contact_id}/pressbase-changes/apply", "post", "apply_pressbase_changes",
      a_id_body_opt("contact_id"), summary="Apply all or some (fields) media database changes",
      body="Object", response="Contact"),
    R("/contacts/{contact_id}/pressbase-changes/dismiss", "post", "dismiss_pressbase_changes", a_id("contact_id"),
      status=204, summary="Dismiss the media database changes"),
    R("/custom-fields", "get", "list_custom_fields", a_none, summary="The account's custom fields",
      tag="custom fields", response="Array"),
    R("/custom-fields", "post", "create_custom_field", a_body, status=201, tag="custom fields",
      summary="Define a typed custom field (administrators)", body="Object", response="Object"),
    R("/custom-fields/{key}", "delete", "delete_custom_field", a_id("key"), status=204, tag="custom fields",
      summary="Remove a custom field and its values (administrators)"),
    # lists
    R("/lists", "get", "search_lists", a_client_page, tag="lists", summary="Distribution lists",
      query=("client_id", "q") + PAGE_Q, response="Page"),
    R("/lists", "post", "create_list", a_body, status=201, tag="lists",
      summary="Create a static or dynamic (saved filter) list", body="Object", response="Object"),
    R("/lists/{list_id}", "get", "get_list", a_id("list_id"), tag="lists", summary="One list", response="Object"),
    R("/lists/{list_id}", "patch", "update_list", a_id_body("list_id"), tag="lists", summary="Change a list",
      body="Object", response="Object"),
    R("/lists/{list_id}", "delete", "delete_list", a_id("list_id"), status=204, tag="lists", summary="Delete a list"),
    R("/lists/{list_id}/members", "get", "list_members", a_id_page("list_id"), tag="lists",
      summary="A list's members (dynamic lists: the filter evaluated now)", query=PAGE_Q, response="Page"),
    R("/lists/{list_id}/members", "post", "add_list_members", a_id_body("list_id"), tag="lists",
      summary="Add contacts to a static list", body="ContactIds", response="Object"),
    R("/lists/{list_id}/members/remove", "post", "remove_list_members", a_id_body("list_id"), tag="lists",
      summary="Remove contacts from a static list", body="ContactIds", response="Object"),
    # events
    R("/events", "get", "search_events", a_client_page, tag="events", summary="Events",
      query=("client_id",) + PAGE_Q, response="Page"),
    R("/events", "post", "create_event", a_body, status=201, tag="events", summary="Create an event",
      body="Object", response="Object"),
    R("/events/{event_id}", "get", "get_event", a_id("event_id"), tag="events", summary="One event",
      response="Object"),
    R("/events/{event_id}", "patch", "update_event", a_id_body("event_id"), tag="events", summary="Change an event",
      body="Object", response="Object"),
    R("/events/{event_id}", "delete", "delete_event", a_id("event_id"), status=204, tag="events",
      summary="Delete an event"),
    R("/events/{event_id}/participants", "get", "list_participants", a_id_page("event_id", "status"), tag="events",
      summary="Participants (optionally of one status)", query=("status",) + PAGE_Q, response="Page"),
    R("/events/{event_id}/participants", "post", "add_participants", a_id_body("event_id"), tag="events",
      summary="Invite contacts (or set their status)", body="Object", response="Object"),
    R("/events/{event_id}/participants/{contact_id}", "patch", "update_participant",
      a_ids_body("event_id", "contact_id"), tag="events", summary="Set a participant's status",
      body="Object", response="Object"),
    R("/events/{event_id}/participants/{contact_id}", "delete", "remove_participant",
      a_ids("event_id", "contact_id"), status=204, tag="events", summary="Remove a participant"),
    # import wizard
    R("/imports", "get", "list_imports", lambda res, req, params: ((), {
        k: req.get_param(k) for k in ("limit", "offset") if req.get_param(k) not in (None, "")}), tag="import",
      summary="The caller's recent imports, newest first (name, state, counts per run); limit 1-100, "
              "offset 0-100000", query=("limit", "offset"),
      response="Array"),
    R("/imports", "post", "start_import", a_none, status=201, tag="import",
      summary="Upload an .xlsx or CSV file (raw body, streamed): sheets, header row and a column mapping are "
              "suggested", upload_limit=IMPORT_MAX_BYTES, response="Object", timeout=RPC_TIMEOUT_SLOW),
    R("/imports/{import_id}", "get", "get_import", a_id("import_id"), tag="import", summary="An import's state",
      response="Object"),
    R("/imports/{import_id}/mapping", "put", "set_import_mapping", a_id_body("import_id"), tag="import",
      summary="Choose sheet, header row and the field of each column", body="Object", response="Object"),
    R("/imports/{import_id}/dry-run", "post", "dry_run_import", a_id_body("import_id"), status=202, tag="import",
      conflict=True,
      summary="Dry run as a job: a report per row, nothing is written", body="Object", response="Job"),
    R("/imports/{import_id}/run", "post", "run_import", a_id_body("import_id"), status=202, tag="import",
      conflict=True,
      summary="Import into a client (and list) with a duplicate strategy, as a job; re-runs create nothing twice. "
              "Bound to the import's last finished dry run: without one, or with another file, sheet, header row, "
              "mapping, client, list or strategy, 409 naming what differs",
      body="Object", response="Job"),
    R("/imports/{import_id}/report", "get", "import_report", a_id_page("import_id", "run", "outcome", lang=True),
      tag="import", summary="The per-row report of the dry run (run=dry) or the import (run=real)",
      query=("run", "outcome") + PAGE_Q, response="Page"),
    # mediacenter
    R("/media/folders", "get", "list_folder", lambda res, req, params: ((req.get_param("client_id"),), (
        {"parent_id": req.get_param("parent_id")} if req.get_param("parent_id") else {})), tag="media",
      summary="Folders (and files) of a client's mediacenter; parent_id opens a folder",
      query=("client_id", "parent_id"), response="Object"),
    R("/media/folders", "post", "create_folder", a_body, status=201, tag="media", summary="Create a folder",
      body="Object", response="Object"),
    R("/media/folders/{folder_id}", "patch", "update_folder", a_id_body("folder_id"), tag="media",
      summary="Rename or move a folder", body="Object", response="Object"),
    R("/media/folders/{folder_id}", "delete", "delete_folder", a_id("folder_id"), status=204, tag="media",
      summary="Delete a folder with everything in it"),
    R("/media/folders/{folder_id}/files", "post", "upload_media_file", a_id("folder_id"), status=201, tag="media",
      summary="Upload a file (raw body, streamed; type detected from the content)", upload_limit=MEDIA_MAX_BYTES,
      response="Object", timeout=RPC_TIMEOUT_SLOW),
    R("/media/files/{file_id}", "get", "get_media_file", a_id("file_id"), tag="media", summary="A file's details",
      response="Object"),
    R("/media/files/{file_id}", "patch", "update_media_file", a_id_body("file_id"), tag="media",
      summary="Rename or move a file", body="Object", response="Object"),
    R("/media/files/{file_id}", "delete", "delete_media_file", a_id("file_id"), status=204, tag="media",
      summary="Delete a file"),
    R("/media/files/{file_id}/content", "get", "download_media_file", a_id("file_id"), tag="media",
      summary="Download a file (streamed)", download=True),
    R("/media/usage", "get", "get_storage_usage", a_none, tag="media", summary="Bytes the account stores",
      response="Object"),
    R("/contacts/{contact_id}/files", "get", "list_contact_files", a_id("contact_id"),
      summary="Files attached to a contact", response="Array"),
    R("/contacts/{contact_id}/files", "post", "attach_file", a_id_body("contact_id"), status=201,
      summary="Attach a mediacenter file to a contact", body="Object", response="Object"),
    R("/contacts/{contact_id}/files/{file_id}", "delete", "detach_file", a_ids("contact_id", "file_id"),
      status=204, summary="Detach a file from a contact"),
    # exports
    R("/exports", "post", "start_export", a_body, status=202, tag="exports",
      summary="Excel export (mail merge: salutation line, DIN 5008 address block) of a list, an event's "
              "participants, a mailing's recipients or chosen contacts, as a job", body="Object", response="Job"),
    # IMAP archive
    R("/mailboxes", "get", "list_mailboxes", a_none, tag="mailboxes", summary="The caller's connected mailboxes",
      response="Array"),
    R("/mailboxes", "post", "create_mailbox", a_body, status=201, tag="mailboxes",
      summary="Connect a mailbox (host, port, TLS, login; the password is stored encrypted, never returned)",
      body="Object", response="Object"),
    R("/mailboxes/{mailbox_id}", "get", "get_mailbox", a_id("mailbox_id"), tag="mailboxes", summary="One mailbox",
      response="Object"),
    R("/mailboxes/{mailbox_id}", "patch", "update_mailbox", a_id_body("mailbox_id"), tag="mailboxes",
      summary="Change a mailbox (folders, login ...)", body="Object", response="Object"),
    R("/mailboxes/{mailbox_id}", "delete", "delete_mailbox", a_id("mailbox_id"), status=204, tag="mailboxes",
      summary="Disconnect a mailbox"),
    R("/mailboxes/{mailbox_id}/sync", "post", "sync_mailbox", a_id("mailbox_id"), status=202, tag="mailboxes",
      summary="Fetch new messages now and archive them into the matching contacts' history (a job)",
      response="Job"),
    # GDPR
    R("/contacts/{contact_id}/gdpr-export", "get", "export_person", a_id("contact_id"), tag="gdpr",
      summary="Art. 15: everything the CRM stores about this person", response="Object"),
    R("/contacts/{contact_id}/erasure", "post", "erase_person", a_id("contact_id"), tag="gdpr",
      summary="Art. 17: erase this person here and tell every other service", response="Object"),
    R("/account-exports", "get", "list_account_exports", a_none, tag="gdpr",
      summary="Whole-account export archives (also the one prepared at contract end)", response="Array"),
    R("/account-exports", "post", "start_account_export", a_none, status=202, tag="gdpr",
      summary="Export the whole account (every service's part, xlsx and JSON) as a job; download from "
              "/jobs/{id}/file", response="Job"),
    # jobs
    R("/jobs/{job_id}", "get", "get_job", a_id("job_id"), tag="jobs", summary="A job's state and progress",
      response="Job"),
    R("/jobs/{job_id}/file", "get", "download_job_file", a_id("job_id"), tag="jobs",
      summary="The file a finished job produced (export, archive), streamed", download=True),
]


# --- resources from the table --------------------------------------------------------------------------------------

def _responder(route: Route):
    def respond(self, req, resp, **params):
        if route.upload_limit is not None:
            upload = spool_upload(req, route.upload_limit)
            try:
                args, kwargs = route.args(self, req, params)
                result = self.call(req, "crm", route.rpc, *args, upload, timeout=route.timeout, **kwargs)
            finally:
                (spool_dir() / upload["token"]).unlink(missing_ok=True)
        else:
            args, kwargs = route.args(self, req, params)
            result = self.call(req, "crm", route.rpc, *args, timeout=route.timeout, **kwargs)
        if route.download:
            stream_download(resp, result)
            return
        resp.status = route.status
        if route.status != 204:
            resp.media = result
    return respond


def _resources(deps) -> dict[str, Resource]:
    by_path: dict[str, dict[str, Route]] = {}
    for route in ROUTES:
        by_path.setdefault(route.path, {})[route.method] = route
    out = {}
    for path, methods in by_path.items():
        attrs: dict[str, Any] = {f"on_{m}": _responder(r) for m, r in methods.items()}
        limits = [r.upload_limit for r in methods.values() if r.upload_limit]
        if limits:
            attrs["max_body_bytes"] = max(limits)
        cls = type("Crm" + re.sub(r"\W", "", path.title()), (Resource,), attrs)
        out[path] = cls(deps.rpc, deps.settings)
    return out


def register(app, deps) -> None:
    for path, resource in _resources(deps).items():
        app.add_route(path, resource)


# --- OpenAPI --------------------------------------------------------------------------------------------------------

_QUERY_SCHEMAS = {"limit": {"type": "integer", "minimum": 1, "maximum": 1000}, "has_email": {"type": "boolean"},
                  "offset": {"type": "integer", "minimum": 0, "maximum": 100000},
                  "client_id": {"type": "array", "items": {"type": "string", "format": "uuid"}},
                  "tag": {"type": "array", "items": {"type": "string"}},
                  "any_tag": {"type": "array", "items": {"type": "string"}}}
_QUERY_TEXT = {"q": "full-text search (umlauts folded: Müller = Mueller = Muller)", "cursor": "from next_cursor",
               "client_id": "only these clients (repeat or comma-separated)"}


def _operation(route: Route) -> dict:
    params = [{"name": n, "in": "path", "required": True,
               "schema": {"type": "string", "format": "uuid"} if n.endswith("_id") else {"type": "string"}}
              for n in re.findall(r"{(\w+)}", route.path)]
    for q in route.query:
        param = {"name": q, "in": "query", "required": False, "schema": _QUERY_SCHEMAS.get(q, {"type": "string"})}
        if q in _QUERY_TEXT:
            param["description"] = _QUERY_TEXT[q]
        if q in ("client_id", "tag", "any_tag"):
            param["style"], param["explode"] = "form", True
        params.append(param)
    if route.upload_limit is not None:
        params.append({"name": "filename", "in": "query", "required": False, "schema": {"type": "string"},
                       "description": "the file's name (or a Content-Disposition header)"})
    responses: dict[str, Any] = {}
    if route.status == 204:
        responses["204"] = {"description": "done"}
    elif route.download or route.response == "binary":
        responses[str(route.status)] = {"description": "the file, streamed", "content": {
            "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}}
    else:
        schema = {"$ref": f"#/components/schemas/Crm{route.response or 'Object'}"}
        responses[str(route.status)] = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    responses.update({"401": {"$ref": "#/components/responses/Unauthenticated"},
                      "403": {"$ref": "#/components/responses/Forbidden"},
                      "404": {"$ref": "#/components/responses/NotFound"},
                      "422": {"$ref": "#/components/responses/Invalid"}})
    if route.conflict:
        responses["409"] = {"$ref": "#/components/responses/Conflict"}
    if route.upload_limit is not None:
        responses["413"] = {"description": "the file is larger than the limit", "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    op: dict[str, Any] = {"tags": [f"crm {route.tag}"], "summary": route.summary,
                          "operationId": "crm_" + route.rpc + ("_" + route.method if route.method != "get" else ""),
                          "parameters": params, "responses": responses}
    if route.upload_limit is not None:
        op["requestBody"] = {"required": True, "description": f"the raw file (at most {route.upload_limit // MB} MB)",
                             "content": {"application/octet-stream": {"schema": {
                                 "type": "string", "contentMediaType": "application/octet-stream"}}}}
    elif route.body:
        op["requestBody"] = {"required": route.method != "delete", "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/Crm{route.body}"}}}}
    return op


_OBJ = {"type": "object"}
_EMAIL = {"type": "object", "required": ["email"], "properties": {
    "email": {"type": "string", "format": "email"}, "label": {"type": "string"}, "primary": {"type": "boolean"},
    "state": {"enum": ["valid", "invalid", "unverified"]}}}
_CONTACT_PROPS = {
    "client_id": {"type": "string", "format": "uuid"}, "kind": {"enum": ["person", "organisation"]},
    "gender": {"enum": ["female", "male", "diverse", "unknown"]}, "title": {"type": "string"},
    "first_name": {"type": "string"}, "last_name": {"type": "string"}, "org_name": {"type": "string"},
    "org_type": {"enum": ["company", "media", "agency", "public", "other", None]},
    "organisation_id": {"type": ["string", "null"], "format": "uuid"}, "organisation": {"type": "string"},
    "position": {"type": "string"}, "department": {"type": "string"}, "street": {"type": "string"},
    "address_extra": {"type": "string"}, "postal_code": {"type": "string"}, "city": {"type": "string"},
    "country": {"type": "string", "minLength": 2, "maxLength": 2}, "language": {"enum": ["de", "en"]},
    "informal": {"type": "boolean"}, "letter_salutation": {"type": ["string", "null"]},
    "emails": {"type": "array", "items": _EMAIL},
    "phones": {"type": "array", "items": {"type": "object", "properties": {"number": {"type": "string"},
                                                                           "label": {"type": "string"}}}},
    "tags": {"type": "array", "items": {"type": "string"}}, "custom": _OBJ, "notes": {"type": "string"},
    "legal_basis": {"enum": ["consent", "contract", "legal_obligation", "vital_interest", "public_task",
                             "legitimate_interest"]},
    "data_source": {"type": "string"}, "informed_at": {"type": ["string", "null"], "format": "date-time"},
}
SCHEMAS = {
    "CrmObject": _OBJ,
    "CrmArray": {"type": "array", "items": _OBJ},
    "CrmPage": {"type": "object", "properties": {"items": {"type": "array", "items": _OBJ},
                                                  "next_cursor": {"type": ["string", "null"]}}},
    "CrmContactIn": {"type": "object", "properties": _CONTACT_PROPS},
    "CrmContact": {"type": "object", "properties": {
        **_CONTACT_PROPS, "id": {"type": "string", "format": "uuid"},
        "salutation": {"type": "string", "description": "Frau / Herr (Ms / Mr)"},
        "letter_salutation": {"type": "string", "description": "e.g. Sehr geehrte Frau Dr. Müller,"},
        "letter_salutation_override": {"type": ["string", "null"]}}},
    "CrmContactPage": {"type": "object", "properties": {"items": {"type": "array", "items": _OBJ},
                                                         "next_cursor": {"type": ["string", "null"]}}},
    "CrmContactIds": {"type": "object", "required": ["contact_ids"], "properties": {
        "contact_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}}}},
    "CrmHistoryIn": {"type": "object", "required": ["kind"], "properties": {
        "kind": {"enum": ["note", "call", "meeting"]}, "subject": {"type": "string"}, "body": {"type": "string"},
        "occurred_at": {"type": "string", "format": "date-time"}}},
    "CrmJob": {"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "kind": {"type": "string"},
        "state": {"enum": ["queued", "running", "done", "failed"]}, "done": {"type": "integer"},
        "total": {"type": ["integer", "null"]}, "result": {"type": ["object", "null"]},
        "error": {"type": ["object", "null"]}}},
}


def _openapi() -> dict:
    paths: dict[str, dict] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = _operation(route)
    tags = sorted({f"crm {r.tag}" for r in ROUTES})
    return {"tags": [{"name": t, "description": "CRM: " + t[4:]} for t in tags], "paths": paths,
            "components": {"schemas": SCHEMAS}}


OPENAPI: dict = _openapi()
