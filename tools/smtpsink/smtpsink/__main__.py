"""``python -m smtpsink``: run the development SMTP sink until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from .server import SinkServer

log = logging.getLogger("smtpsink")


def _env_port(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m smtpsink",
        description="Development SMTP sink: accepts mail, keeps it, shows it on a web page.",
    )
    parser.add_argument("--smtp-host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=_env_port("SMTP_SINK_PORT", 1025),
                        help="default: $SMTP_SINK_PORT or 1025 (0: a free port)")
    parser.add_argument("--web-host", default="127.0.0.1")
    parser.add_argument("--web-port", type=int, default=_env_port("SMTP_SINK_WEB_PORT", 8025),
                        help="default: $SMTP_SINK_WEB_PORT or 8025 (0: a free port)")
    parser.add_argument("--store", default="var/mail", help="directory of the .eml files (default: var/mail)")
    parser.add_argument("--discard", action="store_true",
                        help="count messages and bytes but keep nothing (throughput benchmarks)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not log every received message")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s smtpsink %(levelname)s %(message)s")
    for noisy in ("mail.log", "aiosmtpd"):  # aiosmtpd logs every connection at INFO
        logging.getLogger(noisy).setLevel(logging.WARNING)

    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    sink = SinkServer(args.store, smtp_host=args.smtp_host, smtp_port=args.smtp_port, web_host=args.web_host,
                      web_port=args.web_port, discard=args.discard,
                      log_messages=not (args.quiet or args.discard))
    try:
        sink.start()
    except OSError as exc:
        print(f"smtpsink: cannot start: {exc}", file=sys.stderr)
        return 1
    where = "discarding everything" if args.discard else f"{len(sink.store)} message(s) in {args.store}"
    log.info("SMTP on %s:%d, web on %s (%s)", args.smtp_host, sink.smtp_port, sink.web_url, where)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sink.stop()
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
