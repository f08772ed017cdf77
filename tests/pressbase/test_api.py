"""The media database end to end through the gateway: real logins through identity, billing's real
entitlements event, the real pressbase and crm services; what a press officer and the vendor's operator do."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook

from identity_testing import make_identity, make_tenant
from pressbase_testing import jsonl, sample_records, wait_for
from svckit.principal import Principal

try:  # the root conftest registers smtpsink.testing once the sink engineer has; until then import it directly
    from smtpsink.testing import smtp_sink  # noqa: F401
except ImportError:  # pragma: no cover
    pass

P = "/api/v1/pressbase"


def bearer(token: str, lang: str = "de") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


@pytest.fixture
def world(run_services, rpc_as, smtp_sink, pressbase_service, crm_service, billing, sample):
    """identity (real logins), pressbase with billing's stand-in, crm; the sample media data."""
    identity = make_identity(run_services, rpc_as, smtp_sink)
    tenant = make_tenant(identity)
    return identity, tenant


def wait_job(api, token, job: dict, timeout: float = 60) -> dict:
    def finished():
        body = api.simulate_get(f"{P}/jobs/{job['id']}", headers=bearer(token)).json
        return body if body["state"] in ("done", "failed") else None
    return wait_for(finished, timeout=timeout, what=f"job {job['id']}")


def test_a_press_officers_path(world, gateway, billing, pressbase_db):
    identity, tenant = world
    api = gateway()
    token = tenant["admin_token"]
    account = tenant["ids"]["account_id"]
    client = next(iter(tenant["admin"].clients))

    # the starting phase: DACH only; calendars and the export are refused with a clear reason, in German ...
    assert api.simulate_get(f"{P}/licence", headers=bearer(token)).json["datasets"] == ["dach"]
    found = api.simulate_get(f"{P}/journalists", params={"q": "Mueller", "prefix": "false"}, headers=bearer(token))
    assert found.status_code == 200
    assert {i["name"] for i in found.json["items"]} == {"Dr. Anna Müller", "Thomas Mueller", "Lea Muller"}
    refused = api.simulate_get(f"{P}/forward-features", headers=bearer(token))
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json["detail"] == "Themenpläne (Forward Features) sind in der Startphase nicht verfügbar."

    # ... and with the regular subscription, World, calendars and the export add-on
    billing.grant(account, version=1, phase="regular", datasets=("dach", "world"), forward_features=True,
                  pressbase_export=True)
    search = api.simulate_get(f"{P}/journalists", headers=bearer(token, "en"),
                              params={"q": "editor", "country": "GB,DE", "sort": "relevance", "limit": "5"})
    assert search.status_code == 200, search.json
    assert "Sophie Martin" in {i["name"] for i in search.json["items"]}
    assert {f["code"] for f in search.json["facets"]["country"]} >= {"GB"}
    calendars = api.simulate_get(f"{P}/forward-features", params={"topic": "wirtschaft"}, headers=bearer(token))
    assert [f["title"] for f in calendars.json["items"]] == ["Schwerpunkt Lagerlogistik"]

    # a hand-picked list from search results, in a client
    anna = next(i["id"] for i in found.json["items"] if i["last_name"] == "Müller")
    created = api.simulate_post(f"{P}/selections", headers=bearer(token), json={
        "name": "Wirtschaftspresse", "kind": "list", "client_id": client, "journalist_ids": [anna]})
    assert created.status_code == 201, created.json
    sel = created.json["id"]
    added = api.simulate_post(f"{P}/selections/{sel}/items/from-search", headers=bearer(token),
                              json={"q": "Müller", "max": 10})
    assert added.json == {"added": 2, "matched": 3}
    recipients = api.simulate_get(f"{P}/selections/{sel}/recipients", headers=bearer(token)).json["recipients"]
    assert [r["letter_salutation"] for r in recipients][0] == "Sehr geehrte Frau Dr. Müller,"

    # the Excel export as a job with progress, downloaded, and logged
    job = api.simulate_post(f"{P}/selections/{sel}/export", params={"lang": "en"}, headers=bearer(token))
    assert job.status_code == 202 and job.json["state"] == "queued"
    done = wait_job(api, token, job.json)
    assert done["state"] == "done"
    export_id = done["result"]["export_id"]
    file = api.simulate_get(f"{P}/exports/{export_id}/file", headers=bearer(token))
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(file.content), read_only=True)
    rows = list(wb["Journalists"].iter_rows(values_only=True))
    assert rows[0][3] == "First name" and {r[4] for r in rows[1:]} == {"Müller", "Mueller", "Muller"}
    log = api.simulate_get(f"{P}/exports", headers=bearer(token)).json["items"]
    assert log[0]["records"] == 3 and log[0]["user_id"] == tenant["admin"].user_id

    # transfer into the CRM (free of charge), then a feed changes Anna: the change is offered and applied
    transfer = api.simulate_post(f"{P}/selections/{sel}/transfer", headers=bearer(token), json={"client_id": client})
    assert transfer.status_code == 202, transfer.json
    assert wait_job(api, token, transfer.json)["result"]["created"] == 3
    assert api.simulate_get(f"{P}/transfers/changes", params={"client_id": client},
                            headers=bearer(token)).json["items"] == []
    from pressbase.usecases import feeds

    feeds.import_feed(pressbase_db, [jsonl([{**next(r for r in sample_records() if r["id"] == "J-1"),
                                             "position": "Chefredakteurin"}])],
                      fmt="jsonl", mode="delta", source="test")
    changes = api.simulate_get(f"{P}/transfers/changes", params={"client_id": client, "lang": "en"},
                               headers=bearer(token)).json["items"]
    assert [(c["pressbase_id"], c["changes"]) for c in changes] == [
        (f"J-{anna}", [{"field": "position", "label": "Position", "old": "Redakteurin Wirtschaft",
                        "new": "Chefredakteurin"}])]
    applied = api.simulate_post(f"{P}/transfers/apply", headers=bearer(token),
                                json={"client_id": client, "link_ids": [changes[0]["link_id"]]})
    assert applied.json == {"applied": 1, "closed": 0, "unchanged": 0}
    contact = api.simulate_get(f"/api/v1/crm/contacts/{changes[0]['contact_id']}", headers=bearer(token))
    assert contact.json["position"] == "Chefredakteurin" and contact.json["pressbase_id"] == f"J-{anna}"


