"""The whole suite on the real broker: /readyz/services through the gateway (/readyz is the gateway's own), and a
service's error reaching the HTTP client."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from billing.service import BillingService
from crm.service import CrmService
from dispatch.service import DispatchService
from gateway_testing import ActAs
from identity.service import IdentityService
from pressbase.service import PressbaseService
from svckit.principal import Principal

ALL = (IdentityService, CrmService, DispatchService, PressbaseService, BillingService)


def test_suite_readyz_is_green_when_all_five_services_answer(run_services, gateway):
    run_services(*ALL)
    resp = gateway().simulate_get("/readyz/services")
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "ready"
    assert set(resp.json["services"]) == {"identity", "crm", "dispatch", "pressbase", "billing"}
    for name, report in resp.json["services"].items():
        assert report["service"] == name
        assert report["database"]["ok"] and report["broker"]["ok"]


def test_suite_readyz_names_the_service_that_does_not_answer_and_readyz_stays_ready(run_services, gateway):
    run_services(IdentityService, CrmService, DispatchService, PressbaseService)  # billing is down
    api = gateway(ready_timeout=1.0)
    ready = api.simulate_get("/readyz")   # the gateway's own readiness: billing down does not take it out
    assert ready.status_code == 200 and ready.json["status"] == "ready"
    resp = api.simulate_get("/readyz/services")
    assert resp.status_code == 503
    assert resp.json["status"] == "not ready"
    assert resp.json["services"]["billing"]["ok"] is False
    assert resp.json["services"]["identity"]["ok"] is True


@pytest.fixture
def account(databases):
    account_id = uuid.uuid4()
    with databases.engine("identity").begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, name, language, seats) "
                          "VALUES (:i, 'Pressestelle Müller', 'de', 5)"),
                     {"i": account_id})
    return str(account_id)


def test_service_errors_reach_the_client_with_their_status_and_problem_body(run_services, gateway, account):
    run_services(IdentityService)

    anonymous = gateway()
    resp = anonymous.simulate_get(f"/api/v1/accounts/{account}", headers={"Accept-Language": "en"})
    assert resp.status_code == 401
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json["code"] == "unauthenticated"
    assert resp.json["detail"] == "Please log in."

    user = gateway(extra_middleware=[ActAs(Principal(kind="user", account_id=account, user_id="u1", lang="de"))])
    resp = user.simulate_get(f"/api/v1/accounts/{account}")
    assert resp.status_code == 200
    assert resp.json == {"id": account, "name": "Pressestelle Müller", "language": "de", "seats": 5}

    resp = user.simulate_get("/api/v1/accounts/not-a-uuid", headers={"Accept-Language": "en"})  # user setting wins
    assert resp.status_code == 422
    assert resp.json["errors"] == [{"field": "account_id", "message": "Ungültige Kennung."}]

    other_tenant = str(uuid.uuid4())
    resp = user.simulate_get(f"/api/v1/accounts/{other_tenant}", params={"lang": "en"})
    assert resp.status_code == 404
    assert resp.json["detail"] == "Account not found."
    assert resp.json["instance"] == f"/api/v1/accounts/{other_tenant}"
