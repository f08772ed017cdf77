"""W3C trace context and OpenTelemetry spans for the gateway and every service.

One trace follows a request everywhere it goes. The gateway takes a well-formed ``traceparent`` header (W3C Trace
Context, version 00) or starts a new trace, and answers with the ``traceparent`` of its own span. The trace
travels:

- in RPC calls: the ``traceparent`` key of nameko's context data (like the request id), written by
  :func:`call_async` for each call with a client span of its own (gateway.rpc, :class:`svckit.rpc.ServiceRpc`, a
  job's ``ctx.rpc``); the called worker opens its server span from it (:func:`worker_started`, run by
  ``svckit.entrypoints.Auth``);
- in events: an outbox row stores the context of the worker that wrote it (with the ``traceparent`` of a producer
  span, :func:`event_context`); the relay publishes it as ``nameko.*`` headers, so the handler's worker opens a
  consumer span under it;
- in jobs: :func:`job_context` is stored with the job row (under ``_context`` in its ``principal`` column) and
  :func:`job_span` restores trace and request id when the job runs;
- a unit of work (``svckit.work.Work``) is a span of its own (its database transaction).

Spans are recorded only while an exporter is attached: :func:`configure` attaches the OTLP/HTTP exporter when
``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the standard ``OTEL_EXPORTER_OTLP_*`` settings apply; the service name is
``OTEL_SERVICE_NAME`` or ``pressroom-<component>``); a test attaches one with :func:`export_to` (the SDK's
``InMemorySpanExporter``). Without one, spans are not recorded: trace and span ids are still made and propagated
(log lines carry them, svckit.logs), nothing else is done.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import NonRecordingSpan, Span, SpanContext, SpanKind, Status, StatusCode, TraceFlags

from .logs import request_id_var

log = logging.getLogger(__name__)

#: the key in nameko's context data (and, as ``nameko.traceparent``, in message headers)
TRACEPARENT_KEY = "traceparent"
REQUEST_ID_KEY = "request_id"  # as svckit.entrypoints.REQUEST_ID_KEY (which imports this module)
JOB_CONTEXT_KEY = "_context"

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")


# --- traceparent ------------------------------------------------------------------------------------------------


def parse_traceparent(value: Any) -> SpanContext | None:
    """The remote span context of a W3C ``traceparent``, or None when it is malformed: not lower-case hex in the
    right lengths, version ff, an all-zero trace or span id, or version 00 with anything after the flags."""
    if not isinstance(value, str) or len(value) > 512:
        return None
    match = _TRACEPARENT.match(value.strip())
    if match is None:
        return None
    version, trace_id, span_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest) or set(trace_id) == {"0"} or set(span_id) == {"0"}:
        return None
    return SpanContext(int(trace_id, 16), int(span_id, 16), is_remote=True, trace_flags=TraceFlags(int(flags, 16)))


def format_traceparent(span_context: SpanContext) -> str:
    return f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}-{int(span_context.trace_flags):02x}"


def current_span_context() -> SpanContext | None:
    span_context = trace.get_current_span().get_span_context()
    return span_context if span_context.is_valid else None


def current_traceparent() -> str | None:
    span_context = current_span_context()
    return format_traceparent(span_context) if span_context else None


def current_trace_id() -> str | None:
    span_context = current_span_context()
    return f"{span_context.trace_id:032x}" if span_context else None


def _parent(traceparent: Any) -> otel_context.Context:
    """A context whose parent is ``traceparent``; an empty one (a new trace) when it is missing or malformed."""
    span_context = parse_traceparent(traceparent)
    if span_context is None:
        return otel_context.Context()
    return trace.set_span_in_context(NonRecordingSpan(span_context), otel_context.Context())


# --- the provider: one per process, recording only while an exporter is attached ---------------------------------


class _Fanout(SpanProcessor):
    """The provider's one processor: forwards to the attached ones (attached and detached at run time)."""

    def __init__(self) -> None:
        self.processors: tuple[SpanProcessor, ...] = ()

    def on_start(self, span, parent_context=None) -> None:
        for processor in self.processors:
            processor.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        for processor in self.processors:
            processor.on_end(span)

    def shutdown(self) -> None:
        for processor in self.processors:
            processor.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all(processor.force_flush(timeout_millis) for processor in self.processors)


class _Switch(Sampler):
    """Record every span while an exporter is attached; otherwise none (ids are made all the same)."""

    def __init__(self, fanout: _Fanout):
        self.fanout = fanout

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None) -> SamplingResult:
        if not self.fanout.processors:
            return SamplingResult(Decision.DROP)
        parent = trace.get_current_span(parent_context).get_span_context()
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes, parent.trace_state if parent else None)

    def get_description(self) -> str:
        return "svckit.tracing: record while an exporter is attached"


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.component = "pressroom"
        self.provider: TracerProvider | None = None
        self.tracer: trace.Tracer | None = None
        self.fanout = _Fanout()
        self.otlp: SpanProcessor | None = None


_state = _State()


