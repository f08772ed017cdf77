"""HTTP routes of the dispatch service: sender domains and senders, mailings, reports, exports, suppressions, and
the PUBLIC links in every mail (open pixel, signed click redirect, unsubscribe page and RFC 8058 one-click POST).

Every route is a row of ``ROUTES`` (:mod:`gateway.routing`); request and answer schemas are dispatch's contract
models (``dispatch.contracts``). Rights are dispatch's business (it reads the principal from the context data). The
public routes need no login and no cookie: the signed token in the path is the key, checked by dispatch; they are
the only custom resources here (a GIF whatever happens, a redirect, HTML pages).
"""

from __future__ import annotations

import base64
import copy
import html
from typing import Any

import falcon

from dispatch import contracts as c
from svckit.errors import NotFound, Unavailable, WireError

from .. import routing
from ..resource import Resource
from ..routing import Body, Id, Path, Query, QueryDict, Route

P = "/api/v1/dispatch"
ATTACHMENT_MAX_BODY = 15 * 1024 * 1024      # base64 of the 10 MB the service accepts, and some
SLOW = 60.0                                 # resolving a big list page by page
GIF = base64.b64decode(b"R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SENDERS, MAILINGS, REPORTS = "dispatch: senders", "dispatch: mailings", "dispatch: reports"
SUPPRESSION, PUBLIC = "dispatch: suppression", "dispatch: public links"
TAGS = [
    {"name": SENDERS, "description": "Sender domains (DKIM, SPF, DMARC) and senders"},
    {"name": MAILINGS, "description": "Mailings: compose, preview, test, send"},
    {"name": REPORTS, "description": "Per-mailing figures, timelines, exports, re-send"},
    {"name": SUPPRESSION, "description": "Addresses and domains never mailed. Hard bounces, complaints and blacklist "
     "entries are account-wide (every user sees them); an unsubscribe belongs to the client of its mailing (only "
     "users who see that client see it); every entry stops mail from the whole account"},
    {"name": PUBLIC, "description": "Links in the mails; no login"},
]

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

MAILING = Id("mailing_id")
TOKEN = Path("token", description="the signed token from the mail")
PAGE = (Query("cursor", int, schema={"type": "integer", "minimum": 0}, description="next_cursor of the previous page"),
        Query("limit", int, schema={"type": "integer", "minimum": 1, "maximum": 1000}, description="page size"))


# --- public: the links in every mail ----------------------------------------------------------------------------

def _client(req) -> dict[str, Any]:
    return {"user_agent": (req.user_agent or "")[:1000], "method": req.method}


class OpenPixel(Resource):
    """A 1x1 GIF, always (a broken or forged token still gets the image; only valid ones are counted)."""

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

    def on_get(self, req, resp, token):
        result = self.call(req, "dispatch", "track_click", token, _client(req), timeout=5)
        resp.cache_control = ["no-store"]
        if result.get("url"):
            resp.status = falcon.HTTP_302
            resp.location = result["url"]
            return
        resp.status = falcon.HTTP_204

    on_head = on_get


PAGE_TEXT = {
    "de": {"title": "Abmelden", "question": "Keine weiteren Mails an {email} senden?",
           "button": "Abmelden", "done": "{email} ist abgemeldet und erhält von diesem Absender keine Mails mehr.",
           "invalid": "Dieser Abmeldelink ist ungültig.",
           "unavailable": "Die Abmeldung ist gerade nicht möglich. Bitte versuchen Sie es in einigen Minuten noch "
                          "einmal."},
    "en": {"title": "Unsubscribe", "question": "Stop sending mails to {email}?",
           "button": "Unsubscribe", "done": "{email} is unsubscribed and will get no more mails from this sender.",
           "invalid": "This unsubscribe link is not valid.",
           "unavailable": "Unsubscribing is not possible right now. Please try again in a few minutes."},
}


def _page(lang: str, body: str) -> str:
    t = PAGE_TEXT[lang]
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{t["title"]}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" '
            f'content="noindex"></head><body style="font-family:sans-serif;max-width:36em;margin:3em auto">'
            f"{body}</body></html>")


