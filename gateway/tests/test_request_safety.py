"""The gateway's own defences, on the real app (no service needed: each request here is answered before any RPC).

- the client's address: X-Forwarded-For / Forwarded believed only from TRUSTED_PROXIES, right-most untrusted hop;
- JSON bodies on every route: depth, 64-bit integers, non-finite numbers, NUL (422 naming the field, never a 5xx);
- NUL in query parameters;
- Retry-After on every 429 and 503, Cache-Control on API answers, CSP and frame protection on HTML, HSTS;
- billing's paging parameters.
"""

from __future__ import annotations

import re

import falcon
import pytest
from falcon import testing

from gateway.app import create_app
from gateway.auth import client_of
from gateway.middleware import client_address
from gateway.rpc import RpcClient
from gateway.settings import Settings, networks
from gateway_testing import ActAs
from svckit.errors import TooManyRequests, Unavailable
from svckit.principal import Principal

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"


class Echo:
    """What the services would be told about the client."""

    auth_required = False

    def on_get(self, req, resp):
        resp.media = client_of(req)


class Raiser:
    auth_required = False

    def __init__(self, exc):
        self.exc = exc

    def on_get(self, req, resp):
        raise self.exc


def make_client(extra_middleware=None, **overrides) -> testing.TestClient:
    settings = Settings(amqp_uri=NO_BROKER, auth_cache=False, **overrides)
    app = create_app(RpcClient(settings.amqp_uri, settings.principal_secret, 2.0), settings,
                     extra_middleware=extra_middleware)
    app.add_route("/test/client", Echo())
    for name, exc in {"throttled": TooManyRequests(retry_after=17), "slow": TooManyRequests(),
                      "down": Unavailable(), "falcon-429": falcon.HTTPTooManyRequests(),
                      "falcon-503": falcon.HTTPServiceUnavailable(),
                      "falcon-503-timed": falcon.HTTPServiceUnavailable(retry_after=5)}.items():
        app.add_route(f"/api/v1/test/{name}", Raiser(exc))
    return testing.TestClient(app)


@pytest.fixture
def client():
    return make_client()


# --- the client's address ---------------------------------------------------------------------------------------------

