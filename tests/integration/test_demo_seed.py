"""`make seed` (``python -m scripts.seed``): identity seeds first and hands the demo tenant to crm and billing,
which put their rows into identity's account and clients without reading identity's database; a second run adds
nothing."""

from __future__ import annotations

import importlib
import inspect
import re

from sqlalchemy import text

from scripts import seed as seed_script
from svckit.settings import SERVICES


def _scalar(databases, service: str, sql: str, **params):
    with databases.engine(service).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_the_seed_script_builds_one_demo_across_services(databases, tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSROOM_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PRESSBASE_SEED_JOURNALISTS", "200")
    for service in SERVICES:
        databases.ensure(service)
    try:
        assert seed_script.main() == 0
        with databases.engine("identity").connect() as conn:
            account = conn.execute(text("SELECT id FROM accounts")).scalar_one()
            clients = set(conn.execute(text("SELECT id FROM clients WHERE account_id = :a"), {"a": account})
                          .scalars())
        assert len(clients) == 2
        from crm import seed as crm_seed

        with databases.engine("crm").connect() as conn:
            crm_clients = set(conn.execute(text("SELECT DISTINCT client_id FROM contacts WHERE account_id = :a"),
                                           {"a": account}).scalars())
        assert crm_clients == clients  # every contact in one of identity's demo clients
        assert _scalar(databases, "crm", "SELECT count(*) FROM contacts") == crm_seed.PERSONS
        assert _scalar(databases, "billing", "SELECT account_id FROM subscriptions") == account
        assert _scalar(databases, "pressbase", "SELECT count(*) FROM journalists") == 200
        assert (tmp_path / "demo-login.txt").exists()

        assert seed_script.main() == 0  # idempotent: nothing twice
        assert _scalar(databases, "identity", "SELECT count(*) FROM accounts") == 1
        assert _scalar(databases, "crm", "SELECT count(*) FROM contacts") == crm_seed.PERSONS
        assert _scalar(databases, "billing", "SELECT count(*) FROM subscriptions") == 1
        assert _scalar(databases, "pressbase", "SELECT count(*) FROM journalists") == 200
    finally:
        for service in SERVICES:
            databases.truncate(service)


def test_no_seeder_opens_another_services_database():
    for service in SERVICES:
        try:
            module = importlib.import_module(f"{service}.seed")
        except ModuleNotFoundError:
            continue
        named = set(re.findall(r"database_url\(\s*[\"'](\w+)[\"']", inspect.getsource(module)))
        assert named <= {service}, f"{service}.seed opens the database of {sorted(named - {service})}"
