"""HTTP routes of the dispatch service: sender domains and senders, mailings, reports, exports, suppressions, and
the PUBLIC links in every mail (open pixel, signed click redirect, unsubscribe page and RFC 8058 one-click POST).

The JSON routes are rows of ``ROUTES`` (path, method, RPC method, how the arguments come from the request,
status, documentation); resources and the OpenAPI fragment are built from that one table, so no route exists
undocumented. Rights are dispatch's business (it reads the principal from the context data). The public routes
need no login and no cookie: the signed token in the path is the key, checked by dispatch.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import falcon

from svckit.errors import NotFound, WireError

from ..resource import Resource

P = "/api/v1/dispatch"
ATTACHMENT_MAX_BODY = 15 * 1024 * 1024      # base64 of the 10 MB the service accepts, and some
SLOW = 60.0                                 # resolving a big list page by page
GIF = base64.b64decode(b"R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

Args = Callable[[falcon.Request, dict], tuple]


def _no_args(req, params):
    return ()


def _path(*names: str) -> Args:
    return lambda req, params: tuple(params[n] for n in names)


def _body(*names: str, required: bool = True) -> Args:
    return lambda req, params: (*(params[n] for n in names), Resource.body(req, required=required))


def _query(*names: str, keys: tuple[str, ...] = ()) -> Args:
    def take(req, params):
        query = {k: req.get_param(k) for k in keys if req.get_param(k) is not None}
        if "limit" in query and str(query["limit"]).isdigit():
            query["limit"] = int(query["limit"])
        if "cursor" in query and str(query["cursor"]).isdigit():
            query["cursor"] = int(query["cursor"])
        return (*(params[n] for n in names), query)
    return take


@dataclass
class Route:
    path: str
    method: str
    rpc: str
    args: Args
    summary: str
    tag: str
    status: int = 200
    response: dict | None = None
    request: dict | None = None
    query: tuple[str, ...] = ()
    timeout: float | None = None
    max_body: int | None = None
    errors: tuple[str, ...] = ("401", "403", "404", "422")
    extra_responses: dict = field(default_factory=dict)
    description: str | None = None


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array(schema: dict) -> dict:
    return {"type": "array", "items": schema}


OBJ = {"type": "object"}

SUPPRESSION_SCOPES = (
    "Every entry keeps its address (or, for `@domain`, every address of the domain) out of **all** mailings of the "
    "account. Who sees an entry depends on its `scope`:\n\n"
    "- `account`: hard bounces, repeated soft bounces, complaints, and blacklist entries added by hand. Every user "
    "of the account sees them.\n"
    "- `client`: an unsubscribe through a mailing (link, one-click, mailto). Only users who can see the mailing's "
    "client (`client_id`) see it.\n\n"
    "`mailing` (the id and name of the mailing an entry came from) is shown only to users who can see that "
    "mailing's client, otherwise it is null. Another account's entries are never shown.")

DKIM_ROTATION = (
    "Administrators. The answer's `rotation` holds the two DKIM TXT records of the new key (RSA and Ed25519, new "
    "selectors): publish them next to the current ones, then run the check (`POST .../check`). The new key signs "
    "only after the check has found both records; until then mail is signed with the current key. The replaced "
    "key then stays in `keys` as `retiring` (not signing) for `grace_days` so mail already sent still verifies: "
    "keep its records published until `retire_after`, when it is deleted. One rotation at a time (409).")

ROUTES: list[Route] = [
    # sender domains and senders (administrators)
    Route(f"{P}/domains", "get", "list_sender_domains", _no_args, "The account's sender domains with their DNS "
          "records", "dispatch: senders", response=array(ref("SenderDomain"))),
    Route(f"{P}/domains", "post", "create_sender_domain", _body(), "Add a sender domain: generates DKIM keys "
          "(RSA-2048 and Ed25519) and returns the exact records to publish", "dispatch: senders", 201,
          ref("SenderDomain"), {"type": "object", "required": ["domain"], "properties": {"domain": {"type": "string"}}},
          errors=("401", "403", "409", "422")),
    Route(f"{P}/domains/{{domain_id}}", "patch", "update_sender_domain", _body("domain_id"),
          "Allow (or stop allowing) sending before the DKIM record is found", "dispatch: senders",
          response=ref("SenderDomain"), request={"type": "object", "required": ["allow_unverified"],
                                                 "properties": {"allow_unverified": {"type": "boolean"}}}),
    Route(f"{P}/domains/{{domain_id}}", "delete", "delete_sender_domain", _path("domain_id"),
          "Delete a sender domain and its senders", "dispatch: senders", 204),
    Route(f"{P}/domains/{{domain_id}}/check", "post", "check_sender_domain", _path("domain_id"),
          "Look the DKIM, SPF and DMARC records up in DNS now", "dispatch: senders", response=ref("SenderDomain"),
          description="With a DKIM rotation under way, the new key's two records are looked up too; once both are "
                      "found, the new key signs every mail from then on and the replaced key is listed as "
                      "`retiring` until `retire_after`."),
    Route(f"{P}/domains/{{domain_id}}/dkim-rotation", "post", "start_dkim_rotation",
          _body("domain_id", required=False), "Start a DKIM key rotation: a new key pair under new selectors",
          "dispatch: senders", 201, ref("SenderDomain"), {"type": "object", "properties": {
              "grace_days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 7}}},
          errors=("401", "403", "404", "409", "422"),
          description=DKIM_ROTATION),
    Route(f"{P}/domains/{{domain_id}}/dkim-rotation", "delete", "cancel_dkim_rotation", _path("domain_id"),
          "Cancel a DKIM rotation whose new key does not sign yet", "dispatch: senders", 204,
          errors=("401", "403", "404", "409")),
    Route(f"{P}/senders", "get", "list_senders", _no_args, "Senders: all for administrators, the assigned ones "
          "for users", "dispatch: senders", response=array(ref("Sender"))),
    Route(f"{P}/senders", "post", "create_sender", _body(), "Create a sender (from name and address, reply-to) "
          "and assign it to users", "dispatch: senders", 201, ref("Sender"), ref("SenderInput"),
          errors=("401", "403", "409", "422")),
    Route(f"{P}/senders/{{sender_id}}", "patch", "update_sender", _body("sender_id"),
          "Change a sender's name, reply-to or users", "dispatch: senders", response=ref("Sender"),
          request=ref("SenderInput")),
    Route(f"{P}/senders/{{sender_id}}", "delete", "delete_sender", _path("sender_id"), "Delete a sender",
          "dispatch: senders", 204),
    # mailings
    Route(f"{P}/mailings", "get", "list_mailings", _query(keys=("client_id", "state")),
          "Mailings of the clients the caller can see", "dispatch: mailings", response=array(ref("Mailing")),
          query=("client_id", "state")),
    Route(f"{P}/mailings", "post", "create_mailing", _body(), "Create a mailing (draft)", "dispatch: mailings",
          201, ref("Mailing"), ref("MailingInput")),
    Route(f"{P}/mailings/{{mailing_id}}", "get", "get_mailing", _path("mailing_id"), "One mailing",
          "dispatch: mailings", response=ref("Mailing")),
    Route(f"{P}/mailings/{{mailing_id}}", "patch", "update_mailing", _body("mailing_id"),
          "Change a draft (only the fields sent)", "dispatch: mailings", response=ref("Mailing"),
          request=ref("MailingInput"), errors=("401", "403", "404", "409", "422")),
    Route(f"{P}/mailings/{{mailing_id}}", "delete", "delete_mailing", _path("mailing_id"),
          "Delete a draft or a finished mailing", "dispatch: mailings", 204,
          errors=("401", "403", "404", "409", "422")),
    Route(f"{P}/mailings/{{mailing_id}}/attachments", "post", "add_attachment", _body("mailing_id"),
          "Attach a file: uploaded (content_b64) or from the mediacenter (file_id)", "dispatch: mailings", 201,
          OBJ, {"type": "object", "required": ["filename"], "properties": {
              "filename": {"type": "string"}, "content_type": {"type": "string"},
              "content_b64": {"type": "string", "contentEncoding": "base64"}, "file_id": {"type": "string"}}},
          max_body=ATTACHMENT_MAX_BODY, errors=("401", "403", "404", "409", "413", "422")),
    Route(f"{P}/mailings/{{mailing_id}}/attachments/{{attachment_id}}", "delete", "delete_attachment",
          _path("mailing_id", "attachment_id"), "Remove an attachment", "dispatch: mailings", 204),
    Route(f"{P}/mailings/{{mailing_id}}/preview", "post", "preview_mailing", _body("mailing_id", required=False),
          "The mail as one chosen recipient (by e-mail) or the first one will see it", "dispatch: mailings",
          response=ref("Preview"), request={"type": "object", "properties": {"email": {"type": "string"}}},
          timeout=SLOW),
    Route(f"{P}/mailings/{{mailing_id}}/test-send", "post", "test_send_mailing", _body("mailing_id"),
          "Send a test to up to five addresses, personalised as a chosen recipient", "dispatch: mailings", 202,
          OBJ, {"type": "object", "required": ["to"], "properties": {
              "to": array({"type": "string", "format": "email"}), "email": {"type": "string"}}}, timeout=SLOW),
    Route(f"{P}/mailings/{{mailing_id}}/volume", "get", "get_mailing_volume", _path("mailing_id"),
          "Before sending: recipients, who is left out and why, size per mail and in total, the limit",
          "dispatch: mailings", response=ref("Volume"), timeout=SLOW),
    Route(f"{P}/mailings/{{mailing_id}}/start", "post", "start_mailing", _body("mailing_id", required=False),
          "Send now or at scheduled_at: recipients are resolved, de-duplicated and filtered, entitlements "
          "checked, one row per recipient written", "dispatch: mailings", 202, OBJ,
          {"type": "object", "properties": {"scheduled_at": {"type": "string", "format": "date-time"}}},
          timeout=SLOW, errors=("401", "402", "403", "404", "409", "422")),
    Route(f"{P}/mailings/{{mailing_id}}/cancel", "post", "cancel_mailing", _path("mailing_id"),
          "Stop a scheduled or running mailing (what is not sent yet is cancelled)", "dispatch: mailings",
          response=OBJ, errors=("401", "403", "404", "409")),
    Route(f"{P}/mailings/{{mailing_id}}/progress", "get", "get_mailing_progress", _path("mailing_id"),
          "Job progress of a mailing: state, done, total", "dispatch: mailings", response=ref("Progress")),
    Route(f"{P}/mailings/{{mailing_id}}/report", "get", "get_mailing_report", _path("mailing_id"),
          "Sent, delivered, deferred, bounced (hard/soft), opened, clicked, unsubscribed; scanner hits apart",
          "dispatch: reports", response=ref("Report")),
    Route(f"{P}/mailings/{{mailing_id}}/recipients", "get", "list_mailing_recipients",
          _query("mailing_id", keys=("state", "q", "cursor", "limit")), "Recipients with state, a page at a time",
          "dispatch: reports", response=OBJ, query=("state", "q", "cursor", "limit")),
    Route(f"{P}/mailings/{{mailing_id}}/recipients/{{delivery_id}}", "get", "get_recipient_timeline",
          _path("mailing_id", "delivery_id"), "One recipient's timeline", "dispatch: reports", response=OBJ),
    Route(f"{P}/mailings/{{mailing_id}}/undeliverable", "get", "list_undeliverable", _path("mailing_id"),
          "Undeliverable addresses with the reason (and a correction, if one is known)", "dispatch: reports",
          response=array(OBJ)),
    Route(f"{P}/mailings/{{mailing_id}}/resend", "post", "resend_mailing", _body("mailing_id", required=False),
          "Correct undeliverable addresses (the crm contact is updated) and send to just those recipients",
          "dispatch: reports", 202, OBJ, {"type": "object", "properties": {"corrections": array({
              "type": "object", "required": ["delivery_id", "email"],
              "properties": {"delivery_id": {"type": "integer"}, "email": {"type": "string"}}})}},
          errors=("401", "403", "404", "409", "422")),
    Route(f"{P}/mailings/{{mailing_id}}/exports", "post", "start_export", _path("mailing_id"),
          "Start the Excel report (a job: poll it, then download)", "dispatch: reports", 202, ref("Job")),
    Route(f"{P}/exports/{{job_id}}", "get", "get_export", _path("job_id"), "Progress of an export job",
          "dispatch: reports", response=ref("Job")),
    # suppression list
    Route(f"{P}/suppressions", "get", "list_suppressions", _query(keys=("q", "state", "cursor", "limit")),
          "The suppression list as the caller may see it (q = part of the address, state = reason filter)",
          "dispatch: suppression", response=ref("SuppressionPage"), query=("q", "state", "cursor", "limit"),
          description=SUPPRESSION_SCOPES),
    Route(f"{P}/suppressions", "post", "add_suppression", _body(), "Blacklist an address or a whole domain "
          "(@example.com) for the whole account", "dispatch: suppression", 201, OBJ,
          {"type": "object", "required": ["address"], "properties": {"address": {"type": "string"}}},
          description="A blacklist entry is account-wide: visible to every user of the account, and it keeps the "
                      "address out of every mailing of the account. `created` says whether the account-wide entry "
                      "is new; entries the caller cannot see are neither consulted nor revealed."),
    Route(f"{P}/suppressions/{{address}}", "delete", "delete_suppression", _path("address"),
          "Lift an entry (administrators)", "dispatch: suppression", 204,
          description="Lifts every entry of the address the caller can see: account-wide entries and entries of "
                      "clients with full access (an entry of a read-only client: 403). Entries of clients hidden "
                      "from the caller stay and are not mentioned; with none visible: 404."),
]


class TableResource(Resource):
    """All JSON routes of one path, each method a row of ROUTES."""

    def __init__(self, rpc, settings, routes: dict[str, Route]):
        super().__init__(rpc, settings)
        self.routes = routes
        self.max_body_bytes = max((r.max_body or settings.max_json_bytes for r in routes.values()),
                                  default=settings.max_json_bytes) if settings else 1024 * 1024
        for method in routes:
            setattr(self, f"on_{method}", self._handler(routes[method]))

    def _handler(self, route: Route):
        def handle(req, resp, **params):
            result = self.call(req, "dispatch", route.rpc, *route.args(req, params), timeout=route.timeout)
            resp.status = route.status
            if route.status == 204:
                return
            resp.media = result
        return handle


class ExportDownload(Resource):
    def on_get(self, req, resp, job_id):
        result = self.call(req, "dispatch", "download_export", job_id, timeout=SLOW)
        resp.content_type = result["content_type"]
        resp.data = base64.b64decode(result["content_b64"])
        resp.downloadable_as = result["filename"]


# --- public: the links in every mail ----------------------------------------------------------------------------

def _client(req) -> dict[str, Any]:
    return {"user_agent": (req.user_agent or "")[:1000], "method": req.method}


class OpenPixel(Resource):
    """A 1x1 GIF, always (a broken or forged token still gets the image; only valid ones are counted)."""

    auth_required = False

    def on_get(self, req, resp, token):
        try:
            self.call(req, "dispatch", "track_open", token, _client(req), timeout=5)
        except WireError:
            pass
        resp.content_type = "image/gif"
        resp.data = GIF
        resp.cache_control = ["no-store", "max-age=0"]

    on_head = on_get


class ClickRedirect(Resource):
    """302 to the URL signed for this recipient; anything else is a 404 (no open redirect)."""

    auth_required = False

    def on_get(self, req, resp, token):
        result = self.call(req, "dispatch", "track_click", token, _client(req), timeout=5)
        resp.cache_control = ["no-store"]
        if result.get("url"):
            resp.status = falcon.HTTP_302
            resp.location = result["url"]
            return
        resp.status = falcon.HTTP_204

    on_head = on_get


PAGE = {
    "de": {"title": "Abmelden", "question": "Keine weiteren Mails an {email} senden?",
           "button": "Abmelden", "done": "{email} ist abgemeldet und erhält von diesem Absender keine Mails mehr.",
           "invalid": "Dieser Abmeldelink ist ungültig."},
    "en": {"title": "Unsubscribe", "question": "Stop sending mails to {email}?",
           "button": "Unsubscribe", "done": "{email} is unsubscribed and will get no more mails from this sender.",
           "invalid": "This unsubscribe link is not valid."},
}


def _page(lang: str, body: str) -> str:
    t = PAGE[lang]
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{t["title"]}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" '
            f'content="noindex"></head><body style="font-family:sans-serif;max-width:36em;margin:3em auto">'
            f"{body}</body></html>")


class Unsubscribe(Resource):
    """GET shows a page with a button (scanners follow GETs: a GET never unsubscribes). POST unsubscribes at once:
    the page's button, or the mail client's RFC 8058 one-click (body ``List-Unsubscribe=One-Click``)."""

    auth_required = False
    max_body_bytes = 4096

    def _lang(self, req, fallback: str) -> str:
        return req.get_param("lang") if req.get_param("lang") in ("de", "en") else fallback

    def on_get(self, req, resp, token):
        resp.content_type = falcon.MEDIA_HTML
        resp.cache_control = ["no-store"]
        try:
            info = self.call(req, "dispatch", "get_unsubscribe", token, timeout=5)
        except NotFound:
            lang = self._lang(req, req.context.lang)
            resp.status = falcon.HTTP_404
            resp.text = _page(lang, f"<p>{PAGE[lang]['invalid']}</p>")
            return
        lang = self._lang(req, info["language"])
        t = PAGE[lang]
        email = html.escape(info["email"])
        if info["unsubscribed"]:
            resp.text = _page(lang, f"<p>{t['done'].format(email=email)}</p>")
            return
        resp.text = _page(lang, f"<h1>{t['title']}</h1><p>{t['question'].format(email=email)}</p>"
                                f'<form method="post"><button type="submit">{t["button"]}</button></form>')

    def on_post(self, req, resp, token):
        raw = req.bounded_stream.read(4096) if req.content_length else b""
        one_click = b"List-Unsubscribe=One-Click" in raw
        resp.cache_control = ["no-store"]
        try:
            info = self.call(req, "dispatch", "unsubscribe", token,
                             {**_client(req), "via": "one_click" if one_click else "web"}, timeout=5)
        except NotFound:
            lang = self._lang(req, req.context.lang)
            resp.status = falcon.HTTP_404
            resp.content_type = falcon.MEDIA_HTML
            resp.text = _page(lang, f"<p>{PAGE[lang]['invalid']}</p>")
            return
        lang = self._lang(req, info["language"])
        resp.content_type = falcon.MEDIA_HTML
        resp.text = _page(lang, f"<p>{PAGE[lang]['done'].format(email=html.escape(info['email']))}</p>")


def register(app, deps) -> None:
    by_path: dict[str, dict[str, Route]] = {}
    for route in ROUTES:
        by_path.setdefault(route.path, {})[route.method] = route
    for path, routes in by_path.items():
        app.add_route(path, TableResource(deps.rpc, deps.settings, routes))
    app.add_route(f"{P}/exports/{{job_id}}/download", ExportDownload(deps.rpc, deps.settings))
    app.add_route("/t/o/{token}", OpenPixel(deps.rpc, deps.settings))
    app.add_route("/t/c/{token}", ClickRedirect(deps.rpc, deps.settings))
    app.add_route("/u/{token}", Unsubscribe(deps.rpc, deps.settings))


# --- OpenAPI ------------------------------------------------------------------------------------------------------

ERRORS = {"401": {"$ref": "#/components/responses/Unauthenticated"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "422": {"$ref": "#/components/responses/Invalid"},
          "402": {"description": "the subscription does not allow this (limit or add-on)", "content": {
              "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "413": {"description": "too large", "content": {
              "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}


def _params(path: str, query: tuple[str, ...]) -> list[dict]:
    import re

    out = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
           for n in re.findall(r"{(\w+)}", path)]
    out += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}} for q in query]
    return out


def _operation(r: Route) -> dict:
    op: dict[str, Any] = {"tags": [r.tag], "summary": r.summary, "operationId": "dispatch_" + r.rpc + "_" + r.method,
                          "parameters": _params(r.path, r.query), "responses": {}}
    if r.description:
        op["description"] = r.description
    if r.request is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": r.request}}}
    if r.status == 204:
        op["responses"]["204"] = {"description": "done"}
    else:
        op["responses"][str(r.status)] = {"description": "success", "content": {"application/json": {
            "schema": r.response or OBJ}}}
    for code in r.errors:
        op["responses"][code] = ERRORS[code]
    return op


def _public(summary: str, op_id: str, responses: dict, request: dict | None = None) -> dict:
    op = {"tags": ["dispatch: public links"], "summary": summary, "operationId": op_id, "security": [],
          "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"},
                          "description": "the signed token from the mail"}], "responses": responses}
    if request:
        op["requestBody"] = request
    return op


def _openapi() -> dict:
    paths: dict[str, dict] = {}
    for r in ROUTES:
        paths.setdefault(r.path, {})[r.method] = _operation(r)
    paths[f"{P}/exports/{{job_id}}/download"] = {"get": {
        "tags": ["dispatch: reports"], "summary": "Download a finished export (Excel)",
        "operationId": "dispatch_download_export", "parameters": _params(f"{P}/exports/{{job_id}}", ()),
        "responses": {"200": {"description": "the workbook", "content": {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}}}}, **{c: ERRORS[c] for c in ("401", "404", "409")}}}}
    gif = {"200": {"description": "a 1x1 GIF, always", "content": {"image/gif": {"schema": {
        "type": "string", "format": "binary"}}}}}
    paths["/t/o/{token}"] = {m: _public("Open pixel (counted once per hit; scanners and image proxies flagged)",
                                        f"dispatch_open_{m}", gif) for m in ("get", "head")}
    redirect = {"302": {"description": "to the URL signed for this recipient"},
                "204": {"description": "a hidden scanner trap: nothing to follow"},
                "404": {"$ref": "#/components/responses/NotFound"}}
    paths["/t/c/{token}"] = {m: _public("Click redirect (signed: no open redirect)", f"dispatch_click_{m}", redirect)
                             for m in ("get", "head")}
    html_page = {"description": "a page in the recipient's language", "content": {"text/html": {"schema": {
        "type": "string"}}}}
    paths["/u/{token}"] = {
        "get": _public("Unsubscribe page (shows a button; a GET never unsubscribes)", "dispatch_unsubscribe_page",
                       {"200": html_page, "404": html_page}),
        "post": _public("Unsubscribe at once: the page's button or RFC 8058 one-click (no login, no cookie)",
                        "dispatch_unsubscribe", {"200": html_page, "404": html_page},
                        {"required": False, "content": {"application/x-www-form-urlencoded": {"schema": {
                            "type": "object", "properties": {"List-Unsubscribe": {"const": "One-Click"}}}}}}),
    }
    return {
        "tags": [{"name": "dispatch: senders", "description": "Sender domains (DKIM, SPF, DMARC) and senders"},
                 {"name": "dispatch: mailings", "description": "Mailings: compose, preview, test, send"},
                 {"name": "dispatch: reports", "description": "Per-mailing figures, timelines, exports, re-send"},
                 {"name": "dispatch: suppression", "description": "Addresses and domains never mailed. Hard "
                  "bounces, complaints and blacklist entries are account-wide (every user sees them); an "
                  "unsubscribe belongs to the client of its mailing (only users who see that client see it); "
                  "every entry stops mail from the whole account"},
                 {"name": "dispatch: public links", "description": "Links in the mails; no login"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }


_S = {"type": "string"}
_ID = {"type": "string", "format": "uuid"}
SCHEMAS = {
    "DnsRecord": {"type": "object", "required": ["kind", "type", "name", "value"], "properties": {
        "kind": {"enum": ["dkim_rsa", "dkim_ed25519", "spf", "dmarc"]}, "type": {"const": "TXT"}, "name": _S,
        "value": _S, "strings": array(_S), "required": {"type": "boolean"}, "note": _S}},
    "SenderDomain": {"type": "object", "required": ["id", "domain", "records"], "properties": {
        "id": _ID, "domain": _S, "dkim_ok": {"type": "boolean"}, "allow_unverified": {"type": "boolean"},
        "sendable": {"type": "boolean"}, "checked_at": {"type": ["string", "null"]}, "check": OBJ,
        "records": {"description": "the records of the signing key, SPF and DMARC", **array(ref("DnsRecord"))},
        "created_at": {"type": ["string", "null"]},
        "keys": {"description": "the signing key (active), a rotation's new key (pending) and replaced keys "
                 "kept for verification until retire_after (retiring)", **array(ref("DkimKey"))},
        "rotation": {"description": "a rotation under way: the new key's records to publish and its last check",
                     "oneOf": [{"type": "null"}, {"type": "object", "properties": {
                         "rsa_selector": _S, "ed25519_selector": _S, "records": array(ref("DnsRecord")),
                         "check": OBJ, "checked_at": {"type": ["string", "null"]}}}]}}},
    "DkimKey": {"type": "object", "required": ["state", "signing", "rsa_selector", "ed25519_selector", "records"],
                "properties": {
                    "state": {"enum": ["active", "pending", "retiring"]}, "signing": {"type": "boolean"},
                    "rsa_selector": _S, "ed25519_selector": _S, "records": array(ref("DnsRecord")),
                    "grace_days": {"type": "integer"}, "check": OBJ, "checked_at": {"type": ["string", "null"]},
                    "created_at": {"type": ["string", "null"]}, "retire_after": {"type": ["string", "null"]}}},
    "Suppression": {"type": "object", "required": ["id", "address", "reason", "scope"], "properties": {
        "id": {"type": "integer"}, "address": {"type": "string", "description": "an address, `@domain`, or `#...` "
                                                "(the hash that stays of an erased person)"},
        "reason": {"enum": ["blacklist", "unsubscribed", "hard_bounce", "soft_bounces", "complaint"]},
        "scope": {"enum": ["account", "client"]}, "client_id": {"type": ["string", "null"]},
        "mailing": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {"id": _ID, "name": _S}}]},
        "detail": {"type": "object", "properties": {"status": _S, "reason": _S, "via": _S, "by": _S}},
        "created_at": _S}},
    "SuppressionPage": {"type": "object", "required": ["items", "next_cursor"], "properties": {
        "items": array(ref("Suppression")), "next_cursor": {"type": ["integer", "null"]}}},
    "Sender": {"type": "object", "properties": {"id": _ID, "from_name": _S, "from_address": _S,
                                                "reply_to": {"type": ["string", "null"]}, "domain_id": _ID,
                                                "user_ids": array(_ID), "sendable": {"type": ["boolean", "null"]}}},
    "SenderInput": {"type": "object", "properties": {"from_name": _S, "from_address": _S, "reply_to": _S,
                                                     "user_ids": array(_ID)}},
    "Source": {"type": "object", "required": ["type"], "description": "list (list_id), contacts (contact_ids), "
               "selection (selection_id: pressbase) or addresses (recipients typed in)",
               "properties": {"type": {"enum": ["list", "contacts", "selection", "addresses"]}, "list_id": _S,
                              "contact_ids": array(_S), "selection_id": _S, "recipients": array(OBJ)}},
    "MailingInput": {"type": "object", "properties": {
        "client_id": _ID, "name": _S, "subject": _S, "html": _S, "text": _S, "sender_id": _ID,
        "lane": {"enum": ["standard", "premium"]}, "language": {"enum": ["de", "en"]},
        "sources": array(ref("Source"))},
        "description": "subject, html and text are templates: {{ letter_salutation }}, {{ first_name }}, "
                       "{{ last_name }}, {{ title }}, {{ organisation }}, {{ position }}, {{ custom.<field> }}"},
    "Mailing": {"type": "object", "properties": {
        "id": _ID, "client_id": _ID, "name": _S, "subject": _S, "html": {"type": ["string", "null"]},
        "text": {"type": ["string", "null"]}, "sender_id": {"type": ["string", "null"]},
        "lane": {"enum": ["standard", "premium"]}, "state": {"enum": ["draft", "scheduled", "sending", "finished",
                                                                       "cancelled"]},
        "total": {"type": "integer"}, "sources": array(ref("Source")), "attachments": array(OBJ)}},
    "Preview": {"type": "object", "properties": {"recipient": OBJ, "subject": _S, "html": {"type": ["string", "null"]},
                                                 "text": _S}},
    "Volume": {"type": "object", "properties": {
        "recipients": {"type": "integer"}, "left_out": {"type": "integer"}, "left_out_by_reason": OBJ,
        "left_out_detail": array(OBJ), "bytes_per_mail": {"type": "integer"}, "total_bytes": {"type": "integer"},
        "max_recipients": {"type": ["integer", "null"]}, "premium_allowed": {"type": "boolean"},
        "within_limit": {"type": "boolean"},
        "sample": {"description": "the first 200 recipients (for a preview as one of them)", **array({
            "type": "object", "properties": {"email": _S, "name": _S}})},
        "problems": {"description": "what would stop the start now, with the message the start would give "
                     "(missing subject/body/sender, DKIM, no recipients, premium or recipient limit)", **array({
                         "type": "object", "required": ["code", "message"], "properties": {
                             "code": _S, "field": {"type": ["string", "null"]},
                             "message": {"type": "object", "properties": {"de": _S, "en": _S}},
                             "limit": {"type": "integer"}}})}}},
    "Progress": {"type": "object", "required": ["state", "done", "total"], "properties": {
        "state": _S, "done": {"type": "integer"}, "total": {"type": "integer"}}},
    "Report": {"type": "object", "properties": {k: {"type": "integer"} for k in (
        "total", "sent", "delivered", "deferred", "queued", "bounced_hard", "bounced_soft", "cancelled", "opened",
        "clicked", "unsubscribed", "machine_opens", "machine_clicks", "left_out")}},
    "Job": {"type": "object", "required": ["id", "state", "done", "total"], "properties": {
        "id": _ID, "state": {"enum": ["running", "done", "failed"]}, "done": {"type": "integer"},
        "total": {"type": "integer"}, "filename": {"type": ["string", "null"]}}},
}

OPENAPI: dict = _openapi()