def ip_seen(client, peer, **headers) -> str:
    resp = client.simulate_get("/test/client", remote_addr=peer, headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json["ip"]


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(client):
    """Default (no TRUSTED_PROXIES): whatever the client writes, the peer's address is the client's."""
    assert ip_seen(client, "192.0.2.50", **{"X-Forwarded-For": "203.0.113.9"}) == "192.0.2.50"
    assert ip_seen(client, "192.0.2.50", Forwarded="for=203.0.113.9") == "192.0.2.50"
    assert ip_seen(client, "192.0.2.50") == "192.0.2.50"
    # a peer outside the trusted networks is not believed either
    behind = make_client(trusted_proxies="10.9.0.0/16")
    assert ip_seen(behind, "192.0.2.50", **{"X-Forwarded-For": "203.0.113.9"}) == "192.0.2.50"


def test_from_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client():
    behind = make_client(trusted_proxies="10.9.0.0/16, 2001:db8:9::/48")
    assert ip_seen(behind, "10.9.0.7", **{"X-Forwarded-For": "203.0.113.9"}) == "203.0.113.9"
    # what the client wrote itself lies left of what the proxies appended: never used
    assert ip_seen(behind, "10.9.0.7", **{"X-Forwarded-For": "6.6.6.6, 203.0.113.9"}) == "203.0.113.9"
    # a chain of trusted proxies is walked through
    assert ip_seen(behind, "10.9.0.7", **{"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.9.3.3"}) == "203.0.113.9"
    # Forwarded (RFC 7239) when there is no X-Forwarded-For, ports and IPv6 brackets taken off
    assert ip_seen(behind, "10.9.0.7", Forwarded='for=6.6.6.6, for="[2001:db8::5]:4711";proto=https') == \
        "2001:db8::5"
    assert ip_seen(behind, "2001:db8:9::1", Forwarded="for=198.51.100.4:5000") == "198.51.100.4"
    # a hop that is not an address stops the walk at the proxy that reported it
    assert ip_seen(behind, "10.9.0.7", **{"X-Forwarded-For": "203.0.113.9, unknown"}) == "10.9.0.7"
    # without a header the peer it is
    assert ip_seen(behind, "10.9.0.7") == "10.9.0.7"


def test_client_address_rules():
    trusted = networks("10.0.0.0/8")
    assert client_address("10.1.1.1", "1.2.3.4, 10.2.2.2", None, trusted) == "1.2.3.4"
    assert client_address("10.1.1.1", "10.3.3.3, 10.2.2.2", None, trusted) == "10.3.3.3"  # all trusted: left-most
    assert client_address("::ffff:10.1.1.1", "1.2.3.4", None, trusted) == "1.2.3.4"  # IPv4-mapped peer
    assert client_address("10.1.1.1", "garbage", None, trusted) == "10.1.1.1"
    assert client_address("10.1.1.1", None, 'for=_hidden, for="1.2.3.4"', trusted) == "1.2.3.4"
    assert client_address("10.1.1.1", None, 'for=1.2.3.4, for=_hidden', trusted) == "10.1.1.1"
    # X-Forwarded-For wins over Forwarded: a proxy that appends to the one passes the other through unchecked
    assert client_address("10.1.1.1", "1.2.3.4", "for=6.6.6.6", trusted) == "1.2.3.4"
    assert client_address("1.1.1.1", "1.2.3.4", None, ()) == "1.1.1.1"


def test_a_malformed_trusted_proxies_setting_stops_the_start():
    with pytest.raises(ValueError, match="TRUSTED_PROXIES: 'ten.0.0.0/8'"):
        networks("10.0.0.0/8, ten.0.0.0/8")


# --- JSON bodies ------------------------------------------------------------------------------------------------------

PUBLIC_POSTS = ["/api/v1/auth/login", "/api/v1/auth/password/forgot", "/api/v1/auth/password/reset",
                "/api/v1/billing/orders"]


def post(client, path, text):
    return client.simulate_post(path, body=text, headers={"Content-Type": "application/json",
                                                          "Accept-Language": "en"})


def fields(resp) -> dict[str, str]:
    assert resp.status_code == 422, (resp.status_code, resp.text)
    assert resp.headers["content-type"] == "application/problem+json"
    return {e["field"]: e["message"] for e in resp.json["errors"]}


@pytest.mark.parametrize("path", PUBLIC_POSTS)
def test_deeply_nested_json_is_a_422_naming_the_body(client, path):
    for depth in (65, 1_000, 100_000):
        text = '{"email": ' + "[" * depth + "]" * depth + "}"
        assert fields(post(client, path, text)) == {"body": "Nested too deeply (at most 64 levels)."}, depth


def test_nesting_up_to_64_levels_passes_the_gateway(client):
    ok = '{"email": ' + "[" * 63 + "]" * 63 + "}"  # the object is level 1
    resp = post(client, "/api/v1/auth/login", ok)
    assert resp.status_code == 503  # reached the (absent) broker: the gateway let it through


@pytest.mark.parametrize("path", PUBLIC_POSTS)
def test_integers_beyond_64_bits_are_a_422_naming_the_field_path(client, path):
    text = ('{"email": "a@example.com", "seats": 9223372036854775808, "clients": [{"n": 1}, {"n": -'
            + "9" * 5000 + '}], "x": 1e999, "y": NaN, "ok": 9223372036854775807}')
    assert fields(post(client, path, text)) == {
        "seats": "The number is too large (at most 64 bits, ±9223372036854775807).",
        "clients.1.n": "The number is too large (at most 64 bits, ±9223372036854775807).",
        "x": "Not a finite number.", "y": "Not a finite number."}


@pytest.mark.parametrize("path", PUBLIC_POSTS)
def test_nul_in_any_json_string_or_key_is_a_422_naming_the_field(client, path):
    text = r'{"email": "eve@example.com\u0000", "profile": {"names": ["ok", "x\u0000"]}, "k\u0000": 1}'
    assert fields(post(client, path, text)) == {
        "email": "Contains a forbidden null character (NUL).",
        "profile.names.1": "Contains a forbidden null character (NUL).",
        "k\\u0000": "Contains a forbidden null character (NUL)."}


def test_the_limits_hold_for_authenticated_routes_too():
    user = make_client(extra_middleware=[ActAs(Principal(kind="user", account_id="a1", user_id="u1", lang="en"))])
    resp = user.simulate_patch("/api/v1/me", body=r'{"first_name": "A\u0000"}',
                               headers={"Content-Type": "application/json", "X-Requested-With": "t"})
    assert fields(resp) == {"first_name": "Contains a forbidden null character (NUL)."}


def test_broken_json_stays_a_422_naming_the_body(client):
    assert fields(post(client, "/api/v1/auth/login", '{"email": ')) == {"body": "The body is not valid JSON."}
    assert fields(post(client, "/api/v1/auth/login", "\"\\u0000\"")) == {
        "body": "Contains a forbidden null character (NUL)."}


# --- query parameters -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/healthz", "/api/v1/status", "/api/v1/billing/catalogue", "/api/v1/auth/login"])
def test_nul_in_a_query_parameter_is_a_422_naming_it(client, path):
    resp = client.simulate_get(path, query_string="lang=en&q=a%00b", headers={"Accept-Language": "en"})
    assert fields(resp) == {"q": "Contains a forbidden null character (NUL)."}


# --- headers ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,status,retry_after", [
    ("throttled", 429, "17"), ("slow", 429, "60"), ("down", 503, "30"), ("falcon-429", 429, "60"),
    ("falcon-503", 503, "30"), ("falcon-503-timed", 503, "5"),
])
def test_every_429_and_503_carries_retry_after(client, name, status, retry_after):
    resp = client.simulate_get(f"/api/v1/test/{name}")
    assert resp.status_code == status
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.headers["retry-after"] == retry_after


