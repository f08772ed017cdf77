"""pytest fixtures and helpers of the pressbase tests (imported by services/pressbase/tests and tests/pressbase):
the real service on the run's broker and database, a small hand-written media database with the cases the tests
look for, accounts with clients of every right, and billing's real ``entitlements_changed`` event through the
broker (a small stand-in service publishes it under the name "billing").
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from nameko.events import EventDispatcher
from nameko.testing.services import entrypoint_waiter

from svckit.entitlements import Entitlements
from svckit.entrypoints import rpc
from svckit.principal import Principal


@dataclass
class Tenant:
    """Account A: full access to client ``full``, read-only ``read``; ``hidden`` exists but is not visible.
    Account B is someone else entirely."""

    account: str
    full: str
    read: str
    hidden: str
    other_account: str
    other_client: str

    def user(self, lang: str = "de", roles=("user",), **clients) -> Principal:
        return Principal(kind="user", account_id=self.account, user_id=str(uuid.uuid4()), roles=tuple(roles),
                         clients=clients or {self.full: "full", self.read: "read"}, lang=lang)

    def admin(self) -> Principal:
        return self.user(roles=("administrator",))

    def stranger(self) -> Principal:
        return Principal(kind="user", account_id=self.other_account, user_id=str(uuid.uuid4()), roles=("user",),
                         clients={self.other_client: "full"})

    def system(self, service: str = "dispatch") -> Principal:
        return Principal.system(service, account_id=self.account)


def operator() -> Principal:
    return Principal(kind="operator", user_id=str(uuid.uuid4()), roles=("back_office",), lang="en")


class FakeBilling:
    """Publishes billing's events exactly as billing does (service name "billing", nameko EventDispatcher)."""

    name = "billing"
    dispatch = EventDispatcher()

    @rpc
    def publish(self, event: str, payload: dict) -> None:
        self.dispatch(event, payload)


def entitlements_payload(account_id: str, version: int = 1, phase: str = "regular", datasets=("dach",),
                         forward_features: bool = False, pressbase_export: bool = False) -> dict[str, Any]:
    return Entitlements(account_id=str(account_id), version=version, phase=phase, datasets=tuple(datasets),
                        forward_features=forward_features, pressbase_export=pressbase_export,
                        max_recipients_per_mailing=None if phase != "starting" else 100).to_payload()


