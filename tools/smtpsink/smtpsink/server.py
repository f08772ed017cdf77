"""``SinkServer``: the SMTP side and the web side of one sink, started and stopped together, usable in-process.

    sink = SinkServer(tmp_path / "mail", smtp_port=0, web_port=0).start()   # port 0: a free port
    ...send mail to ("127.0.0.1", sink.smtp_port)...
    [msg] = sink.wait_for(1, to="anna@example.com")
    sink.stop()

It works with and without eventlet's monkey patching: under patching the controller's thread and the web
server's threads are green threads, and everything that waits (sockets, the asyncio selector, locks) waits green.
"""

from __future__ import annotations

import logging
import os
import socket
import socketserver
import threading
import time
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .mime import SinkMessage
from .rules import Rules
from .smtp import DATA_SIZE_LIMIT, Handler, SinkController
from .store import Store
from .web import create_app

log = logging.getLogger(__name__)


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _ThreadingWSGIServer6(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class SinkServer:
    def __init__(self, store_dir: str | os.PathLike, smtp_host: str = "127.0.0.1", smtp_port: int = 0,
                 web_host: str = "127.0.0.1", web_port: int = 0, discard: bool = False, log_messages: bool = True,
                 max_message_size: int = DATA_SIZE_LIMIT):
        self.store = Store(store_dir, discard=discard)
        self.rule_set = Rules()
        self.smtp_host, self.smtp_port = smtp_host, smtp_port
        self.web_host, self.web_port = web_host, web_port
        self.log_messages = log_messages
        self.max_message_size = max_message_size
        self._controller: SinkController | None = None
        self._httpd: _ThreadingWSGIServer | None = None
        self._web_thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------------------------

    def start(self) -> SinkServer:
        self.store.open()
        controller = SinkController(Handler(self.store, self.rule_set, self.log_messages), self.smtp_host,
                                    self.smtp_port, data_size_limit=self.max_message_size)
        try:
            controller.start()
        except BaseException:
            self.store.close()
            raise
        self._controller, self.smtp_port = controller, controller.port
        controller.handler.live = True  # from now on connect rules apply (not to aiosmtpd's own start-up probe)
        try:
            self._httpd = make_server(self.web_host, self.web_port, create_app(self.store, self.rule_set),
                                      server_class=_ThreadingWSGIServer6 if ":" in self.web_host
                                      else _ThreadingWSGIServer, handler_class=_QuietHandler)
        except BaseException:
            self.stop()
            raise
        self.web_port = self._httpd.server_address[1]
        self._web_thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="smtpsink-web", daemon=True)
        self._web_thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._web_thread is not None:
            self._web_thread.join(5)
            self._web_thread = None
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        self.store.close()

    def __enter__(self) -> SinkServer:
        return self if self._controller is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def web_url(self) -> str:
        host = f"[{self.web_host}]" if ":" in self.web_host else self.web_host
        return f"http://{host}:{self.web_port}"

    # --- mail -------------------------------------------------------------------------------------------------

    def messages(self, to: str | None = None) -> list[SinkMessage]:
        """The kept messages, oldest first (unlike the JSON API), optionally only those to ``to`` (envelope
        recipient or To/Cc, exact address, case-insensitive)."""
        metas = self.store.oldest_first()
        if to:
            wanted = to.strip().lower()
            metas = [m for m in metas if wanted in m.addresses]
        found = (self.store.message(m.id) for m in metas)
        return [msg for msg in found if msg is not None]

    def wait_for(self, count: int = 1, to: str | None = None, timeout: float = 10) -> list[SinkMessage]:
        """Block until at least ``count`` messages (to ``to``, if given) are there; return them, oldest first.

        Raises ``TimeoutError`` naming what did arrive. In discard mode it waits for the received count instead
        and returns an empty list.
        """
        deadline = time.monotonic() + timeout
        wanted = to.strip().lower() if to else None

        def matching() -> int:
            if self.store.discard:
                return self.store.count
            if wanted is None:
                return len(self.store)
            return sum(1 for m in self.store.oldest_first() if wanted in m.addresses)

        with self.store.changed:
            while (have := matching()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.store.changed.wait(remaining)
        if have >= count:
            return self.messages(to=to)
        got = [f"{m.get('Subject', '')!r} to {m.rcpt_to}" for m in self.messages()][-10:]
        raise TimeoutError(f"waited {timeout} s for {count} message(s){f' to {to}' if to else ''}, got {have}; "
                           f"the sink holds {len(self.store)}, the newest: {got}")

    def clear(self) -> int:
        """Delete all messages (and reset the counters); returns how many were kept."""
        return self.store.clear()

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    # --- fault injection --------------------------------------------------------------------------------------

    def add_rule(self, match: str = ".*", code: int = 450, message: str | None = None, times: int | None = None,
                 stage: str = "rcpt", delay_ms: int = 0) -> dict[str, Any]:
        """Same rules as ``POST /api/rules``; returns the rule as the API shows it (its ``id`` included)."""
        data: dict[str, Any] = {"match": match, "code": code, "stage": stage, "delay_ms": delay_ms}
        if message is not None:
            data["message"] = message
        if times is not None:
            data["times"] = times
        return self.rule_set.add(data).to_json()

    def rules(self) -> list[dict[str, Any]]:
        return self.rule_set.list()

    def delete_rule(self, rule_id: int) -> bool:
        return self.rule_set.delete(rule_id)

    def clear_rules(self) -> int:
        return self.rule_set.clear()