def test_service_unavailable_from_the_broker_and_readyz_carry_retry_after(client):
    down = client.simulate_get("/api/v1/billing/catalogue")  # the broker cannot be reached
    assert down.status_code == 503 and down.headers["retry-after"] == "30"
    ready = client.simulate_get("/readyz")
    assert ready.status_code == 503 and ready.headers["retry-after"] == "30"


@pytest.mark.parametrize("path,status", [("/api/v1/openapi.json", 200), ("/api/v1/nothing", 404),
                                         ("/api/v1/test/down", 503), ("/healthz", 200)])
def test_api_json_answers_are_not_stored(client, path, status):
    resp = client.simulate_get(path)
    assert resp.status_code == status
    assert resp.headers["cache-control"] == "no-store"


def test_the_api_page_has_a_csp_without_inline_scripts_and_cannot_be_framed(client):
    page = client.simulate_get("/api/v1/docs")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp and "unsafe-inline" not in \
        csp.split("script-src")[1].split(";")[0]
    assert page.headers["x-frame-options"] == "DENY"
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all('src="/api/v1/' in attrs and not body.strip() for attrs, body in scripts)
    start = client.simulate_get("/api/v1/docs/start.js")
    assert start.status_code == 200 and "SwaggerUIBundle(" in start.text
    assert start.headers["content-type"].startswith("text/javascript")
    # Swagger UI's own files stay cacheable
    assert "no-store" not in (client.simulate_get("/api/v1/docs/static/swagger-ui.css").headers.get(
        "cache-control") or "")


def test_the_unsubscribe_page_cannot_be_framed(client):
    resp = client.simulate_get("/u/1.forged")  # dispatch is not reachable here: the headers hold for any answer
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert "script-src" not in resp.headers["content-security-policy"]  # default-src 'none': no script at all
    assert resp.headers["x-frame-options"] == "DENY"


def test_hsts_only_when_the_public_url_is_https():
    assert "strict-transport-security" not in make_client().simulate_get("/healthz").headers
    secure = make_client(public_base_url="https://pressroom.example.com")
    for path in ("/healthz", "/api/v1/nothing", "/api/v1/docs"):
        assert secure.simulate_get(path).headers["strict-transport-security"] == \
            "max-age=31536000; includeSubDomains"


# --- billing's paging -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def license_manager():
    return make_client(extra_middleware=[ActAs(Principal(kind="user", account_id="a1", user_id="u1", lang="en",
                                                         roles=("license_manager",)))])


@pytest.mark.parametrize("query,field", [
    ("limit=-1", "limit"), ("limit=0", "limit"), ("limit=501", "limit"), ("offset=-1", "offset"),
    ("offset=99999999999999999999999", "offset"), ("offset=1000001", "offset"), ("limit=ten", "limit"),
])
def test_invoice_paging_outside_its_range_is_a_422_naming_the_parameter(license_manager, query, field):
    resp = license_manager.simulate_get("/api/v1/billing/invoices", query_string=query)
    assert list(fields(resp)) == [field]
    # (the back office's paging: tests/billing/test_operator_answers.py, with the real services)