class Unsubscribe(Resource):
    """GET shows a page with a button (scanners follow GETs: a GET never unsubscribes). POST unsubscribes at once:
    the page's button, or the mail client's RFC 8058 one-click (body ``List-Unsubscribe=One-Click``)."""

    max_body_bytes = 4096

    def _lang(self, req, fallback: str) -> str:
        return req.get_param("lang") if req.get_param("lang") in ("de", "en") else fallback

    def _call(self, req, resp, method: str, *args) -> dict | None:
        """dispatch's answer, or None after writing the page for an invalid link (404) or dispatch not answering
        (503 + Retry-After: "try again"; the other areas and pages keep working)."""
        try:
            return self.call(req, "dispatch", method, *args, timeout=5)
        except (NotFound, Unavailable) as exc:
            lang = self._lang(req, req.context.lang)
            resp.content_type = falcon.MEDIA_HTML
            if isinstance(exc, NotFound):
                resp.status = falcon.HTTP_404
                resp.text = _page(lang, f"<p>{PAGE_TEXT[lang]['invalid']}</p>")
            else:
                resp.status = falcon.HTTP_503
                resp.set_header("Retry-After", str((exc.extra or {}).get("retry_after") or 60))
                resp.text = _page(lang, f"<p>{PAGE_TEXT[lang]['unavailable']}</p>")
            return None

    def on_get(self, req, resp, token):
        resp.content_type = falcon.MEDIA_HTML
        resp.cache_control = ["no-store"]
        info = self._call(req, resp, "get_unsubscribe", token)
        if info is None:
            return
        lang = self._lang(req, info["language"])
        t = PAGE_TEXT[lang]
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
        info = self._call(req, resp, "unsubscribe", token, {**_client(req), "via": "one_click" if one_click else "web"})
        if info is None:
            return
        lang = self._lang(req, info["language"])
        resp.content_type = falcon.MEDIA_HTML
        resp.text = _page(lang, f"<p>{PAGE_TEXT[lang]['done'].format(email=html.escape(info['email']))}</p>")


HTML_PAGE = {"description": "a page in the recipient's language", "content": {"text/html": {"schema": {
    "type": "string"}}}}
HTML_RETRY = {**HTML_PAGE, "description": "dispatch does not answer: a page asking to try again later",
              "headers": {"Retry-After": {"description": "seconds to wait before trying again",
                                          "schema": {"type": "integer"}}}}


# --- the routes ----------------------------------------------------------------------------------------------------

