"""`make run`'s start step for real: honcho runs the Procfile (five `nameko run` processes, gunicorn, the SMTP sink,
the announcer) on free ports against this run's databases and vhost; /readyz/services (every service) turns green
over real HTTP; Ctrl-C (SIGINT to honcho) stops every process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from svckit.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status, json.load(resp)


@pytest.mark.slow
def test_procfile_brings_the_suite_up_and_ctrl_c_stops_it(amqp_uri, databases, tmp_path):
    for service in SERVICES:
        databases.ensure(service)
    env = dict(os.environ)
    ports = {name: free_port() for name in ("GATEWAY_PORT", "SMTP_SINK_PORT", "SMTP_SINK_WEB_PORT", "BOUNCE_SMTP_PORT",
                                            "DISPATCH_SENDER_PROBE_PORT",
                                            *(f"{s.upper()}_PROBE_PORT" for s in SERVICES))}
    env.update({k: str(v) for k, v in ports.items()})
    env.update({"AMQP_URI": amqp_uri, "GATEWAY_WORKERS": "1", "GATEWAY_THREADS": "2", "LOG_FORMAT": "text",
                "GATEWAY_BIND": f"127.0.0.1:{ports['GATEWAY_PORT']}", "PYTHONUNBUFFERED": "1",
                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(ports["SMTP_SINK_PORT"]),
                "SMTP_RECONCILE_URL": f"http://127.0.0.1:{ports['SMTP_SINK_WEB_PORT']}",
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['GATEWAY_PORT']}",
                "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"})
    procfile = tmp_path / "Procfile"
    procfile.write_text((ROOT / "Procfile").read_text().replace("var/mail", str(tmp_path / "mail")))
    log = open(tmp_path / "honcho.log", "w+")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "honcho"), "start", "-f", str(procfile),
                             "-d", str(ROOT)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        base = f"http://127.0.0.1:{ports['GATEWAY_PORT']}"
        deadline = time.monotonic() + 90
        status, body = None, None
        while time.monotonic() < deadline:
            try:
                status, body = get_json(f"{base}/readyz/services")
                if status == 200:
                    break
            except urllib.error.HTTPError as exc:
                status, body = exc.code, json.load(exc)
            except (urllib.error.URLError, OSError):
                pass
            assert proc.poll() is None, (tmp_path / "honcho.log").read_text()[-4000:]
            time.sleep(0.5)
        assert status == 200, (body, (tmp_path / "honcho.log").read_text()[-4000:])
        assert all(body["services"][s]["ok"] for s in SERVICES)

        # every service's own probe answers on its port (and the dispatch sender's)
        for service in SERVICES:
            status, report = get_json(f"http://127.0.0.1:{ports[service.upper() + '_PROBE_PORT']}/health")
            assert status == 200 and report["service"] == service
        status, _report = get_json(f"http://127.0.0.1:{ports['DISPATCH_SENDER_PROBE_PORT']}/health")
        assert status == 200
        # the bounce endpoint of the VERP domain accepts SMTP connections
        with socket.create_connection(("127.0.0.1", ports["BOUNCE_SMTP_PORT"]), timeout=5) as s:
            assert s.recv(200).startswith(b"220")

        # the SMTP sink's web page is up, and the API page is served
        with urllib.request.urlopen(f"http://127.0.0.1:{ports['SMTP_SINK_WEB_PORT']}/", timeout=5) as resp:
            assert resp.status == 200
        with urllib.request.urlopen(f"{base}/api/v1/docs", timeout=5) as resp:
            assert b"swagger-ui" in resp.read()

        deadline = time.monotonic() + 30
        while "Pressroom is ready" not in (tmp_path / "honcho.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert f"{base.replace('127.0.0.1', 'localhost')}/" in (tmp_path / "honcho.log").read_text()
    finally:
        os.killpg(proc.pid, signal.SIGINT) if proc.poll() is None else None
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    output = (tmp_path / "honcho.log").read_text()
    # honcho stopped all processes: nothing of ours still listens
    for name, port in ports.items():
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"{name} still listening after Ctrl-C"
    assert code in (0, 130, -2, 1), output[-3000:]
