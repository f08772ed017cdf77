"""The SMTP endpoint at our VERP domain (``python -m dispatch.bounces``; its own process in the Procfile).

Receiving MTAs send bounces to the per-recipient return path ``b-<id>-<sig>@VERP_DOMAIN`` (or at a sender domain's
custom return-path host ``bounce.<domain>``, a CNAME to VERP_DOMAIN, for the sender domains we know) and mail
clients send mailto-unsubscribes to ``u-<id>-<sig>@VERP_DOMAIN``. Addresses whose signature does not verify (or at
a host we do not know) are refused at RCPT (550), so nobody can forge a bounce for a delivery; a database failure
answers 451 so the sender tries again later and nothing is lost.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from svckit.db import make_engine
from svckit.settings import database_url

from .domain import tokens
from .settings import DispatchSettings
from .usecases import bounces

log = logging.getLogger(__name__)


class BounceHandler:
    def __init__(self, db, settings: DispatchSettings):
        self.db, self.settings = db, settings

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options: list[str]) -> str:
        if tokens.parse_verp(self.settings.tracking_secret, address) is None:
            return "550 5.1.1 No such recipient here"
        try:
            with Session(self.db) as s:
                known = bounces.verp_at_known_host(s, address, self.settings)
        except Exception:
            log.exception("could not look the return-path host up; asking the sender to retry")
            return "451 4.3.0 Temporary failure, please try again later"
        if known is None:
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        try:
            with Session(self.db) as s:
                results = bounces.process(s, list(envelope.rcpt_tos), envelope.original_content or b"",
                                          self.settings)
        except Exception:
            log.exception("could not record a bounce; asking the sender to retry")
            return "451 4.3.0 Temporary failure, please try again later"
        log.info("bounce mail for %s: %s", envelope.rcpt_tos, results)
        return "250 OK"


class _Controller(Controller):
    def _trigger_server(self) -> None:
        # bound by now: learn the real port (port 0 = a free one) before aiosmtpd connects to itself
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class BounceServer:
    def __init__(self, db, settings: DispatchSettings, host: str | None = None, port: int | None = None):
        self.handler = BounceHandler(db, settings)
        self.host = host or settings.bounce_smtp_host
        self.port = settings.bounce_smtp_port if port is None else port
        self.controller: Controller | None = None

    def start(self) -> BounceServer:
        self.controller = _Controller(self.handler, hostname=self.host, port=self.port,
                                     server_hostname=self.handler.settings.verp_domain, ident="pressroom-bounces",
                                     decode_data=False, data_size_limit=20 * 1024 * 1024)
        self.controller.start()
        self.port = self.controller.port
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dispatch.bounces", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s dispatch.bounces %(levelname)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    settings = DispatchSettings.load()
    db = make_engine(database_url("dispatch"), pool_size=4, application_name="dispatch-bounces")
    server = BounceServer(db, settings, args.host, args.port).start()
    if os.environ.get("BOUNCES_METRICS_PORT"):   # GET /metrics: bounce verdicts, mails bounced (svckit.metrics)
        import prometheus_client

        import svckit.metrics  # noqa: F401  (registers the metrics)

        prometheus_client.start_http_server(int(os.environ["BOUNCES_METRICS_PORT"]))
    log.info("bounce endpoint for %s on %s:%d", settings.verp_domain, server.host, server.port)
    print(f"listening on {server.host}:{server.port}", flush=True)  # tests start it with --port 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(0.5):
        pass
    server.stop()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
