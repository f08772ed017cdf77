"""Issue 13 through the gateway, identity's parts: re-authentication with the current password before changes a
stolen session must not make (point 3); 4xx naming the field instead of a 5xx for null in PATCH bodies, NUL in
unauthenticated requests and integers beyond 64 bits (point 10); literal % and _ in searches, 404 for operators on
customer objects, no empty names (point 11)."""

from __future__ import annotations

import uuid

import pyotp
import pytest

from svckit.principal import Principal

P = "/api/v1"
PASSWORD = "Kaffeebohnen-Sommer-42"
WRONG = "Falsches-Passwort-99"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(gateway, identity):
    return gateway()


def fields(resp) -> list[str]:
    assert resp.headers["content-type"] == "application/problem+json", resp.text
    return [e["field"] for e in resp.json.get("errors", [])]


def refused_without_and_with_a_wrong_password(api, identity, method, path, body, headers):
    """The change is refused (422 naming current_password) without it and with a wrong one."""
    missing = api.simulate_request(method, P + path, json=body, headers=headers)
    assert missing.status_code == 422 and fields(missing) == ["current_password"], (path, missing.json)
    wrong = api.simulate_request(method, P + path, json={**body, "current_password": WRONG}, headers=headers)
    assert wrong.status_code == 422 and fields(wrong) == ["current_password"], (path, wrong.json)
    assert wrong.json["errors"][0]["message"] == "Das bisherige Passwort ist falsch."
    identity.clock.advance(seconds=31)  # a wrong password counts as a failed login: let its throttle delay pass


def test_second_factor_changes_and_a_new_email_need_the_current_password(api, identity, tenant):
    admin = bearer(tenant["admin_token"])
    me = api.simulate_get(f"{P}/me", headers=admin).json
    # codes by mail: on needs nothing, off needs the password
    on = api.simulate_put(f"{P}/me/two-factor/mail", json={"enabled": True}, headers=admin)
    assert on.status_code == 200 and on.json["two_factor"]["own_choice"] == "email"
    refused_without_and_with_a_wrong_password(api, identity, "PUT", "/me/two-factor/mail", {"enabled": False}, admin)
    assert api.simulate_get(f"{P}/me", headers=admin).json["two_factor"]["own_choice"] == "email"  # unchanged
    off = api.simulate_put(f"{P}/me/two-factor/mail", json={"enabled": False, "current_password": PASSWORD},
                           headers=admin)
    assert off.status_code == 200 and off.json["two_factor"]["own_choice"] == "none"
    # the authenticator app: confirming it (which hands out the first backup codes) needs the password
    secret = api.simulate_post(f"{P}/me/two-factor/totp", headers=admin).json["secret"]
    code = pyotp.TOTP(secret).at(identity.clock.now())
    refused_without_and_with_a_wrong_password(api, identity, "POST", "/me/two-factor/totp/confirm",
                                              {"code": code}, admin)
    assert api.simulate_get(f"{P}/me", headers=admin).json["two_factor"]["totp"] is False
    confirmed = api.simulate_post(f"{P}/me/two-factor/totp/confirm",
                                  json={"code": pyotp.TOTP(secret).at(identity.clock.now()),
                                        "current_password": PASSWORD}, headers=admin)
    assert confirmed.status_code == 200 and len(confirmed.json["backup_codes"]) == 10
    # new backup codes
    refused_without_and_with_a_wrong_password(api, identity, "POST", "/me/two-factor/backup-codes", {}, admin)
    fresh = api.simulate_post(f"{P}/me/two-factor/backup-codes", json={"current_password": PASSWORD}, headers=admin)
    assert fresh.status_code == 200 and set(fresh.json["backup_codes"]).isdisjoint(confirmed.json["backup_codes"])
    # the app off
    refused_without_and_with_a_wrong_password(api, identity, "POST", "/me/two-factor/totp/disable", {}, admin)
    assert api.simulate_get(f"{P}/me", headers=admin).json["two_factor"]["totp"] is True
    disabled = api.simulate_post(f"{P}/me/two-factor/totp/disable", json={"current_password": PASSWORD},
                                 headers=admin)
    assert disabled.status_code == 200 and disabled.json["two_factor"]["totp"] is False
    # a user's new e-mail address (where reset mails go) needs the administrator's password; a name does not
    user = api.simulate_post(f"{P}/users", json={"email": f"ben-{uuid.uuid4().hex[:6]}@example.com",
                                                 "first_name": "Ben", "last_name": "Nutzer", "active": True},
                            headers=admin).json
    renamed = api.simulate_patch(f"{P}/users/{user['id']}", json={"first_name": "Benjamin"}, headers=admin)
    assert renamed.status_code == 200 and renamed.json["first_name"] == "Benjamin"
    new_email = f"neu-{uuid.uuid4().hex[:6]}@example.com"
    refused_without_and_with_a_wrong_password(api, identity, "PATCH", f"/users/{user['id']}",
                                              {"email": new_email}, admin)
    assert api.simulate_get(f"{P}/users/{user['id']}", headers=admin).json["email"] == user["email"]
    moved = api.simulate_patch(f"{P}/users/{user['id']}", json={"email": new_email, "current_password": PASSWORD},
                               headers=admin)
    assert moved.status_code == 200 and moved.json["email"] == new_email
    welcome, notice = identity.sink.wait_for(2, to=user["email"])  # the old address is told
    assert notice["Subject"] == "Ihre Anmelde-Adresse wurde geändert" and new_email in notice.text
    # every wrong password was a failed login of the administrator, in the audit log
    audit = api.simulate_get(f"{P}/audit", headers=admin, params={"event": "login_failed"}).json["entries"]
    assert [e["details"]["reason"] for e in audit] == ["wrong_current_password"] * 5
    assert all(e["target_user_id"] == me["id"] for e in audit)