def wait_for(check, timeout: float = 30.0, what: str = "condition", interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def container_of(runner, name: str):
    return next(c for c in runner.containers if c.service_name == name)


@dataclass
class Billing:
    runner: Any
    rpc_as: Any

    def grant(self, account_id: str, **entitlements) -> None:
        """Publish entitlements_changed and wait until pressbase has handled it."""
        payload = entitlements_payload(account_id, **entitlements)
        container = container_of(self.runner, "pressbase")
        with entrypoint_waiter(container, "on_entitlements_changed", timeout=20):
            with self.rpc_as(Principal.system("billing")) as proxy:
                proxy.billing.publish("entitlements_changed", payload)

    def publish(self, event: str, payload: dict, handler: str | None = None) -> None:
        container = container_of(self.runner, "pressbase")
        if handler:
            with entrypoint_waiter(container, handler, timeout=20):
                with self.rpc_as(Principal.system("billing")) as proxy:
                    proxy.billing.publish(event, payload)
        else:
            with self.rpc_as(Principal.system("billing")) as proxy:
                proxy.billing.publish(event, payload)


# --- a small media database with the cases the tests look for ---------------------------------------------------

def sample_records(today: date | None = None) -> list[dict]:
    today = today or date.today()
    d = lambda days: (today + timedelta(days=days)).isoformat()  # noqa: E731
    outlets = [
        dict(id="O-1", dataset="dach", name="Süddeutsche Zeitung", media_type="daily_newspaper",
             publisher="Süddeutscher Verlag", country="DE", state="DE-BY", city="München", postal_code="80331",
             street="Hultschiner Straße 8", language="de", frequency="daily", circulation=300000, reach=1200000,
             website="https://www.sz.example", email="redaktion@sz.example", phone="+49 89 2183 0",
             topics=["politik", "wirtschaft"], departments=["politik", "wirtschaft", "feuilleton", "sport"],
             plus={"ad_price_eur": 48000}),
        dict(id="O-2", dataset="dach", name="Wiener Zeitung", media_type="daily_newspaper", country="AT",
             state="AT-9", city="Wien", language="de", frequency="daily", reach=80000,
             email="redaktion@wz.example", topics=["politik"], departments=["politik", "sport"]),
        dict(id="O-3", dataset="dach", name="Neue Zürcher Zeitung", media_type="daily_newspaper", country="CH",
             state="CH-ZH", city="Zürich", language="de", frequency="daily", reach=500000,
             email="redaktion@nzz.example", topics=["wirtschaft.finanzen"], departments=["wirtschaft", "finanzen"]),
        dict(id="O-4", dataset="dach", name="Fachblatt Logistik", media_type="trade_journal", country="DE",
             state="DE-HE", city="Frankfurt am Main", language="de", frequency="monthly", reach=12000,
             email="redaktion@logistik.example", topics=["wirtschaft.logistik"], departments=["wirtschaft"]),
        dict(id="O-5", dataset="plus", name="Podcast Nachhaltig", media_type="podcast", country="DE",
             state="DE-BE", city="Berlin", language="de", frequency="weekly", reach=9000,
             email="hallo@nachhaltig.example", topics=["umwelt.nachhaltigkeit"], departments=["umwelt"]),
        dict(id="O-6", dataset="world", name="The Daily Telegraph", media_type="daily_newspaper", country="GB",
             city="London", language="en", frequency="daily", reach=2000000, email="news@telegraph.example",
             topics=["politik.international"], departments=["politik", "wirtschaft"]),
        dict(id="O-7", dataset="world", name="Le Monde", media_type="daily_newspaper", country="FR", city="Paris",
             language="fr", frequency="daily", reach=1500000, email="redaction@lemonde.example",
             topics=["politik.international"], departments=["politik"]),
    ]
    journalists = [
        dict(id="J-1", dataset="dach", gender="f", title="Dr.", first_name="Anna", last_name="Müller",
             position="Redakteurin Wirtschaft", desks=["wirtschaft"], topics=["wirtschaft.finanzen.banken"],
             languages=["de", "en"], country="DE", state="DE-BY", city="München", email="anna.mueller@sz.example",
             phone="+49 89 2183 100", outlets=[{"id": "O-1", "role": "editor"}], last_verified=d(-30),
             plus={"mobile": "+49 170 1234567", "notes": "bevorzugt E-Mail"}),
        dict(id="J-2", dataset="dach", gender="m", first_name="Thomas", last_name="Mueller",
             position="Ressortleiter Sport", desks=["sport"], topics=["sport.fussball"], languages=["de"],
             country="AT", state="AT-9", city="Wien", email="t.mueller@wz.example",
             outlets=[{"id": "O-2", "role": "head_of_desk"}]),
        dict(id="J-3", dataset="dach", gender="f", first_name="Lea", last_name="Muller",
             position="Freie Journalistin", desks=["wirtschaft", "finanzen"], topics=["wirtschaft.finanzen.boerse"],
             languages=["de"], country="CH", state="CH-ZH", city="Zürich", freelance=True,
             email="lea.muller@freelance.example", outlets=[{"id": "O-3", "role": "freelancer"},
                                                            {"id": "O-4", "role": "freelancer"}]),
        dict(id="J-4", dataset="dach", gender="m", first_name="Jonas", last_name="Weber",
             position="Korrespondent für Zeitungen und Magazine", desks=["politik"], topics=["politik.europa"],
             languages=["de"], country="DE", state="DE-HE", email="j.weber@logistik.example",
             outlets=[{"id": "O-4", "role": "correspondent"}]),
        dict(id="J-5", dataset="world", gender="f", first_name="Sophie", last_name="Martin",
             position="Business Editor", desks=["wirtschaft"], topics=["wirtschaft"], languages=["en"],
             country="GB", city="London", email="s.martin@telegraph.example",
             outlets=[{"id": "O-6", "role": "head_of_desk"}]),
        dict(id="J-6", dataset="world", gender="m", first_name="Pierre", last_name="Dubois",
             position="Correspondant Europe", desks=["politik"], topics=["politik.europa"], languages=["fr"],
             country="FR", city="Paris", email="p.dubois@lemonde.example", outlets=[{"id": "O-7", "role": "editor"}]),
        dict(id="J-7", dataset="plus", gender="d", first_name="Mia", last_name="Schneider",
             position="Host", desks=["umwelt"], topics=["umwelt.nachhaltigkeit"], languages=["de"],
             country="DE", state="DE-BE", city="Berlin", email="mia@nachhaltig.example",
             outlets=[{"id": "O-5", "role": "presenter"}], plus={"mobile": "+49 151 7654321"}),
        dict(id="J-8", dataset="dach", gender="m", title="Prof. Dr.", first_name="Hans-Peter", last_name="Öztürk",
             position="Ressortleiter Politik", desks=["politik"], topics=["politik.inland"], languages=["de"],
             country="DE", state="DE-BY", city="München", email="hp.oeztuerk@sz.example",
             outlets=[{"id": "O-1", "role": "head_of_desk"}]),
        dict(id="J-9", dataset="dach", gender="f", first_name="Greta", last_name="Ohnemail",
             position="Redakteurin Lokales", desks=["lokales"], topics=["regionales"], languages=["de"],
             country="DE", state="DE-BY", outlets=[{"id": "O-1", "role": "editor"}]),
    ]
    features = [
        dict(id="F-1", outlet="O-4", issue_date=d(50), topic="wirtschaft.logistik", title="Schwerpunkt Lagerlogistik",
             description="Automatisierung im Lager, Fachbeiträge willkommen.", deadline=d(20)),
        dict(id="F-2", outlet="O-1", issue_date=d(90), topic="politik.europa", title="Europawahl Spezial",
             description="Hintergründe zur Europawahl.", deadline=d(60)),
        dict(id="F-3", outlet="O-4", issue_date=d(5), topic="wirtschaft.logistik", title="Letzte Meile",
             description="Zustellung in der Stadt.", deadline=d(-10)),
        dict(id="F-4", outlet="O-6", issue_date=d(40), topic="technik.ki", title="AI in business",
             description="How companies use artificial intelligence.", deadline=d(30)),
    ]
    return ([{"type": "outlet", **o} for o in outlets] + [{"type": "journalist", **j} for j in journalists]
            + [{"type": "forward_feature", **f} for f in features])


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def load_sample(engine, mode: str = "full", extra: list[dict] | None = None) -> dict:
    from pressbase.usecases import feeds

    return feeds.import_feed(engine, [jsonl(sample_records() + (extra or []))], fmt="jsonl", mode=mode,
                             source="test", filename="sample.jsonl")


def record_id(engine, kind: str, ext_id: str) -> int:
    from sqlalchemy import text

    table = {"outlet": "outlets", "journalist": "journalists", "forward_feature": "forward_features"}[kind]
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT id FROM {table} WHERE ext_id = :e"), {"e": ext_id}).scalar_one()


# --- fixtures -------------------------------------------------------------------------------------------------------

@pytest.fixture
def tenant() -> Tenant:
    return Tenant(*[str(uuid.uuid4()) for _ in range(6)])


@pytest.fixture
def pressbase_db(databases):
    """The run's pressbase database, emptied after the test."""
    engine = databases.engine("pressbase")
    yield engine
    databases.truncate("pressbase")


@pytest.fixture
def pressbase_service(run_services):
    """The real pressbase service plus billing's stand-in; returns the runner."""
    from pressbase.service import PressbaseService

    return run_services(PressbaseService, FakeBilling, config={"PRESSBASE_EXACT_COUNT_LIMIT": 1_000})


@pytest.fixture
def billing(pressbase_service, rpc_as) -> Billing:
    return Billing(pressbase_service, rpc_as)


@pytest.fixture
def sample(pressbase_db) -> dict:
    """The sample media database, loaded through the real feed importer."""
    return load_sample(pressbase_db)