ROUTES: list[Route] = [
    # sender domains and senders (administrators)
    Route("get", f"{P}/domains", "dispatch.list_sender_domains", response=list[c.SenderDomain], tag=SENDERS,
          summary="The account's sender domains with their DNS records"),
    Route("post", f"{P}/domains", "dispatch.create_sender_domain", args=(Body(),), body=c.DomainIn,
          response=c.SenderDomain, status=201, errors=("409",), tag=SENDERS,
          summary="Add a sender domain: generates DKIM keys (RSA-2048 and Ed25519) and returns the exact records to "
                  "publish"),
    Route("patch", f"{P}/domains/{{domain_id}}", "dispatch.update_sender_domain", args=(Id("domain_id"), Body()),
          body=c.DomainUpdate, response=c.SenderDomain, tag=SENDERS,
          summary="Allow (or stop allowing) sending before the DKIM record is found"),
    Route("delete", f"{P}/domains/{{domain_id}}", "dispatch.delete_sender_domain", args=(Id("domain_id"),),
          status=204, tag=SENDERS, summary="Delete a sender domain and its senders"),
    Route("post", f"{P}/domains/{{domain_id}}/check", "dispatch.check_sender_domain", args=(Id("domain_id"),),
          response=c.SenderDomain, tag=SENDERS, summary="Look the DKIM, SPF and DMARC records up in DNS now",
          description="With a DKIM rotation under way, the new key's two records are looked up too; once both are "
                      "found, the new key signs every mail from then on and the replaced key is listed as "
                      "`retiring` until `retire_after`."),
    Route("post", f"{P}/domains/{{domain_id}}/dkim-rotation", "dispatch.start_dkim_rotation",
          args=(Id("domain_id"), Body(required=False)), body=c.RotationIn, response=c.SenderDomain, status=201,
          errors=("409",), tag=SENDERS, summary="Start a DKIM key rotation: a new key pair under new selectors",
          description=DKIM_ROTATION),
    Route("delete", f"{P}/domains/{{domain_id}}/dkim-rotation", "dispatch.cancel_dkim_rotation",
          args=(Id("domain_id"),), status=204, errors=("409",), tag=SENDERS,
          summary="Cancel a DKIM rotation whose new key does not sign yet"),
    Route("get", f"{P}/senders", "dispatch.list_senders", response=list[c.Sender], tag=SENDERS,
          summary="Senders: all for administrators, the assigned ones for users"),
    Route("post", f"{P}/senders", "dispatch.create_sender", args=(Body(),), body=c.SenderIn, response=c.Sender,
          status=201, errors=("409",), tag=SENDERS,
          summary="Create a sender (from name and address, reply-to) and assign it to users"),
    Route("patch", f"{P}/senders/{{sender_id}}", "dispatch.update_sender", args=(Id("sender_id"), Body()),
          body=c.SenderUpdate, response=c.Sender, tag=SENDERS, summary="Change a sender's name, reply-to or users"),
    Route("delete", f"{P}/senders/{{sender_id}}", "dispatch.delete_sender", args=(Id("sender_id"),), status=204,
          tag=SENDERS, summary="Delete a sender"),
    # mailings
    Route("get", f"{P}/mailings", "dispatch.list_mailings",
          args=(QueryDict(Query("client_id", schema={"type": "string", "format": "uuid"}),
                          Query("state", schema={"enum": ["draft", "scheduled", "sending", "finished",
                                                          "cancelled"]})),),
          response=list[c.Mailing], tag=MAILINGS, summary="Mailings of the clients the caller can see"),
    Route("post", f"{P}/mailings", "dispatch.create_mailing", args=(Body(),), body=c.MailingIn, response=c.Mailing,
          status=201, tag=MAILINGS, summary="Create a mailing (draft)"),
    Route("get", f"{P}/mailings/{{mailing_id}}", "dispatch.get_mailing", args=(MAILING,), response=c.Mailing,
          tag=MAILINGS, summary="One mailing"),
    Route("patch", f"{P}/mailings/{{mailing_id}}", "dispatch.update_mailing", args=(MAILING, Body()),
          body=c.MailingUpdate, response=c.Mailing, errors=("409",), tag=MAILINGS,
          summary="Change a draft (only the fields sent)"),
    Route("delete", f"{P}/mailings/{{mailing_id}}", "dispatch.delete_mailing", args=(MAILING,), status=204,
          errors=("409",), tag=MAILINGS, summary="Delete a draft or a finished mailing"),
    Route("post", f"{P}/mailings/{{mailing_id}}/attachments", "dispatch.add_attachment", args=(MAILING, Body()),
          body=c.AttachmentIn, response=c.AttachmentInfo, status=201, max_body=ATTACHMENT_MAX_BODY,
          errors=("409", "413"), tag=MAILINGS,
          summary="Attach a file: uploaded (content_b64) or from the mediacenter (file_id)"),
    Route("delete", f"{P}/mailings/{{mailing_id}}/attachments/{{attachment_id}}", "dispatch.delete_attachment",
          args=(MAILING, Id("attachment_id")), status=204, errors=("409",), tag=MAILINGS,
          summary="Remove an attachment"),
    Route("post", f"{P}/mailings/{{mailing_id}}/preview", "dispatch.preview_mailing",
          args=(MAILING, Body(required=False)), body=c.PreviewIn, response=c.Preview, timeout=SLOW, tag=MAILINGS,
          summary="The mail as one chosen recipient (by e-mail) or the first one will see it"),
    Route("post", f"{P}/mailings/{{mailing_id}}/test-send", "dispatch.test_send_mailing", args=(MAILING, Body()),
          body=c.TestSendIn, response=c.QueuedTests, status=202, timeout=SLOW, tag=MAILINGS,
          summary="Send a test to up to five addresses, personalised as a chosen recipient"),
    Route("get", f"{P}/mailings/{{mailing_id}}/volume", "dispatch.get_mailing_volume", args=(MAILING,),
          response=c.Volume, timeout=SLOW, tag=MAILINGS,
          summary="Before sending: recipients, who is left out and why, size per mail and in total, the limit"),
    Route("get", f"{P}/mailings/{{mailing_id}}/verdict", "dispatch.presend_verdict", args=(MAILING,),
          response=c.PresendVerdict, timeout=SLOW, tag=MAILINGS,
          summary="The pre-send verdict (green/amber/red with reasons) against the mailbox providers' bulk-sender "
                  "rules; red: the start is refused"),
    Route("post", f"{P}/mailings/{{mailing_id}}/start", "dispatch.start_mailing", args=(MAILING, Body(required=False)),
          body=c.StartIn, response=c.StartResult, status=202, timeout=SLOW, errors=("402", "409"), tag=MAILINGS,
          summary="Send now or at scheduled_at: recipients are resolved, de-duplicated and filtered, entitlements "
                  "and the pre-send verdict checked (red: 409 presend_red), one row per recipient written"),
    Route("post", f"{P}/mailings/{{mailing_id}}/cancel", "dispatch.cancel_mailing", args=(MAILING,),
          response=c.CancelResult, errors=("409",), tag=MAILINGS,
          summary="Stop a scheduled or running mailing (what is not sent yet is cancelled)"),
    Route("get", f"{P}/mailings/{{mailing_id}}/progress", "dispatch.get_mailing_progress", args=(MAILING,),
          response=c.Progress, tag=MAILINGS, summary="Job progress of a mailing: state, done, total"),
    # reports
    Route("get", f"{P}/mailings/{{mailing_id}}/report", "dispatch.get_mailing_report", args=(MAILING,),
          response=c.Report, tag=REPORTS,
          summary="Sent, delivered, deferred, bounced (hard/soft), opened, clicked, unsubscribed; scanner hits apart"),
    Route("get", f"{P}/mailings/{{mailing_id}}/recipients", "dispatch.list_mailing_recipients",
          args=(MAILING, QueryDict(Query("state", description="only recipients in this state"),
                                   Query("q", description="part of the address"), *PAGE)),
          response=c.RecipientPage, tag=REPORTS, summary="Recipients with state, a page at a time"),
    Route("get", f"{P}/mailings/{{mailing_id}}/recipients/{{delivery_id}}", "dispatch.get_recipient_timeline",
          args=(MAILING, Path("delivery_id", schema={"type": "integer", "minimum": 1})), response=c.Timeline,
          tag=REPORTS, summary="One recipient's timeline"),
    Route("get", f"{P}/mailings/{{mailing_id}}/undeliverable", "dispatch.list_undeliverable", args=(MAILING,),
          response=list[c.Undeliverable], tag=REPORTS,
          summary="Undeliverable addresses with the reason (and a correction, if one is known)"),
    Route("post", f"{P}/mailings/{{mailing_id}}/resend", "dispatch.resend_mailing",
          args=(MAILING, Body(required=False)), body=c.ResendIn, response=c.ResendResult, status=202,
          errors=("409",), tag=REPORTS,
          summary="Correct undeliverable addresses (the crm contact is updated) and send to just those recipients"),
    Route("post", f"{P}/mailings/{{mailing_id}}/exports", "dispatch.start_export", args=(MAILING,),
          response=c.ReportExport, status=202, tag=REPORTS,
          summary="Start the Excel report (a job: poll it, then download)"),
    Route("get", f"{P}/exports/{{job_id}}", "dispatch.get_export", args=(Id("job_id"),), response=c.ReportExport,
          tag=REPORTS, summary="Progress of an export job"),
    Route("get", f"{P}/exports/{{job_id}}/download", "dispatch.download_export", args=(Id("job_id"),),
          download="base64", media_type=XLSX, timeout=SLOW, errors=("409",), tag=REPORTS,
          summary="Download a finished export (Excel)", operation_id="dispatch_download_export"),
    # the account's defaults (open and click tracking)
    Route("get", f"{P}/settings", "dispatch.get_dispatch_settings", response=c.AccountSettings, tag=SENDERS,
          summary="The account's dispatch defaults: open and click tracking for mailings that do not choose"),
    Route("patch", f"{P}/settings", "dispatch.update_dispatch_settings", args=(Body(),),
          body=c.AccountSettingsUpdate, response=c.AccountSettings, tag=SENDERS,
          summary="Change the account's dispatch defaults (administrators)"),
    # suppression list
    Route("get", f"{P}/suppressions", "dispatch.list_suppressions",
          args=(QueryDict(Query("q", description="part of the address"),
                          Query("state", schema={"enum": ["blacklist", "unsubscribed", "hard_bounce", "soft_bounces",
                                                          "complaint"]}, description="only entries of this reason"),
                          *PAGE),),
          response=c.SuppressionPage, tag=SUPPRESSION, description=SUPPRESSION_SCOPES,
          summary="The suppression list as the caller may see it (q = part of the address, state = reason filter)"),
    Route("post", f"{P}/suppressions", "dispatch.add_suppression", args=(Body(),), body=c.SuppressionIn,
          response=c.SuppressionAdded, status=201, tag=SUPPRESSION,
          summary="Blacklist an address or a whole domain (@example.com) for the whole account",
          description="A blacklist entry is account-wide: visible to every user of the account, and it keeps the "
                      "address out of every mailing of the account. `created` says whether the account-wide entry "
                      "is new; entries the caller cannot see are neither consulted nor revealed."),
    Route("delete", f"{P}/suppressions/{{address}}", "dispatch.delete_suppression", args=(Path("address"),),
          status=204, tag=SUPPRESSION, summary="Lift an entry (administrators)",
          description="Lifts every entry of the address the caller can see: account-wide entries and entries of "
                      "clients with full access (an entry of a read-only client: 403). Entries of clients hidden "
                      "from the caller stay and are not mentioned; with none visible: 404."),
    # public: the links in every mail (also HEAD for the pixel and the redirect, see OPENAPI below)
    Route("get", "/t/o/{token}", "dispatch.track_open", args=(TOKEN,), auth="public", resource=OpenPixel,
          response="binary", media_type="image/gif", tag=PUBLIC, operation_id="dispatch_open_get",
          summary="Open pixel (counted once per hit; scanners and image proxies flagged)",
          responses={"200": {"description": "a 1x1 GIF, always", "content": {"image/gif": {"schema": {
              "type": "string", "format": "binary"}}}}}),
    Route("get", "/t/c/{token}", "dispatch.track_click", args=(TOKEN,), auth="public", resource=ClickRedirect,
          status=302, tag=PUBLIC, operation_id="dispatch_click_get",
          summary="Click redirect (signed: no open redirect)",
          responses={"302": {"description": "to the URL signed for this recipient"},
                     "204": {"description": "a hidden scanner trap: nothing to follow"}}),
    Route("get", "/u/{token}", "dispatch.get_unsubscribe", args=(TOKEN,), auth="public", resource=Unsubscribe,
          response="html", tag=PUBLIC, operation_id="dispatch_unsubscribe_page",
          summary="Unsubscribe page (shows a button; a GET never unsubscribes)",
          responses={"200": HTML_PAGE, "404": HTML_PAGE, "503": HTML_RETRY}),
    Route("post", "/u/{token}", "dispatch.unsubscribe", args=(TOKEN,), auth="public", resource=Unsubscribe,
          response="html", tag=PUBLIC, operation_id="dispatch_unsubscribe",
          summary="Unsubscribe at once: the page's button or RFC 8058 one-click (no login, no cookie)",
          responses={"200": HTML_PAGE, "404": HTML_PAGE, "503": HTML_RETRY}),
]


def register(app, deps) -> None:
    routing.register(app, deps, ROUTES)


def _openapi() -> dict:
    doc = routing.openapi(ROUTES, TAGS)
    paths = doc["paths"]
    # HEAD answers like GET (mail clients and proxies probe links); routing declares GET only
    paths["/t/o/{token}"]["head"] = {**copy.deepcopy(paths["/t/o/{token}"]["get"]), "operationId": "dispatch_open_head"}
    paths["/t/c/{token}"]["head"] = {**copy.deepcopy(paths["/t/c/{token}"]["get"]),
                                     "operationId": "dispatch_click_head"}
    # the one-click POST is a form post (RFC 8058), or the page's button with an empty body
    paths["/u/{token}"]["post"]["requestBody"] = {
        "required": False, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "properties": {"List-Unsubscribe": {"const": "One-Click"}}}}}}
    return doc


OPENAPI: dict = _openapi()
