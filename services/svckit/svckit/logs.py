"""Structured JSON logs, one object per line, with the request id and trace of the call being served.

Every line names the request id (``request_id``: the gateway's X-Request-Id, carried to every service in the RPC
context, into events and jobs) and, inside a trace (svckit.tracing), ``trace_id`` and ``span_id``; the gateway
sets them per request (gateway.middleware), a service per worker (svckit.entrypoints.Auth), the job runner per
job (svckit.jobs), the event handler's worker from the event's headers. The ids are taken when a record is made
(a record factory installed on import: caplog and every handler see them, :func:`record_ids`), so a line
formatted later still names the request that wrote it. ``LOG_FORMAT=text`` writes ``[request_id trace_id]``
after the level.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
import time

from opentelemetry import trace

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def context_ids() -> tuple[str | None, str | None, str | None]:
    """(request id, trace id, span id) of the code running now; None where there is none."""
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        return request_id_var.get(), f"{span_context.trace_id:032x}", f"{span_context.span_id:016x}"
    return request_id_var.get(), None, None


def _with_ids(base):
    def factory(*args, **kwargs) -> logging.LogRecord:
        record = base(*args, **kwargs)
        record._request_id, record._trace_id, record._span_id = context_ids()
        return record

    factory.svckit_ids = True
    return factory


def install_record_factory() -> None:
    """Every record made from now on carries the ids of the code that made it (see the module doc)."""
    if not getattr(logging.getLogRecordFactory(), "svckit_ids", False):
        logging.setLogRecordFactory(_with_ids(logging.getLogRecordFactory()))


install_record_factory()


def record_ids(record: logging.LogRecord) -> tuple[str | None, str | None, str | None]:
    """(request id, trace id, span id) of a record: an explicit ``extra={"request_id": ...}`` wins, then the ids
    taken when it was made, then those of the code formatting it."""
    made = (getattr(record, "_request_id", None), getattr(record, "_trace_id", None),
            getattr(record, "_span_id", None))
    now = context_ids() if not any(made) else (None, None, None)
    rid = getattr(record, "request_id", None) or made[0] or now[0]
    return rid, made[1] or now[1], made[2] or now[2]


class ContextFilter(logging.Filter):
    """For the text format: ``request_id``, ``trace_id`` and ``span_id`` on the record ("-" where none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid, trace_id, span_id = record_ids(record)
        record.request_id, record.trace_id, record.span_id = rid or "-", trace_id or "-", span_id or "-"
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, component: str | None = None):
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if self.component:
            data["component"] = self.component
        rid, trace_id, span_id = record_ids(record)
        if rid:
            data["request_id"] = rid
        if trace_id:
            data["trace_id"] = trace_id
        if span_id:
            data["span_id"] = span_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_") and key not in data \
                    and key not in ("request_id", "trace_id", "span_id"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s {component} %(levelname)s [%(request_id)s %(trace_id)s] %(name)s: %(message)s"


def configure(component: str, level: str | None = None) -> None:
    """Route the root logger to stderr as JSON (LOG_FORMAT=text gives plain lines for a terminal); every line with
    request id and trace id. Also sets up tracing for the process (svckit.tracing.configure)."""
    from . import tracing

    level = (level or os.environ.get("LOG_LEVEL") or "INFO").upper()
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("LOG_FORMAT", "json") == "text":
        handler.addFilter(ContextFilter())
        handler.setFormatter(logging.Formatter(TEXT_FORMAT.format(component=component)))
    else:
        handler.setFormatter(JsonFormatter(component))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("amqp", "kombu", "nameko.containers", "nameko.messaging"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    tracing.configure(component)
