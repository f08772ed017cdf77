"""A small closed-loop HTTP load generator: N concurrent keep-alive clients spread over processes (so the GIL of one
Python process does not cap the load), each sending requests back to back for a fixed time."""

from __future__ import annotations

import http.client
import multiprocessing as mp
import threading
import time


def _client(host: str, port: int, path: str, headers: dict, until: float, out: list) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies, errors = [], 0
    while time.time() < until:
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        latencies.append((time.perf_counter() - t) * 1000)
    conn.close()
    out.append((latencies, errors))


def _process(host, port, path, headers, threads, start_at, duration, queue) -> None:
    time.sleep(max(0.0, start_at - time.time()))
    out: list = []
    workers = [threading.Thread(target=_client, args=(host, port, path, headers, start_at + duration, out))
               for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(out)


def run(host: str, port: int, path: str, concurrency: int, duration: float, headers: dict | None = None) -> dict:
    processes = min(concurrency, 4)
    per = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    queue: mp.Queue = mp.Queue()
    start_at = time.time() + 0.5
    procs = [mp.Process(target=_process, args=(host, port, path, headers or {}, n, start_at, duration, queue))
             for n in per]
    for p in procs:
        p.start()
    latencies, errors = [], 0
    for _ in procs:
        for lat, err in queue.get():
            latencies.extend(lat)
            errors += err
    for p in procs:
        p.join()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * (len(latencies) - 1)))] if latencies else float("nan")
    median = latencies[len(latencies) // 2] if latencies else float("nan")
    return {"rps": len(latencies) / duration, "p99_ms": p99, "median_ms": median, "errors": errors,
            "requests": len(latencies)}
