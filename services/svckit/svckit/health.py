"""The ``health`` RPC every service answers: version, database and broker state.

The database is healthy only at the code's own schema: its ``alembic_version`` must equal the head of the service's
migration scripts (computed once per process). A database behind (the migration Job has not run yet) or ahead (a
newer release migrated it) makes the report ``ok: false`` with ``expected`` and ``found``, so the pod's ``/health``
probe answers 503. A revision the scripts do not know at all is refused at start:
``svckit.migrate.refuse_unknown_revision``, called by ``svckit.db.Database.setup`` (the revision helpers live in
svckit.migrate, which needs no broker).
"""

from __future__ import annotations

import time
from typing import Any

from kombu import Connection
from kombu.pools import connections
from sqlalchemy import text
from sqlalchemy.orm import Session

from .migrate import code_heads, known_revision
from .settings import SERVICES


def check_database(session: Session, service: str | None = None) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        session.execute(text("SELECT 1"))
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        result: dict[str, Any] = {"ok": True, "latency_ms": round((time.perf_counter() - start) * 1000, 2),
                                  "revision": revision}
    except Exception as exc:  # health reports, it does not raise
        session.rollback()
        return {"ok": False, "error": type(exc).__name__ + ": " + str(exc).splitlines()[0][:200]}
    if service in SERVICES:
        heads = code_heads(service)
        if revision not in heads:
            result.update(ok=False, expected=", ".join(sorted(heads)), found=revision,
                          error=f"database at revision {revision}, the code expects {', '.join(sorted(heads))}"
                                + ("" if revision is None or known_revision(service, revision)
                                   else " (an unknown, newer revision)"))
    return result


def check_broker(amqp_uri: str) -> dict[str, Any]:
    """Can this process still publish? A pooled connection (the one nameko publishes on) is checked, not a new one."""
    start = time.perf_counter()
    try:
        with connections[Connection(amqp_uri, connect_timeout=2)].acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
            _ = conn.default_channel  # opens the channel if the connection was idle
            server = conn.connection.server_properties.get("version")
            if isinstance(server, bytes):
                server = server.decode()
        return {"ok": True, "latency_ms": round((time.perf_counter() - start) * 1000, 2), "server": server}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__ + ": " + str(exc)[:200]}


def report(service: str, version: str, session: Session, amqp_uri: str) -> dict[str, Any]:
    database = check_database(session, service)
    broker = check_broker(amqp_uri)
    return {
        "service": service,
        "version": version,
        "ok": database["ok"] and broker["ok"],
        "database": database,
        "broker": broker,
    }


def http_response(report_: dict[str, Any], request: Any = None) -> tuple[int, dict[str, str], str]:
    """The same report for a pod's own probe (nameko's web server, ``GET /health`` on WEB_SERVER_ADDRESS).

    ``GET /health?probe=live`` (the liveness probe) does not fail on a revision mismatch alone: a restart cannot fix
    it, and during a rollout the previous release's pods keep working against the migrated (expanded) schema until
    they are replaced; restarted, they would refuse to start. Unready they are, through the plain ``/health``."""
    import json

    ok = report_["ok"]
    if request is not None and request.args.get("probe") == "live":
        database = report_.get("database", {})
        ok = report_.get("broker", {}).get("ok", False) and (database.get("ok") or "expected" in database)
    return (200 if ok else 503), {"Content-Type": "application/json"}, json.dumps(report_)
