"""Prometheus /metrics for real: a running service's page after real RPC calls and jobs (svckit.metrics), the
gateway's page through Falcon's TestClient and under gunicorn with several workers (multiprocess mode: the sums of
every worker, a killed worker's counts kept)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from nameko.web.server import WebServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from crm_testing import crm_dirs, crm_service, tenant  # noqa: F401  (fixtures)
from gateway_testing import ActAs
from svckit.clock import utcnow
from svckit.errors import NotFound
from svckit.settings import principal_secret

ROOT = Path(__file__).resolve().parents[2]


def samples(page: str) -> dict[tuple[str, frozenset], float]:
    found = {}
    for family in text_string_to_metric_families(page):
        for s in family.samples:
            found[(s.name, frozenset(s.labels.items()))] = s.value
    return found


def value(page_samples: dict, name: str, **labels) -> float:
    """The sample with exactly these labels (0 when absent)."""
    return page_samples.get((name, frozenset(labels.items())), 0.0)


def scrape_service(runner) -> dict:
    container = next(iter(runner.containers))
    server = next(ext for ext in container.shared_extensions.values() if isinstance(ext, WebServer))
    port = server._sock.getsockname()[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        return samples(resp.read().decode())


def test_a_service_exports_its_rpc_calls_jobs_outbox_and_pool(crm_service, rpc_as, tenant, databases):  # noqa: F811
    before = scrape_service(crm_service)
    with rpc_as(tenant.user()) as rpc:
        rpc.crm.health()
        rpc.crm.health()
        with pytest.raises(NotFound):   # a wire error: NotFound, the expected answer to an unknown id
            rpc.crm.get_contact(str(uuid.uuid4()))
    # a queued job that is not due yet (its retry waits), straight in crm's table
    engine = databases.engine("crm")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO jobs (id, kind, state, run_after, account_id) VALUES (:id, 'export', "
                          "'queued', :at, :a)"), {"id": uuid.uuid4(), "at": utcnow() + timedelta(hours=1),
                                                  "a": tenant.account})
    after = scrape_service(crm_service)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("pressroom_rpc_calls_handled_total", service="crm", method="health", outcome="ok") == 2
    assert grew("pressroom_rpc_calls_handled_total", service="crm", method="get_contact", outcome="rejected") == 1
    assert grew("pressroom_rpc_calls_handled_total", service="crm", method="get_contact", outcome="ok") == 0
    assert grew("pressroom_rpc_call_duration_seconds_count", service="crm", method="health") == 2
    assert value(after, "pressroom_job_queue_depth", service="crm", kind="export") == 1
    assert value(after, "pressroom_job_queue_depth", service="crm", kind="import") == 0   # every kind, even idle
    assert value(after, "pressroom_job_oldest_due_age_seconds", service="crm", kind="export") == 0  # not due
    assert ("pressroom_outbox_pending", frozenset({("service", "crm")})) in after
    assert value(after, "pressroom_db_pool_size", service="crm") >= 1
    assert ("pressroom_db_pool_connections_in_use", frozenset({("service", "crm")})) in after


def test_the_gateway_counts_requests_by_route_template_and_its_rpc_calls(crm_service, gateway, tenant):  # noqa: F811
    client = gateway(extra_middleware=[ActAs(tenant.user())])

    def scrape() -> dict:
        resp = client.simulate_get("/metrics")
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        return samples(resp.text)

    route = "/api/v1/crm/contacts/{contact_id}"
    before = scrape()
    for _ in range(2):
        assert client.simulate_get(f"/api/v1/crm/contacts/{uuid.uuid4()}").status_code == 404
    assert client.simulate_get("/healthz").status_code == 200
    assert client.simulate_get("/no/such/page/at/all.json").status_code == 404
    after = scrape()

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("gateway_http_requests_total", route=route, method="GET", status="404") == 2
    assert grew("gateway_http_request_duration_seconds_count", route=route, method="GET") == 2
    assert grew("gateway_http_requests_total", route="/healthz", method="GET", status="200") == 1
    # never the raw path: every label value is a template (or "other")
    assert not any(name == "gateway_http_requests_total" and ("route", "/no/such/page/at/all.json") in labels
                   for name, labels in after)
    assert grew("gateway_rpc_calls_total", service="crm", outcome="ok") >= 2   # a 404 is an answer
    assert grew("gateway_rpc_duration_seconds_count", service="crm") >= 2
    assert value(after, "gateway_http_in_flight_requests") == 1   # the scrape itself


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _healthz_total(page: str) -> float:
    return value(samples(page), "gateway_http_requests_total", route="/healthz", method="GET", status="200")


def test_gunicorn_workers_are_summed_in_multiprocess_mode(amqp_uri, tmp_path):
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"left over from an earlier run")  # emptied at start
    port, metrics_port = _free_port(), _free_port()
    env = {**os.environ, "AMQP_URI": amqp_uri, "PRINCIPAL_SECRET": principal_secret(),
           "GATEWAY_BIND": f"127.0.0.1:{port}",
           "GATEWAY_METRICS_PORT": str(metrics_port), "GATEWAY_METRICS_HOST": "127.0.0.1",
           "GATEWAY_WORKERS": "2", "GATEWAY_THREADS": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "LOG_LEVEL": "warning"}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gateway/gunicorn.conf.py",
                             "gateway.app:get_app()"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base, metrics = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}/metrics"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
        sent = 1   # the probe above
        assert not (metrics_dir / "counter_99999.db").exists()

        def pids_with_counts() -> set[str]:
            return {p.name.rsplit("_", 1)[1].removesuffix(".db") for p in metrics_dir.glob("counter_*.db")}

        # fresh connections land on either worker; go on until both have counted requests
        while len(pids_with_counts()) < 2 and sent < 500:
            assert _get(base + "/healthz")[0] == 200
            sent += 1
        assert len(pids_with_counts()) >= 2, "every request went to one worker"
        assert _get(base + "/metrics")[0] == 404   # only on the metrics port: the Ingress never serves it
        for _ in range(4):   # whichever worker answers the scrape, it reports the sum of both
            status, page = _get(metrics)
            assert status == 200
            assert _healthz_total(page) == sent

        # a worker killed: gunicorn starts another; the dead worker's counts stay in the sums
        victim = int(sorted(pids_with_counts())[0])
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:
            try:
                status, page = _get(metrics)
                if status == 200 and _healthz_total(page) == sent:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the sums changed after a worker died"
            time.sleep(0.2)
        assert value(samples(page), "gateway_http_in_flight_requests") == 1   # the dead worker's gauge is gone
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_gunicorn_makes_its_own_metrics_directory_when_none_is_set(amqp_uri):
    """`make run` and the Procfile set no PROMETHEUS_MULTIPROC_DIR: gunicorn.conf.py picks a directory of its own,
    creates it before any worker writes a metric file (a master that imported gateway.metrics first failed to start:
    its gauges opened their files in a directory not yet there), and removes it when gunicorn stops."""
    port, metrics_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update({"AMQP_URI": amqp_uri, "PRINCIPAL_SECRET": principal_secret(), "GATEWAY_BIND": f"127.0.0.1:{port}",
                "GATEWAY_METRICS_PORT": str(metrics_port), "GATEWAY_METRICS_HOST": "127.0.0.1",
                "GATEWAY_WORKERS": "1", "GATEWAY_THREADS": "2", "LOG_LEVEL": "warning"})
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gateway/gunicorn.conf.py",
                             "gateway.app:get_app()"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    own_dir = Path(tempfile.gettempdir()) / f"pressroom-gateway-metrics-{proc.pid}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
        status, page = _get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert status == 200
        assert _healthz_total(page) >= 1
        assert any(own_dir.glob("counter_*.db"))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert not own_dir.exists()
