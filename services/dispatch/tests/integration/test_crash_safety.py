"""Crash safety: the sender worker is killed (SIGKILL) and the relay goes away in the middle of a mailing; after
restarting, the SMTP sink holds every recipient's mail exactly once."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import yaml
from sqlalchemy import text

from dispatch_testing import insert_mailing, wait_until

N = 600


@pytest.fixture
def db(databases):
    engine = databases.engine("dispatch")
    yield engine
    databases.truncate("dispatch")


def start_sender(tmp_path, amqp_uri, db_url, sink) -> subprocess.Popen:
    config = {
        "AMQP_URI": amqp_uri, "DB_URIS": {"dispatch": db_url}, "PRINCIPAL_SECRET": "x", "serializer": "json",
        "WEB_SERVER_ADDRESS": "127.0.0.1:0", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": sink.smtp_port,
        "SMTP_RECONCILE_URL": sink.web_url, "SMTP_CONNECTIONS": 4, "SEND_BATCH_SIZE": 16, "LEASE_SECONDS": 3,
        "RETRY_BACKOFF": "1,1,1", "IDLE_SLEEP": 0.05, "VERP_DOMAIN": "bounces.test", "SMTP_TIMEOUT": 5,
        "LOGGING": {"version": 1, "root": {"level": "WARNING"}},
    }
    path = tmp_path / f"sender-{uuid.uuid4().hex[:6]}.yml"
    path.write_text(yaml.safe_dump(config))
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", str(path),
                             "dispatch.sender:DispatchSender"],
                            env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def open_rows(db) -> int:
    with db.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM deliveries WHERE state IN ('queued', 'sending', 'deferred')")
                            ).scalar()


def stop(procs) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(15)


def assert_each_once(db, sink, n: int) -> None:
    """The sink holds n distinct recipients, each exactly once, and every row is final as sent."""
    counts = collections.Counter(m.rcpt_to[0] for m in sink.messages())
    assert len(counts) == n
    assert [a for a, c in counts.items() if c != 1] == []
    with db.connect() as conn:
        assert dict(conn.execute(text("SELECT state, count(*) FROM deliveries GROUP BY state")).all()) == {"sent": n}


@pytest.mark.slow
def test_kill_worker_and_relay_mid_mailing_delivers_each_recipient_once(db, databases, amqp_uri, smtp_sink,
                                                                         tmp_path):
    with db.begin() as conn:
        insert_mailing(conn, str(uuid.uuid4()), N)
    smtp_sink.add_rule(match=".*", code=250, stage="data", delay_ms=8)   # a relay that takes its time
    url = databases.ensure("dispatch")
    procs = []
    try:
        procs.append(start_sender(tmp_path, amqp_uri, url, smtp_sink))
        wait_until(lambda: smtp_sink.stats()["count"] >= N // 6, timeout=60, what="first mails")
        # the relay goes away and comes back on the same port (same store: what it had, it keeps)
        from smtpsink.smtp import SinkController

        old = smtp_sink._controller
        old.stop()
        time.sleep(1.0)
        smtp_sink._controller = SinkController(old.handler, "127.0.0.1", smtp_sink.smtp_port)
        smtp_sink._controller.start()
        wait_until(lambda: smtp_sink.stats()["count"] >= N // 3, timeout=60, what="mails after the relay restart")
        os.killpg(procs[0].pid, signal.SIGKILL)          # the worker dies mid-mailing, without cleanup
        procs[0].wait(10)
        killed_at = smtp_sink.stats()["count"]
        assert killed_at < N and open_rows(db) > 0
        procs.append(start_sender(tmp_path, amqp_uri, url, smtp_sink))
        wait_until(lambda: open_rows(db) == 0, timeout=120, what="every recipient final")
    finally:
        stop(procs)
    assert_each_once(db, smtp_sink, N)


def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]          # nothing listens there once the socket is closed


@pytest.mark.slow
def test_broker_down_for_the_whole_mailing_still_delivers_each_recipient_once(db, databases, smtp_sink, tmp_path):
    """RabbitMQ killed: the sending path does not touch it. The senders run with a broker address where nothing
    listens, one is killed mid-mailing and another takes over; every recipient gets the mail exactly once."""
    n = 200
    with db.begin() as conn:
        insert_mailing(conn, str(uuid.uuid4()), n)
    smtp_sink.add_rule(match=".*", code=250, stage="data", delay_ms=8)
    dead_broker = f"amqp://guest:guest@127.0.0.1:{closed_port()}/"
    url = databases.ensure("dispatch")
    procs = []
    try:
        procs.append(start_sender(tmp_path, dead_broker, url, smtp_sink))
        wait_until(lambda: smtp_sink.stats()["count"] >= n // 4, timeout=60, what="first mails without a broker")
        assert procs[0].poll() is None                   # still running: nothing waits for the broker
        os.killpg(procs[0].pid, signal.SIGKILL)
        procs[0].wait(10)
        assert open_rows(db) > 0
        procs.append(start_sender(tmp_path, dead_broker, url, smtp_sink))
        wait_until(lambda: open_rows(db) == 0, timeout=120, what="every recipient final without a broker")
    finally:
        stop(procs)
    assert_each_once(db, smtp_sink, n)