def tracer() -> trace.Tracer:
    if _state.tracer is None:
        with _state.lock:
            if _state.tracer is None:
                name = os.environ.get("OTEL_SERVICE_NAME") or f"pressroom-{_state.component}"
                _state.provider = TracerProvider(resource=Resource.create({"service.name": name}),
                                                 sampler=_Switch(_state.fanout))
                _state.provider.add_span_processor(_state.fanout)
                _state.tracer = _state.provider.get_tracer("svckit.tracing")
    return _state.tracer


def add_processor(processor: SpanProcessor) -> None:
    with _state.lock:
        _state.fanout.processors = (*_state.fanout.processors, processor)


def remove_processor(processor: SpanProcessor) -> None:
    with _state.lock:
        _state.fanout.processors = tuple(p for p in _state.fanout.processors if p is not processor)


def recording() -> bool:
    return bool(_state.fanout.processors)


def configure(component: str) -> None:
    """Called once per process (svckit.logs.configure): names the process and attaches the OTLP/HTTP exporter when
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set."""
    _state.component = component
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") and _state.otlp is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        _state.otlp = BatchSpanProcessor(OTLPSpanExporter())
        add_processor(_state.otlp)
        log.info("tracing: spans exported over OTLP to %s", os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"])


@contextmanager
def export_to(exporter: SpanExporter) -> Iterator[SpanExporter]:
    """Record spans into ``exporter`` inside the block (the tests' hook: ``InMemorySpanExporter``)."""
    processor = SimpleSpanProcessor(exporter)
    add_processor(processor)
    try:
        yield exporter
    finally:
        remove_processor(processor)


# --- spans ------------------------------------------------------------------------------------------------------


def _failed(span: Span, exc: BaseException, expected: tuple[type[BaseException], ...] = ()) -> None:
    if not span.is_recording():
        return
    if expected and isinstance(exc, expected):
        span.set_attribute("pressroom.error", type(exc).__name__)
        return
    span.record_exception(exc)
    span.set_status(Status(StatusCode.ERROR, type(exc).__name__))


_KEEP = object()


@contextmanager
def span(name: str, kind: SpanKind = SpanKind.INTERNAL, *, parent: Any = _KEEP,
         attributes: dict[str, Any] | None = None, expected: tuple[type[BaseException], ...] = ()) -> Iterator[Span]:
    """A span that is the current one inside the block, child of the current span (or of the ``traceparent`` given
    as ``parent``; ``parent=None`` starts a new trace). An exception marks it failed (but ``expected`` ones)."""
    context = None if parent is _KEEP else _parent(parent)
    current = tracer().start_span(name, context=context, kind=kind, attributes=attributes)
    token = otel_context.attach(trace.set_span_in_context(current))
    try:
        yield current
    except BaseException as exc:
        _failed(current, exc, expected)
        raise
    finally:
        otel_context.detach(token)
        current.end()


class Started:
    """A span made current until :meth:`end` (the gateway's request, a worker, a unit of work), child of the current
    span or of the ``traceparent`` given as ``parent`` (``None``: a new trace)."""

    def __init__(self, name: str, kind: SpanKind = SpanKind.INTERNAL, parent: Any = _KEEP,
                 attributes: dict[str, Any] | None = None):
        context = None if parent is _KEEP else _parent(parent)
        self.span = tracer().start_span(name, context=context, kind=kind, attributes=attributes)
        self.token: object | None = otel_context.attach(trace.set_span_in_context(self.span))
        self.traceparent = format_traceparent(self.span.get_span_context())

    def end(self, exc: BaseException | None = None, expected: tuple[type[BaseException], ...] = ()) -> None:
        if self.token is None:
            return
        if exc is not None:
            _failed(self.span, exc, expected)
        try:
            otel_context.detach(self.token)  # type: ignore[arg-type]
        finally:
            self.token = None
            self.span.end()


def set_outcome(current: Span, outcome: str, failed: bool = False) -> None:
    if current.is_recording():
        current.set_attribute("pressroom.outcome", outcome)
        if failed:
            current.set_status(Status(StatusCode.ERROR, outcome))


# --- nameko workers (svckit.entrypoints.Auth calls these) --------------------------------------------------------

_workers: "weakref.WeakKeyDictionary[Any, Started]" = weakref.WeakKeyDictionary()


def worker_started(worker_ctx: Any, component: str) -> None:
    """The worker's span (server for RPC, consumer for an event, internal otherwise), child of the caller's
    ``traceparent``; the context data carries it on to calls and events of the worker."""
    from nameko.events import EventHandler
    from nameko.rpc import Rpc
    from nameko.web.handlers import HttpRequestHandler

    entrypoint = worker_ctx.entrypoint
    if isinstance(entrypoint, HttpRequestHandler):  # /health and /metrics: no span per probe
        return
    method = entrypoint.method_name
    if isinstance(entrypoint, EventHandler):
        kind = SpanKind.CONSUMER
        attributes = {"messaging.system": "rabbitmq", "messaging.operation": "process",
                      "messaging.destination.name": f"{entrypoint.source_service}.{entrypoint.event_type}"}
    elif isinstance(entrypoint, Rpc):
        kind, attributes = SpanKind.SERVER, {"rpc.system": "nameko", "rpc.service": component, "rpc.method": method}
    else:
        kind, attributes = SpanKind.INTERNAL, {}
    attributes["pressroom.component"] = component
    started = Started(f"{component}.{method}", kind, worker_ctx.data.get(TRACEPARENT_KEY), attributes)
    _workers[worker_ctx] = started
    worker_ctx.data[TRACEPARENT_KEY] = started.traceparent


def worker_finished(worker_ctx: Any, exc_info: Any = None, expected: tuple[type[BaseException], ...] = ()) -> None:
    started = _workers.pop(worker_ctx, None)
    if started is not None:
        started.end(exc_info[1] if exc_info else None, expected)


# --- RPC client side --------------------------------------------------------------------------------------------


class _TracedReply:
    def __init__(self, reply: Any, current: Span, service: str, method: str,
                 expected: tuple[type[BaseException], ...]):
        self._reply, self._span, self._service, self._method, self._expected = (reply, current, service, method,
                                                                                 expected)
        self._ending = False

    def result(self) -> Any:
        ending, self._ending = not self._ending, True   # the span ends (and a failure is logged) once
        try:
            return self._reply.result()
        except BaseException as exc:
            if ending:
                _failed(self._span, exc, self._expected)
                if not (self._expected and isinstance(exc, self._expected)):
                    log.warning("rpc %s.%s failed: %s", self._service, self._method, type(exc).__name__,
                                extra={"dependency": self._service})
            raise
        finally:
            if ending:
                self._span.end()


def call_async(data: dict | None, service: str, method: str, send: Callable[[], Any],
               expected: tuple[type[BaseException], ...] = ()) -> Any:
    """Send one RPC call (``send()``, which publishes with the context ``data``) inside a client span whose
    ``traceparent`` the call carries; the span ends when the reply's ``result()`` returns or raises (a timeout or
    any error but the ``expected`` ones is logged as a warning)."""
    current = tracer().start_span(f"{service}.{method}", kind=SpanKind.CLIENT,
                                  attributes={"rpc.system": "nameko", "rpc.service": service, "rpc.method": method})
    saved = data.get(TRACEPARENT_KEY) if data is not None else None
    if data is not None:
        data[TRACEPARENT_KEY] = format_traceparent(current.get_span_context())
    try:
        reply = send()
    except BaseException as exc:
        _failed(current, exc)
        log.warning("rpc %s.%s failed: %s", service, method, type(exc).__name__, extra={"dependency": service})
        current.end()
        raise
    finally:
        if data is not None:
            if saved is None:
                data.pop(TRACEPARENT_KEY, None)
            else:
                data[TRACEPARENT_KEY] = saved
    return _TracedReply(reply, current, service, method, expected)


class TracedMethod:
    """A nameko ``MethodProxy`` whose ``call_async`` runs through :func:`call_async` (gateway.rpc); ``data`` is the
    context data the proxy publishes with."""

    def __init__(self, proxy: Any, data: dict, service: str, method: str,
                 expected: tuple[type[BaseException], ...] = ()):
        self.proxy, self.data, self.service, self.method, self.expected = proxy, data, service, method, expected

    def call_async(self, *args: Any, **kwargs: Any) -> Any:
        return call_async(self.data, self.service, self.method, lambda: self.proxy.call_async(*args, **kwargs),
                          self.expected)


# --- events and jobs --------------------------------------------------------------------------------------------


def event_context(event_type: str) -> dict[str, str]:
    """What an outbox row adds to its headers: the ``traceparent`` of a producer span for the event (child of the
    current span) and the current request id."""
    with span(f"send {event_type}", SpanKind.PRODUCER,
              attributes={"messaging.system": "rabbitmq", "messaging.operation": "publish"}) as sent:
        data = {TRACEPARENT_KEY: format_traceparent(sent.get_span_context())}
    rid = request_id_var.get()
    if rid:
        data[REQUEST_ID_KEY] = rid
    return data


def job_context() -> dict[str, Any]:
    """What a job row stores of its enqueuing context (``{"_context": {...}}``, merged into its principal)."""
    data: dict[str, str] = {}
    traceparent = current_traceparent()
    if traceparent:
        data[TRACEPARENT_KEY] = traceparent
    rid = request_id_var.get()
    if rid:
        data[REQUEST_ID_KEY] = rid
    return {JOB_CONTEXT_KEY: data} if data else {}


@contextmanager
def job_span(component: str, kind: str, job_id: Any, principal: dict | None) -> Iterator[Span]:
    """A job run: the enqueuing request id and a span in the enqueuing trace (a new one for a job without)."""
    stored = (principal or {}).get(JOB_CONTEXT_KEY) or {}
    token = request_id_var.set(stored.get(REQUEST_ID_KEY) or f"job-{job_id}")
    try:
        with span(f"{component} job {kind}", SpanKind.CONSUMER, parent=stored.get(TRACEPARENT_KEY),
                  attributes={"pressroom.component": component, "job.kind": kind, "job.id": str(job_id)}) as current:
            yield current
    finally:
        request_id_var.reset(token)
