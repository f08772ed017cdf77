"""The gateway's answers carry request id and trace; a 503 and a dependency failure (a service without consumer,
Redis down under the principal cache) are logged at warning, with the request's request id and trace id."""

from __future__ import annotations

import logging
import socket

from svckit import tracing
from svckit.logs import record_ids

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
INCOMING = f"00-{TRACE}-00f067aa0ba902b7-01"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]   # nobody listens there once the socket is closed


def test_answers_carry_request_id_and_traceparent(gateway):
    api = gateway()
    resp = api.simulate_get("/healthz", headers={"traceparent": INCOMING, "X-Request-Id": "req-1"})
    assert resp.headers["X-Request-Id"] == "req-1"
    answered = tracing.parse_traceparent(resp.headers["traceparent"])
    assert answered is not None and f"{answered.trace_id:032x}" == TRACE   # the caller's trace goes on
    assert resp.headers["traceparent"] != INCOMING                          # ... with the gateway's own span

    fresh = api.simulate_get("/healthz", headers={"traceparent": "00-nonsense-01"})
    started = tracing.parse_traceparent(fresh.headers["traceparent"])
    assert started is not None and f"{started.trace_id:032x}" != TRACE     # malformed: a new trace
    assert fresh.headers["X-Request-Id"]


def _no_identity_queue(amqp_uri: str) -> None:
    """The test's premise is that no identity service ever ran on this broker: earlier tests of the run may have
    left identity's durable RPC queue behind (without consumer), which the gateway answers as no_consumer without
    publishing; remove it so the call takes the "no such service" path (the mandatory publish comes back)."""
    from kombu import Connection

    with Connection(amqp_uri) as conn:
        conn.default_channel.queue_delete("rpc-identity")


def test_a_503_and_the_missing_service_are_logged_as_warnings_with_ids(gateway, caplog, amqp_uri):
    _no_identity_queue(amqp_uri)
    caplog.set_level(logging.INFO)
    api = gateway(rpc_timeout=1.0, auth_cache=False)   # no identity service is running on this run's broker
    resp = api.simulate_get("/api/v1/me", headers={"Authorization": "Bearer some-session-token",
                                                   "X-Request-Id": "req-503", "traceparent": INCOMING})
    assert resp.status_code == 503
    access = [r for r in caplog.records if r.name == "gateway.access" and getattr(r, "status", None) == 503]
    assert len(access) == 1 and access[0].levelno == logging.WARNING
    assert record_ids(access[0])[:2] == ("req-503", TRACE)
    failed = [r for r in caplog.records if r.name == "svckit.tracing" and "identity." in r.getMessage()]
    assert failed and all(r.levelno == logging.WARNING for r in failed)
    assert record_ids(failed[0])[:2] == ("req-503", TRACE)


def test_redis_down_under_the_principal_cache_is_logged_as_a_warning(gateway, caplog):
    caplog.set_level(logging.INFO)
    api = gateway(rpc_timeout=1.0, auth_cache=True, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    resp = api.simulate_get("/api/v1/me", headers={"Authorization": "Bearer some-session-token",
                                                   "X-Request-Id": "req-redis"})
    assert resp.status_code == 503   # identity is not running either; the cache did not hide that
    down = [r for r in caplog.records if r.name == "svckit.authcache"]
    assert len(down) == 1 and down[0].levelno == logging.WARNING
    assert "Redis" in down[0].getMessage() and down[0].dependency == "redis"
    assert record_ids(down[0])[0] == "req-redis" and record_ids(down[0])[1]


def test_a_500_is_logged_as_an_error(gateway, caplog):
    from falcon import testing

    class Broken:
        auth_required = False

        def on_get(self, req, resp):
            raise RuntimeError("boom")

    app = gateway().app
    app.add_route("/test/broken", Broken())   # not in the OpenAPI document: a plain client, not the contract one
    caplog.set_level(logging.INFO)
    resp = testing.TestClient(app).simulate_get("/test/broken")
    assert resp.status_code == 500
    access = [r for r in caplog.records if r.name == "gateway.access" and getattr(r, "status", None) == 500]
    assert len(access) == 1 and access[0].levelno == logging.ERROR
