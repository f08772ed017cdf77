"""The gateway fails in parts (issue 15 points 1, 2), on the run's real RabbitMQ: a service without a consumer opens
its circuit at the first call and costs nothing more until a probe finds it answering again; a slow service holds
at most its bulkhead's share of threads while the other services keep answering; /readyz is the gateway's own."""

from __future__ import annotations

import time
import uuid

import eventlet
import pytest
from eventlet.event import Event
from falcon import testing
from prometheus_client import REGISTRY

from gateway.app import create_app
from gateway.resilience import CLOSED, HALF_OPEN, OPEN, CircuitBreaker, Guards, bulkhead_limit
from gateway.rpc import RpcClient
from gateway.settings import Settings
from svckit.entrypoints import rpc
from svckit.errors import NotFound, Unavailable
from svckit.settings import principal_secret


class Ghost:
    """Started only once the circuit for it is open: the service "comes back"."""
    name = "resilience_ghost"

    @rpc
    def ping(self) -> str:
        return "pong"


GATE = {"event": Event(), "inside": 0}


class Slow:
    name = "resilience_slow"

    @rpc
    def wait(self) -> str:
        GATE["inside"] += 1
        try:
            GATE["event"].wait()
        finally:
            GATE["inside"] -= 1
        return "done"


class Quick:
    name = "resilience_quick"

    @rpc
    def echo(self, value: int) -> int:
        return value

    @rpc
    def missing(self) -> None:
        raise NotFound("nothing here")


def _client(amqp_uri, **guards) -> RpcClient:
    return RpcClient(amqp_uri, principal_secret(), timeout=10, guards=Guards(**guards))


def _outcome(client: RpcClient, service: str, method: str, *args):
    try:
        return client.call(service, method, *args)
    except Unavailable as exc:
        return exc


def test_a_service_without_consumer_opens_its_circuit_and_costs_no_broker_call_until_a_probe(
        amqp_uri, run_services):
    client = _client(amqp_uri, failures=5, cooldown=0.5)
    try:
        first = _outcome(client, Ghost.name, "ping")
        assert isinstance(first, Unavailable)          # the mandatory publish came back: nobody consumes the queue
        assert client.guards.breaker(Ghost.name).state == OPEN
        assert client.published[Ghost.name] == 1
        assert REGISTRY.get_sample_value("gateway_circuit_open", {"service": Ghost.name}) == 1

        refused = [_outcome(client, Ghost.name, "ping") for _ in range(50)]
        assert all(isinstance(r, Unavailable) and r.extra["reason"] == "circuit_open" for r in refused)
        assert all(r.extra["retry_after"] >= 1 for r in refused)
        assert client.published[Ghost.name] == 1       # none of the 50 reached the broker

        run_services(Ghost)
        deadline = time.monotonic() + 10
        answer = None
        while time.monotonic() < deadline:             # after the cool-down one probe goes out and finds it
            answer = _outcome(client, Ghost.name, "ping")
            if answer == "pong":
                break
            eventlet.sleep(0.05)
        assert answer == "pong"
        assert client.guards.breaker(Ghost.name).state == CLOSED
        assert REGISTRY.get_sample_value("gateway_circuit_open", {"service": Ghost.name}) == 0
        # a probe per cool-down at most: the first call, then one probe (or two if one raced the service's start)
        assert 2 <= client.published[Ghost.name] <= 3
        assert [client.call(Ghost.name, "ping") for _ in range(5)] == ["pong"] * 5
    finally:
        client.close()


class Killed:
    """Its process "dies": the consumer goes, its durable queue rpc-resilience_killed stays (as after SIGKILL)."""
    name = "resilience_killed"

    @rpc
    def ping(self) -> str:
        return "pong"


