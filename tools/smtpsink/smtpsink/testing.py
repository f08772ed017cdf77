"""pytest plugin: ``smtp_sink``, a fresh sink per test on free ports with its store in the test's tmp dir.

Use it from another test suite with ``pytest_plugins = ["smtpsink.testing"]`` (in the root conftest), then::

    def test_sends_code(smtp_sink):
        settings = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port}
        ...
        [mail] = smtp_sink.wait_for(1, to="anna@example.com")
        assert "123456" in mail.text

``smtp_sink.add_rule(match="anna@", code=450, times=2)`` makes it misbehave; see the README for the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import SinkServer


@pytest.fixture
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SinkServer]:
    sink = SinkServer(tmp_path_factory.mktemp("smtpsink"), smtp_port=0, web_port=0).start()
    try:
        yield sink
    finally:
        sink.stop()
