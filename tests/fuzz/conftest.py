"""Property-based fuzzing of the gateway's OpenAPI document with schemathesis (tests/fuzz).

``fuzz_suite`` starts the real suite once for the module: the five nameko services (identity, crm, dispatch,
pressbase, billing) in this process on the run's RabbitMQ vhost and databases, the SMTP sink, and the real gateway
(``gateway.app.create_app``, the Falcon app gunicorn serves, with the Redis principal cache) called in-process
through WSGI. It orders a second account through billing (activated by the back office, as a customer's order is),
whose administrator logs in for real; that throw-away user is the one the fuzzer acts as.

``run_fuzz(app, ...)`` exercises every operation of ``/api/v1/openapi.json``: schemathesis' examples, its coverage
cases (boundaries, missing and wrongly typed values, NUL and other unusual strings, huge numbers) and a bounded
number of random cases each, once with the user's session and once without. Every response is checked: no server
error, a documented status code, a documented content type, a body that conforms to the documented schema. It never
shrinks or stops at the first failure: it returns each distinct failure (operation, who, check, status) with the
first request that showed it, so one run lists everything that is wrong.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

import pytest

PATH = "/api/v1/openapi.json"

#: random cases per operation and who (on top of examples and coverage cases); FUZZ_EXAMPLES to explore more
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
#: coverage cases per operation and who, at most (taken evenly over schemathesis' list); FUZZ_COVERAGE
MAX_COVERAGE = int(os.environ.get("FUZZ_COVERAGE", "30"))
#: without a login, an operation that needs one answers 401 before it reads anything: a few cases each suffice
ANONYMOUS_PROTECTED = (1, 6)
#: hostile values put into one field, parameter or path segment of an otherwise generated request, at most this many
#: per operation (spread over every field and value): the inputs that made services answer 500 before
MAX_HOSTILE = int(os.environ.get("FUZZ_HOSTILE", "12"))


def _nested(depth: int):
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


HOSTILE: list[tuple[str, Any]] = [
    ("null", None), ("NUL", "a\x00b"), ("64-bit overflow", 2 ** 64), ("line break", "Eve\r\nBcc: x@example.com"),
    ("negative", -1), ("nested 200 deep", _nested(200)), ("template power", "{{ 10**5000 }}"),
    ("LIKE wildcards", "%_\\"), ("huge negative", -(2 ** 70)), ("unicode separator", "a\u2028b\u0085c"),
]
HOSTILE_PATH: list[tuple[str, Any]] = [
    ("64-bit overflow", str(2 ** 64)), ("negative", "-1"), ("NUL", "a\x00b"), ("line break", "a\r\nb"),
]
#: FUZZ_SEED=<n> draws other random cases (the default is derandomized: the same cases on every run)
SEED = os.environ.get("FUZZ_SEED")

PASSWORD = "Kaffeebohnen-Sommer-42"


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# --- the report ------------------------------------------------------------------------------------------------------

@dataclass
class Failure:
    operation: str
    who: str
    check: str
    status: int | None
    title: str
    message: str
    request: str
    body: str

    @property
    def key(self) -> tuple:
        return (self.operation, self.who, self.check, self.status)

    def __str__(self) -> str:
        return (f"{self.operation} [{self.who}] {self.check}: {self.title} (status {self.status})\n"
                f"    {self.message.strip()[:400]}\n    request: {self.request[:600]}\n"
                f"    response: {self.body[:400]}")


@dataclass
class Report:
    failures: dict[tuple, Failure] = field(default_factory=dict)
    cases: int = 0
    operations: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, failure: Failure) -> None:
        self.failures.setdefault(failure.key, failure)

    def __str__(self) -> str:
        head = (f"{len(self.failures)} distinct failures in {self.operations} operation runs, {self.cases} requests, "
                f"{self.seconds:.0f} s ({self.cpu_seconds:.0f} s CPU in this process); "
                f"statuses {dict(sorted(self.statuses.items()))}")
        return "\n".join([head, *(str(f) for f in self.failures.values())])


def _describe_request(case, response) -> str:
    try:
        request = response.request
        body = request.body
        if isinstance(body, bytes):
            body = body[:300].decode("utf-8", "backslashreplace")
        return f"{request.method} {request.url} body={body!r}"
    except Exception:  # pragma: no cover - the description must never hide the failure
        return repr(case)


# --- who calls -------------------------------------------------------------------------------------------------------

class Session:
    """The throw-away user's session token; logs in again (through identity, with a mailed code when one is asked)
    when the fuzzer ended the session (logout, password change) or made the account ask for a second factor."""

    def __init__(self, identity, email: str, password: str, forgive: Callable[[str], None] | None = None):
        self.identity, self.email, self.password = identity, email, password
        self.forgive = forgive
        self.token: str | None = None
        self.logins = 0

    def get(self) -> str:
        if self.token is None:
            self.token = self._login()
        return self.token

    def _login(self) -> str:
        self.logins += 1
        from svckit.errors import TooManyRequests

        sent = len(self.identity.sink.messages(to=self.email))
        try:
            result = self.identity.login(self.email, self.password, {"ip": "192.0.2.10", "user_agent": "fuzz"})
        except TooManyRequests:
            if self.forgive is None:
                raise
            # the fuzzer's wrong current passwords count as failed logins of this user (identity throttles them
            # like logins); the harness, not an attacker, logs in again: forget them and try once more
            self.forgive(self.email)
            result = self.identity.login(self.email, self.password, {"ip": "192.0.2.10", "user_agent": "fuzz"})
        if result["status"] == "second_factor_required":
            code = self.identity.mail_code(self.email, count=sent + 1) if result.get("method") == "email" else None
            assert code, f"the fuzz user cannot log in again: {result}"
            result = self.identity.call("verify_second_factor", {"challenge": result["challenge"], "code": code},
                                        {"ip": "192.0.2.10", "user_agent": "fuzz"})
        assert result["status"] == "authenticated", result
        return result["token"]

    def after(self, case, response) -> None:
        """Follow what the fuzzer changed: a new password it set, a session it ended."""
        label = f"{case.method.upper()} {case.operation.path}"
        if response.status_code == 200 and label == "POST /api/v1/auth/password/change":
            body = case.body if isinstance(case.body, dict) else {}
            self.password = body.get("new_password", self.password)
            self.token = None
        elif label == "POST /api/v1/auth/logout" or (response.status_code == 401 and not self._valid()):
            self.token = None

    def _valid(self) -> bool:
        from svckit.errors import Unauthenticated

        try:
            self.identity.call("authenticate", self.token, {"ip": "192.0.2.10", "user_agent": "fuzz"})
        except Unauthenticated:
            return False
        return True


# --- the run ---------------------------------------------------------------------------------------------------------

def load_schema(app):
    import schemathesis

    generation: dict[str, Any] = {"max-examples": MAX_EXAMPLES, "mode": "all", "database": "none",
                                  "no-shrink": True, "deterministic": SEED is None}
    config: dict[str, Any] = {"generation": generation, "suppress-health-check": ["all"],
                              "phases": {"stateful": {"enabled": False}}}
    if SEED is not None:
        config["seed"] = int(SEED)
    return schemathesis.openapi.from_wsgi(PATH, app, config=schemathesis.Config.from_dict(config))


def _resolve(raw: dict, schema: Any) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = raw
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node.get(part, {})
        schema = node
    return schema if isinstance(schema, dict) else {}


def hostile_cases(operation, base, raw: dict, ids: dict[str, str] | None, limit: int) -> list:
    """Variants of ``base`` (a generated request of the operation) with one hostile value each: in a top-level JSON
    body field, a query parameter or a path parameter (the other path parameters real ids where known)."""
    definition = operation.definition.raw
    targets: list[tuple[str, str, list]] = []
    body = _resolve(raw, ((definition.get("requestBody") or {}).get("content") or {})
                    .get("application/json", {}).get("schema"))
    if body and base.media_type in ("application/json", None):
        names = list((body.get("properties") or {}))
        names += [n for n in (base.body if isinstance(base.body, dict) else {}) if n not in names]
        targets += [("body", name, HOSTILE) for name in names]
    for parameter in definition.get("parameters", []):
        parameter = _resolve(raw, parameter)
        if parameter.get("in") == "query":
            targets.append(("query", parameter["name"], HOSTILE))
    targets += [("path", name, HOSTILE_PATH) for name in (base.path_parameters or {})]
    combos = [(where, name, label, value) for number in range(len(HOSTILE))
              for where, name, values in targets if number < len(values)
              for label, value in [values[number]]]
    made = []
    for where, name, label, value in _spread(combos, limit):
        case = base.derive()
        if ids and case.path_parameters:
            case.path_parameters = {n: ids.get(n, v) for n, v in case.path_parameters.items()}
        if where == "body":
            case.body = {**(base.body if isinstance(base.body, dict) else {}), name: value}
            case.media_type = "application/json"
        elif where == "query":
            case.query = {**(case.query or {}), name: value if isinstance(value, str) else json_text(value)}
        else:
            case.path_parameters = {**case.path_parameters, name: value}
        made.append((f"{label} in {where} {name}", case))
    return made


def json_text(value: Any) -> str:
    import json

    return "null" if value is None else json.dumps(value)


def _varies_outside_path(case) -> bool:
    data = case.meta.phase.data if case.meta is not None else None
    location = getattr(data, "parameter_location", None)
    return location is None or str(getattr(location, "value", location)) != "path"


def _spread(items: list, limit: int) -> list:
    if len(items) <= limit:
        return items
    if limit <= 0:
        return []
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def run_fuzz(app, session: Session | None = None, who: str = "anonymous",
             include: Callable[[Any], bool] = lambda operation: True, report: Report | None = None,
             max_examples: int = MAX_EXAMPLES, max_coverage: int = MAX_COVERAGE,
             ids: dict[str, str] | None = None, max_hostile: int = MAX_HOSTILE,
             foreign_ids: dict[str, str] | None = None) -> Report:
    """Fuzz every operation ``include`` selects; ``session`` None calls without a login (then an operation that
    needs one gets ``ANONYMOUS_PROTECTED`` random and coverage cases). ``ids``: real ids by path parameter name,
    put into every other case whose own subject is not the path. ``foreign_ids``: ids of another account's objects;
    an operation whose path parameters all name such objects is also called with them (its generated requests with
    the path replaced), and any 2xx answer is a failure: the caller reached an object that is not theirs."""
    import hypothesis
    from schemathesis.core.failures import Failure as CheckFailure
    from schemathesis.core.failures import FailureGroup
    from schemathesis.generation.hypothesis.builder import (
        HypothesisTestConfig,
        HypothesisTestMode,
        create_test,
    )

    report = report or Report()
    schema = load_schema(app)
    project = schema.config
    checks = _checks()
    started, cpu = time.monotonic(), time.process_time()
    for result in schema.get_all_operations():
        operation = result.ok()
        if not include(operation):
            continue
        report.operations += 1
        budget = (max_examples, max_coverage)
        if session is None and operation.definition.raw.get("security", schema.raw_schema.get("security")):
            budget = ANONYMOUS_PROTECTED
        cases: dict[str, list] = {"coverage": [], "other": []}

        def collect(case):  # called by create_test(...)() within this same iteration (hence the B023 noqa below)
            phase = case.meta.phase.name.value if case.meta is not None else "other"
            if case.method.upper() != operation.method.upper():  # noqa: B023
                # "unspecified method" cases: routing answers 405 (OPTIONS 200) whatever the input; one suffices
                if any(c.method.upper() != operation.method.upper() for c in cases["coverage"]):  # noqa: B023
                    return
            cases["coverage" if phase == "coverage" else "other"].append(case)  # noqa: B023

        modes = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]
        settings = project.get_hypothesis_settings(operation=operation, phase="fuzzing")
        create_test(operation=operation, test_func=collect, config=HypothesisTestConfig(
            project=project, modes=modes, settings=hypothesis.settings(settings, max_examples=budget[0])))()

        planned = _spread(cases["coverage"], budget[1]) + cases["other"]
        base = next((c for c in cases["other"] if c.method.upper() == operation.method.upper()), None)
        if base is not None and budget is not ANONYMOUS_PROTECTED:
            planned += [case for _, case in hostile_cases(operation, base, schema.raw_schema, ids, max_hostile)]
        for number, case in enumerate(planned):
            if ids and number % 2 and case.path_parameters and _varies_outside_path(case):
                case.path_parameters = {name: ids.get(name, value) for name, value in case.path_parameters.items()}
        foreign: set[int] = set()
        names = re.findall(r"{(\w+)}", operation.path)
        if foreign_ids and names and all(name in foreign_ids for name in names):
            for case in [c for c in cases["other"] if c.method.upper() == operation.method.upper()][:3]:
                probe = case.derive()
                probe.path_parameters = {name: foreign_ids[name] for name in names}
                foreign.add(id(probe))
                planned.append(probe)
        for case in planned:
            headers = {"Authorization": f"Bearer {session.get()}"} if session is not None else None
            if session is None:
                # a generated session header or cookie must not log the anonymous run in
                if case.headers:
                    case.headers.pop("Authorization", None)
            report.cases += 1
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # the app let an exception escape: as bad as a 500
                report.add(Failure(operation.label, who, "exception", None, type(exc).__name__, str(exc),
                                   repr(case), ""))
                continue
            report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
            if session is not None:
                session.after(case, response)
            if id(case) in foreign and 200 <= response.status_code < 300:
                report.add(Failure(operation.label, who, "ForeignObjectReached", response.status_code,
                                   "an object of another account answered", "", _describe_request(case, response),
                                   response.content[:400].decode("utf-8", "backslashreplace")))
            try:
                case.validate_response(response, checks=checks)
            except (FailureGroup, CheckFailure) as exc:
                found = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
                for failure in found:
                    check = type(failure).__name__
                    report.add(Failure(operation.label, who, check, response.status_code,
                                       getattr(failure, "title", check), getattr(failure, "message", str(failure)),
                                       _describe_request(case, response),
                                       response.content[:400].decode("utf-8", "backslashreplace")))
    report.seconds += time.monotonic() - started
    report.cpu_seconds += time.process_time() - cpu
    return report


@pytest.fixture(scope="session")
def fuzz():
    return run_fuzz


# --- the running suite ------------------------------------------------------------------------------------------------

def seed_objects(app, token: str, client_id: str, user_id: str) -> dict[str, str]:
    """Objects of the fuzz account, made through the API as its administrator: the fuzzer puts their ids into path
    parameters of the same name in half of its cases, so those reach the services' rules and not only "not found"."""
    from falcon import testing

    api = testing.TestClient(app, headers={"Authorization": f"Bearer {token}"})
    tag = uuid.uuid4().hex[:6]

    def make(path: str, body: dict) -> str:
        resp = api.simulate_post(path, json=body)
        assert resp.status_code in (200, 201), (path, resp.status_code, resp.text[:500])
        return resp.json["id"]

    ids = {"client_id": client_id}
    ids["user_id"] = make("/api/v1/users", {"email": f"ben-{tag}@example.com", "first_name": "Ben",
                                             "last_name": "Nutzer", "active": False})
    ids["contact_id"] = make("/api/v1/crm/contacts", {
        "client_id": client_id, "first_name": "Erika", "last_name": "Muster",
        "emails": [{"email": f"erika-{tag}@zeitung.example", "primary": True}]})
    ids["list_id"] = make("/api/v1/crm/lists", {"client_id": client_id, "name": "Presse"})
    ids["event_id"] = make("/api/v1/crm/events", {"client_id": client_id, "name": "Presseabend"})
    ids["folder_id"] = make("/api/v1/crm/media/folders", {"client_id": client_id, "name": "Fotos"})
    ids["domain_id"] = make("/api/v1/dispatch/domains", {"domain": f"presse-{tag}.example"})
    ids["sender_id"] = make("/api/v1/dispatch/senders", {"from_name": "Pressestelle",
                                                          "from_address": f"presse@presse-{tag}.example",
                                                          "user_ids": [user_id]})
    ids["mailing_id"] = make("/api/v1/dispatch/mailings", {
        "client_id": client_id, "name": "PK", "subject": "Einladung, {{ first_name }}",
        "html": "<p>{{ letter_salutation }}</p>", "sender_id": ids["sender_id"],
        "sources": [{"type": "list", "list_id": ids["list_id"]}]})
    ids["selection_id"] = make("/api/v1/pressbase/selections", {"name": "Auswahl", "kind": "list",
                                                                 "target": "journalists", "client_id": client_id})
    return ids