def test_problems_in_the_readers_language_and_tenant_isolation(world, gateway, billing):
    identity, tenant = world
    api = gateway()
    token = tenant["admin_token"]
    bad = api.simulate_get(f"{P}/journalists", params={"media_type": "zine", "limit": "x", "lang": "en"},
                           headers=bearer(token))
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    fields = {e["field"]: e["message"] for e in bad.json["errors"]}
    assert fields["filters.media_type"] == 'Unknown value "zine" (media type).'
    assert "limit" in fields
    german = api.simulate_get(f"{P}/journalists", params={"media_type": "zine"}, headers=bearer(token, "de"))
    assert german.json["errors"][0]["message"] == "Unbekannter Wert „zine“ (Medientyp)."
    assert api.simulate_get(f"{P}/journalists/999999999", headers=bearer(token)).status_code == 404
    assert api.simulate_get(f"{P}/journalists/abc", headers=bearer(token)).status_code == 422
    malformed = api.simulate_post(f"{P}/selections", body="{not json", headers={
        **bearer(token), "Content-Type": "application/json"})
    assert malformed.status_code == 422 and malformed.json["errors"][0]["field"] == "body"
    assert api.simulate_get(f"{P}/journalists").status_code == 401

    # another account cannot see this account's selection
    mine = api.simulate_post(f"{P}/selections", headers=bearer(token), json={"name": "Meins", "kind": "list"}).json
    other = make_tenant(identity, name="Agentur Weber")
    other_token = other["admin_token"]
    assert api.simulate_get(f"{P}/selections/{mine['id']}", headers=bearer(other_token)).status_code == 404
    assert api.simulate_get(f"{P}/selections/{mine['id']}/recipients",
                            headers=bearer(other_token)).status_code == 404
    assert api.simulate_get(f"{P}/selections", headers=bearer(other_token)).json["items"] == []
    assert api.simulate_get(f"{P}/selections/{uuid.uuid4()}", headers=bearer(token)).status_code == 404


def test_the_operator_feeds_the_media_database(world, gateway, rpc_as):
    identity, tenant = world
    api = gateway()
    identity.call("create_operator", {"email": "feeds@pressroom.example", "roles": ["back_office"],
                                      "password": "Betreiber-Passwort-2026", "must_change_password": False},
                  principal=Principal.system("seed"))
    step = api.simulate_post("/api/v1/backoffice/auth/login", json={"email": "feeds@pressroom.example",
                                                                    "password": "Betreiber-Passwort-2026"})
    code = identity.mail_code("feeds@pressroom.example")
    op_token = api.simulate_post("/api/v1/auth/login/second-factor",
                                 json={"challenge": step.json["challenge"], "code": code}).json["token"]
    delta = [{**next(r for r in sample_records() if r["id"] == "J-2"), "position": "Sportchef"}]
    resp = api.simulate_post(f"{P}/feed-imports", params={"format": "jsonl", "mode": "delta",
                                                          "filename": "woche-12.jsonl"},
                             body=jsonl(delta), headers={**bearer(op_token), "Content-Type": "application/x-ndjson"})
    assert resp.status_code == 202, resp.json
    done = wait_job(api, op_token, resp.json)
    assert done["state"] == "done" and done["result"]["counts"]["journalist"]["update"] == 1
    history = api.simulate_get(f"{P}/feed-imports", headers=bearer(op_token)).json["items"]
    assert history[0]["filename"] == "woche-12.jsonl"
    changes = api.simulate_get(f"{P}/changes", params={"import_id": history[0]["id"]}, headers=bearer(op_token))
    assert changes.json["items"][0]["changes"] == {"position": ["Ressortleiter Sport", "Sportchef"]}
    # a broken feed: the job fails and names line and field; nothing changed
    broken = api.simulate_post(f"{P}/feed-imports", params={"format": "jsonl", "lang": "en"},
                               body=b'{"type":"journalist"}\n', headers=bearer(op_token))
    failed = wait_job(api, op_token, broken.json)
    assert failed["state"] == "failed" and failed["error"]["extra"]["errors"][0]["field"] == "id"
    # the press officer may not feed the database
    refused = api.simulate_post(f"{P}/feed-imports", params={"format": "jsonl"}, body=jsonl(delta),
                                headers=bearer(tenant["admin_token"]))
    assert refused.status_code == 403
    no_format = api.simulate_post(f"{P}/feed-imports", params={"lang": "en"}, body=b"x", headers=bearer(op_token))
    assert no_format.status_code == 422 and no_format.json["errors"][0]["field"] == "format"
