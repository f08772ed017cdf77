"""Safe upgrades (issue 15, point 7), on real PostgreSQL: a service is unready while its database is at another
revision than its code's head, refuses to start against a revision it does not know, and the init containers'
``python -m svckit.migrate wait`` waits for the migration Job. Every test works in a database of its own (created
and dropped here), never in the run's shared service databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from nameko.web.server import WebServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from identity.service import IdentityService
from svckit import health, migrate
from svckit.migrate import code_heads, drop_database, ensure_database, known_revision, upgrade, wait_for_head
from svckit.settings import database_url

REPO = Path(__file__).resolve().parents[2]
HEAD = max(code_heads("identity"))
PREVIOUS = migrate.script_directory("identity").get_revision(HEAD).down_revision
FUTURE = "9999_from_a_newer_release"


@pytest.fixture
def scratch_db():
    """``scratch_db(revision)``: an identity database of its own, migrated to ``revision``; dropped afterwards."""
    made: list[str] = []

    def make(revision: str = "head") -> str:
        base = make_url(database_url("identity"))
        url = base.set(database=f"{base.database}_rev{uuid.uuid4().hex[:6]}").render_as_string(hide_password=False)
        ensure_database(url)
        made.append(url)
        upgrade("identity", url, revision)
        return url

    yield make
    for url in made:
        drop_database(url)


def set_revision(url: str, revision: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_the_code_head_is_the_newest_script():
    assert PREVIOUS is not None and known_revision("identity", PREVIOUS)
    assert not known_revision("identity", FUTURE)


def test_a_database_one_migration_behind_is_not_healthy_and_names_both_revisions(scratch_db):
    url = scratch_db(PREVIOUS)
    engine = create_engine(url)
    with Session(engine) as session:
        report = health.check_database(session, "identity")
    assert report["ok"] is False
    assert (report["expected"], report["found"]) == (HEAD, PREVIOUS)
    assert HEAD in report["error"] and PREVIOUS in report["error"]
    upgrade("identity", url)
    with Session(engine) as session:
        report = health.check_database(session, "identity")
    engine.dispose()
    assert report["ok"] is True and report["revision"] == HEAD and "expected" not in report


def _get(port: int, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_running_service_reports_the_revision_mismatch_and_its_probe_answers_503(scratch_db, run_services,
                                                                                     rpc_as):
    url = scratch_db(PREVIOUS)
    runner = run_services(IdentityService, config={"DB_URIS": {"identity": url}})
    with rpc_as(None) as rpc:
        report = rpc.identity.health()
    assert report["ok"] is False and report["broker"]["ok"] is True
    assert (report["database"]["expected"], report["database"]["found"]) == (HEAD, PREVIOUS)
    (container,) = runner.containers
    server = next(ext for ext in container.shared_extensions.values() if isinstance(ext, WebServer))
    port = server._sock.getsockname()[1]
    status, body = _get(port, "/health")  # readiness
    assert status == 503 and body["database"]["found"] == PREVIOUS
    # liveness: a restart cannot fix a revision mismatch (and would refuse to start at a newer one)
    status, _ = _get(port, "/health?probe=live")
    assert status == 200
    upgrade("identity", url)
    assert _get(port, "/health")[0] == 200


def test_liveness_still_fails_when_the_database_is_unreachable():
    class Request:
        args = {"probe": "live"}

    report = {"ok": False, "broker": {"ok": True}, "database": {"ok": False, "error": "OperationalError: refused"}}
    assert health.http_response(report, Request())[0] == 503
    report["database"] = {"ok": False, "expected": HEAD, "found": PREVIOUS, "revision": PREVIOUS}
    assert health.http_response(report, Request())[0] == 200
    assert health.http_response(report)[0] == 503


def _nameko_identity(url: str, amqp_uri: str) -> subprocess.CompletedProcess:
    """`nameko run` as the Procfile and the deployments start identity."""
    env = {**os.environ, "IDENTITY_DATABASE_URL": url, "AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": "127.0.0.1:0",
           "PYTHONWARNINGS": "ignore"}
    nameko = str(Path(sys.executable).parent / "nameko")
    return subprocess.run([nameko, "run", "--config", "services/identity/config.yml",
                           "identity.service:IdentityService"],
                          capture_output=True, text=True, timeout=90, cwd=REPO, env=env, check=False)


def test_a_service_refuses_to_start_against_an_unknown_newer_revision(scratch_db, amqp_uri):
    url = scratch_db()
    set_revision(url, FUTURE)
    proc = _nameko_identity(url, amqp_uri)
    assert proc.returncode != 0
    assert (f"identity: the database is at revision '{FUTURE}', which this code does not know"
            in proc.stderr), proc.stderr[-3000:]
    assert "refusing to start" in proc.stderr


def test_wait_returns_at_head_times_out_behind_and_refuses_an_unknown_revision(scratch_db):
    said: list[str] = []
    url = scratch_db(PREVIOUS)
    assert wait_for_head("identity", url, timeout=0.5, interval=0.1, say=said.append) == 1
    assert "has the migration Job run?" in said[-1] and PREVIOUS in said[-1]
    upgrade("identity", url)
    assert wait_for_head("identity", url, timeout=5, say=said.append) == 0
    set_revision(url, FUTURE)
    assert wait_for_head("identity", url, timeout=5, say=said.append) == 2
    assert FUTURE in said[-1]


def test_wait_command_line_as_the_init_containers_run_it(scratch_db):
    url = scratch_db()
    env = {**os.environ, "IDENTITY_DATABASE_URL": url, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-m", "svckit.migrate", "wait", "identity", "--timeout", "10"],
                          capture_output=True, text=True, timeout=60, cwd=REPO, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert f"identity: database at revision {HEAD}, the code's head: ready" in proc.stderr
