"""Fixtures of smtpsink's own tests: the plugin's ``smtp_sink`` and a small HTTP client (stdlib only)."""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from smtpsink.testing import smtp_sink  # noqa: F401  (the fixture other suites get through pytest_plugins)


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class Http:
    def __init__(self, base: str):
        self.base = base

    def request(self, method: str, path: str, payload: Any = None) -> Reply:
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return Reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.headers, exc.read())

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, payload: Any = None) -> Reply:
        return self.request("POST", path, payload if payload is not None else {})

    def delete(self, path: str) -> Reply:
        return self.request("DELETE", path)


@pytest.fixture
def http(smtp_sink) -> Http:  # noqa: F811
    return Http(smtp_sink.web_url)


@pytest.fixture
def smtp(smtp_sink):  # noqa: F811
    """A connected smtplib client; closed (or found closed) after the test."""
    client = smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port, timeout=10)
    yield client
    try:
        client.quit()
    except smtplib.SMTPServerDisconnected:
        pass
