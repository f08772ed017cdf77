"""The ``health`` RPC every service answers: version, database and broker state."""

from __future__ import annotations

import time
from typing import Any

from kombu import Connection
from kombu.pools import connections
from sqlalchemy import text
from sqlalchemy.orm import Session


def check_database(session: Session) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        session.execute(text("SELECT 1"))
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return {"ok": True, "latency_ms": round((time.perf_counter() - start) * 1000, 2), "revision": revision}
    except Exception as exc:  # health reports, it does not raise
        session.rollback()
        return {"ok": False, "error": type(exc).__name__ + ": " + str(exc).splitlines()[0][:200]}


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
    database = check_database(session)
    broker = check_broker(amqp_uri)
    return {
        "service": service,
        "version": version,
        "ok": database["ok"] and broker["ok"],
        "database": database,
        "broker": broker,
    }


def http_response(report_: dict[str, Any]) -> tuple[int, dict[str, str], str]:
    """The same report for a pod's own probe (nameko's web server, ``GET /health`` on WEB_SERVER_ADDRESS)."""
    import json

    return (200 if report_["ok"] else 503), {"Content-Type": "application/json"}, json.dumps(report_)
