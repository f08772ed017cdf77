"""svckit.tracing and svckit.logs without a broker: traceparent parsing, span links, and log lines that name the
request id and trace id of the code that wrote them."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from svckit import logs, tracing

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


@pytest.mark.parametrize("value", [
    f"00-{TRACE}-{PARENT}-01",
    f"00-{TRACE}-{PARENT}-00",
    f"01-{TRACE}-{PARENT}-01-what-a-future-version-adds",
])
def test_well_formed_traceparent_is_taken(value):
    span_context = tracing.parse_traceparent(value)
    assert span_context is not None
    assert f"{span_context.trace_id:032x}" == TRACE
    assert f"{span_context.span_id:016x}" == PARENT
    assert span_context.is_remote


@pytest.mark.parametrize("value", [
    None, "", "garbage", f"00-{TRACE}-{PARENT}",
    f"00-{TRACE.upper()}-{PARENT}-01",          # upper case
    f"00-{'0' * 32}-{PARENT}-01",               # all-zero trace id
    f"00-{TRACE}-{'0' * 16}-01",                # all-zero span id
    f"ff-{TRACE}-{PARENT}-01",                  # version ff is invalid
    f"00-{TRACE}-{PARENT}-01-extra",            # version 00 has nothing after the flags
    f"00-{TRACE[:-1]}-{PARENT}-01",             # short trace id
    "00-" + "x" * 32 + f"-{PARENT}-01",
])
def test_malformed_traceparent_is_refused(value):
    assert tracing.parse_traceparent(value) is None


def test_spans_link_to_their_parents_and_to_a_remote_traceparent():
    with tracing.export_to(InMemorySpanExporter()) as exporter:
        with tracing.span("outer", SpanKind.SERVER, parent=f"00-{TRACE}-{PARENT}-01") as outer:
            with tracing.span("inner"):
                assert tracing.current_trace_id() == TRACE
        with tracing.span("new", parent=None):
            assert tracing.current_trace_id() != TRACE
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert spans["outer"].parent.span_id == int(PARENT, 16)
    assert spans["inner"].parent.span_id == outer.get_span_context().span_id
    assert spans["inner"].context.trace_id == int(TRACE, 16)
    assert spans["new"].parent is None
    assert tracing.current_trace_id() is None  # nothing stays current after the blocks


def test_without_an_exporter_nothing_is_recorded_but_ids_travel():
    assert not tracing.recording()
    with tracing.span("quiet", parent=f"00-{TRACE}-{PARENT}-01") as quiet:
        assert not quiet.is_recording()
        assert tracing.current_trace_id() == TRACE
        assert tracing.current_traceparent().startswith(f"00-{TRACE}-")


def test_a_failing_block_marks_its_span_failed_but_not_for_expected_errors():
    with tracing.export_to(InMemorySpanExporter()) as exporter:
        with pytest.raises(RuntimeError), tracing.span("broken"):
            raise RuntimeError("boom")
        with pytest.raises(KeyError), tracing.span("expected", expected=(KeyError,)):
            raise KeyError("x")
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert spans["broken"].status.is_ok is False
    assert spans["expected"].status.is_unset
    assert spans["expected"].attributes["pressroom.error"] == "KeyError"


def test_a_job_runs_in_the_trace_and_with_the_request_id_it_was_enqueued_with():
    token = logs.request_id_var.set("req-42")
    try:
        with tracing.span("request", parent=f"00-{TRACE}-{PARENT}-01"):
            stored = tracing.job_context()
    finally:
        logs.request_id_var.reset(token)
    assert stored["_context"]["request_id"] == "req-42"
    with tracing.job_span("crm", "export", "j1", {"kind": "user", **stored}):
        assert logs.request_id_var.get() == "req-42"
        assert tracing.current_trace_id() == TRACE
    assert logs.request_id_var.get() is None
    with tracing.job_span("crm", "export", "j2", {"kind": "user"}):   # enqueued outside any request
        assert logs.request_id_var.get() == "job-j2"
        assert tracing.current_trace_id() not in (None, TRACE)


def test_log_lines_carry_request_id_and_trace_id(caplog):
    caplog.set_level(logging.INFO, logger="svckit.test")
    token = logs.request_id_var.set("req-7")
    try:
        with tracing.span("work", parent=f"00-{TRACE}-{PARENT}-01"):
            logging.getLogger("svckit.test").info("inside")
    finally:
        logs.request_id_var.reset(token)
    logging.getLogger("svckit.test").info("outside")
    inside, outside = caplog.records
    assert logs.record_ids(inside)[:2] == ("req-7", TRACE)
    assert logs.record_ids(outside) == (None, None, None)
    # formatted later, outside the request: the line still names the request that wrote it
    line = json.loads(logs.JsonFormatter("crm").format(inside))
    assert line["request_id"] == "req-7" and line["trace_id"] == TRACE and len(line["span_id"]) == 16
    assert line["component"] == "crm" and line["msg"] == "inside"
    assert "trace_id" not in json.loads(logs.JsonFormatter("crm").format(outside))
    text = logging.Formatter(logs.TEXT_FORMAT.format(component="crm"))
    logs.ContextFilter().filter(inside)
    assert f"INFO [req-7 {TRACE}] svckit.test: inside" in text.format(inside)


def test_an_explicit_request_id_wins(caplog):
    caplog.set_level(logging.INFO, logger="svckit.test")
    token = logs.request_id_var.set("ambient")
    try:
        logging.getLogger("svckit.test").info("x", extra={"request_id": "explicit"})
    finally:
        logs.request_id_var.reset(token)
    assert json.loads(logs.JsonFormatter().format(caplog.records[0]))["request_id"] == "explicit"


def test_an_unreachable_smtp_server_is_logged_as_a_warning(caplog):
    import socket

    from svckit.mail import SmtpSender, TransactionalMail

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]   # nobody listens there once the socket is closed
    caplog.set_level(logging.INFO)
    token = logs.request_id_var.set("req-smtp")
    try:
        with pytest.raises(OSError):
            SmtpSender("127.0.0.1", port, "no-reply@pressroom.test").send(
                TransactionalMail(to="a@pressroom.test", subject="Hallo", text="Hallo"))
    finally:
        logs.request_id_var.reset(token)
    (record,) = [r for r in caplog.records if r.name == "svckit.mail"]
    assert record.levelno == logging.WARNING and record.dependency == "smtp"
    assert logs.record_ids(record)[0] == "req-smtp"


def test_spans_are_exported_over_otlp_only_when_the_endpoint_is_set(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    tracing.configure("test")
    assert not tracing.recording() and tracing._state.otlp is None     # off: no exporter, nothing recorded
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    tracing.configure("test")
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        assert tracing.recording()
        assert isinstance(tracing._state.otlp.span_exporter, OTLPSpanExporter)
    finally:
        processor, tracing._state.otlp = tracing._state.otlp, None
        tracing.remove_processor(processor)
        processor.shutdown()
    assert not tracing.recording()