def test_a_killed_service_whose_queue_stays_fails_fast_with_503_and_opens_its_circuit(amqp_uri, run_services):
    runner = run_services(Killed)
    client = _client(amqp_uri, failures=5, cooldown=60)
    try:
        assert client.call(Killed.name, "ping") == "pong"
        runner.stop()   # the consumer is gone, the durable queue stays: the mandatory publish still routes
        # the count was checked just before the kill: the call goes out and its wait learns that nobody consumes
        client._consumers[Killed.name] = (time.monotonic(), 1)
        first = _outcome(client, Killed.name, "ping")
        assert isinstance(first, Unavailable) and first.extra["reason"] == "no_consumer"   # not its 10 s timeout
        assert client.published[Killed.name] == 2
        assert client.guards.breaker(Killed.name).state == OPEN
        then = _outcome(client, Killed.name, "ping")
        assert isinstance(then, Unavailable) and then.extra["reason"] == "circuit_open"

        other = _client(amqp_uri, failures=5, cooldown=60)   # another worker: its first call is never sent
        try:
            refused = _outcome(other, Killed.name, "ping")
            assert isinstance(refused, Unavailable) and refused.extra["reason"] == "no_consumer"
            assert other.published[Killed.name] == 0
            assert other.guards.breaker(Killed.name).state == OPEN
        finally:
            other.close()
    finally:
        client.close()


def test_calls_without_breaker_neither_are_refused_by_nor_open_a_circuit(amqp_uri):
    client = _client(amqp_uri, failures=1, cooldown=60)
    nobody = f"resilience_nobody_{uuid.uuid4().hex[:8]}"   # no queue at all: the mandatory publish comes back
    try:
        [answer] = client.call_many([(nobody, "ping", (), {})], return_exceptions=True, breaker=False)
        assert isinstance(answer, Unavailable)
        assert client.guards.breaker(nobody).state == CLOSED
        client.guards.breaker(nobody).record("timeout")           # open: a breaker-free call still goes out
        [again] = client.call_many([(nobody, "ping", (), {})], return_exceptions=True, breaker=False)
        assert isinstance(again, Unavailable) and again.extra.get("reason") != "circuit_open"
        assert client.published[nobody] == 2
    finally:
        client.close()


def test_a_slow_service_holds_only_its_share_while_the_others_answer(amqp_uri, run_services):
    GATE["event"] = Event()
    run_services(Slow, Quick)
    client = _client(amqp_uri, threads=4, share=0.5)  # two slots per service
    assert client.guards.bulkhead(Slow.name).limit == 2
    try:
        holders = [eventlet.spawn(client.call, Slow.name, "wait") for _ in range(2)]
        deadline = time.monotonic() + 10
        while GATE["inside"] < 2 and time.monotonic() < deadline:
            eventlet.sleep(0.01)
        assert GATE["inside"] == 2                    # both slots are taken by calls that wait in the service

        excess = [_outcome(client, Slow.name, "wait") for _ in range(5)]
        assert all(isinstance(r, Unavailable) and r.extra["reason"] == "busy" for r in excess)
        assert client.published[Slow.name] == 2        # refused at once, never sent

        for batch in range(10):  # two at a time: the quick service's own share
            others = [eventlet.spawn(client.call, Quick.name, "echo", 2 * batch + i) for i in range(2)]
            assert [g.wait() for g in others] == [2 * batch, 2 * batch + 1]
        with pytest.raises(NotFound):                  # a wire error is an answer: the circuit stays closed
            client.call(Quick.name, "missing")
        assert client.guards.breaker(Quick.name).state == CLOSED

        GATE["event"].send(True)
        assert [g.wait() for g in holders] == ["done", "done"]
        assert client.call(Slow.name, "wait") == "done"  # slots given back
        assert client.guards.breaker(Slow.name).state == CLOSED
    finally:
        if not GATE["event"].ready():
            GATE["event"].send(True)
        client.close()


def test_areas_of_a_down_service_answer_503_with_retry_after_and_readyz_stays_green(amqp_uri, gateway):
    api = gateway(rpc_timeout=2.0)   # no service is running on this run's broker
    assert api.simulate_get("/readyz").status_code == 200
    assert api.simulate_get("/readyz").json["broker"] == {"ok": True}
    for _ in range(3):  # the first finds no consumer, the next ones are refused by the open circuit
        resp = api.simulate_get("/api/v1/status")
        assert resp.status_code == 200 and resp.json["status"] == "degraded"
    resp = api.simulate_post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x" * 12},
                             headers={"Accept-Language": "de"})
    assert resp.status_code == 503
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert int(resp.headers["retry-after"]) >= 1
    assert api.simulate_get("/healthz").status_code == 200
    assert api.simulate_get("/").status_code == 200


