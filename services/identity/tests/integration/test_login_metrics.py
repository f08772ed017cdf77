"""identity's login metrics (svckit.metrics): failures by reason and throttled attempts, counted on real logins."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from svckit.errors import TooManyRequests, Unauthenticated


def failures(reason: str) -> float:
    return REGISTRY.get_sample_value("pressroom_login_failures_total", {"reason": reason}) or 0.0


def throttled() -> float:
    return REGISTRY.get_sample_value("pressroom_login_throttled_total") or 0.0


def test_failed_and_throttled_logins_are_counted(identity, tenant):
    wrong, unknown, refused = failures("wrong_password"), failures("unknown_user"), throttled()
    with pytest.raises(Unauthenticated):
        identity.login(tenant["admin_email"], "falsch-falsch-falsch", {"ip": "198.51.100.1"})
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            identity.login("niemand@example.com", "falsch-falsch-falsch", {"ip": "198.51.100.2"})
    with pytest.raises(TooManyRequests):
        identity.login("niemand@example.com", "falsch-falsch-falsch", {"ip": "198.51.100.2"})
    assert failures("wrong_password") - wrong == 1
    assert failures("unknown_user") - unknown == 5
    assert throttled() - refused == 1
