"""Fixtures for identity's tests: the real service on the run's broker and database, and the SMTP sink."""

from __future__ import annotations

import pytest

from identity_testing import Identity, make_identity, make_tenant

try:  # the root conftest registers smtpsink.testing; until it does, take the fixture from there directly
    from smtpsink.testing import smtp_sink  # noqa: F401
except ImportError:  # pragma: no cover
    pass


@pytest.fixture
def identity(run_services, rpc_as, smtp_sink) -> Identity:
    return make_identity(run_services, rpc_as, smtp_sink)


@pytest.fixture
def tenant(identity) -> dict:
    return make_tenant(identity)