@dataclass
class FuzzSuite:
    app: Any
    rpc: Any
    settings: Any
    identity: Any
    session: Session
    account_id: str
    client_id: str
    other_account_id: str
    ids: dict[str, str]
    first_ids: dict[str, str]
    first_token: str


@pytest.fixture(scope="module")
def fuzz_suite(amqp_uri, databases, tmp_path_factory):
    from nameko.runners import ServiceRunner

    from billing.service import BillingService
    from billing_testing import Billing
    from crm.service import CrmService
    from dispatch.service import DispatchService
    from gateway.app import create_app
    from gateway.rpc import RpcClient
    from gateway.settings import Settings
    from identity.service import IdentityService
    from identity_testing import Identity
    from pressbase.service import PressbaseService
    from smtpsink.server import SinkServer
    from svckit.settings import SERVICES, principal_secret

    base = tmp_path_factory.mktemp("fuzz")
    storage, spool = base / "storage", base / "spool"
    storage.mkdir()
    spool.mkdir()
    previous_upload_dir = os.environ.get("UPLOAD_DIR")
    os.environ["UPLOAD_DIR"] = str(spool)  # the gateway spools uploads where crm takes them
    sink = SinkServer(base / "mail", smtp_port=0, web_port=0).start()
    config = {
        "AMQP_URI": amqp_uri, "DB_URIS": {s: databases.ensure(s) for s in SERVICES},
        "PRINCIPAL_SECRET": principal_secret(), "max_workers": 10, "serializer": "json",
        "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": sink.smtp_port, "SMTP_RECONCILE_URL": sink.web_url,
        "CRM_STORAGE_DIR": str(storage), "UPLOAD_DIR": str(spool), "CRM_SECRET_KEY": "test-only-crm-secret-key",
        "CRM_JOB_POLL": 0.2, "CRM_EXPORT_RPC_TIMEOUT": 3,
        "VERP_DOMAIN": "bounces.pressroom.test", "PUBLIC_BASE_URL": "https://press.example",
        "MAIL_FROM": "no-reply@pressroom.test", "HOUSEKEEPING_INTERVAL": 0.5,
        "BILLING_TIMER": False, "PRESSBASE_EXACT_COUNT_LIMIT": 1_000,
    }
    runners = []
    rpc = None
    try:
        for service in (IdentityService, CrmService, DispatchService, PressbaseService, BillingService):
            runner = ServiceRunner(dict(config))
            runner.add_service(service)
            runner.start()
            runners.append(runner)

        from contextlib import contextmanager

        from nameko.standalone.rpc import ClusterRpcProxy

        from svckit import principal as principal_mod

        @contextmanager
        def rpc_as(principal=None, timeout: float = 15):
            data = {}
            if principal is not None:
                data[principal_mod.CONTEXT_KEY] = principal_mod.encode(principal, principal_secret())
            with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, context_data=data,
                                 timeout=timeout) as proxy:
                yield proxy

        identity = Identity(runners[0], rpc_as, sink)
        billing = Billing(runners[4], rpc_as, sink)
        # the first account exists and has data; the fuzzer acts in a second one ordered for the test
        first_email = f"erste-{uuid.uuid4().hex[:8]}@example.com"
        other = billing.order(date.today(), seats=5, addons=["pressbase_dach"], administrator={
            "email": first_email, "first_name": "Erna", "last_name": "Erst", "language": "de", "salutation": "Frau"})
        first_token, first = identity.first_login(first_email, PASSWORD)
        email = f"fuzz-{uuid.uuid4().hex[:8]}@example.com"
        ordered = billing.order(date.today(), seats=5, addons=["pressbase_dach"], administrator={
            "email": email, "first_name": "Fritz", "last_name": "Fuzz", "language": "de", "salutation": "Herr"})
        token, principal = identity.first_login(email, PASSWORD)
        clients = [c for c, right in principal.clients.items() if right == "full"]
        assert len(clients) == 1 and "administrator" in principal.roles, principal

        settings = Settings(amqp_uri=amqp_uri, principal_secret=principal_secret(), rpc_timeout=10.0,
                            ready_timeout=2.0)
        rpc = RpcClient(settings.amqp_uri, settings.principal_secret, settings.rpc_timeout)
        app = create_app(rpc, settings)
        def forgive(address: str) -> None:
            from sqlalchemy import text

            from identity.domain.throttle import email_key

            with databases.engine("identity").begin() as conn:
                conn.execute(text("DELETE FROM login_failures WHERE key = :key"), {"key": email_key(address)})

        session = Session(identity, email, PASSWORD, forgive)
        session.token = token
        ids = seed_objects(app, token, clients[0], principal.user_id)
        first_ids = seed_objects(app, first_token, next(iter(first.clients)), first.user_id)
        first_ids["account_id"] = other["account_id"]
        yield FuzzSuite(app=app, rpc=rpc, settings=settings, identity=identity, session=session,
                        account_id=ordered["account_id"], client_id=clients[0], other_account_id=other["account_id"],
                        ids=ids, first_ids=first_ids, first_token=first_token)
    finally:
        if rpc is not None:
            rpc.close()
        for runner in reversed(runners):
            try:
                runner.stop()
            except Exception:  # pragma: no cover
                runner.kill()
        sink.stop()
        for service in SERVICES:
            databases.truncate(service)
        if previous_upload_dir is None:
            os.environ.pop("UPLOAD_DIR", None)
        else:
            os.environ["UPLOAD_DIR"] = previous_upload_dir


