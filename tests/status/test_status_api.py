"""The public status page's data through the gateway: component health without internals, incident notes posted
and resolved by a real operator login (code from the SMTP sink), customers refused."""

from __future__ import annotations

import pytest

from gateway.routes import status
from identity_testing import make_identity, make_tenant
from svckit.principal import Principal

P = "/api/v1"


@pytest.fixture
def identity(run_services, rpc_as, smtp_sink):
    return make_identity(run_services, rpc_as, smtp_sink)


def _operator_token(api, identity):
    identity.call("create_operator", {"email": "ops-status@pressroom.example", "roles": ["back_office"],
                                      "password": "Betreiber-Passwort-2026", "must_change_password": False},
                  principal=Principal.system("seed"))
    step = api.simulate_post(f"{P}/backoffice/auth/login", json={"email": "ops-status@pressroom.example",
                                                                  "password": "Betreiber-Passwort-2026"}).json
    code = identity.mail_code("ops-status@pressroom.example")
    return api.simulate_post(f"{P}/auth/login/second-factor",
                             json={"challenge": step["challenge"], "code": code}).json["token"]


def test_status_shows_components_and_the_notes_operators_post(gateway, identity, monkeypatch):
    monkeypatch.setattr(status, "CACHE_SECONDS", 0.0)
    api = gateway(ready_timeout=1.0)
    tenant = make_tenant(identity)
    ops = {"Authorization": f"Bearer {_operator_token(api, identity)}"}
    admin = {"Authorization": f"Bearer {tenant['admin_token']}"}

    note = {"severity": "major", "components": ["mailings"],
            "title": {"de": "Versand verzögert", "en": "Mailings delayed"},
            "body": {"de": "Wir arbeiten daran.", "en": "We are on it."}}
    assert api.simulate_post(f"{P}/backoffice/incidents", json=note, headers=admin).status_code == 403
    bad = api.simulate_post(f"{P}/backoffice/incidents", json={"title": {"de": ""}},
                            headers={**ops, "Accept-Language": "en"})
    assert bad.status_code == 422 and {"title.de", "body"} <= {e["field"] for e in bad.json["errors"]}
    posted = api.simulate_post(f"{P}/backoffice/incidents", json=note, headers=ops)
    assert posted.status_code == 201, posted.json

    public = api.simulate_get(f"{P}/status")  # no login
    assert public.status_code == 200
    body = public.json
    components = {c["id"]: c["ok"] for c in body["components"]}
    # only identity runs in this test: login works, the rest is reported down, with nothing internal said
    assert components["web"] and components["login"] and not components["mailings"]
    assert body["status"] == "degraded" and body["incidents_available"]
    assert [i["title"]["en"] for i in body["incidents"]] == ["Mailings delayed"]
    assert "database" not in public.text and "version" not in public.text and "Unavailable" not in public.text

    resolved = api.simulate_post(f"{P}/backoffice/incidents/{posted.json['id']}/resolve",
                                 json={"resolution": {"de": "Behoben."}}, headers=ops)
    assert resolved.status_code == 200 and resolved.json["resolution"]["en"] == "Behoben."
    listed = api.simulate_get(f"{P}/backoffice/incidents", params={"state": "open"}, headers=ops)
    assert listed.json["incidents"] == []
    assert api.simulate_get(f"{P}/status").json["incidents"][0]["resolved_at"]
