"""Prometheus metrics of the gateway and its ``GET /metrics`` page (docs/operations.md, "Metrics").

- HTTP requests by route *template* (the Falcon route's URI template, e.g. ``/api/v1/crm/contacts/{contact_id}``,
  never the raw path: bounded cardinality; static files, the web app and unmatched paths are ``other``), method
  and status, with a latency histogram; ``gateway_http_in_flight_requests`` (what the HPA scales on);
- RPC calls from the gateway by service with outcome (``ok``: the service answered, a wire error such as a 404
  included; ``timeout``; ``no_consumer``: nobody consumes the service's queue; ``error``: the broker connection
  failed or the service raised something unexpected) and latency (:func:`observe_rpc`, called by gateway.rpc);
- ``gateway_circuit_open`` per service (0/1), set by the RPC client's circuit breaker.

gunicorn runs several worker processes: with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn.conf.py sets and empties
it at every start, and marks a dead worker's files in its ``child_exit`` hook), every worker writes its values to
files there and ``/metrics``, whichever worker answers it, sums them all (prometheus_client's multiprocess mode).
Without it (tests with Falcon's TestClient) the process's own registry is served.

``/metrics`` needs no login (Prometheus scrapes it). With ``GATEWAY_METRICS_PORT`` set (production), gunicorn
listens on that port too and ``/metrics`` answers only there (404 on the public port, so the Ingress never serves
it); the prod NetworkPolicy lets only the monitoring namespace reach that port.
"""

from __future__ import annotations

import os
import time

import falcon
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prom_multiprocess

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0)

#: the route label of requests that matched no templated route (static files, the web app, 404s)
OTHER = "other"

HTTP_REQUESTS = Counter("gateway_http_requests_total", "HTTP requests answered, by route template, method and "
                        "status", ["route", "method", "status"])
HTTP_SECONDS = Histogram("gateway_http_request_duration_seconds", "Time to answer an HTTP request, by route "
                         "template and method", ["route", "method"], buckets=LATENCY_BUCKETS)
IN_FLIGHT = Gauge("gateway_http_in_flight_requests", "HTTP requests being answered now",
                  multiprocess_mode="livesum")
RPC_CALLS = Counter("gateway_rpc_calls_total", "RPC calls from the gateway, by service and outcome (ok, timeout, "
                    "no_consumer, error)", ["service", "outcome"])
RPC_SECONDS = Histogram("gateway_rpc_duration_seconds", "Time from sending an RPC call to its answer, by service",
                        ["service"], buckets=LATENCY_BUCKETS)
CIRCUIT_OPEN = Gauge("gateway_circuit_open", "1 while the RPC client's circuit for a service is open (calls fail "
                     "fast), else 0", ["service"], multiprocess_mode="livemax")

RPC_OUTCOMES = ("ok", "timeout", "no_consumer", "error")


def observe_rpc(service: str, outcome: str, seconds: float) -> None:
    """One RPC call's end (gateway.rpc calls this for each call it sent or tried to send)."""
    RPC_CALLS.labels(service, outcome).inc()
    RPC_SECONDS.labels(service).observe(seconds)


class HttpMetrics:
    """Falcon middleware, first in the chain (so it times everything the others do)."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.metrics_started = time.perf_counter()
        req.context.metrics_in_flight = True
        IN_FLIGHT.inc()

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource, req_succeeded: bool) -> None:
        started = req.context.get("metrics_started")
        if started is None:
            return
        if req.context.get("metrics_in_flight"):
            req.context.metrics_in_flight = False
            IN_FLIGHT.dec()
        route = req.uri_template or OTHER
        status = str(resp.status).split()[0] if resp.status else "0"
        HTTP_REQUESTS.labels(route, req.method, status).inc()
        HTTP_SECONDS.labels(route, req.method).observe(time.perf_counter() - started)


def local_port(req: falcon.Request) -> int | None:
    """The port the request arrived on (gunicorn's socket; the Host header could say anything)."""
    sock = req.env.get("gunicorn.socket")
    try:
        return int(sock.getsockname()[1]) if sock is not None else None
    except (OSError, IndexError, TypeError, ValueError):
        return None


def registry() -> CollectorRegistry:
    """What ``/metrics`` serves: the sum over every worker's files in multiprocess mode, else this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    collected = CollectorRegistry()
    prom_multiprocess.MultiProcessCollector(collected)
    return collected


class MetricsResource:
    """``GET /metrics``: the Prometheus text format; no login (see the module doc)."""

    auth_required = False

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        port = os.environ.get("GATEWAY_METRICS_PORT")
        if port and local_port(req) != int(port):
            raise falcon.HTTPNotFound()
        resp.content_type = CONTENT_TYPE_LATEST
        resp.data = generate_latest(registry())
