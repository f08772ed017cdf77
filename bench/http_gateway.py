"""HTTP -> gateway -> RPC -> PostgreSQL -> back, beside the same Falcon app answering without RPC, same run.

    .venv/bin/python bench/http_gateway.py [--duration 8]

Starts the identity service (``nameko run``) and the gateway under gunicorn exactly as ``make run`` does (gthread,
GATEWAY_WORKERS x GATEWAY_THREADS), on a throw-away vhost and database, then drives both routes with 1 and 16
concurrent keep-alive clients.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from bench import loadgen  # noqa: E402
from bench import results as bench_results
from bench.common import BIN, child, free_port, vhost, wait_until  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    args = parser.parse_args()
    started = bench_results.start()

    prefix = f"pressroom_bench{uuid.uuid4().hex[:6]}_"
    os.environ["PRESSROOM_DB_PREFIX"] = prefix
    from svckit.migrate import drop_database, ensure_database, upgrade
    from svckit.settings import database_url

    url = database_url("identity")
    ensure_database(url)
    try:
        upgrade("identity", url)
        account_id = str(uuid.uuid4())
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO accounts (id, name, language, seats) "
                              "VALUES (:i, 'Benchmark GmbH', 'de', 5)"),
                         {"i": account_id})
        engine.dispose()
        with vhost() as amqp_uri:
            port = free_port()
            env = {"AMQP_URI": amqp_uri, "PRESSROOM_DB_PREFIX": prefix, "BENCH_ACCOUNT_ID": account_id,
                   "GATEWAY_BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING",
                   "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}", "IDENTITY_DATABASE_URL": url}
            workers, threads = os.environ.get("GATEWAY_WORKERS", "2"), os.environ.get("GATEWAY_THREADS", "8")
            env.update({"GATEWAY_WORKERS": workers, "GATEWAY_THREADS": threads})
            with child([str(BIN / "nameko"), "run", "--config", "services/identity/config.yml", "identity.service"],
                       env=env, log_name="identity"), \
                 child([str(BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py", "bench.gateway_app:get_app()"],
                       env=env, log_name="gateway"):
                base = f"http://127.0.0.1:{port}"
                wait_until(lambda: urllib.request.urlopen(f"{base}/api/v1/accounts/{account_id}", timeout=2).status
                           == 200, what="gateway + identity")
                routes = {"Falcon only (no RPC)": "/bench/static",
                          "gateway -> RPC -> PostgreSQL": f"/api/v1/accounts/{account_id}"}
                for _name, path in routes.items():  # warm every worker thread's proxy
                    loadgen.run("127.0.0.1", port, path, 16, 2.0)
                print(f"HTTP benchmark: gunicorn gthread, {workers} workers x {threads} threads, "
                      f"{args.duration:.0f} s per cell, same run")
                results = {}
                for concurrency in args.concurrency:
                    for name, path in routes.items():
                        r = loadgen.run("127.0.0.1", port, path, concurrency, args.duration)
                        results[(name, concurrency)] = r
                        print(f"  {name:30s} c={concurrency:<3d} {r['rps']:8.1f} req/s   median "
                              f"{r['median_ms']:6.2f} ms   p99 {r['p99_ms']:7.2f} ms   errors {r['errors']}")
                for concurrency in args.concurrency:
                    a = results[("gateway -> RPC -> PostgreSQL", concurrency)]
                    b = results[("Falcon only (no RPC)", concurrency)]
                    print(f"  c={concurrency}: RPC route reaches {a['rps'] / b['rps']:.2f} of Falcon-only req/s")
                rows = []
                for i, concurrency in enumerate(args.concurrency):
                    a = results[("gateway -> RPC -> PostgreSQL", concurrency)]
                    b = results[("Falcon only (no RPC)", concurrency)]
                    what = (f"HTTP -> gateway -> RPC -> PostgreSQL, "
                            f"{concurrency} client{'s' if concurrency > 1 else ''} "
                            "(`bench/http_gateway.py`)"
                            if i == 0 else f"the same, {concurrency} clients")
                    rows.append(bench_results.row(
                        what, f"{a['rps']:,.0f} req/s, p99 {a['p99_ms']:.1f} ms",
                        f"Falcon alone {b['rps']:,.0f} req/s, p99 {b['p99_ms']:.1f} ms", f"{a['rps'] / b['rps']:.2f}",
                        "report"))
                bench_results.record("http_gateway", started, {
                    "workers": workers, "threads": threads, "duration_s": args.duration,
                    "cells": [{"route": name, "clients": c, **r} for (name, c), r in results.items()]}, rows)
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
