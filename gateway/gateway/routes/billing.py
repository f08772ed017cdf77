"""HTTP routes of the billing service: the public catalogue and order endpoint, the license manager's subscription
area (subscription, cancel/revoke, changes, affiliates, invoices with PDF and XML, consumption, entitlements) and
the back office for operators (orders, written orders, settings, accounts, contracts, credit notes, audit, letters,
job runs with progress).

Every route is one row of ``ROUTES`` (``gateway.routing``); request and answer models come from
``billing.contracts``. Every rule (license manager only, operators only in the back office) lives in billing; these
rows only translate HTTP to RPC.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import falcon

from billing import contracts as c
from svckit.errors import InvalidInput

from .. import routing
from ..i18n import _
from ..routing import Body, Computed, Const, Id, Query, Route

P = "/api/v1"
JOB_TIMEOUT = 60.0
MAX_OFFSET = 1_000_000
CONTRACT_MAX_BODY = 8 * 1024 * 1024  # a scanned contract (PDF, base64) of up to 5 MB
_WHOLE = re.compile(r"^-?[0-9]{1,19}$")


def _int(req: falcon.Request, name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number from the query within [minimum, maximum]; anything else is a 422 naming the parameter (never
    clamped silently, never an unbounded integer handed on to a service)."""
    raw = req.get_param(name)
    if raw is None or raw == "":
        return default
    if not _WHOLE.match(raw) or not minimum <= int(raw) <= maximum:
        raise InvalidInput(fields={name: _("A whole number from {lo} to {hi} is expected.").format(
            lo=minimum, hi=maximum)})
    return int(raw)


def Whole(name: str, default: int, minimum: int, maximum: int) -> Computed:  # noqa: N802  (reads like a source)
    """A bounded whole number from the query (see :func:`_int`), documented with its bounds and default."""
    return Computed(lambda req, params: _int(req, name, default, minimum, maximum),
                    query=(Query(name, int, schema={"type": "integer", "minimum": minimum, "maximum": maximum,
                                                    "default": default}),))


PAGING = (Whole("limit", 100, 1, 500), Whole("offset", 0, 0, MAX_OFFSET))


@dataclass(frozen=True)
class Member(Body):
    """One member of the JSON body (the RPC takes the value itself), optionally converted."""

    member: str = ""
    convert: Callable[[Any], Any] | None = None

    def value(self, res, req, params):
        value = super().value(res, req, params).get(self.member)
        return self.convert(value) if self.convert else value


def _order_state(req: falcon.Request, params: dict) -> str | None:
    state = req.get_param("state")
    return None if state == "all" else (state or "received")


def _own_account(req: falcon.Request, params: dict) -> str | None:
    return req.context.principal.account_id


REASON = {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 500}}}
JOB_RUN = {"type": "object", "properties": {"today": {"type": "string", "format": "date",
                                                      "description": "run as of this day (default: today)"}}}
BO = "billing back office"

TAGS = [{"name": "billing", "description": "Catalogue, orders, the subscription area, invoices, consumption"},
        {"name": BO, "description": "Operators: orders, contracts, credit notes, audit"}]