def test_null_in_patch_bodies_is_a_422_naming_the_field(api, identity, tenant):
    admin = bearer(tenant["admin_token"])
    client_id = tenant["ids"]["client_ids"][0]
    user_id = tenant["ids"]["administrator_id"]
    cases = [("/me", {"first_name": None}, "first_name"), ("/me", {"last_name": None}, "last_name"),
             ("/me", {"language": None}, "language"),
             (f"/clients/{client_id}", {"name": None}, "name"),
             (f"/users/{user_id}", {"email": None}, "email"), (f"/users/{user_id}", {"first_name": None}, "first_name"),
             (f"/users/{user_id}", {"language": None}, "language"),
             (f"/users/{user_id}", {"two_factor_by_mail": None}, "two_factor_by_mail"),
             ("/account/settings", {"password_min_length": None}, "password_min_length"),
             ("/account/settings", {"two_factor_required": None}, "two_factor_required"),
             ("/account/settings", {"name": None}, "name"),
             ("/account/settings", {"idle_timeout_minutes": None}, "idle_timeout_minutes")]
    for path, body, field in cases:
        resp = api.simulate_patch(P + path, json=body, headers=admin)
        assert resp.status_code == 422 and fields(resp) == [field], (path, body, resp.status_code, resp.text)
    # where null means something it still works: no change interval, no salutation, no description
    settings = api.simulate_patch(f"{P}/account/settings", json={"password_max_age_days": None}, headers=admin)
    assert settings.status_code == 200 and settings.json["security"]["password_max_age_days"] is None
    me = api.simulate_patch(f"{P}/me", json={"salutation": None}, headers=admin)
    assert me.status_code == 200 and me.json["salutation"] is None
    client = api.simulate_patch(f"{P}/clients/{client_id}", json={"description": None}, headers=admin)
    assert client.status_code == 200 and client.json["description"] == ""


def test_names_on_patch_me_cannot_be_emptied_or_carry_line_breaks(api, identity, tenant):
    admin = bearer(tenant["admin_token"])
    before = api.simulate_get(f"{P}/me", headers=admin).json
    for body, field in (({"first_name": ""}, "first_name"), ({"last_name": "   "}, "last_name"),
                        ({"first_name": "Eve\r\nBcc: x@example.com"}, "first_name")):
        resp = api.simulate_patch(f"{P}/me", json=body, headers=admin)
        assert resp.status_code == 422 and fields(resp) == [field], (body, resp.json)
    me = api.simulate_get(f"{P}/me", headers=admin).json
    assert (me["first_name"], me["last_name"]) == (before["first_name"], before["last_name"])  # nothing written
    ok = api.simulate_patch(f"{P}/me", json={"first_name": "Anne"}, headers=admin)
    assert ok.status_code == 200 and ok.json["first_name"] == "Anne"


def test_nul_characters_in_unauthenticated_requests_are_a_422_naming_the_field(api, identity, tenant):
    email = tenant["admin_email"]
    for path, body, field in (
            ("/auth/login", {"email": email + "\x00", "password": PASSWORD}, "email"),
            ("/auth/login", {"email": email, "password": "Kaffee\x00bohnen"}, "password"),
            ("/backoffice/auth/login", {"email": "ops\x00@example.com", "password": PASSWORD}, "email"),
            ("/auth/password/forgot", {"email": "wer\x00@example.org"}, "email"),
            ("/auth/password/reset", {"email": email, "one_time_password": "abc\x00def",
                                      "new_password": "Neue-Sonnenblume-77"}, "one_time_password"),
            ("/auth/password/reset", {"email": email, "one_time_password": "abcdef",
                                      "new_password": "Neue\x00Sonnenblume"}, "new_password"),
            ("/auth/login/second-factor", {"challenge": "x\x00", "code": "123456"}, "challenge")):
        resp = api.simulate_post(P + path, json=body)
        assert resp.status_code == 422 and fields(resp) == [field], (path, resp.status_code, resp.text)
    search = api.simulate_get(f"{P}/users", params={"q": "a\x00b"}, headers=bearer(tenant["admin_token"]))
    assert search.status_code == 422 and fields(search) == ["q"]


