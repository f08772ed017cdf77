"""Identity end to end through the gateway: the real Falcon app, the real identity service, codes read from the SMTP
sink, the principal cache in Redis switched on (so these tests also prove that it is invalidated at once)."""

from __future__ import annotations

import hashlib
import uuid

import pytest
import redis

from svckit.authcache import prefix, redis_url

P = "/api/v1"
PASSWORD = "Kaffeebohnen-Sommer-42"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(gateway, identity):
    return gateway()


def login(api, identity, email, password=PASSWORD, ip="198.51.100.20"):
    resp = api.simulate_post(f"{P}/auth/login", json={"email": email, "password": password},
                             headers={"X-Forwarded-For": ip})
    assert resp.status_code == 200, resp.json
    if resp.json["status"] == "second_factor_required":
        code = identity.mail_code(email, count=len(identity.sink.messages(to=email)) and 1)
        resp = api.simulate_post(f"{P}/auth/login/second-factor",
                                 json={"challenge": resp.json["challenge"], "code": code})
        assert resp.status_code == 200, resp.json
    return resp


def test_first_login_mailed_code_cookie_csrf_and_logout(api, identity, tenant):
    admin_token = tenant["admin_token"]
    user = api.simulate_post(f"{P}/users", json={"email": "maria@example.com", "first_name": "Maria",
                                                 "last_name": "Muster", "language": "en", "active": True},
                             headers=bearer(admin_token))
    assert user.status_code == 201, user.json
    # first login with the one-time password from the welcome mail: only the password change is allowed
    otp = identity.one_time_password("maria@example.com")
    first = api.simulate_post(f"{P}/auth/login", json={"email": "maria@example.com", "password": otp})
    assert first.json["restrictions"] == ["password_change_required"]
    blocked = api.simulate_get(f"{P}/clients", headers=bearer(first.json["token"]))
    assert blocked.status_code == 403 and blocked.json["detail"] == "Please set a new password first."
    assert api.simulate_get(f"{P}/me", headers=bearer(first.json["token"])).status_code == 200
    changed = api.simulate_post(f"{P}/auth/password/change", json={"new_password": PASSWORD},
                                headers=bearer(first.json["token"]))
    assert changed.status_code == 200, changed.json
    token = changed.json["token"]
    assert api.simulate_get(f"{P}/me", headers=bearer(first.json["token"])).status_code == 401  # rotated
    # turn on codes by mail, log out, log in again: password -> code from the sink -> session
    assert api.simulate_put(f"{P}/me/two-factor/mail", json={"enabled": True},
                            headers=bearer(token)).json["two_factor"]["method"] == "email"
    assert api.simulate_post(f"{P}/auth/logout", headers=bearer(token)).status_code == 200
    assert api.simulate_get(f"{P}/me", headers=bearer(token)).status_code == 401
    identity.sink.clear()
    step = api.simulate_post(f"{P}/auth/login", json={"email": "maria@example.com", "password": PASSWORD})
    assert step.json["status"] == "second_factor_required" and "token" not in step.json
    code = identity.mail_code("maria@example.com")
    [mail] = identity.sink.messages(to="maria@example.com")
    assert mail["Subject"] == f"Your login code: {code}"  # in the user's language
    wrong = api.simulate_post(f"{P}/auth/login/second-factor",
                              json={"challenge": step.json["challenge"], "code": "000000" if code != "000000"
                                    else "111111"}, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert wrong.status_code == 422 and wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json["errors"][0]["field"] == "code" and "4 attempts left" in wrong.json["errors"][0]["message"]
    done = api.simulate_post(f"{P}/auth/login/second-factor", json={"challenge": step.json["challenge"],
                                                                     "code": code})
    assert done.status_code == 200
    cookie = done.cookies["pressroom_session"]
    assert cookie.value == done.json["token"]
    assert cookie.secure and cookie.http_only and cookie.same_site.lower() == "strict"
    jar = {"pressroom_session": cookie.value}
    me = api.simulate_get(f"{P}/me", cookies=jar)
    assert me.status_code == 200 and me.json["email"] == "maria@example.com"
    # cookie sessions: a state-changing request needs the CSRF header
    forged = api.simulate_patch(f"{P}/me", json={"language": "de"}, cookies=jar)
    assert forged.status_code == 403 and forged.json["extra"]["reason"] == "csrf"
    assert api.simulate_get(f"{P}/me", cookies=jar).json["language"] == "en"
    ok = api.simulate_patch(f"{P}/me", json={"language": "de"}, cookies=jar,
                            headers={"X-Requested-With": "fetch"})
    assert ok.status_code == 200 and ok.json["language"] == "de"
    # the language setting decides the language of errors from the next request on
    missing = api.simulate_get(f"{P}/users/{uuid.uuid4()}", cookies=jar)
    assert missing.status_code == 404 and missing.json["detail"] == "Benutzer nicht gefunden."
    # a stale cookie does not block logging in again
    out = api.simulate_post(f"{P}/auth/logout", cookies=jar, headers={"X-Requested-With": "fetch"})
    assert out.status_code == 200
    again = api.simulate_post(f"{P}/auth/login", json={"email": "maria@example.com", "password": PASSWORD},
                              cookies=jar)
    assert again.status_code == 200


def test_revoked_sessions_and_rights_changes_apply_on_the_next_request(api, identity, tenant):
    admin = bearer(tenant["admin_token"])
    konzern, tochter = tenant["ids"]["client_ids"]
    created = api.simulate_post(f"{P}/users", json={"email": "ben@example.com", "active": True,
                                                    "rights": {konzern: "read"}}, headers=admin).json
    identity.first_login("ben@example.com")
    token = login(api, identity, "ben@example.com").json["token"]
    other = login(api, identity, "ben@example.com").json["token"]
    ben = bearer(token)
    assert api.simulate_get(f"{P}/clients/{konzern}", headers=ben).json["right"] == "read"
    # the answer is cached in Redis now ...
    cache = redis.Redis.from_url(redis_url())
    assert cache.exists(f"{prefix()}p:{hashlib.sha256(token.encode()).hexdigest()}")
    # ... and still every change counts from the very next request
    assert api.simulate_get(f"{P}/clients/{tochter}", headers=ben).status_code == 404      # hidden
    assert api.simulate_patch(f"{P}/clients/{konzern}", json={"description": "x"}, headers=ben).status_code == 403
    api.simulate_put(f"{P}/users/{created['id']}/rights", json={"rights": {tochter: "full", konzern: "hidden"}},
                     headers=admin)
    assert api.simulate_get(f"{P}/clients/{konzern}", headers=ben).status_code == 404
    assert api.simulate_patch(f"{P}/clients/{tochter}", json={"description": "Presse Süd"},
                              headers=ben).json["description"] == "Presse Süd"
    api.simulate_put(f"{P}/clients/{tochter}/rights", json={"rights": {created["id"]: "read"}}, headers=admin)
    assert api.simulate_patch(f"{P}/clients/{tochter}", json={"description": "y"}, headers=ben).status_code == 403
    # ending one's other session
    sessions = api.simulate_get(f"{P}/me/sessions", headers=ben).json["sessions"]
    assert api.simulate_get(f"{P}/me", headers=bearer(other)).status_code == 200
    other_id = next(s["id"] for s in sessions if not s["current"])
    assert api.simulate_delete(f"{P}/me/sessions/{other_id}", headers=ben).status_code == 200
    assert api.simulate_get(f"{P}/me", headers=bearer(other)).status_code == 401
    # deactivation by the administrator
    assert api.simulate_get(f"{P}/me", headers=ben).status_code == 200
    assert api.simulate_post(f"{P}/users/{created['id']}/deactivate", headers=admin).json["active"] is False
    gone = api.simulate_get(f"{P}/me", headers=ben)
    assert gone.status_code == 401 and gone.headers["content-type"] == "application/problem+json"


def test_tenants_are_invisible_to_each_other_over_http(api, identity, tenant):
    other = identity.create_account(name="Fremd GmbH")
    admin = bearer(tenant["admin_token"])
    for path in (f"/users/{other['administrator_id']}", f"/clients/{other['client_ids'][0]}",
                 f"/accounts/{other['account_id']}"):
        resp = api.simulate_get(P + path, headers=admin)
        assert resp.status_code == 404, path
    assert api.simulate_post(f"{P}/users/{other['administrator_id']}/deactivate", headers=admin).status_code == 404
    own = api.simulate_get(f"{P}/audit", headers=admin).json["entries"]
    assert own and all(e["event"] for e in own)
    from identity_testing import BILLING  # noqa: F401  (the other tenant's audit ids)
    from svckit.principal import Principal
    other_entries = identity.call("list_audit", principal=Principal.system("test", other["account_id"]))["entries"]
    resp = api.simulate_get(f"{P}/audit/{other_entries[0]['id']}", headers=admin)
    assert resp.status_code == 404
    assert api.simulate_get(f"{P}/audit/abc", headers=admin).status_code == 422
    bad = api.simulate_get(f"{P}/users/not-an-id", headers=admin, params={"lang": "en"})
    assert bad.status_code == 422 and bad.json["errors"] == [{"field": "user_id", "message": "Invalid identifier."}]


def test_forgot_password_answers_the_same_for_every_address(api, identity, tenant):
    known = api.simulate_post(f"{P}/auth/password/forgot", json={"email": tenant["admin_email"]})
    unknown = api.simulate_post(f"{P}/auth/password/forgot", json={"email": "wer@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json and "15 Minuten" in known.json["message"]
    otp = identity.one_time_password(tenant["admin_email"], count=2)
    reset = api.simulate_post(f"{P}/auth/password/reset", json={"email": tenant["admin_email"],
                                                                "one_time_password": otp,
                                                                "new_password": "passwort123"})
    assert reset.status_code == 422 and reset.json["errors"][0]["field"] == "new_password"
    reset = api.simulate_post(f"{P}/auth/password/reset", json={"email": tenant["admin_email"],
                                                                "one_time_password": otp,
                                                                "new_password": "Neue-Sonnenblume-77"})
    assert reset.status_code == 200
    assert api.simulate_get(f"{P}/me", headers=bearer(tenant["admin_token"])).status_code == 401


def test_operator_login_and_audit(api, identity, tenant):
    from svckit.principal import Principal
    identity.call("create_operator", {"email": "ops@pressroom.example", "roles": ["support"],
                                      "password": "Betreiber-Passwort-2026", "must_change_password": False},
                  principal=Principal.system("seed"))
    refused = api.simulate_post(f"{P}/auth/login", json={"email": "ops@pressroom.example",
                                                         "password": "Betreiber-Passwort-2026"})
    assert refused.status_code == 401
    step = api.simulate_post(f"{P}/backoffice/auth/login", json={"email": "ops@pressroom.example",
                                                                 "password": "Betreiber-Passwort-2026"})
    assert step.json["status"] == "second_factor_required"
    code = identity.mail_code("ops@pressroom.example")
    token = api.simulate_post(f"{P}/auth/login/second-factor",
                              json={"challenge": step.json["challenge"], "code": code}).json["token"]
    accounts = api.simulate_get(f"{P}/backoffice/accounts", headers=bearer(token))
    assert accounts.status_code == 200 and tenant["ids"]["account_id"] in {a["id"] for a in accounts.json["accounts"]}
    assert api.simulate_get(f"{P}/users", headers=bearer(tenant["admin_token"])).status_code == 200
    assert api.simulate_get(f"{P}/users", headers=bearer(token)).status_code == 403
    assert api.simulate_get(f"{P}/backoffice/accounts", headers=bearer(tenant["admin_token"])).status_code == 403
    audit = api.simulate_get(f"{P}/backoffice/audit", headers=bearer(token),
                             params={"event": "operator_action"}).json["entries"]
    paths = {(e["details"]["method"], e["details"]["path"], e["details"]["status"]) for e in audit}
    assert ("GET", f"{P}/backoffice/accounts", 200) in paths and ("GET", f"{P}/users", 403) in paths


def test_openapi_documents_the_identity_routes(api):
    spec = api.simulate_get(f"{P}/openapi.json").json
    for path in ("/auth/login", "/auth/login/second-factor", "/users/{user_id}/activate", "/clients/{client_id}/rights",
                 "/audit", "/backoffice/auth/login", "/me/sessions/{session_id}"):
        assert P + path in spec["paths"]
    assert spec["paths"][f"{P}/auth/login"]["post"]["security"] == []
