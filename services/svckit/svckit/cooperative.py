"""No CPU work on a service's event loop.

A nameko service is one process with one eventlet hub: every RPC, event handler, timer and job of the service shares
it, and a greenthread that computes without pausing stops all of them (an import's dry run that never yielded froze
crm, health included, for minutes). Two tools keep the hub free:

- :func:`yield_every` for loops over rows that run on the hub (building report rows, writing XLSX rows, rendering
  table lines): every ``n`` items the loop gives the other greenthreads a turn (``eventlet.sleep(0)``).
- :func:`in_thread` and :func:`iterate_in_thread` for heavy steps in one piece (checking a ZIP, hashing a file,
  opening a workbook, rendering a PDF, generating a key): they run in one of eventlet's real OS threads
  (``tpool``). C code that releases the GIL (zlib, hashlib) runs beside the hub; pure-Python work shares the GIL
  with it (the interpreter hands it over every few milliseconds), so the hub keeps answering, somewhat slower.
- :func:`iterate_in_process` for long pure-Python producers (parsing a whole sheet of a million rows): a child
  process of the service produces the items and sends them in pickled chunks; the hub only reads a pipe.

Only give a thread or process work that touches no greenthread state: files, bytes, pure computations. Database
sessions, RPC proxies and the outbox stay on the hub. Outside eventlet (a child process, a script) ``in_thread``
simply calls the function.
"""

from __future__ import annotations

import importlib
import os
import pickle
import struct
import sys
from itertools import islice
from typing import IO, Any, Callable, Iterable, Iterator, TypeVar

import eventlet
from eventlet import patcher, tpool

T = TypeVar("T")

#: rows between two pauses: ~0.1 ms of work per row keeps a pause every ~20 ms at most
YIELD_EVERY = 200
#: items a worker thread produces per hand-over in :func:`iterate_in_thread`
CHUNK = 500


def pause() -> None:
    """Let every other greenthread run once (health checks, RPC, timers) before continuing."""
    eventlet.sleep(0)


def yield_every(iterable: Iterable[T], n: int = YIELD_EVERY) -> Iterator[T]:
    """The items of ``iterable``, pausing for the hub after every ``n`` of them."""
    for i, item in enumerate(iterable, start=1):
        yield item
        if i % n == 0:
            eventlet.sleep(0)


def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a real OS thread (eventlet's tpool); the calling greenthread waits, the hub
    runs on. Exceptions are raised in the caller. Without eventlet's patching (a child process, a script) the
    function is simply called."""
    if not patcher.is_monkey_patched("thread"):
        return fn(*args, **kwargs)
    return tpool.execute(fn, *args, **kwargs)


def _take(it: Iterator[T], size: int) -> list[T]:
    return list(islice(it, size))


def iterate_in_thread(make: Callable[[], Iterable[T]], chunk: int = CHUNK) -> Iterator[T]:
    """The items of ``make()``, produced ``chunk`` at a time in a worker thread (``make`` itself runs there too:
    opening a workbook may be the heaviest part). Between chunks the hub runs; closing this generator closes the
    underlying one."""
    it: Iterator[T] = in_thread(lambda: iter(make()))
    try:
        while True:
            items = in_thread(_take, it, chunk)
            if not items:
                return
            yield from items
            eventlet.sleep(0)
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()


# --- a child process producing items ---------------------------------------------------------------------------------

_FRAME = struct.Struct(">Q")


def _read_exact(fh: IO[bytes], n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = fh.read(n - len(data))
        if not part:
            break
        data += part
    return data


def iterate_in_process(target: str, *args: Any, chunk: int = CHUNK) -> Iterator[Any]:
    """The items of ``module.path:function(*args)`` (an iterable), produced in a child process (``python -m
    svckit.cooperative``) and read here ``chunk`` at a time; ``args`` and items must pickle. An exception in the
    child is raised here (a WireError as itself). Closing this generator ends the child."""
    from eventlet.green import subprocess

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.Popen([sys.executable, "-W", "ignore", "-m", "svckit.cooperative"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(pickle.dumps((target, args, chunk)))
        proc.stdin.close()
        while True:
            head = _read_exact(proc.stdout, _FRAME.size)
            if len(head) < _FRAME.size:
                raise RuntimeError(f"worker process for {target} ended without an answer ({proc.wait()})")
            # our own child, started above with our interpreter: trusted
            kind, data = pickle.loads(_read_exact(proc.stdout, _FRAME.unpack(head)[0]))  # noqa: S301
            if kind == "items":
                yield from data
                eventlet.sleep(0)
            elif kind == "error":
                raise data
            else:
                return
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _child() -> None:
    """The child's side of :func:`iterate_in_process`: read (target, args, chunk) from stdin, write frames."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr   # a stray print must not corrupt the frames

    def send(kind: str, data: Any) -> None:
        body = pickle.dumps((kind, data))
        out.write(_FRAME.pack(len(body)) + body)
        out.flush()

    target, args, size = pickle.loads(sys.stdin.buffer.read())  # noqa: S301  (written by our parent)
    module, _sep, name = target.partition(":")
    items: list[Any] = []
    try:
        for item in getattr(importlib.import_module(module), name)(*args):
            items.append(item)
            if len(items) >= size:
                send("items", items)
                items = []
    except Exception as exc:  # handed to the parent after the items before it, which raises it (as itself if it
        if items:             # survives pickling)
            send("items", items)
        try:
            pickle.loads(pickle.dumps(exc))  # noqa: S301  (our own object)
        except Exception:
            exc = RuntimeError(repr(exc))
        send("error", exc)
        return
    if items:
        send("items", items)
    send("end", None)


if __name__ == "__main__":
    _child()