ROUTES = [
    Route("get", P + "/billing/catalogue", "billing.get_catalogue", response=c.Catalogue,
          summary="The price list (EUR net, versioned)", tag="billing", auth="public"),
    Route("post", P + "/billing/orders", "billing.place_order", args=(Body(),), body=c.OrderInput,
          response=c.OrderSummary, status=201, timeout=JOB_TIMEOUT,
          summary="Order a subscription (public; waits for activation unless auto-activation is on)", tag="billing",
          auth="public"),
    Route("get", P + "/billing/subscription", "billing.get_subscription", response=c.Subscription,
          summary="The account's subscription (license manager)", tag="billing"),
    Route("post", P + "/billing/subscription/cancel", "billing.cancel_subscription", response=c.Subscription,
          summary="Cancel (starting phase: ends today, free; else by 30 Sep -> 31 Dec, later -> 31 Dec next year)",
          tag="billing", errors=("409",)),
    Route("post", P + "/billing/subscription/revoke-cancellation", "billing.revoke_cancellation",
          response=c.Subscription, summary="Revoke the cancellation (until the term ends)", tag="billing",
          errors=("409",)),
    Route("post", P + "/billing/subscription/changes", "billing.change_subscription", args=(Body(),),
          body=c.ChangeInput, response=c.SubscriptionChanged, timeout=JOB_TIMEOUT,
          summary="Change seats and add-ons: extensions at once (pro-rata invoice), reductions on 1 January",
          tag="billing", errors=("409",)),
    Route("post", P + "/billing/subscription/affiliates", "billing.add_affiliated_company", args=(Body(),),
          body=c.AffiliateInput, response=c.Affiliate, status=201,
          summary="An affiliated company joins as a further client (one invoice recipient)", tag="billing",
          errors=("409",)),
    Route("get", P + "/billing/consumption", "billing.get_consumption", response=c.Consumption,
          summary="Storage used, mails sent this month and in total", tag="billing"),
    Route("get", P + "/billing/entitlements", "billing.get_entitlements", args=(Computed(_own_account),),
          response=c.Entitlements, summary="What the caller's account may do", tag="billing"),
    Route("get", P + "/billing/invoices", "billing.list_invoices", args=(Const(None), *PAGING),
          response=list[c.Invoice], summary="The account's invoices and credit notes", tag="billing"),
    Route("get", P + "/billing/invoices/{invoice_id}", "billing.get_invoice", args=(Id("invoice_id"),),
          response=c.Invoice, summary="One invoice", tag="billing"),
    Route("get", P + "/billing/invoices/{invoice_id}/pdf", "billing.get_invoice_pdf", args=(Id("invoice_id"),),
          download="base64", media_type="application/pdf", timeout=JOB_TIMEOUT,
          summary="The invoice as ZUGFeRD/Factur-X PDF/A-3 (EN 16931 XML embedded)", tag="billing"),
    Route("get", P + "/billing/invoices/{invoice_id}/xml", "billing.get_invoice_xml",
          args=(Id("invoice_id"), Query("flavor", default="factur-x", schema={"enum": ["factur-x", "xrechnung"]})),
          download="base64", media_type="application/xml",
          summary="The invoice's EN 16931 XML: Factur-X (default) or XRechnung 3.0 (CII)", tag="billing"),

    # --- back office (billing refuses everyone but operators) -------------------------------------------------------
    Route("get", P + "/backoffice/billing/orders", "billing.list_orders",
          args=(Computed(_order_state, query=(Query("state", schema={
              "enum": ["received", "activated", "rejected", "all"]}, description="default: received"),)),),
          response=list[c.OrderSummary], summary="Orders (default: those waiting for activation)", tag=BO),
    Route("post", P + "/backoffice/billing/orders", "billing.place_written_order", args=(Body(),),
          body=c.WrittenOrderInput, response=c.OrderSummary, status=201, timeout=JOB_TIMEOUT,
          summary="Place a written order on a customer's behalf", tag=BO),
    Route("post", P + "/backoffice/billing/orders/{order_id}/activate", "billing.activate_order",
          args=(Id("order_id"),), response=c.OrderSummary, timeout=JOB_TIMEOUT,
          summary="Activate an order: identity creates the account and both users", tag=BO, errors=("409",)),
    Route("post", P + "/backoffice/billing/orders/{order_id}/reject", "billing.reject_order",
          args=(Id("order_id"), Member(required=False, member="reason", convert=lambda v: str(v or ""))),
          body=REASON, response=c.OrderSummary, summary="Reject an order", tag=BO, errors=("409",)),
    Route("get", P + "/backoffice/billing/settings", "billing.get_settings", response=c.Settings,
          summary="Billing settings (auto-activation of orders)", tag=BO),
    Route("put", P + "/backoffice/billing/settings", "billing.update_settings", args=(Body(),),
          body=c.SettingsInput, response=c.Settings, summary="Change billing settings", tag=BO),
    Route("get", P + "/backoffice/billing/accounts", "billing.list_accounts", args=PAGING,
          response=list[c.AccountRow], summary="Every account's subscription", tag=BO),
    Route("get", P + "/backoffice/billing/accounts/{account_id}", "billing.get_account_overview",
          args=(Id("account_id"),), response=c.AccountOverview,
          summary="One account: subscription, invoices, consumption, contracts, entitlements", tag=BO),
    Route("get", P + "/backoffice/billing/accounts/{account_id}/invoices", "billing.list_invoices",
          args=(Id("account_id"), *PAGING), response=list[c.Invoice], summary="One account's invoices", tag=BO,
          operation_id="billing_list_account_invoices"),
    Route("post", P + "/backoffice/billing/contracts", "billing.record_contract", args=(Body(),),
          body=c.ContractInput, response=c.ContractRecorded, status=201, timeout=JOB_TIMEOUT,
          max_body=CONTRACT_MAX_BODY,
          summary="Record an individual contract (premium contracting: document, fees)", tag=BO),
    Route("post", P + "/backoffice/billing/credit-notes", "billing.issue_credit_note", args=(Body(),),
          body=c.CreditNoteInput, response=c.Invoice, status=201, timeout=JOB_TIMEOUT,
          summary="Correct an issued invoice by credit note (full or partial, net cents)", tag=BO, errors=("409",)),
    Route("get", P + "/backoffice/billing/audit", "billing.list_audit",
          args=(Query("account_id", schema={"type": "string", "format": "uuid"}), Whole("limit", 200, 1, 1000)),
          response=list[c.AuditEntry], summary="Audit trail of billing actions", tag=BO),
    Route("get", P + "/backoffice/billing/letters", "billing.list_letters_to_print", response=list[c.Invoice],
          summary="Invoices to be sent by letter", tag=BO),
    Route("post", P + "/backoffice/billing/job-runs", "billing.start_job_run",
          args=(Member(required=False, member="today"),), body=JOB_RUN, response=c.JobRun, status=202,
          summary="Start a run of the due billing jobs (long job; poll its progress)", tag=BO),
    Route("get", P + "/backoffice/billing/job-runs/{run_id}", "billing.get_job_run", args=(Id("run_id"),),
          response=c.JobRun, summary="Progress of a job run (state, done, total, report)", tag=BO),
]


def register(app: falcon.App, deps: Any) -> None:
    routing.register(app, deps, ROUTES)


OPENAPI: dict = routing.openapi(ROUTES, TAGS)
