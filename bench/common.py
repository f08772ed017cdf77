"""Helpers shared by the benchmarks: free ports, child processes, percentiles, a throw-away vhost."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(values_ms: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(values_ms), "p99_ms": pct(values_ms, 99), "n": len(values_ms)}


@contextmanager
def vhost():
    """A throw-away RabbitMQ vhost, so a benchmark never meets another run's queues."""
    from svckit.settings import amqp_uri
    from svckit_testing.rabbit import create_vhost, delete_vhost, uri_with_vhost

    name = f"pressroom-bench-{uuid.uuid4().hex[:8]}"
    create_vhost(name)
    try:
        yield uri_with_vhost(amqp_uri(), name)
    finally:
        delete_vhost(name)


@contextmanager
def child(args: list[str], env: dict | None = None, log_name: str = "child"):
    log = open(f"/tmp/pressroom-bench-{log_name}.log", "w")
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def wait_until(check, timeout: float = 60, what: str = "service") -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last = exc
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up within {timeout}s ({last})")
