"""Bounce parsing rate over the bounce corpus: dispatch's parser beside flufl.bounce alone, same run.

    .venv/bin/python bench/dispatch_bounce_parse.py [--rounds 3]

ours:         dispatch.domain.bounce.parse() on every mail of services/dispatch/tests/fixtures/bounces (589 real
              bounces, complaints, auto-replies from about 80 mail-server families): kind, recipient, status,
              reason and hard/soft verdict.
flufl.bounce: email parsing plus flufl.bounce.all_failures() on the same mails (recipients only, no reason and no
              verdict): the baseline a Python project would reach for.
Rounds alternate so machine noise hits both alike. CPU time (process_time) per mail; the verdict figures of ours
against the corpus labels are printed beside (the corpus test asserts them).
"""

from __future__ import annotations

import argparse
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "services" / "dispatch" / "tests" / "fixtures" / "bounces"))

import corpus  # noqa: E402
from flufl.bounce import all_failures  # noqa: E402

from bench import results as results_mod  # noqa: E402
from dispatch.domain import bounce  # noqa: E402


def flufl_only(raw: bytes) -> object:
    try:
        return all_failures(message_from_bytes(raw, policy=policy.default))
    except Exception:  # noqa: BLE001 - a detector choking on odd input counts as "nothing found"
        return None


def cpu_per_mail(fn, mails: list[bytes]) -> float:
    t0 = time.process_time()
    for raw in mails:
        fn(raw)
    return (time.process_time() - t0) / len(mails) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = results_mod.start()
    mails = [raw for _, raw in corpus.mails()]
    variants = {"ours: dispatch.domain.bounce.parse": bounce.parse, "flufl.bounce.all_failures": flufl_only}
    totals = {name: 0.0 for name in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            totals[name] += cpu_per_mail(fn, mails)
    ms = {name: total / args.rounds for name, total in totals.items()}
    figures = corpus.measure(bounce.parse)
    goal = "met" if figures.agreement >= 0.95 and figures.false_hard <= 0.02 else "NOT met"
    ours, base = ms["ours: dispatch.domain.bounce.parse"], ms["flufl.bounce.all_failures"]
    print(f"bounce parsing over {len(mails)} corpus mails, CPU per mail ({args.rounds} rounds)")
    for name, value in ms.items():
        print(f"  {name:<40} {value:7.3f} ms   {1000 / value:8.0f} bounces/CPU-s")
    print(f"ours / flufl.bounce: {ours / base:.2f}; verdicts: {figures.summary()}")
    results_mod.record("dispatch_bounce_parse", started, {
        "mails": len(mails), "rounds": args.rounds, "ms_per_mail": {k: round(v, 4) for k, v in ms.items()},
        "agreement": round(figures.agreement, 4), "soft_called_hard": round(figures.false_hard, 4),
        "unrecognised": round(figures.unrecognised_share, 4)}, [
        results_mod.row("dispatch: bounce parse, CPU per mail (`bench/dispatch_bounce_parse.py`)",
                        f"{ours:.2f} ms ({1000 / ours:,.0f}/CPU-s)",
                        f"flufl.bounce alone {base:.2f} ms ({1000 / base:,.0f}/CPU-s)", f"{ours / base:.2f}",
                        "report"),
        results_mod.row("dispatch: bounce verdicts on the corpus (hard/soft agreement, soft called hard)",
                        f"{figures.agreement:.1%}, {figures.false_hard:.1%}", "", "",
                        f">= 95 %, <= 2 %: {goal}"),
    ])


if __name__ == "__main__":
    main()
