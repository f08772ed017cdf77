"""Part of `make run`: waits until the gateway reports every service ready, then prints where to go."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request


def main() -> None:
    port = os.environ.get("GATEWAY_PORT", "8080")
    sink = os.environ.get("SMTP_SINK_WEB_PORT", "8025")
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 120
    report = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz/services", timeout=5) as resp:
                report = json.load(resp)
                break
        except (urllib.error.URLError, OSError, ValueError):
            time.sleep(1)
    if report is None:
        print(f"The suite did not become ready within 2 minutes; see the log lines above and {url}/readyz/services",
              flush=True)
    else:
        hint_file = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var", "demo-login.txt")
        demo = open(hint_file, encoding="utf-8").read().strip() if os.path.exists(hint_file) else ""
        print("\n" + "=" * 72, flush=True)
        print(f"  Pressroom is ready ({report['elapsed_ms']} ms for every service's health check)")
        print(f"  Web app and API:   {url}/")
        print(f"  API documentation: {url}/api/v1/docs")
        print(f"  Mail (SMTP sink):  http://localhost:{sink}/   "
              f"(SMTP on localhost:{os.environ.get('SMTP_SINK_PORT', '1025')})")
        if demo:
            print(f"  Demo login:        {demo}")
        print("  Stop everything with Ctrl-C.")
        print("=" * 72 + "\n", flush=True)
    # honcho stops the whole suite when any process exits: stay until told to stop
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
