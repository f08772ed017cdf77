"""Rotating the principal secret with real nameko services on the run's broker: a service configured with a key
ring accepts tokens of every key in it (old ones included), refuses removed and unknown keys and expired tokens,
and a production start with a missing or development secret stops with a clear message (gateway and services)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import eventlet
import pytest
from nameko.rpc import RpcProxy
from nameko.standalone.rpc import ClusterRpcProxy

from svckit import principal as principal_mod
from svckit.entrypoints import Auth, rpc
from svckit.principal import Principal
from svckit.rpc import ServiceRpc
from svckit.settings import DEV_PRINCIPAL_SECRET

REPO = Path(__file__).resolve().parents[4]
NEW = "2026b:" + "N" * 48
OLD = "2026a:" + "O" * 48


class RingProbe:
    name = "ring_probe"
    auth = Auth()

    @rpc
    def whoami(self) -> dict:
        return self.auth.principal.to_dict()


class SlowCaller:
    """A worker that runs longer than its caller's token lives, then calls on (a transfer job, say)."""
    name = "slow_caller"
    auth = Auth()
    probe = ServiceRpc("ring_probe", timeout=10)
    plain = RpcProxy("ring_probe")

    @rpc
    def later(self, seconds: float, refreshing: bool) -> dict:
        eventlet.sleep(seconds)
        return (self.probe if refreshing else self.plain).whoami()


def _call(amqp_uri: str, token: str | None, method: str = "whoami", *args, service: str = "ring_probe") -> dict:
    data = {principal_mod.CONTEXT_KEY: token} if token else {}
    with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, context_data=data, timeout=10) as proxy:
        return getattr(getattr(proxy, service), method)(*args)


def _user() -> Principal:
    return Principal(kind="user", account_id="acc-1", user_id="u-1", roles=("administrator",), lang="en")


def test_a_rotated_ring_accepts_old_keys_until_they_are_removed(run_services, amqp_uri):
    # step 1 of a rotation: every process gets the ring "new,old"; processes not yet restarted still sign with old
    runner = run_services(RingProbe, config={"PRINCIPAL_SECRET": f"{NEW},{OLD}"})
    assert _call(amqp_uri, principal_mod.encode(_user(), OLD))["user_id"] == "u-1"       # the old key: accepted
    assert _call(amqp_uri, principal_mod.encode(_user(), NEW))["user_id"] == "u-1"       # the new key signs
    assert _call(amqp_uri, principal_mod.encode(_user(), "2025z:" + "Z" * 48))["kind"] == "anonymous"  # unknown
    assert _call(amqp_uri, principal_mod.encode(_user(), "2026a:" + "X" * 48))["kind"] == "anonymous"  # wrong key
    expired = principal_mod.encode(_user(), NEW, ttl=60, now=time.time() - 120)
    assert _call(amqp_uri, expired)["kind"] == "anonymous"
    runner.stop()
    # step 2, once every token of the old key has expired: the old key leaves the ring and is refused
    run_services(RingProbe, config={"PRINCIPAL_SECRET": NEW})
    assert _call(amqp_uri, principal_mod.encode(_user(), OLD))["kind"] == "anonymous"
    assert _call(amqp_uri, principal_mod.encode(_user(), NEW))["user_id"] == "u-1"


def test_a_worker_outliving_its_callers_token_keeps_acting_for_it(run_services, amqp_uri, monkeypatch):
    monkeypatch.setenv("PRINCIPAL_TOKEN_TTL", "2")
    ring = "short:" + "S" * 48   # a ring not parsed before in this process: it takes the 2 s lifetime
    run_services(RingProbe, SlowCaller, config={"PRINCIPAL_SECRET": ring})
    token = principal_mod.encode(_user(), ring)
    # svckit.rpc.ServiceRpc mints the principal afresh before the late call: the probe still sees the user
    assert _call(amqp_uri, token, "later", 2.5, True, service="slow_caller")["user_id"] == "u-1"
    # nameko's own proxy forwards the token as it came: by now it has expired, the probe sees nobody
    token = principal_mod.encode(_user(), ring)
    assert _call(amqp_uri, token, "later", 2.5, False, service="slow_caller")["kind"] == "anonymous"
    # and a token that was already expired when the worker started is not revived
    expired = principal_mod.encode(_user(), ring, now=time.time() - 3)
    assert _call(amqp_uri, expired, "later", 0, True, service="slow_caller")["kind"] == "anonymous"


def _start(argv: list[str], **env: str | None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PRINCIPAL_SECRET"}
    environment.update({k: v for k, v in env.items() if v is not None})
    environment["PYTHONWARNINGS"] = "ignore"
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=REPO, env=environment, check=False)


@pytest.mark.parametrize("secret, message", [
    (None, "PRINCIPAL_SECRET is not set"),
    (DEV_PRINCIPAL_SECRET, "PRINCIPAL_SECRET is the development default"),
])
def test_the_gateway_refuses_a_production_start_without_a_real_secret(secret, message):
    # what gunicorn runs: gateway.app:get_app()
    proc = _start([sys.executable, "-c", "from gateway.app import get_app; get_app()"],
                  PRESSROOM_ENV="production", PRINCIPAL_SECRET=secret)
    assert proc.returncode != 0
    assert f"ConfigurationError: {message}, and PRESSROOM_ENV=production: refusing to start." in proc.stderr
    # a real secret, but Redis without a password
    proc = _start([sys.executable, "-c", "from gateway.app import get_app; get_app()"],
                  PRESSROOM_ENV="production", PRINCIPAL_SECRET="k1:" + "s" * 64, REDIS_URL="redis://redis:6379/0")
    assert proc.returncode != 0 and "REDIS_URL has no password" in proc.stderr
    ok = _start([sys.executable, "-c", "from gateway.app import get_app; get_app()"],
                PRESSROOM_ENV="production", PRINCIPAL_SECRET="k1:" + "s" * 64,
                REDIS_URL="redis://:" + "r" * 48 + "@redis:6379/0")
    assert ok.returncode == 0, ok.stderr[-2000:]


def test_a_service_refuses_a_production_start_with_the_development_secret(amqp_uri):
    """`nameko run` as the Procfile and the deployments start it; config.yml falls back to the development secret
    when PRINCIPAL_SECRET is missing: the service stops before it consumes anything, saying why."""
    nameko = str(Path(sys.executable).parent / "nameko")
    proc = _start([nameko, "run", "--config", "services/pressbase/config.yml", "pressbase.service:PressbaseService"],
                  PRESSROOM_ENV="production", AMQP_URI=amqp_uri, WEB_SERVER_ADDRESS="127.0.0.1:0")
    assert proc.returncode != 0
    assert ("PRINCIPAL_SECRET is the development default, and PRESSROOM_ENV=production: refusing to start."
            in proc.stderr), proc.stderr[-3000:]
