"""Fixtures for billing's tests: billing and identity as real services on the run's broker and databases, the SMTP
sink for invoice and first-login mails."""

from __future__ import annotations

from datetime import date

import pytest

from billing.service import BillingService
from billing_testing import Billing

try:  # the root conftest registers smtpsink.testing; until it does, take the fixture from there directly
    from smtpsink.testing import smtp_sink  # noqa: F401
except ImportError:  # pragma: no cover
    pass


def billing_config(smtp_sink, **extra) -> dict:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port, "BILLING_TIMER": False,
            "BILLING_TODAY": "2027-02-01", **extra}


@pytest.fixture
def billing(run_services, rpc_as, smtp_sink) -> Billing:
    from identity.service import IdentityService

    runner = run_services(BillingService, IdentityService, config=billing_config(smtp_sink))
    return Billing(runner, rpc_as, smtp_sink)


@pytest.fixture
def today():
    return date(2027, 2, 1)
