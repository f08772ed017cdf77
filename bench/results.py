"""One results file per `make bench` run: each benchmark appends one record with its figures.

A benchmark calls ``started = results.start()`` before its work and ``results.record(name, started, figures,
rows)`` at the end. When the environment variable ``BENCH_RESULTS`` names a file, the record is appended to it
(the file is created on first use); without it nothing is written, so every benchmark still runs alone as before.

File format (JSON)::

    {"host": "...", "cores": 2, "python": "3.11.7",
     "records": [{"bench": "rpc_roundtrip", "started": "2026-12-07T05:10:00Z", "finished": "...",
                  "load_start": [1.0, 2.0, 3.0], "load_end": [...], "cores": 2,
                  "figures": {"median_ms": 2.8, ...},
                  "rows": [{"what": "...", "figure": "...", "baseline": "...", "ratio": "...", "target": "..."}]}]}

``figures`` holds the raw numbers; ``rows`` are the lines the summary table in docs/performance.md shows
(``bench/summary.py`` renders them).
"""

from __future__ import annotations

import json
import os
import platform
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

ENV = "BENCH_RESULTS"
ROW_KEYS = ("what", "figure", "baseline", "ratio", "target")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def start() -> dict:
    """The moment a benchmark starts: wall clock and machine load."""
    return {"started": _now(), "load_start": _load(), "t0": time.perf_counter()}


def row(what: str, figure: str, baseline: str = "", ratio: str = "", target: str = "") -> dict:
    return {"what": what, "figure": figure, "baseline": baseline, "ratio": ratio, "target": target}


def record(bench: str, started: dict, figures: dict, rows: list[dict], path: str | None = None) -> dict:
    """Build the record and append it to the file named by BENCH_RESULTS (or ``path``); returns the record."""
    entry = {
        "bench": bench,
        "started": started["started"],
        "finished": _now(),
        "duration_s": round(time.perf_counter() - started["t0"], 1),
        "load_start": started["load_start"],
        "load_end": _load(),
        "cores": os.cpu_count(),
        "figures": figures,
        "rows": [{k: str(r.get(k, "")) for k in ROW_KEYS} for r in rows],
    }
    target = path or os.environ.get(ENV)
    if target:
        append(Path(target), entry)
        print(f"  results: appended '{bench}' to {target}", flush=True)
    return entry


def new_document() -> dict:
    return {"host": socket.gethostname(), "cores": os.cpu_count(), "python": platform.python_version(),
            "records": []}


def append(path: Path, entry: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(path.read_text()) if path.exists() and path.stat().st_size else new_document()
    doc["records"].append(entry)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)


def fmt(value: float, digits: int = 0) -> str:
    """1234.5 -> '1,234' (digits=0) / '1,234.5' (digits=1)."""
    return f"{value:,.{digits}f}"
