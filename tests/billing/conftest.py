"""Fixtures for billing's end-to-end tests: billing and identity as real services, the real gateway, the SMTP sink."""

from __future__ import annotations

import pytest

from billing.service import BillingService
from billing_testing import Billing
from identity_testing import Identity

try:  # the root conftest registers smtpsink.testing; until it does, take the fixture from there directly
    from smtpsink.testing import smtp_sink  # noqa: F401
except ImportError:  # pragma: no cover
    pass


@pytest.fixture
def suite(run_services, rpc_as, smtp_sink):
    from identity.service import IdentityService

    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port, "BILLING_TIMER": False,
              "BILLING_TODAY": "2027-02-01"}
    identity_runner = run_services(IdentityService, config=config)
    billing_runner = run_services(BillingService, config=config)
    return Billing(billing_runner, rpc_as, smtp_sink), Identity(identity_runner, rpc_as, smtp_sink)
