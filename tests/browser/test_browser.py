"""Runs the browser walks (tests/browser/walks) in a Python interpreter of their own.

Why a separate interpreter: the root conftest monkey-patches the standard library with eventlet (nameko needs it),
and Playwright's sync API (greenlets driving an asyncio loop and its driver subprocess) does not work under those
patches: waits never return. The walks therefore run in ``python -m pytest -c tests/browser/walks/pytest.ini``,
which loads no root conftest and no eventlet; they start the whole suite themselves (honcho + Procfile on free
ports, their own databases and vhost) and drive Debian's Chromium. Run them directly the same way while working
on the frontend; this test only starts them and reports their result.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_browser_walks():
    env = {k: v for k, v in os.environ.items() if k not in ("PRESSROOM_DB_PREFIX", "AMQP_URI")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "tests/browser/walks/pytest.ini"),
                           str(ROOT / "tests/browser/walks"), "-q", "-p", "no:cacheprovider"],
                          check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=840)
    output = proc.stdout[-12000:] + proc.stderr[-4000:]
    assert proc.returncode == 0, output
    print(output[-1500:])
