"""The chaos test's harness: the five services (and dispatch's sender) as real separate ``nameko run`` processes,
the gateway under gunicorn, a private Redis on a free port, all on this run's databases and vhost; the SMTP sink
(``smtpsink.testing``) runs in the test process. Processes can be SIGKILLed and restarted one by one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from svckit.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

#: process name -> nameko target (the Procfile's commands)
TARGETS = {
    "identity": "identity.service:IdentityService",
    "crm": "crm.service:CrmService",
    "dispatch": "dispatch.service:DispatchService",
    "dispatch_sender": "dispatch.sender:DispatchSender",
    "pressbase": "pressbase.service:PressbaseService",
    "billing": "billing.service:BillingService",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]
    duration: float


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None,
         timeout: float = 10) -> Answer:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    hdrs = {"Accept": "application/json", **(headers or {})}
    if body is not None and raw is None:
        hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, payload, h = resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        status, payload, h = exc.code, exc.read(), dict(exc.headers)
    duration = time.monotonic() - started
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = payload
    return Answer(status, parsed, {k.lower(): v for k, v in h.items()}, duration)


@dataclass
class Proc:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    probe_port: int | None = None
    popen: subprocess.Popen | None = None
    starts: list[float] = field(default_factory=list)

    def start(self) -> None:
        log = open(self.log_path, "a")
        log.write(f"\n==== start {time.strftime('%H:%M:%S')}\n")
        log.flush()
        self.popen = subprocess.Popen(self.argv, env=self.env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        log.close()
        self.starts.append(time.monotonic())

    def kill(self) -> None:
        assert self.popen is not None and self.popen.poll() is None, f"{self.name} is not running"
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)

    def healthy(self) -> bool:
        if self.popen is None or self.popen.poll() is not None:
            return False
        if self.probe_port is None:
            return True
        try:
            return http("GET", f"http://127.0.0.1:{self.probe_port}/health", timeout=2).status == 200
        except OSError:
            return False

    def wait_healthy(self, timeout: float = 60) -> float:
        deadline = time.monotonic() + timeout
        while not self.healthy():
            assert self.popen is not None and self.popen.poll() is None, \
                f"{self.name} exited:\n{self.log_path.read_text()[-4000:]}"
            assert time.monotonic() < deadline, f"{self.name} not healthy:\n{self.log_path.read_text()[-4000:]}"
            time.sleep(0.1)
        return time.monotonic()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Suite:
    http = staticmethod(http)
    Answer = Answer

    def __init__(self, tmp: Path, amqp_uri: str, sink) -> None:
        self.tmp, self.sink = tmp, sink
        self.redis_port = free_port()
        self.redis: subprocess.Popen | None = None
        storage, spool = tmp / "storage", tmp / "spool"
        storage.mkdir()
        spool.mkdir()
        self.gateway_port = free_port()
        self.base = f"http://127.0.0.1:{self.gateway_port}"
        self.env = {**os.environ, "AMQP_URI": amqp_uri, "LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1",
                    "PATH": f"{BIN}:{os.environ.get('PATH', '')}", "PYTHONPATH": str(ROOT),
                    "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.smtp_port), "SMTP_RECONCILE_URL": sink.web_url,
                    "TRANSACTIONAL_MAIL_VIA": "dispatch", "VERP_DOMAIN": "bounces.pressroom.test",
                    "PUBLIC_BASE_URL": "https://press.example", "MAIL_FROM": "no-reply@pressroom.test",
                    "HOUSEKEEPING_INTERVAL": "0.5", "IDLE_SLEEP": "0.05", "RETRY_BACKOFF": "1,1,2",
                    "SMTP_CONNECTIONS": "4", "LEASE_SECONDS": "3",
                    "CRM_STORAGE_DIR": str(storage), "UPLOAD_DIR": str(spool), "CRM_JOB_POLL": "0.2",
                    "CRM_SECRET_KEY": "test-only-crm-secret-key",
                    "GATEWAY_BIND": f"127.0.0.1:{self.gateway_port}", "GATEWAY_WORKERS": "1",
                    "GATEWAY_THREADS": "16", "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics")}
        (tmp / "metrics").mkdir()
        self.procs: dict[str, Proc] = {}
        for name, target in TARGETS.items():
            port = free_port()
            service = name.split("_")[0]
            # job runner settings come from the nameko config (not the environment): a job whose process was
            # killed is taken up again after 4 s instead of the production 300 s
            config = tmp / f"{name}.yml"
            config.write_text((ROOT / "services" / service / "config.yml").read_text() +
                              f"{service.upper()}_JOB_POLL: 0.2\n{service.upper()}_JOB_HEARTBEAT: 1\n"
                              f"{service.upper()}_JOB_STALE_AFTER: 4\n"
                              # the workload's session stays in the gateway's principal cache for the whole run, so
                              # the other areas answer 200 while identity is down (production: 30 s; a session whose
                              # cached answer expires while identity is down gets 503 + Retry-After at once)
                              + ("AUTH_CACHE_SECONDS: 300\n" if service == "identity" else ""))
            self.procs[name] = Proc(name, [str(BIN / "nameko"), "run", "--config", str(config), target],
                                    {**self.env, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}, tmp / f"{name}.log",
                                    probe_port=port)
        self.gateway = Proc("gateway", [str(BIN / "gunicorn"), "-c", str(ROOT / "gateway/gunicorn.conf.py"),
                                        "gateway.app:get_app()"], self.env, tmp / "gateway.log")

    def start_redis(self) -> None:
        server = shutil.which("redis-server")
        assert server, "redis-server is needed for the chaos test (apt: redis-server)"
        self.redis = subprocess.Popen([server, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.redis_port)) == 0:
                    return
            assert time.monotonic() < deadline, "private redis-server did not start"
            time.sleep(0.05)

    def kill_redis(self) -> None:
        if self.redis is not None and self.redis.poll() is None:
            os.killpg(self.redis.pid, signal.SIGKILL)
            self.redis.wait(timeout=10)

    def start(self) -> None:
        self.start_redis()
        for proc in self.procs.values():
            proc.start()
        self.gateway.start()
        for proc in self.procs.values():
            proc.wait_healthy(timeout=120)
        deadline = time.monotonic() + 60
        while True:
            try:
                if http("GET", f"{self.base}/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            assert self.gateway.popen.poll() is None, self.gateway.log()[-4000:]
            assert time.monotonic() < deadline, self.gateway.log()[-4000:]
            time.sleep(0.1)

    def stop(self) -> None:
        self.gateway.stop()
        for proc in self.procs.values():
            proc.stop()
        self.kill_redis()

    def logs(self) -> str:
        return "\n".join(f"---- {p.name}\n{p.log()[-3000:]}" for p in [*self.procs.values(), self.gateway])


@pytest.fixture(scope="module")
def suite(amqp_uri, databases, tmp_path_factory):
    from smtpsink.server import SinkServer

    for service in SERVICES:
        databases.ensure(service)
    sink = SinkServer(tmp_path_factory.mktemp("chaos-sink"), smtp_port=0, web_port=0, log_messages=False).start()
    s = Suite(tmp_path_factory.mktemp("chaos"), amqp_uri, sink)
    try:
        started = time.monotonic()
        s.start()
        print(f"chaos: suite up in {time.monotonic() - started:.1f} s")
        yield s
    finally:
        s.stop()
        sink.stop()


@pytest.fixture(scope="module")
def rpc(amqp_uri):
    """``with rpc(principal) as proxy: proxy.identity.login(...)`` (a module-scoped ``rpc_as``)."""
    from contextlib import contextmanager

    from nameko.standalone.rpc import ClusterRpcProxy

    from svckit import principal as principal_mod
    from svckit.settings import principal_secret

    @contextmanager
    def make(principal=None, timeout: float = 15):
        data = {}
        if principal is not None:
            data[principal_mod.CONTEXT_KEY] = principal_mod.encode(principal, principal_secret())
        with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, context_data=data,
                             timeout=timeout) as proxy:
            yield proxy

    return make
