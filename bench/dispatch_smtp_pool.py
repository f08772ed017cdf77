"""Pooled SMTP delivery (dispatch.engine.smtp.SmtpPool, with pipelining) beside one connection per mail, same run.

    .venv/bin/python bench/dispatch_smtp_pool.py [--n 3000] [--connections 4]

Both deliver the same 4 KB mail to the SMTP sink in --discard mode (its own process), with the same number of
concurrent green threads; blocks alternate between the two so load on the machine hits both alike.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse
import smtplib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventlet.greenpool import GreenPool

from bench import results
from bench.common import BIN, child, free_port, wait_until
from dispatch.domain.mime import Mail
from dispatch.engine.smtp import SmtpPool


def run(pool: SmtpPool, data: bytes, n: int, pooled: bool, concurrency: int) -> tuple[float, float, int]:
    greens = GreenPool(concurrency)
    before = pool.opened
    t0, c0 = time.perf_counter(), time.process_time()
    outcomes = list(greens.imap(lambda i: pool.send("b-1-x@bounces.example", f"r{i}@zeitung.example", data,
                                                    pooled=pooled).kind, range(n)))
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert outcomes.count("sent") == n, outcomes[:5]
    return n / elapsed, cpu / n * 1000, pool.opened - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    started = results.start()
    port = free_port()
    data = Mail("ACME", "presse@acme.example", "anna@zeitung.example", "Einladung",
                "Text\n" * 600, "<p>Text</p>" * 200).to_bytes()
    with child([str(BIN / "python"), "-m", "smtpsink", "--smtp-port", str(port), "--web-port", "0", "--discard",
                "-q", "--store", "/tmp/pressroom-bench-pool"], log_name="dispatch-pool-sink"):
        def up():
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as s:
                return s.noop()[0] == 250
        wait_until(up, what="smtp sink")
        pool = SmtpPool("127.0.0.1", port, size=args.connections, timeout=30)
        totals = {True: [0.0, 0.0, 0], False: [0.0, 0.0, 0]}
        rounds = 3
        for _ in range(rounds):
            for pooled in (True, False):
                rate, cpu, opened = run(pool, data, args.n // rounds, pooled, args.connections)
                totals[pooled][0] += rate / rounds
                totals[pooled][1] += cpu / rounds
                totals[pooled][2] += opened
        pool.close()
    (p_rate, p_cpu, p_open), (s_rate, s_cpu, s_open) = totals[True], totals[False]
    print(f"SMTP delivery of {len(data):,}-byte mails to a local sink, {args.connections} concurrent, "
          f"n={args.n} each")
    print(f"  pooled (+ pipelining):   {p_rate:8.0f} mails/s  {p_cpu:.2f} ms CPU/mail  {p_open} connections opened")
    print(f"  one connection per mail: {s_rate:8.0f} mails/s  {s_cpu:.2f} ms CPU/mail  {s_open} connections opened")
    print(f"  pooled is {p_rate / s_rate:.1f}x the rate at {p_cpu / s_cpu:.2f}x the CPU per mail")
    results.record("dispatch_smtp_pool", started, {
        "n": args.n, "concurrency": args.connections, "mail_bytes": len(data),
        "pooled": {"mails_per_s": round(p_rate, 1), "cpu_ms_per_mail": round(p_cpu, 3), "connections": p_open},
        "per_mail": {"mails_per_s": round(s_rate, 1), "cpu_ms_per_mail": round(s_cpu, 3), "connections": s_open}}, [
        results.row(f"dispatch: pooled SMTP, {args.connections} concurrent (`bench/dispatch_smtp_pool.py`)",
                    f"{p_rate:,.0f} mails/s, {p_cpu:.2f} ms CPU/mail",
                    f"one connection per mail {s_rate:,.0f} mails/s, {s_cpu:.2f} ms CPU/mail",
                    f"{p_rate / s_rate:.1f}x the rate, {p_cpu / s_cpu:.2f}x the CPU"),
    ])


if __name__ == "__main__":
    main()
