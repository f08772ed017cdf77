"""The gateway's own behaviour: the error table, problem+json in two languages, request ids, OpenAPI, API page.

These build the real app; the routes under test raise before any RPC is made, so no service needs to run.
"""

from __future__ import annotations

import falcon
import pytest
from falcon import inspect, testing

from gateway.app import create_app
from gateway.errors import STATUS_TABLE
from gateway.rpc import RpcClient
from gateway.settings import Settings
from svckit.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    QuotaExceeded,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
)
from svckit.i18n import Text


class Raiser:
    auth_required = False

    def __init__(self, exc):
        self.exc = exc

    def on_get(self, req, resp):
        raise self.exc

    def on_post(self, req, resp):
        raise self.exc


@pytest.fixture
def client():
    settings = Settings(amqp_uri="amqp://guest:guest@127.0.0.1:1/", max_json_bytes=1000)
    app = create_app(RpcClient(settings.amqp_uri, settings.principal_secret), settings)
    cases = {
        "invalid": InvalidInput(fields={"email": Text("Ungültige E-Mail-Adresse.", "Invalid e-mail address.")}),
        "unauth": Unauthenticated(), "forbidden": Forbidden(), "notfound": NotFound(), "conflict": Conflict(),
        "quota": QuotaExceeded(Text("Höchstens {n} Empfänger.", "At most {n} recipients.").format(n=100), limit=100),
        "toolarge": PayloadTooLarge(), "slow": TooManyRequests(), "down": Unavailable(),
        "boom": RuntimeError("secret internals"),
    }
    for name, exc in cases.items():
        app.add_route(f"/t/{name}", Raiser(exc))
    return testing.TestClient(app)


@pytest.mark.parametrize("name,status,code", [
    ("invalid", 422, "invalid_input"), ("unauth", 401, "unauthenticated"), ("forbidden", 403, "forbidden"),
    ("notfound", 404, "not_found"), ("conflict", 409, "conflict"), ("quota", 402, "quota_exceeded"),
    ("toolarge", 413, "payload_too_large"), ("slow", 429, "too_many_requests"), ("down", 503, "unavailable"),
])
def test_each_wire_error_maps_to_its_status_as_problem_json(client, name, status, code):
    resp = client.simulate_get(f"/t/{name}", headers={"Accept-Language": "en"})
    assert resp.status_code == status
    assert resp.headers["content-type"] == "application/problem+json"
    body = resp.json
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:pressroom:problem:{code}"
    assert body["instance"] == f"/t/{name}"
    assert body["request_id"] == resp.headers["x-request-id"]


def test_field_errors_in_the_callers_language(client):
    de = client.simulate_get("/t/invalid", headers={"Accept-Language": "de-DE,de;q=0.9"}).json
    en = client.simulate_get("/t/invalid", params={"lang": "en"}).json
    assert de["errors"] == [{"field": "email", "message": "Ungültige E-Mail-Adresse."}]
    assert en["errors"] == [{"field": "email", "message": "Invalid e-mail address."}]
    assert de["title"] == "Ungültige Eingabe" and en["title"] == "Invalid input"


def test_quota_detail_and_extra(client):
    body = client.simulate_get("/t/quota", params={"lang": "de"}).json
    assert body["detail"] == "Höchstens 100 Empfänger."
    assert body["extra"] == {"limit": 100}


def test_unexpected_error_is_500_with_request_id_and_no_internals(client):
    resp = client.simulate_get("/t/boom", headers={"X-Request-Id": "req-42", "Accept-Language": "en"})
    assert resp.status_code == 500
    assert resp.json["request_id"] == "req-42"
    assert "req-42" in resp.json["detail"]
    assert "secret internals" not in resp.text


def test_malformed_request_id_is_replaced(client):
    resp = client.simulate_get("/healthz", headers={"X-Request-Id": "bad id\nwith newline"})
    assert resp.headers["x-request-id"] != "bad id\nwith newline"
    assert len(resp.headers["x-request-id"]) == 32


def test_unknown_route_and_method_are_problems_too(client):
    resp = client.simulate_get("/nowhere", headers={"Accept-Language": "de"})
    assert resp.status_code == 404
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json["detail"] == "Diese Adresse gibt es nicht."
    resp = client.simulate_delete("/healthz", headers={"Accept-Language": "en"})
    assert resp.status_code == 405
    assert resp.json["title"] == "Method not allowed"


def test_oversized_json_body_is_refused_before_reading(client):
    resp = client.simulate_post("/t/notfound", body="x" * 5000, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert resp.json["code"] == "payload_too_large"


def test_status_table_covers_every_wire_error():
    from svckit.errors import WIRE_ERRORS

    mapped = {cls for cls, _status, _title in STATUS_TABLE}
    assert set(WIRE_ERRORS) <= mapped


def test_healthz_is_alive_without_a_broker(client):
    resp = client.simulate_get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok"}


def test_openapi_document_is_valid_31_and_documents_every_route(client):
    from openapi_spec_validator import validate

    spec = client.simulate_get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    app = create_app(RpcClient("amqp://x@127.0.0.1:1/", "s"), Settings(amqp_uri="amqp://x@127.0.0.1:1/"))
    undocumented = []
    for route in inspect.inspect_routes(app):
        if route.path.startswith("/api/v1/docs") or route.path in ("/api/v1/openapi.json", "/metrics"):
            continue   # the document, its explorer and Prometheus' page are not API operations
        methods = {m.method.lower() for m in route.methods if m.internal is False}
        documented = set(spec["paths"].get(route.path, {}))
        undocumented += [f"{m.upper()} {route.path}" for m in methods - documented]
    assert undocumented == []


def test_interactive_api_page_is_served_without_internet(client):
    page = client.simulate_get("/api/v1/docs")
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # every asset is ours
    js = client.simulate_get("/api/v1/docs/static/swagger-ui-bundle.js")
    assert js.status_code == 200
    assert len(js.content) > 100_000
    css = client.simulate_get("/api/v1/docs/static/swagger-ui.css")
    assert css.status_code == 200


def test_falcon_builtin_bad_json_is_a_named_field_error(client):
    app = client.app

    class Echo:
        auth_required = False

        def on_post(self, req, resp):
            from gateway.resource import Resource

            resp.media = Resource.body(req)

    app.add_route("/t/echo", Echo())
    resp = client.simulate_post("/t/echo", body="{not json", headers={"Content-Type": "application/json",
                                                                       "Accept-Language": "en"})
    assert resp.status_code == 422
    assert resp.json["errors"] == [{"field": "body", "message": "The body is not valid JSON."}]
    resp = client.simulate_post("/t/echo", json=[1, 2], headers={"Accept-Language": "en"})
    assert resp.status_code == 422
    assert resp.json["errors"][0]["message"] == "A JSON object is expected."
    assert falcon  # keep import
