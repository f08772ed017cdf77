"""Fixtures of the dispatch tests: the SMTP sink, dispatch with its sender worker, tenants."""

from __future__ import annotations

import pytest

from dispatch.sender import DispatchSender
from dispatch.service import DispatchService
from dispatch_testing import PUBLIC, VERP, Tenant
from smtpsink.testing import smtp_sink  # noqa: F401  (until the root conftest registers smtpsink.testing)


@pytest.fixture
def tenant() -> Tenant:
    return Tenant()


@pytest.fixture
def other_tenant() -> Tenant:
    return Tenant()


@pytest.fixture
def dispatch_config(smtp_sink):  # noqa: F811
    return {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port, "SMTP_RECONCILE_URL": smtp_sink.web_url,
        "VERP_DOMAIN": VERP, "PUBLIC_BASE_URL": PUBLIC, "HOUSEKEEPING_INTERVAL": 0.2, "IDLE_SLEEP": 0.05,
        "RETRY_BACKOFF": "1,1,2", "MAIL_FROM": "no-reply@pressroom.test", "SMTP_CONNECTIONS": 4,
    }


@pytest.fixture
def dispatch(run_services, dispatch_config):
    """dispatch (RPC, events, outbox, housekeeping) and one sender worker, on the sink."""
    return run_services(DispatchService, DispatchSender, config=dispatch_config, db_services=("dispatch",))


@pytest.fixture
def dns_server():
    from dispatch_testing import DnsServer

    server = DnsServer().start()
    yield server
    server.stop()
