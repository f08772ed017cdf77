"""Keeping mail: restart reloads the store, discard mode keeps nothing, the CLI starts and stops cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from smtpsink.server import SinkServer
from smtpsink.store import INDEX


def send(port: int, rcpts: list[str], raw: bytes, sender: str = "sender@example.com") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail(sender, rcpts, raw)


def test_restart_reloads_stored_messages(tmp_path):
    store = tmp_path / "mail"
    with SinkServer(store) as sink:
        send(sink.smtp_port, ["anna@example.com", "bert@example.com"], "Subject: Erste Grüße\r\n\r\neins\r\n".encode())
        send(sink.smtp_port, ["carl@example.com"], b"Subject: Second\r\n\r\ntwo\r\n", sender="bounce@pressroom.test")
        before = [(m.id, m.mail_from, m.rcpt_to, m["Subject"], m.raw, m.received_at) for m in sink.messages()]
        deleted = sink.messages()[0].id
    assert len(list(store.glob("*.eml"))) == 2 and (store / INDEX).exists()

    with SinkServer(store) as sink:
        after = [(m.id, m.mail_from, m.rcpt_to, m["Subject"], m.raw, m.received_at) for m in sink.messages()]
        assert after == before
        assert sink.stats()["count"] == 2
        sink.store.delete(deleted)
        send(sink.smtp_port, ["dora@example.com"], b"Subject: Third\r\n\r\nthree\r\n")
        sink.wait_for(2)

    with SinkServer(store) as sink:
        assert [m["Subject"] for m in sink.messages()] == ["Second", "Third"]
    # the index was compacted on load: no tombstone lines left behind
    lines = [json.loads(line) for line in (store / INDEX).read_text().splitlines()]
    assert [entry["subject"] for entry in lines] == ["Second", "Third"]


def test_eml_files_without_index_lines_are_recovered(tmp_path):
    store = tmp_path / "mail"
    store.mkdir()
    raw = b"Return-Path: <bounce@example.com>\r\nTo: Anna <anna@example.com>\r\nSubject: Copied in\r\n\r\nx\r\n"
    (store / "0000000000000001-abcdef.eml").write_bytes(raw)
    (store / "0000000000000002-abcdef.tmp").write_bytes(b"half written")
    (store / "not an id.eml").write_bytes(raw)
    with SinkServer(store) as sink:
        [msg] = sink.messages(to="anna@example.com")
        assert msg.id == "0000000000000001-abcdef" and msg.raw == raw
        assert msg.mail_from == "bounce@example.com" and msg.rcpt_to == ["anna@example.com"]
    assert not (store / "0000000000000002-abcdef.tmp").exists()


def test_discard_mode_counts_without_storing(tmp_path):
    store = tmp_path / "mail"
    raw = b"Subject: bench\r\n\r\n" + b"x" * 998 + b"\r\n"
    with SinkServer(store, discard=True) as sink:
        with smtplib.SMTP("127.0.0.1", sink.smtp_port, timeout=10) as client:
            for _ in range(50):
                client.sendmail("a@example.com", ["b@example.com"], raw)
        assert sink.wait_for(50) == []
        with urllib.request.urlopen(f"{sink.web_url}/api/stats", timeout=10) as resp:
            stats = json.load(resp)
        assert stats["count"] == 50 and stats["bytes"] == 50 * len(raw) and stats["discarded"] == 50
        assert stats["stored"] == 0 and stats["discard_mode"] is True
        with urllib.request.urlopen(f"{sink.web_url}/api/messages", timeout=10) as resp:
            assert json.load(resp) == []
    assert not store.exists() or not any(store.iterdir())


def test_parallel_clients_lose_nothing(smtp_sink):
    def client(n: int) -> None:
        with smtplib.SMTP("127.0.0.1", smtp_sink.smtp_port, timeout=30) as smtp:
            for i in range(50):
                smtp.sendmail("a@example.com", [f"c{n}@example.com"], f"Subject: {n}-{i}\r\n\r\nx\r\n".encode())

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(smtp_sink.wait_for(200, timeout=30)) == 200
    assert [m["Subject"] for m in smtp_sink.messages(to="c2@example.com")] == [f"2-{i}" for i in range(50)]
    assert len(list(smtp_sink.store.directory.glob("*.eml"))) == 200


def start_cli(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, int, int]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "smtpsink", "--smtp-port", "0", "--web-port", "0", "--store", str(tmp_path / "mail"),
         *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )
    deadline = time.monotonic() + 20
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"SMTP on [\d.]+:(\d+), web on http://[\d.]+:(\d+)", line)
        if found:
            return proc, int(found.group(1)), int(found.group(2))
    proc.kill()
    raise AssertionError("smtpsink did not start: " + "".join(lines))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_stops_cleanly(tmp_path, sig):
    # the CLI runs without eventlet: this is the unpatched mode
    proc, smtp_port, web_port = start_cli(tmp_path)
    try:
        send(smtp_port, ["anna@example.com"], "Subject: Über die CLI\r\n\r\nhallo\r\n".encode())
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/api/messages?to=anna@example.com") as resp:
            [item] = json.load(resp)
        assert item["subject"] == "Über die CLI"
    finally:
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out
    assert "stopped" in out and "Traceback" not in out
    assert "Über die CLI" in out  # each received message is logged
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


def test_cli_discard_mode(tmp_path):
    proc, smtp_port, web_port = start_cli(tmp_path, "--discard")
    try:
        send(smtp_port, ["a@example.com"], b"Subject: x\r\n\r\nx\r\n")
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/api/stats") as resp:
            assert json.load(resp)["discarded"] == 1
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert not (tmp_path / "mail").exists()


def test_cli_reports_a_busy_port(tmp_path, smtp_sink):
    proc = subprocess.run(
        [sys.executable, "-m", "smtpsink", "--smtp-port", str(smtp_sink.smtp_port), "--web-port", "0",
         "--store", str(tmp_path / "mail")], capture_output=True, text=True, timeout=30, check=False,
    )
    assert proc.returncode == 1 and "cannot start" in proc.stderr
