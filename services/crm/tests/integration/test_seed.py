"""The demo seed: realistic contacts, lists and an event for the demo account; a second run adds nothing."""

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from crm import seed


def test_seed_is_idempotent_and_realistic(databases):
    engine = databases.engine("crm")
    account, clients = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    try:
        with Session(engine) as session:
            assert seed.seed(session, account, clients)["contacts_created"] == seed.PERSONS
        with Session(engine) as session:
            assert seed.seed(session, account, clients)["contacts_created"] == 0
        with engine.connect() as conn:
            q = lambda sql: conn.execute(text(sql), {"a": account}).scalar()  # noqa: E731
            assert q("SELECT count(*) FROM contacts WHERE account_id = :a") == seed.PERSONS
            assert q("SELECT count(*) FROM contact_emails WHERE account_id = :a") == seed.PERSONS
            assert q("SELECT count(DISTINCT country) FROM contacts WHERE account_id = :a") == 3
            assert q("SELECT count(*) FROM lists WHERE account_id = :a") == 2
            assert q("SELECT count(*) FROM list_members WHERE account_id = :a") > 10
            assert q("SELECT count(*) FROM event_participants WHERE account_id = :a") == 40
            assert q("SELECT count(*) FROM contacts WHERE account_id = :a AND search_text = ''") == 0
    finally:
        databases.truncate("crm")
