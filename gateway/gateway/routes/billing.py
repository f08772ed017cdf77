"""HTTP routes of the billing service: the public catalogue and order endpoint, the license manager's subscription
area (subscription, cancel/revoke, changes, affiliates, invoices with PDF and XML, consumption, entitlements) and
the back office for operators (orders, written orders, settings, accounts, contracts, credit notes, audit, letters,
job runs with progress). Every rule lives in billing; these resources translate HTTP to RPC."""

from __future__ import annotations

import base64
import re

import falcon

from svckit.errors import InvalidInput
from svckit.i18n import Text

from ..resource import Resource

P = "/api/v1"
JOB_TIMEOUT = 60.0
MAX_OFFSET = 1_000_000
_WHOLE = re.compile(r"^-?[0-9]{1,19}$")


def _int(req, name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number from the query within [minimum, maximum]; anything else is a 422 naming the parameter (never
    clamped silently, never an unbounded integer handed on to a service)."""
    raw = req.get_param(name)
    if raw is None or raw == "":
        return default
    if not _WHOLE.match(raw) or not minimum <= int(raw) <= maximum:
        raise InvalidInput(fields={name: Text("Ganze Zahl von {lo} bis {hi} erwartet.",
                                              "A whole number from {lo} to {hi} is expected.").format(
            lo=minimum, hi=maximum)})
    return int(raw)


def _page(req) -> tuple[int, int]:
    return _int(req, "limit", 100, 1, 500), _int(req, "offset", 0, 0, MAX_OFFSET)


class Catalogue(Resource):
    auth_required = False

    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "get_catalogue")


class Orders(Resource):
    auth_required = False

    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "billing", "place_order", self.body(req), timeout=JOB_TIMEOUT)


class Subscription(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "get_subscription")


class SubscriptionCancel(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "billing", "cancel_subscription")


class SubscriptionRevoke(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "billing", "revoke_cancellation")


class SubscriptionChanges(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "billing", "change_subscription", self.body(req), timeout=JOB_TIMEOUT)


class Affiliates(Resource):
    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "billing", "add_affiliated_company", self.body(req))


class Consumption(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "get_consumption")


class MyEntitlements(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "get_entitlements", req.context.principal.account_id)


class Invoices(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "list_invoices", None, *_page(req))


class InvoiceResource(Resource):
    def on_get(self, req, resp, invoice_id):
        resp.media = self.call(req, "billing", "get_invoice", invoice_id)


class _File(Resource):
    def send(self, resp, result: dict, disposition: str = "attachment") -> None:
        resp.content_type = result["content_type"]
        resp.data = base64.b64decode(result["content_b64"])
        resp.set_header("Content-Disposition", f'{disposition}; filename="{result["filename"]}"')


class InvoicePdf(_File):
    def on_get(self, req, resp, invoice_id):
        self.send(resp, self.call(req, "billing", "get_invoice_pdf", invoice_id, timeout=JOB_TIMEOUT))


class InvoiceXml(_File):
    def on_get(self, req, resp, invoice_id):
        flavor = req.get_param("flavor") or "factur-x"
        self.send(resp, self.call(req, "billing", "get_invoice_xml", invoice_id, flavor))


# --- back office -----------------------------------------------------------------------------------------------------

class BoOrders(Resource):
    def on_get(self, req, resp):
        state = req.get_param("state")
        resp.media = self.call(req, "billing", "list_orders", None if state == "all" else (state or "received"))

    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "billing", "place_written_order", self.body(req), timeout=JOB_TIMEOUT)


class BoOrderActivate(Resource):
    def on_post(self, req, resp, order_id):
        resp.media = self.call(req, "billing", "activate_order", order_id, timeout=JOB_TIMEOUT)


class BoOrderReject(Resource):
    def on_post(self, req, resp, order_id):
        body = self.body(req, required=False)
        resp.media = self.call(req, "billing", "reject_order", order_id, str(body.get("reason") or ""))


class BoSettings(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "get_settings")

    def on_put(self, req, resp):
        resp.media = self.call(req, "billing", "update_settings", self.body(req))


class BoAccounts(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "list_accounts", *_page(req))


class BoAccount(Resource):
    def on_get(self, req, resp, account_id):
        resp.media = self.call(req, "billing", "get_account_overview", account_id)


class BoAccountInvoices(Resource):
    def on_get(self, req, resp, account_id):
        resp.media = self.call(req, "billing", "list_invoices", account_id, *_page(req))


class BoContracts(Resource):
    max_body_bytes = 8 * 1024 * 1024  # a scanned contract (PDF, base64) of up to 5 MB

    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "billing", "record_contract", self.body(req), timeout=JOB_TIMEOUT)


class BoCreditNotes(Resource):
    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "billing", "issue_credit_note", self.body(req), timeout=JOB_TIMEOUT)


class BoAudit(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "list_audit", req.get_param("account_id"),
                               _int(req, "limit", 200, 1, 1000))


class BoLetters(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "billing", "list_letters_to_print")


class BoJobRuns(Resource):
    def on_post(self, req, resp):
        body = self.body(req, required=False)
        resp.status = falcon.HTTP_202
        resp.media = self.call(req, "billing", "start_job_run", body.get("today"))


class BoJobRun(Resource):
    def on_get(self, req, resp, run_id):
        resp.media = self.call(req, "billing", "get_job_run", run_id)


ROUTES = [
    ("/billing/catalogue", Catalogue), ("/billing/orders", Orders),
    ("/billing/subscription", Subscription), ("/billing/subscription/cancel", SubscriptionCancel),
    ("/billing/subscription/revoke-cancellation", SubscriptionRevoke),
    ("/billing/subscription/changes", SubscriptionChanges), ("/billing/subscription/affiliates", Affiliates),
    ("/billing/consumption", Consumption), ("/billing/entitlements", MyEntitlements),
    ("/billing/invoices", Invoices), ("/billing/invoices/{invoice_id}", InvoiceResource),
    ("/billing/invoices/{invoice_id}/pdf", InvoicePdf), ("/billing/invoices/{invoice_id}/xml", InvoiceXml),
    ("/backoffice/billing/orders", BoOrders), ("/backoffice/billing/orders/{order_id}/activate", BoOrderActivate),
    ("/backoffice/billing/orders/{order_id}/reject", BoOrderReject), ("/backoffice/billing/settings", BoSettings),
    ("/backoffice/billing/accounts", BoAccounts), ("/backoffice/billing/accounts/{account_id}", BoAccount),
    ("/backoffice/billing/accounts/{account_id}/invoices", BoAccountInvoices),
    ("/backoffice/billing/contracts", BoContracts), ("/backoffice/billing/credit-notes", BoCreditNotes),
    ("/backoffice/billing/audit", BoAudit), ("/backoffice/billing/letters", BoLetters),
    ("/backoffice/billing/job-runs", BoJobRuns), ("/backoffice/billing/job-runs/{run_id}", BoJobRun),
]


def register(app, deps) -> None:
    for path, resource in ROUTES:
        app.add_route(P + path, resource(deps.rpc, deps.settings))


# --- OpenAPI ---------------------------------------------------------------------------------------------------------

def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


ERRORS = {"401": {"$ref": "#/components/responses/Unauthenticated"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "422": {"$ref": "#/components/responses/Invalid"}}


def _op(tag, summary, op_id, ok=None, body=None, public=False, params=None, errors=("401", "403", "404", "422"),
        status="200", content=None, description=None):
    response = {"description": "OK", **(content or _json(ok or {"type": "object"}))}
    operation = {"tags": [tag], "summary": summary, "operationId": op_id, "responses": {status: response}}
    if description:
        operation["description"] = description
    for code in errors:
        operation["responses"][code] = ERRORS[code]
    if body is not None:
        operation["requestBody"] = {"required": True, **_json(body)}
    if params:
        operation["parameters"] = params
    if public:
        operation["security"] = []
    return operation


def _path(name):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _query(name, schema, description=""):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_money = {"type": "integer", "description": "euro cents, net unless named gross"}
_text = {"type": "object", "properties": {"de": {"type": "string"}, "en": {"type": "string"}}}
_address = {"type": "object", "required": ["street", "postcode", "city"], "properties": {
    "street": {"type": "string"}, "address_extra": {"type": "string"},
    "postcode": {"type": "string", "description": "text: DE 5 digits, AT/CH 4"}, "city": {"type": "string"},
    "country": {"type": "string", "description": "ISO 3166 alpha-2", "default": "DE"}}}
_person = {"type": "object", "required": ["email", "first_name", "last_name"], "properties": {
    "email": {"type": "string", "format": "email"}, "first_name": {"type": "string"}, "last_name": {"type": "string"},
    "language": {"enum": ["de", "en"]}, "salutation": {"type": "string"}}}
_paging = [_query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}),
           _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0})]

SCHEMAS = {
    "BillingOrder": {"type": "object", "required": [
        "company", "license_manager", "seats", "start_date", "accept_terms", "accept_dpc", "terms_version",
        "dpc_version"], "properties": {
        "company": {"type": "object", "required": ["name", "address"], "properties": {
            "name": {"type": "string"}, "address": _address, "vat_id": {"type": ["string", "null"]}}},
        "billing_address": {"type": ["object", "null"], "properties": {
            "name": {"type": "string"}, "attention": {"type": "string"}, "address": _address}},
        "invoice_delivery": {"enum": ["email", "letter"], "default": "email"},
        "invoice_email": {"type": "string", "format": "email"}, "buyer_reference": {"type": "string"},
        "language": {"enum": ["de", "en"]}, "license_manager": _person,
        "administrator": {**_person, "description": "omit when the license manager administers too"},
        "seats": {"type": "integer", "description": "a tier: 1, 5, 10, 20, 30, 40, 50, then steps of 25"},
        "addons": {"type": "array", "items": {"enum": ["pressbase_dach", "pressbase_plus", "pressbase_world",
                                                       "forward_features", "pressbase_export", "premium_dispatch",
                                                       "premium_support"]}},
        "start_date": {"type": "string", "format": "date"},
        "clients": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "accept_terms": {"type": "boolean"}, "accept_dpc": {"type": "boolean"},
        "terms_version": {"type": "string"}, "dpc_version": {"type": "string"}}},
    "BillingWrittenOrder": {"allOf": [_ref("BillingOrder"), {"type": "object", "properties": {
        "document_b64": {"type": "string", "description": "the signed order, PDF, base64, at most 5 MB"},
        "document_name": {"type": "string"}, "activate": {"type": "boolean", "default": True}}}]},
    "BillingOrderSummary": {"type": "object", "properties": {
        "id": {"type": "string"}, "state": {"enum": ["received", "activated", "rejected"]},
        "source": {"enum": ["web", "written"]}, "company": {"type": "string"}, "seats": {"type": "integer"},
        "start_date": {"type": "string", "format": "date"}, "account_id": {"type": ["string", "null"]},
        "terms": {"type": "object"}, "dpc": {"type": "object"}, "subscription": _ref("BillingSubscription")}},
    "BillingSubscription": {"type": "object", "properties": {
        "account_id": {"type": "string"}, "phase": {"enum": ["starting", "regular", "cancelled", "ended"]},
        "start_date": {"type": "string", "format": "date"}, "starting_phase": {"type": "object"},
        "regular_from": {"type": "string", "format": "date"}, "term_end": {"type": "string", "format": "date"},
        "cancellation": {"type": "object", "properties": {
            "cancelled_on": {"type": ["string", "null"]}, "ends_on": {"type": ["string", "null"]},
            "revocable": {"type": "boolean"}, "notice_deadline": {"type": "string"},
            "would_end_on": {"type": "string", "description": "when a cancellation today would end the contract"}}},
        "plan": {"type": "object", "properties": {"seats": {"type": "integer"}, "addons": {"type": "array"},
                                                  "monthly_net_cents": _money}},
        "scheduled": {"type": "array", "description": "reductions taking effect on 1 January", "items": {
            "type": "object"}},
        "next_invoice_date": {"type": ["string", "null"]}, "invoice_recipient": {"type": "object"},
        "purge_on": {"type": ["string", "null"]}}},
    "BillingInvoice": {"type": "object", "properties": {
        "id": {"type": "string"}, "number": {"type": "string", "description": "gap-free per year: 2027-000001"},
        "doc_type": {"enum": ["invoice", "credit_note"]},
        "kind": {"enum": ["quarterly", "extension", "usage", "one_time", "credit_note"]},
        "issue_date": {"type": "string", "format": "date"}, "due_date": {"type": "string", "format": "date"},
        "period_from": {"type": ["string", "null"]}, "period_to": {"type": ["string", "null"]},
        "net_cents": _money, "tax_cents": _money, "gross_cents": _money, "tax": {"type": "object"},
        "lines": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "name": _text, "detail": _text, "amount_cents": _money,
            "period_from": {"type": ["string", "null"]}, "period_to": {"type": ["string", "null"]}}}},
        "delivery": {"type": "object"}, "credited_net_cents": _money}},
    "BillingConsumption": {"type": "object", "properties": {
        "storage": {"type": "object", "properties": {"used_bytes": {"type": "integer"},
                                                     "included_bytes": {"type": "integer"}}},
        "mails": {"type": "object", "properties": {"this_month": {"type": "object"}, "total": {"type": "object"}}},
        "month": {"type": "string"}}},
    "BillingJobRun": {"type": "object", "properties": {
        "id": {"type": "string"}, "state": {"enum": ["running", "done", "failed"]},
        "done": {"type": "integer"}, "total": {"type": "integer"}, "today": {"type": "string", "format": "date"},
        "report": {"type": ["object", "null"]}}},
}

_pdf = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
_xml = {"content": {"application/xml": {"schema": {"type": "string"}}}}
_inv = [_path("invoice_id")]

OPENAPI: dict = {
    "tags": [{"name": "billing", "description": "Catalogue, orders, the subscription area, invoices, consumption"},
             {"name": "billing back office", "description": "Operators: orders, contracts, credit notes, audit"}],
    "paths": {
        P + "/billing/catalogue": {"get": _op("billing", "The price list (EUR net, versioned)", "billingCatalogue",
                                              public=True, errors=())},
        P + "/billing/orders": {"post": _op(
            "billing", "Order a subscription (public; waits for activation unless auto-activation is on)",
            "billingPlaceOrder", _ref("BillingOrderSummary"), _ref("BillingOrder"), public=True,
            errors=("422",), status="201")},
        P + "/billing/subscription": {"get": _op("billing", "The account's subscription (license manager)",
                                                 "billingSubscription", _ref("BillingSubscription"))},
        P + "/billing/subscription/cancel": {"post": _op(
            "billing", "Cancel (starting phase: ends today, free; else by 30 Sep -> 31 Dec, later -> 31 Dec next "
                       "year)", "billingCancel", _ref("BillingSubscription"), errors=("401", "403", "404", "409"))},
        P + "/billing/subscription/revoke-cancellation": {"post": _op(
            "billing", "Revoke the cancellation (until the term ends)", "billingRevokeCancellation",
            _ref("BillingSubscription"), errors=("401", "403", "404", "409"))},
        P + "/billing/subscription/changes": {"post": _op(
            "billing", "Change seats and add-ons: extensions at once (pro-rata invoice), reductions on 1 January",
            "billingChange", {"type": "object", "properties": {"subscription": _ref("BillingSubscription"),
                                                               "invoice": {"oneOf": [_ref("BillingInvoice"),
                                                                                     {"type": "null"}]}}},
            {"type": "object", "required": ["seats"], "properties": {
                "seats": {"type": "integer"}, "addons": {"type": "array", "items": {"type": "string"}}}})},
        P + "/billing/subscription/affiliates": {"post": _op(
            "billing", "An affiliated company joins as a further client (one invoice recipient)",
            "billingAddAffiliate", body={"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}}}, status="201")},
        P + "/billing/consumption": {"get": _op("billing", "Storage used, mails sent this month and in total",
                                                "billingConsumption", _ref("BillingConsumption"))},
        P + "/billing/entitlements": {"get": _op("billing", "What the caller's account may do",
                                                 "billingEntitlements")},
        P + "/billing/invoices": {"get": _op("billing", "The account's invoices and credit notes", "billingInvoices",
                                             {"type": "array", "items": _ref("BillingInvoice")}, params=_paging)},
        P + "/billing/invoices/{invoice_id}": {"get": _op("billing", "One invoice", "billingInvoice",
                                                          _ref("BillingInvoice"), params=_inv)},
        P + "/billing/invoices/{invoice_id}/pdf": {"get": _op(
            "billing", "The invoice as ZUGFeRD/Factur-X PDF/A-3 (EN 16931 XML embedded)", "billingInvoicePdf",
            params=_inv, content=_pdf)},
        P + "/billing/invoices/{invoice_id}/xml": {"get": _op(
            "billing", "The invoice's EN 16931 XML: Factur-X (default) or XRechnung 3.0 (CII)", "billingInvoiceXml",
            params=_inv + [_query("flavor", {"enum": ["factur-x", "xrechnung"]})], content=_xml)},
        P + "/backoffice/billing/orders": {
            "get": _op("billing back office", "Orders (default: those waiting for activation)", "boBillingOrders",
                       {"type": "array", "items": _ref("BillingOrderSummary")},
                       params=[_query("state", {"enum": ["received", "activated", "rejected", "all"]})]),
            "post": _op("billing back office", "Place a written order on a customer's behalf", "boWrittenOrder",
                        _ref("BillingOrderSummary"), _ref("BillingWrittenOrder"), status="201")},
        P + "/backoffice/billing/orders/{order_id}/activate": {"post": _op(
            "billing back office", "Activate an order: identity creates the account and both users",
            "boActivateOrder", _ref("BillingOrderSummary"), params=[_path("order_id")],
            errors=("401", "403", "404", "409", "422"))},
        P + "/backoffice/billing/orders/{order_id}/reject": {"post": _op(
            "billing back office", "Reject an order", "boRejectOrder", _ref("BillingOrderSummary"),
            params=[_path("order_id")], errors=("401", "403", "404", "409", "422"))},
        P + "/backoffice/billing/settings": {
            "get": _op("billing back office", "Billing settings (auto-activation of orders)", "boBillingSettings"),
            "put": _op("billing back office", "Change billing settings", "boUpdateBillingSettings",
                       body={"type": "object", "required": ["auto_activate_orders"], "properties": {
                           "auto_activate_orders": {"type": "boolean"}}})},
        P + "/backoffice/billing/accounts": {"get": _op("billing back office", "Every account's subscription",
                                                        "boBillingAccounts", params=_paging)},
        P + "/backoffice/billing/accounts/{account_id}": {"get": _op(
            "billing back office", "One account: subscription, invoices, consumption, contracts, entitlements",
            "boBillingAccount", params=[_path("account_id")])},
        P + "/backoffice/billing/accounts/{account_id}/invoices": {"get": _op(
            "billing back office", "One account's invoices", "boBillingAccountInvoices",
            {"type": "array", "items": _ref("BillingInvoice")}, params=[_path("account_id")] + _paging)},
        P + "/backoffice/billing/contracts": {"post": _op(
            "billing back office", "Record an individual contract (premium contracting: document, fees)",
            "boRecordContract", body={"type": "object", "required": [
                "account_id", "one_time_cents", "monthly_cents", "valid_from", "document_b64", "document_name"],
                "properties": {"account_id": {"type": "string"}, "one_time_cents": _money, "monthly_cents": _money,
                               "valid_from": {"type": "string", "format": "date"}, "note": {"type": "string"},
                               "document_b64": {"type": "string"}, "document_name": {"type": "string"}}},
            status="201")},
        P + "/backoffice/billing/credit-notes": {"post": _op(
            "billing back office", "Correct an issued invoice by credit note (full or partial, net cents)",
            "boCreditNote", _ref("BillingInvoice"), {"type": "object", "required": ["invoice_id", "reason"],
                                                     "properties": {"invoice_id": {"type": "string"},
                                                                    "amount_cents": _money,
                                                                    "reason": {"type": "string"}}},
            errors=("401", "403", "404", "409", "422"), status="201")},
        P + "/backoffice/billing/audit": {"get": _op(
            "billing back office", "Audit trail of billing actions", "boBillingAudit",
            params=[_query("account_id", {"type": "string", "format": "uuid"}),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200})])},
        P + "/backoffice/billing/letters": {"get": _op(
            "billing back office", "Invoices to be sent by letter", "boBillingLetters",
            {"type": "array", "items": _ref("BillingInvoice")})},
        P + "/backoffice/billing/job-runs": {"post": _op(
            "billing back office", "Start a run of the due billing jobs (long job; poll its progress)",
            "boStartJobRun", _ref("BillingJobRun"), {"type": "object", "properties": {
                "today": {"type": "string", "format": "date"}}}, status="202")},
        P + "/backoffice/billing/job-runs/{run_id}": {"get": _op(
            "billing back office", "Progress of a job run (state, done, total, report)", "boJobRun",
            _ref("BillingJobRun"), params=[_path("run_id")])},
    },
    "components": {"schemas": SCHEMAS},
}