def test_integers_beyond_64_bits_in_the_audit_cursor_are_a_422(api, identity, tenant):
    admin = bearer(tenant["admin_token"])
    for value in (str(2 ** 63), "1" + "0" * 30):
        resp = api.simulate_get(f"{P}/audit", params={"cursor": value}, headers=admin)
        assert resp.status_code == 422 and fields(resp) == ["cursor"], resp.text
    for value in (str(2 ** 64), "-1", "0"):
        resp = api.simulate_get(f"{P}/audit", params={"limit": value}, headers=admin)
        assert resp.status_code == 422 and fields(resp) == ["limit"], resp.text
    assert api.simulate_get(f"{P}/audit", params={"cursor": str(2 ** 63 - 1)}, headers=admin).status_code == 200
    assert api.simulate_get(f"{P}/audit/{2 ** 70}", headers=admin).status_code == 404


def test_percent_and_underscore_in_searches_match_literally(api, identity, tenant):
    admin = bearer(tenant["admin_token"])
    for first, last in (("Hundert", "100% Sicher"), ("Unter", "Strich_Frau"), ("Otto", "Normal")):
        resp = api.simulate_post(f"{P}/users", json={"email": f"{first.lower()}-{uuid.uuid4().hex[:6]}@example.com",
                                                     "first_name": first, "last_name": last}, headers=admin)
        assert resp.status_code == 201, resp.json

    def names(q):
        users = api.simulate_get(f"{P}/users", params={"q": q}, headers=admin).json["users"]
        return sorted(u["last_name"] for u in users)

    assert names("%") == ["100% Sicher"]
    assert names("_") == ["Strich_Frau"]
    assert names("o_m") == []  # "_" is no wildcard for any one character (it would match "Normal")
    assert names("\\") == []
    assert names("normal") == ["Normal"]
    # the operators' account search too
    identity.create_account(name="Rabatt 50% GmbH")
    identity.create_account(name="Rabatt 500 GmbH")
    ops = operator_token(api, identity)
    found = api.simulate_get(f"{P}/backoffice/accounts", params={"q": "50%"}, headers=bearer(ops)).json["accounts"]
    assert [a["name"] for a in found] == ["Rabatt 50% GmbH"]


def operator_token(api, identity) -> str:
    email = f"ops-{uuid.uuid4().hex[:6]}@pressroom.example"
    identity.call("create_operator", {"email": email, "roles": ["back_office", "support"],
                                      "password": "Betreiber-Passwort-2026", "must_change_password": False},
                  principal=Principal.system("seed"))
    step = api.simulate_post(f"{P}/backoffice/auth/login", json={"email": email,
                                                                 "password": "Betreiber-Passwort-2026"})
    code = identity.mail_code(email)
    done = api.simulate_post(f"{P}/auth/login/second-factor", json={"challenge": step.json["challenge"],
                                                                     "code": code})
    assert done.status_code == 200, done.json
    return done.json["token"]


def test_operators_get_404_for_customer_objects_whether_they_exist_or_not(api, identity, tenant):
    ops = bearer(operator_token(api, identity))
    admin = bearer(tenant["admin_token"])
    ids = tenant["ids"]
    entry = api.simulate_get(f"{P}/audit", headers=admin).json["entries"][0]["id"]
    unknown = str(uuid.uuid4())
    for method, existing, missing in (
            ("GET", f"/users/{ids['administrator_id']}", f"/users/{unknown}"),
            ("PATCH", f"/users/{ids['administrator_id']}", f"/users/{unknown}"),
            ("POST", f"/users/{ids['administrator_id']}/deactivate", f"/users/{unknown}/deactivate"),
            ("POST", f"/users/{ids['administrator_id']}/activate", f"/users/{unknown}/activate"),
            ("PUT", f"/users/{ids['administrator_id']}/rights", f"/users/{unknown}/rights"),
            ("GET", f"/clients/{ids['client_ids'][0]}", f"/clients/{unknown}"),
            ("PATCH", f"/clients/{ids['client_ids'][0]}", f"/clients/{unknown}"),
            ("DELETE", f"/clients/{ids['client_ids'][0]}", f"/clients/{unknown}"),
            ("PUT", f"/clients/{ids['client_ids'][0]}/rights", f"/clients/{unknown}/rights"),
            ("GET", f"/accounts/{ids['account_id']}", f"/accounts/{unknown}"),
            ("GET", f"/audit/{entry}", f"/audit/{entry + 10 ** 6}")):
        body = {"rights": {}} if existing.endswith("/rights") else (
            {("first_name" if "/users/" in existing else "description"): "X"} if method == "PATCH" else None)
        answers = [api.simulate_request(method, P + path, json=body, headers=ops) for path in (existing, missing)]
        assert [a.status_code for a in answers] == [404, 404], (method, existing, [a.text for a in answers])
        assert answers[0].json["detail"] == answers[1].json["detail"]
    # nothing was changed on the way
    assert api.simulate_get(f"{P}/users/{ids['administrator_id']}", headers=admin).json["first_name"] != "X"
    assert api.simulate_get(f"{P}/users/{ids['administrator_id']}", headers=admin).json["active"] is True
    clients = api.simulate_get(f"{P}/clients", headers=admin).json["clients"]
    assert len(clients) == 2 and all(c["description"] != "X" for c in clients)
