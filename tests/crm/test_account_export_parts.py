"""The whole-account archive with identity and dispatch running (issue 13, point 11): both contribute their part
(users, clients, suppressions, mailings, deliveries) instead of "missing: MethodNotFound", with no secret columns
and nothing of another account; their export_account_data answers only for the caller's own account."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from sqlalchemy import text

from crm_testing import wait_job
from svckit.errors import Forbidden, NotFound
from svckit.principal import Principal


def seed_identity(engine, account: str, client: str, tag: str) -> str:
    user = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, name) VALUES (:a, :n)"), {"a": account, "n": f"Konto {tag}"})
        conn.execute(text("INSERT INTO users (id, account_id, email, first_name, last_name, password_hash, "
                          "totp_secret, active) VALUES (:u, :a, :e, 'Ida', :l, :h, :t, true)"),
                     {"u": user, "a": account, "e": f"ida.{tag}@example.com", "l": tag, "h": f"argon2-hash-{tag}",
                      "t": f"TOTPSECRET{tag}"})
        conn.execute(text("INSERT INTO clients (id, account_id, name) VALUES (:c, :a, :n)"),
                     {"c": client, "a": account, "n": f"Mandant {tag}"})
        conn.execute(text("INSERT INTO client_rights (user_id, client_id, account_id, \"right\") "
                          "VALUES (:u, :c, :a, 'full')"), {"u": user, "c": client, "a": account})
    return user


def seed_dispatch(engine, account: str, client: str, tag: str) -> None:
    mailing = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO suppressions (account_id, address, reason) VALUES (:a, :e, 'unsubscribed')"),
                     {"a": account, "e": f"weg.{tag}@example.com"})
        conn.execute(text("INSERT INTO mailings (id, account_id, client_id, name, subject) "
                          "VALUES (:m, :a, :c, :n, 'Betreff')"), {"m": mailing, "a": account, "c": client,
                                                                  "n": f"Mailing {tag}"})
        delivery = conn.execute(text(
            "INSERT INTO deliveries (account_id, mailing_id, lane, email, domain, state) "
            "VALUES (:a, :m, 2, :e, 'example.com', 'sent') RETURNING id"),
            {"a": account, "m": mailing, "e": f"leser.{tag}@example.com"}).scalar()
        conn.execute(text("INSERT INTO delivery_events (delivery_id, mailing_id, kind) VALUES (:d, :m, 'sent')"),
                     {"d": delivery, "m": mailing})


@pytest.fixture
def parts(run_services, databases, tenant):
    from dispatch.service import DispatchService
    from identity.service import IdentityService

    run_services(IdentityService)
    run_services(DispatchService, config={"VERP_DOMAIN": "bounces.pressroom.test",
                                          "PUBLIC_BASE_URL": "https://press.example", "HOUSEKEEPING_INTERVAL": 60})
    seed_identity(databases.engine("identity"), tenant.account, tenant.full, "a")
    seed_identity(databases.engine("identity"), tenant.other_account, tenant.other_client, "b")
    seed_dispatch(databases.engine("dispatch"), tenant.account, tenant.full, "a")
    seed_dispatch(databases.engine("dispatch"), tenant.other_account, tenant.other_client, "b")


def test_archive_holds_identity_and_dispatch_parts_of_the_own_account_only(api, tenant, parts):
    admin = api(tenant.admin())
    job = admin.simulate_post("/api/v1/crm/account-exports")
    assert job.status_code == 202, job.text
    done = wait_job(admin, job.json, timeout=120)
    assert done["state"] == "done", done
    zf = zipfile.ZipFile(io.BytesIO(admin.simulate_get(f"/api/v1/crm/jobs/{done['id']}/file").content))
    manifest = json.loads(zf.read("manifest.json"))
    missing = {m["service"]: m["reason"] for m in manifest["missing"]}
    assert "identity" not in missing and "dispatch" not in missing, manifest
    assert manifest["services"]["identity"]["rows"] >= 4 and manifest["services"]["dispatch"]["rows"] >= 4

    identity = json.loads(zf.read("identity/data.json"))["tables"]
    assert [u["email"] for u in identity["users"]] == ["ida.a@example.com"]
    assert [c["name"] for c in identity["clients"]] == ["Mandant a"]
    assert [a["id"] for a in identity["accounts"]] == [tenant.account]
    assert len(identity["client_rights"]) == 1
    raw = zf.read("identity/data.json").decode()
    assert "argon2-hash" not in raw and "TOTPSECRET" not in raw and "password_hash" not in raw

    dispatch = json.loads(zf.read("dispatch/data.json"))["tables"]
    assert [s["address"] for s in dispatch["suppressions"]] == ["weg.a@example.com"]
    assert [m["name"] for m in dispatch["mailings"]] == ["Mailing a"]
    assert [d["email"] for d in dispatch["deliveries"]] == ["leser.a@example.com"]
    assert [e["kind"] for e in dispatch["delivery_events"]] == ["sent"]
    everything = b"".join(zf.read(n) for n in zf.namelist())
    assert b"ida.b@example.com" not in everything and b"weg.b@example.com" not in everything
    assert b"leser.b@example.com" not in everything and b"Mandant b" not in everything


def test_parts_answer_only_for_the_own_account(rpc_as, tenant, parts):
    for service in ("identity", "dispatch"):
        with rpc_as(Principal.system("crm", account_id=tenant.other_account)) as rpc:
            with pytest.raises(NotFound):
                getattr(rpc, service).export_account_data(tenant.account)
        with rpc_as(tenant.stranger()) as rpc:
            with pytest.raises((NotFound, Forbidden)):
                getattr(rpc, service).export_account_data(tenant.account)
        with rpc_as(tenant.user()) as rpc:          # a user without the administrator role
            with pytest.raises(Forbidden):
                getattr(rpc, service).export_account_data(tenant.account)
        with rpc_as(tenant.admin()) as rpc:
            first = getattr(rpc, service).export_account_data(tenant.account)
            assert first["service"] == service and first["next_cursor"]
            pages, cursor = [first], first["next_cursor"]
            while cursor:
                pages.append(getattr(rpc, service).export_account_data(tenant.account, cursor=cursor))
                cursor = pages[-1]["next_cursor"]
            assert len(pages) >= 4