def test_readyz_without_broker_is_503_and_names_the_error():
    settings = Settings(amqp_uri="amqp://guest:guest@127.0.0.1:1/", principal_secret=principal_secret(),
                        auth_cache=False, ready_timeout=2.0)
    client = RpcClient(settings.amqp_uri, settings.principal_secret, 2.0)
    resp = testing.TestClient(create_app(client, settings)).simulate_get("/readyz")
    client.close()
    assert resp.status_code == 503
    assert resp.json["status"] == "not ready" and resp.json["broker"]["ok"] is False
    assert resp.json["broker"]["error"]


# --- the breaker's states, on a clock of its own ------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_n_failures_then_lets_one_probe_through():
    clock = Clock()
    breaker = CircuitBreaker("x", failures=3, cooldown=2.0, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record("error")
    assert breaker.state == CLOSED
    breaker.allow()
    breaker.record("error")
    assert breaker.state == OPEN and not breaker.allow()
    assert breaker.retry_after() == 2
    clock.now += 2.0
    assert breaker.allow()                       # the probe
    assert breaker.state == HALF_OPEN
    assert not breaker.allow()                   # one at a time
    breaker.record("error")                      # the probe failed: open for another cool-down
    assert breaker.state == OPEN and not breaker.allow()
    clock.now += 2.0
    assert breaker.allow()
    breaker.record("ok")
    assert breaker.state == CLOSED and breaker.allow() and breaker.allow()


def test_a_timeout_opens_at_once_and_an_answer_resets_the_count():
    breaker = CircuitBreaker("y", failures=3, cooldown=1.0, clock=Clock())
    breaker.record("error")
    breaker.record("error")
    breaker.record("ok")
    breaker.record("error")
    assert breaker.state == CLOSED
    breaker.record("timeout")
    assert breaker.state == OPEN


def test_bulkhead_limit_is_a_share_of_the_threads_at_least_one():
    assert bulkhead_limit(8, 0.75) == 6
    assert bulkhead_limit(8, 0.5) == 4
    assert bulkhead_limit(1, 0.5) == 1
    assert bulkhead_limit(8, 1.0) == 8


def test_mail_links_degrade_while_dispatch_is_down(gateway):
    api = gateway(rpc_timeout=2.0)   # no dispatch on this run's broker
    pixel = api.simulate_get("/t/o/1.abc.def")
    assert pixel.status_code == 200 and pixel.headers["content-type"] == "image/gif"
    for method in (api.simulate_get, api.simulate_post):
        page = method("/u/1.abc.def", headers={"Accept-Language": "de"})
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert int(page.headers["retry-after"]) >= 1
        assert "versuchen Sie es in einigen Minuten noch einmal" in page.text
    click = api.simulate_get("/t/c/1.abc.def")
    assert click.status_code == 503 and int(click.headers["retry-after"]) >= 1


def _no_identity_queue(amqp_uri: str) -> None:
    """The test's premise is that no identity service ever ran on this broker: earlier tests of the run may have
    left identity's durable RPC queue behind (without consumer), which the gateway answers as no_consumer without
    publishing; remove it so the call takes the "no such service" path (the mandatory publish comes back)."""
    from kombu import Connection

    with Connection(amqp_uri) as conn:
        conn.default_channel.queue_delete("rpc-identity")


def test_healthz_probes_and_web_files_never_call_a_service_even_with_a_session(amqp_uri):
    _no_identity_queue(amqp_uri)
    settings = Settings(amqp_uri=amqp_uri, principal_secret=principal_secret(), auth_cache=False)
    client = RpcClient(settings.amqp_uri, settings.principal_secret, 2.0)
    try:
        api = testing.TestClient(create_app(client, settings))
        headers = {"Authorization": "Bearer some-session-token", "Cookie": "pr_session=some-session-token"}
        for path in ("/healthz", "/readyz", "/metrics", "/", "/contacts"):
            assert api.simulate_get(path, headers={**headers, "Accept": "text/html"}).status_code == 200, path
        assert sum(client.published.values()) == 0
        assert api.simulate_get("/api/v1/me", headers=headers).status_code == 503   # the API does ask identity
        assert client.published["identity"] == 1
    finally:
        client.close()
