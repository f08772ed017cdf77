"""The client's address through the real gateway and identity: X-Forwarded-For is believed only from a trusted proxy
(TRUSTED_PROXIES), so the per-address login throttle cannot be dodged by changing the header, and sessions and the
audit log record the real address."""

from __future__ import annotations

import uuid

P = "/api/v1"
PASSWORD = "Kaffeebohnen-Sommer-42"
PROXY = "10.9.0.7"  # the Ingress controller, inside TRUSTED_PROXIES below


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def hammer(api, peer: str, forwarded_for, attempts: int = 40) -> list[int]:
    """Failed logins (a new unknown name each time: the per-name throttle stays out of it) until one is throttled.
    After 20 free failures each further one doubles the wait (1 s, 2 s, 4 s, ...), so a 429 comes within a few more
    however slow the machine."""
    statuses = []
    for i in range(attempts):
        resp = api.simulate_post(f"{P}/auth/login", json={"email": f"nobody-{uuid.uuid4().hex[:10]}@example.com",
                                                          "password": "Falsches-Passwort-1"},
                                 headers={"X-Forwarded-For": forwarded_for(i)}, remote_addr=peer)
        statuses.append(resp.status_code)
        if resp.status_code == 429:
            assert int(resp.headers["retry-after"]) >= 1
            break
    return statuses


def wrong_login(api, email, peer, **headers):
    return api.simulate_post(f"{P}/auth/login", json={"email": email, "password": "Falsches-Passwort-1"},
                             headers=headers, remote_addr=peer)


def test_the_per_address_throttle_cannot_be_dodged_with_x_forwarded_for(gateway, identity):
    api = gateway()  # TRUSTED_PROXIES empty: no proxy is believed
    statuses = hammer(api, "192.0.2.77", lambda i: f"203.0.113.{i + 1}")
    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {401} and len(statuses) > 20
    # the throttle holds the peer, whatever it claims next, and no one else
    assert wrong_login(api, "x@example.com", "192.0.2.77", **{"X-Forwarded-For": "198.51.100.200"}).status_code == 429
    assert wrong_login(api, "x@example.com", "192.0.2.78").status_code == 401


def test_behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own(gateway, identity):
    api = gateway(trusted_proxies="10.9.0.0/16")
    # a client that writes its own X-Forwarded-For: the proxy appends the real address, which is the one counted
    statuses = hammer(api, PROXY, lambda i: f"6.6.{i}.6, 203.0.113.60")
    assert statuses[-1] == 429, statuses
    assert wrong_login(api, "x@example.com", PROXY, **{"X-Forwarded-For": "203.0.113.60"}).status_code == 429
    # another client behind the same proxy is not held back
    assert wrong_login(api, "x@example.com", PROXY, **{"X-Forwarded-For": "203.0.113.61"}).status_code == 401


def _session_and_audit_ips(api, identity, tenant, peer, **headers) -> tuple[str, str]:
    email = tenant["admin_email"]
    assert wrong_login(api, email, peer, **headers).status_code == 401
    resp = api.simulate_post(f"{P}/auth/login", json={"email": email, "password": PASSWORD}, headers=headers,
                             remote_addr=peer)
    assert resp.status_code == 200, resp.json
    if resp.json["status"] == "second_factor_required":
        resp = api.simulate_post(f"{P}/auth/login/second-factor", headers=headers, remote_addr=peer,
                                 json={"challenge": resp.json["challenge"], "code": identity.mail_code(email)})
        assert resp.status_code == 200, resp.json
    token = resp.json["token"]
    [current] = [s for s in api.simulate_get(f"{P}/me/sessions", headers=bearer(token)).json["sessions"]
                 if s["current"]]
    audit = api.simulate_get(f"{P}/audit", params={"event": "login_failed"}, headers=bearer(token))
    assert audit.status_code == 200, audit.json
    return current["ip"], audit.json["entries"][0]["ip"]


def test_sessions_and_audit_record_the_peer_when_it_is_not_a_trusted_proxy(gateway, identity, tenant):
    api = gateway(trusted_proxies="10.9.0.0/16")
    assert _session_and_audit_ips(api, identity, tenant, "192.0.2.91", **{"X-Forwarded-For": "203.0.113.66"}) == \
        ("192.0.2.91", "192.0.2.91")


def test_sessions_and_audit_record_the_forwarded_client_behind_a_trusted_proxy(gateway, identity, tenant):
    api = gateway(trusted_proxies="10.9.0.0/16")
    assert _session_and_audit_ips(api, identity, tenant, PROXY,
                                  **{"X-Forwarded-For": "6.6.6.6, 203.0.113.67"}) == ("203.0.113.67", "203.0.113.67")
