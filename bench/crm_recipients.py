"""Resolving a 100,000-member list through crm.resolve_recipients over real RPC (pages of 1,000, as dispatch
does), in a database of 200,000 contacts; beside the same pages produced by the use case in-process (no RPC,
no serialisation over the broker) in the same run.

    .venv/bin/python bench/crm_recipients.py
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import results as bench_results  # noqa: E402
from bench.common import vhost  # noqa: E402
from bench.crm_lib import bench_database, load_contacts, machine  # noqa: E402

MEMBERS = int(os.environ.get("CRM_BENCH_MEMBERS", "100000"))   # smaller for a quick check of the script


def main() -> int:
    from nameko.runners import ServiceRunner
    from nameko.standalone.rpc import ClusterRpcProxy
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from crm.service import CrmService
    from crm.usecases import recipients
    from svckit import principal as principal_mod
    from svckit.clock import utcnow
    from svckit.principal import Principal
    from svckit.settings import principal_secret
    from svckit.work import Work

    account, client = uuid.uuid4(), uuid.uuid4()
    principal = Principal(kind="user", account_id=str(account), user_id=str(uuid.uuid4()), roles=("user",),
                          clients={str(client): "full"})
    run_started = bench_results.start()
    with bench_database() as url, vhost() as amqp:
        ids = load_contacts(url, account, client, 2 * MEMBERS)
        list_id = uuid.uuid4()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO lists (id, account_id, client_id, name, kind) VALUES (:l, :a, :c, 'B', "
                              "'static')"), {"l": list_id, "a": account, "c": client})
            conn.execute(text("INSERT INTO list_members (list_id, contact_id, account_id) "
                              "SELECT :l, id, :a FROM contacts ORDER BY random() LIMIT :n"),
                         {"l": list_id, "a": account, "n": MEMBERS})
            conn.execute(text("ANALYZE list_members"))

        # baseline: the same pages, in-process
        started = time.perf_counter()
        total, cursor = 0, None
        with Session(engine) as session:
            while True:
                page = recipients.resolve(Work(session, utcnow(), principal), {"list_id": str(list_id)}, cursor, 1000)
                total += len(page["recipients"])
                cursor = page["next_cursor"]
                session.expunge_all()
                if not cursor:
                    break
        local_s = time.perf_counter() - started
        assert total == MEMBERS, total

        config = {"AMQP_URI": amqp, "DB_URIS": {"crm": url}, "PRINCIPAL_SECRET": principal_secret(),
                  "max_workers": 10, "serializer": "json", "CRM_STORAGE_DIR": "/tmp/crm-bench-storage"}
        runner = ServiceRunner(config)
        runner.add_service(CrmService)
        runner.start()
        try:
            context = {principal_mod.CONTEXT_KEY: principal_mod.encode(principal, principal_secret())}
            with ClusterRpcProxy({"AMQP_URI": amqp, "serializer": "json"}, context_data=context, timeout=60) as rpc:
                rpc.crm.health()
                started = time.perf_counter()
                got, cursor, pages = 0, None, 0
                while True:
                    page = rpc.crm.resolve_recipients({"list_id": str(list_id)}, cursor=cursor, limit=1000)
                    got += len(page["recipients"])
                    pages += 1
                    cursor = page["next_cursor"]
                    if not cursor:
                        break
                rpc_s = time.perf_counter() - started
        finally:
            runner.stop()
        engine.dispose()
    assert got == MEMBERS, got
    print(f"\nmachine: {machine()}; list of {MEMBERS:,} members in a database of {len(ids):,} contacts")
    print(f"through RPC (pages of 1,000):     {rpc_s:6.2f} s  {MEMBERS / rpc_s:9,.0f} recipients/s  ({pages} calls)")
    print(f"baseline in-process (no RPC):     {local_s:6.2f} s  {MEMBERS / local_s:9,.0f} recipients/s")
    print(f"ratio RPC / in-process time:      {rpc_s / local_s:6.2f}x")
    bench_results.record("crm_recipients", run_started, {
        "members": MEMBERS, "contacts": len(ids), "pages": pages, "rpc_s": round(rpc_s, 2),
        "in_process_s": round(local_s, 2), "ratio_time": round(rpc_s / local_s, 3)}, [
        bench_results.row(f"crm: {MEMBERS:,} list members through RPC (`bench/crm_recipients.py`)",
                          f"{MEMBERS / rpc_s:,.0f} recipients/s",
                          f"the same pages in-process {MEMBERS / local_s:,.0f}/s", f"{local_s / rpc_s:.2f}"),
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
