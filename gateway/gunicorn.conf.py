"""gunicorn settings for the gateway.

Worker model: ``gthread``. A request spends almost all its time waiting for an RPC reply from RabbitMQ, so threads
let one process overlap many such waits at little memory. gunicorn 27 ships no eventlet worker, and the gevent
worker would monkey-patch the process under nameko's standalone proxy. Each thread lazily creates its own nameko
proxy (the proxy is not thread-safe) after the fork and keeps it for its whole life: never one per request.
"""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GATEWAY_BIND", f"0.0.0.0:{os.environ.get('GATEWAY_PORT', '8080')}")
if os.environ.get("GATEWAY_METRICS_PORT"):   # /metrics answers only there (gateway/gateway/metrics.py)
    bind = [bind, f"{os.environ.get('GATEWAY_METRICS_HOST', '0.0.0.0')}:{os.environ['GATEWAY_METRICS_PORT']}"]
worker_class = "gthread"
workers = int(os.environ.get("GATEWAY_WORKERS", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
timeout = int(os.environ.get("GATEWAY_TIMEOUT", "60"))
# after SIGTERM the running requests get this long (Kubernetes: terminationGracePeriodSeconds covers it)
graceful_timeout = int(os.environ.get("GATEWAY_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
accesslog = None          # the app writes its own JSON access log with request ids
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "pressroom-gateway"
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus multiprocess mode (gateway/gateway/metrics.py): every worker writes its metrics to files in this
# directory and /metrics sums them. Set before any worker imports prometheus_client; emptied at every start (a
# directory of its own per gunicorn master unless PROMETHEUS_MULTIPROC_DIR names one, e.g. an emptyDir).
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(tempfile.gettempdir(),
                                                          f"pressroom-gateway-metrics-{os.getpid()}")


def on_starting(server):
    # not through gateway.metrics: importing it in the master creates its gauges, which open their files in this
    # directory at once (before it would exist); the master itself records nothing
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):   # files of an earlier run would be added to this run's sums
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))


def child_exit(server, worker):
    # a dead worker's live gauges (in-flight requests, open circuits) stop counting; its counters stay in the sums
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
