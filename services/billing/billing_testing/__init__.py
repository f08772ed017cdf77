"""Test helpers for billing (services/billing/tests, tests/billing, and other services' tests that need a real
subscription): the running billing service seen from a test, with its clock under the test's control."""

from __future__ import annotations

import uuid
from datetime import date

from billing.domain.catalogue import load
from svckit.clock import Clock, clock_of
from svckit.principal import Principal

SYSTEM = Principal.system("billing")
OPERATOR = Principal(kind="operator", user_id="op-backoffice-1", roles=("back_office",), lang="de")


def order_payload(start: date, seats: int = 10, addons=("pressbase_dach",), email: str | None = None,
                  country: str = "DE", vat_id: str | None = None, language: str = "de", delivery: str = "email",
                  company: str = "Pressestelle Müller GmbH", **extra) -> dict:
    cat = load()
    tag = uuid.uuid4().hex[:8]
    email = email or f"lizenz-{tag}@example.com"
    postcode = {"DE": "01067", "AT": "1010", "CH": "8001"}.get(country, "75001")
    data = {
        "company": {"name": company, "address": {"street": "Hauptstraße 1", "postcode": postcode, "city": "Dresden",
                                                 "country": country}, "vat_id": vat_id},
        "invoice_delivery": delivery, "language": language,
        "license_manager": {"email": email, "first_name": "Lena", "last_name": "Lizenz", "language": language},
        "administrator": {"email": f"admin-{tag}@example.com", "first_name": "Anna", "last_name": "Admin",
                          "language": language, "salutation": "Frau"},
        "seats": seats, "addons": list(addons), "start_date": start.isoformat(),
        "clients": [{"name": "Konzern"}], "accept_terms": True, "accept_dpc": True,
        "terms_version": cat.terms_version, "dpc_version": cat.dpc_version,
    }
    data.update(extra)
    return data


class Billing:
    def __init__(self, runner, rpc_as, sink=None):
        self.runner, self.rpc_as, self.sink = runner, rpc_as, sink
        container = next(c for c in runner.containers if c.service_name == "billing")
        self.container = container
        self.clock: Clock = clock_of(container)

    def set_today(self, day: date) -> None:
        self.clock.fixed = day

    def call(self, method, *args, principal=None, **kwargs):
        with self.rpc_as(principal) as rpc:
            return getattr(rpc.billing, method)(*args, **kwargs)

    def order(self, start: date, activate: bool = True, **kwargs) -> dict:
        """Place (and activate) an order on its start day; the clock is put back afterwards."""
        before = self.clock.fixed
        self.clock.fixed = start
        try:
            placed = self.call("place_order", order_payload(start, **kwargs))
            if activate:
                return self.call("activate_order", placed["id"], principal=OPERATOR)
            return placed
        finally:
            self.clock.fixed = before

    def run(self, today: date) -> dict:
        return self.call("run_due_jobs", today.isoformat(), principal=SYSTEM)

    def license_manager(self, account_id: str, lang: str = "de") -> Principal:
        return Principal(kind="user", account_id=str(account_id), user_id=f"lm-{account_id[:8]}",
                         roles=("license_manager",), lang=lang)
