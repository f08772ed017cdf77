"""``python -m billing.jobs run-due [--today YYYY-MM-DD]``: what the Kubernetes CronJob runs.

It asks the running billing service to run what is due (``billing.run_due_jobs`` over RPC, as the billing system
principal), so there is one code path for the timer, the CronJob and tests; every job is idempotent per
(account, period, kind), so overlapping with the service's own timer is harmless. Exit code 0 when the run had no
errors, 1 when some job failed (it is retried on the next run), 2 on bad arguments or an unreachable service.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date


def run_due(today: str | None, timeout: float = 600) -> dict:
    from nameko.standalone.rpc import ClusterRpcProxy

    import svckit  # noqa: F401  (kombu import fix)
    from svckit import principal as principal_mod
    from svckit.principal import Principal
    from svckit.settings import amqp_uri, principal_secret

    context = {principal_mod.CONTEXT_KEY: principal_mod.encode(Principal.system("billing"), principal_secret())}
    with ClusterRpcProxy({"AMQP_URI": amqp_uri(), "serializer": "json"}, context_data=context,
                         timeout=timeout) as proxy:
        return proxy.billing.run_due_jobs(today)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m billing.jobs", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run-due", help="run every billing job that is due")
    run.add_argument("--today", help="the day to run for (YYYY-MM-DD); default: today")
    run.add_argument("--timeout", type=float, default=600, help="seconds to wait for the run (default 600)")
    args = parser.parse_args(argv)
    if args.today:
        try:
            date.fromisoformat(args.today)
        except ValueError:
            print(f"--today: not a date (YYYY-MM-DD): {args.today}", file=sys.stderr)
            return 2
    try:
        report = run_due(args.today, args.timeout)
    except Exception as exc:
        print(f"billing jobs failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if report.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
