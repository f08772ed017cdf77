"""svckit.cooperative: loops pause for the hub, threads and child processes hand back results and errors, and a
child whose reader stops early is ended."""

from __future__ import annotations

import json
import os
import time

import eventlet
import pytest

from svckit import cooperative
from svckit.errors import InvalidInput
from svckit.i18n import Text


def numbers(n: int):
    """Producers for the child process tests (the child imports this module as ``test_cooperative``)."""
    yield from range(n)


def refuse_after(n: int):
    yield from range(n)
    raise InvalidInput(fields={"file": Text("kaputt", "broken")})


def pids_then_wait(path: str):
    with open(path, "w") as fh:
        fh.write(str(os.getpid()))
    yield from range(10_000_000)


def test_yield_every_gives_other_greenthreads_a_turn():
    seen: list[int] = []
    ticks: list[int] = []

    def other():
        while len(ticks) < 1000:
            ticks.append(len(seen))
            eventlet.sleep(0)

    gt = eventlet.spawn(other)
    for item in cooperative.yield_every(range(100), 10):
        seen.append(item)
    gt.kill()
    assert seen == list(range(100))
    assert len(ticks) >= 9   # the other greenthread ran between the stretches, not only at the end


def test_in_thread_returns_and_raises():
    assert cooperative.in_thread(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        cooperative.in_thread(lambda: 1 / 0)
    assert list(cooperative.iterate_in_thread(lambda: iter(range(1200)), chunk=500)) == list(range(1200))


@pytest.fixture
def importable(monkeypatch):
    """The child gets the parent's sys.path: with this folder on it, it imports this module by its file name."""
    monkeypatch.syspath_prepend(os.path.dirname(__file__))


def _target(name: str) -> str:
    return f"test_cooperative:{name}"


def test_a_child_process_produces_the_items_and_its_wire_errors_arrive_as_themselves(importable):
    assert list(cooperative.iterate_in_process(_target("numbers"), 1234, chunk=100)) == list(range(1234))
    got: list[int] = []
    with pytest.raises(InvalidInput) as caught:
        for item in cooperative.iterate_in_process(_target("refuse_after"), 5, chunk=2):
            got.append(item)
    assert got == [0, 1, 2, 3, 4]
    assert caught.value.fields["file"].en == "broken"
    with pytest.raises(json.JSONDecodeError):   # any exception that survives pickling arrives as itself
        list(cooperative.iterate_in_process("json:loads", "{"))


def test_closing_the_reader_ends_the_child(importable, tmp_path):
    marker = tmp_path / "pid"
    gen = cooperative.iterate_in_process(_target("pids_then_wait"), str(marker), chunk=10)
    assert next(gen) == 0
    pid = int(marker.read_text())
    gen.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the child process is still running")
