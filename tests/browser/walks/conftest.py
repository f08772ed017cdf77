"""Browser walks: the whole suite started for real (honcho + Procfile on free ports, this run's databases and
vhost, the seed run first, the web app built), driven through Debian's Chromium (/usr/bin/chromium) by Playwright.

One suite start per session (``suite``), one browser per session, a fresh browser context per test (``new_page``).
This directory is a pytest run of its own (pytest.ini here; started by tests/browser/test_browser.py) because
Playwright does not work under the eventlet monkey-patching of the repository's root conftest.
Never ``playwright install``: the browser is the OS package.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from svckit.settings import SERVICES

pytest_plugins = ["svckit_testing.plugin"]  # this run's databases and RabbitMQ vhost

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# screenshots go to a temporary folder, so `make test` leaves the tree clean; `make screenshots` sets
# PRESSROOM_SCREENSHOTS=docs/screenshots to refresh the documented ones on purpose
SCREENSHOTS = Path(os.environ.get("PRESSROOM_SCREENSHOTS") or Path(tempfile.gettempdir()) / "pressroom-screenshots")
if not SCREENSHOTS.is_absolute():
    SCREENSHOTS = ROOT / SCREENSHOTS
DEMO_EMAIL = "demo@pressroom.local"
DEMO_PASSWORD = "Demo-Pressestelle-2026"
SECOND_EMAIL = "redaktion@pressroom.local"
OPERATOR_EMAIL = "operator@pressroom.local"
OPERATOR_PASSWORD = "Backoffice-Blick-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(method: str, url: str, body=None, headers=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, (json.loads(raw) if raw else None)


class Suite:
    """The running suite seen from a test: URLs, the SMTP sink's JSON API, and a few API shortcuts."""

    def __init__(self, base: str, sink: str, log: Path):
        self.base, self.sink, self.log = base, sink, log

    def url(self, path: str) -> str:
        return self.base + path

    def mails(self, to: str) -> list[dict]:
        query = urllib.parse.urlencode({"to": to, "limit": 50})
        return http_json("GET", f"{self.sink}/api/messages?{query}")[1]

    def mail_text(self, message_id: str) -> str:
        return http_json("GET", f"{self.sink}/api/messages/{message_id}")[1]["text"] or ""

    def wait_for_mail(self, to: str, pattern: str, after: int = 0, timeout: float = 20.0) -> str:
        """The first match of ``pattern`` (a regex with one group) in the newest mail to ``to``, once more than
        ``after`` mails to that address carry it."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for item in self.mails(to):  # newest first
                match = regex.search(self.mail_text(item["id"]))
                if match:
                    found.append(match.group(1))
            if len(found) > after:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail to {to} matching {pattern!r} (found {len(found)}, wanted {after + 1})")
            time.sleep(0.2)

    def mail_count(self, to: str, pattern: str) -> int:
        regex = re.compile(pattern, re.MULTILINE)
        return sum(1 for item in self.mails(to) if regex.search(self.mail_text(item["id"])))


CODE = r"^\s+(\d{6})\s*$"
ONE_TIME_PASSWORD = r"(?:Einmal-Passwort|One-time password): (\S+)"


@pytest.fixture(scope="session")
def suite(amqp_uri, databases, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium (make test installs it)")
    build = subprocess.run([str(ROOT / "scripts" / "build-web.sh")], check=False, cwd=ROOT, capture_output=True,
                           text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]

    tmp = tmp_path_factory.mktemp("suite")
    for service in SERVICES:
        databases.ensure(service)
    env = dict(os.environ)
    # every port the Procfile names (${NAME_PORT:-default}) gets a free one: other test runs share this machine
    names = set(re.findall(r"\$\{(\w+_PORT):-", (ROOT / "Procfile").read_text())) | {"GATEWAY_PORT", "BOUNCE_SMTP_PORT"}
    ports = {name: free_port() for name in sorted(names)}
    base = f"http://127.0.0.1:{ports['GATEWAY_PORT']}"
    env.update({k: str(v) for k, v in ports.items()})
    env.update({"AMQP_URI": amqp_uri, "GATEWAY_WORKERS": "2", "GATEWAY_THREADS": "8", "LOG_FORMAT": "text",
                "GATEWAY_BIND": f"127.0.0.1:{ports['GATEWAY_PORT']}", "PYTHONUNBUFFERED": "1",
                "PUBLIC_BASE_URL": base, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(ports["SMTP_SINK_PORT"]),
                "PRESSROOM_VAR_DIR": str(tmp / "var"), "PRESSBASE_SEED_JOURNALISTS": "2000",
                "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"})
    seed = subprocess.run([sys.executable, "-m", "scripts.seed"], check=False, cwd=ROOT, env=env, capture_output=True,
                          text=True,
                          timeout=240)
    assert seed.returncode == 0, seed.stdout[-3000:] + seed.stderr[-3000:]

    procfile = tmp / "Procfile"
    lines = [line for line in (ROOT / "Procfile").read_text().splitlines() if not line.startswith("announce:")]
    procfile.write_text("\n".join(lines).replace("var/mail", str(tmp / "mail")) + "\n")
    log_path = tmp / "honcho.log"
    log = open(log_path, "w+")  # noqa: SIM115 (open for the whole session, closed in the finally below)
    proc = subprocess.Popen([str(Path(sys.executable).parent / "honcho"), "start", "-f", str(procfile),
                             "-d", str(ROOT)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline:
            try:
                status, _ = http_json("GET", f"{base}/readyz/services", timeout=5)
                if status == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            assert proc.poll() is None, log_path.read_text()[-4000:]
            time.sleep(0.5)
        assert status == 200, log_path.read_text()[-4000:]
        yield Suite(base, f"http://127.0.0.1:{ports['SMTP_SINK_WEB_PORT']}", log_path)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def browser(suite):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, suite):
    """``new_page(lang="de", viewport=(1280, 860))``: a page in a fresh context (own cookies), closed after the test."""
    contexts = []

    def make(lang: str = "de", viewport: tuple[int, int] = (1280, 860), **options):
        context = browser.new_context(base_url=suite.base, locale="de-DE" if lang == "de" else "en-GB",
                                      viewport={"width": viewport[0], "height": viewport[1]}, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, suite: Suite, email: str, password: str, operator: bool = False, lang: str = "de") -> None:
    """Log in through the login page; answers the second factor with the newest code from the SMTP sink."""
    texts = {"de": ("E-Mail-Adresse", "Passwort", "Anmelden", "Code", "Bestätigen"),
             "en": ("E-mail address", "Password", "Log in", "Code", "Confirm")}[lang]
    codes_before = suite.mail_count(email, CODE)
    if "/login" not in page.url:
        page.goto("/backoffice/login" if operator else "/login")
    page.get_by_label(texts[0]).fill(email)
    page.get_by_label(texts[1], exact=True).fill(password)
    page.get_by_role("button", name=texts[2], exact=True).click()
    code_field = page.get_by_label(texts[3], exact=True)
    heading = page.locator("h1#page-title")
    # either the code step appears or the login is complete (no second factor)
    page.wait_for_function("() => !location.pathname.endsWith('/login') || document.querySelector('#login-code')")
    if code_field.count():
        code = suite.wait_for_mail(email, CODE, after=codes_before)
        code_field.fill(code)
        page.get_by_role("button", name=texts[4]).click()
        page.wait_for_function("() => !location.pathname.endsWith('/login')")
    heading.wait_for()


def shot(page, name: str) -> None:
    """A screenshot of a main screen for docs/screenshots (PNG, viewport only, kept small)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False, animations="disabled")


# a JSON API call from inside the logged-in page (its session cookie and the CSRF header): (status, body)
FETCH = """async ([method, path, body]) => {
  const r = await fetch(path, {method, headers: {'Content-Type': 'application/json', 'X-Requested-With': 'walk'},
                               body: body === null ? undefined : JSON.stringify(body)});
  const text = await r.text();
  return [r.status, text ? JSON.parse(text) : null];
}"""


def call(page, method: str, path: str, body=None):
    status, data = page.evaluate(FETCH, [method, path, body])
    assert status < 300, (method, path, status, data)
    return data
