"""Throw-away RabbitMQ virtual hosts for a test run: management API when enabled, else rabbitmqctl."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from svckit.settings import env


def _api(method: str, path: str, body: dict | None = None) -> None:
    base = env("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")
    parts = urllib.parse.urlsplit(base)
    url = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}/api{path}"
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    token = base64.b64encode(f"{parts.username or 'guest'}:{parts.password or 'guest'}".encode()).decode()
    req.add_header("Authorization", f"Basic {token}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=5):
        pass


def _ctl(*args: str) -> None:
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([ctl, "-q", *args], check=True, capture_output=True, timeout=60)


def create_vhost(name: str, user: str = "guest") -> None:
    quoted = urllib.parse.quote(name, safe="")
    try:
        _api("PUT", f"/vhosts/{quoted}", {})
        _api("PUT", f"/permissions/{quoted}/{user}", {"configure": ".*", "write": ".*", "read": ".*"})
    except (urllib.error.URLError, OSError):
        _ctl("add_vhost", name)
        _ctl("set_permissions", "-p", name, user, ".*", ".*", ".*")


def delete_vhost(name: str) -> None:
    quoted = urllib.parse.quote(name, safe="")
    try:
        _api("DELETE", f"/vhosts/{quoted}")
    except (urllib.error.URLError, OSError):
        try:
            _ctl("delete_vhost", name)
        except Exception:
            pass


def uri_with_vhost(amqp_uri: str, vhost: str) -> str:
    parts = urllib.parse.urlsplit(amqp_uri)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + urllib.parse.quote(vhost, safe=""), "", ""))
