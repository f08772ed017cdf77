"""Demo data for ``make run`` (idempotent): a few hundred press contacts of Germany, Austria and Switzerland in the
demo account's clients, two distribution lists (static and dynamic) and a press conference with participants.

The demo account and its clients are identity's: identity's seed runs first and ``scripts/seed.py`` hands their ids
in as a :class:`svckit.demo.DemoTenant` (crm never reads identity's tables). Contacts carry ``source_ref =
seed:<n>``, lists and the event are looked up by name: a second run adds nothing.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from faker import Faker
from sqlalchemy import create_engine, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from svckit.clock import utcnow
from svckit.demo import DemoTenant
from svckit.settings import database_url

from .db.models import Contact, ContactEmail, DistributionList, Event, ListMember, Participant
from .domain import folding

PERSONS = 320
OUTLETS = {
    "DE": ["Süddeutsche Zeitung", "Frankfurter Allgemeine", "Handelsblatt", "Der Spiegel", "Die Zeit",
           "Tagesspiegel", "WirtschaftsWoche", "Deutschlandfunk", "Rheinische Post", "taz"],
    "AT": ["Der Standard", "Die Presse", "Kurier", "ORF", "Kleine Zeitung", "Salzburger Nachrichten"],
    "CH": ["Neue Zürcher Zeitung", "Tages-Anzeiger", "SRF", "Blick", "Handelszeitung"],
}
DESKS = ["Politik", "Wirtschaft", "Kultur", "Sport", "Lokales", "Wissenschaft", "Technik", "Reise"]
POSITIONS = ["Redakteurin", "Redakteur", "Ressortleiterin", "Ressortleiter", "Chefredakteurin", "Korrespondent",
             "freie Journalistin", "freier Journalist", "Volontärin"]
LOCALES = {"DE": "de_DE", "AT": "de_AT", "CH": "de_CH"}
TITLES = {"DE": ["", "", "", "", "Dr.", "Prof. Dr."], "AT": ["", "", "Mag.", "Dr.", "DI", "Mag."],
          "CH": ["", "", "", "Dr."]}


def _contacts(account: uuid.UUID, clients: list[uuid.UUID]) -> tuple[list[dict], list[dict]]:
    rnd = random.Random(2026)
    fakers = {c: Faker(loc) for c, loc in LOCALES.items()}
    for f in fakers.values():
        f.seed_instance(2026)
    contacts, emails = [], []
    now = utcnow()
    for n in range(PERSONS):
        country = rnd.choices(["DE", "AT", "CH"], weights=[6, 2, 2])[0]
        fake = fakers[country]
        gender = rnd.choices(["female", "male", "unknown"], weights=[48, 48, 4])[0]
        first = fake.first_name_female() if gender == "female" else fake.first_name_male()
        last = fake.last_name()
        outlet = rnd.choice(OUTLETS[country])
        desk = rnd.choice(DESKS)
        cid = uuid.uuid5(account, f"seed-contact-{n}")
        client = clients[n % len(clients)]
        domain = folding.tokens(outlet)[0].replace(".", "") + (".de" if country == "DE" else "." + country.lower())
        address = folding.fold(f"{first}.{last}").replace(" ", "-").replace("..", ".")
        email = f"{address}@{domain}".replace(" ", "")
        tags = sorted({desk, rnd.choice(DESKS)})
        row = {"id": cid, "account_id": account, "client_id": client, "kind": "person", "gender": gender,
               "title": rnd.choice(TITLES[country]), "first_name": first, "last_name": last, "org_name": "",
               "organisation": outlet, "position": rnd.choice(POSITIONS), "department": desk,
               "street": fake.street_address(), "address_extra": "", "postal_code": fake.postcode(),
               "city": fake.city(), "country": country, "language": "de", "informal": False,
               "phones": [{"number": fake.phone_number(), "label": "work"}], "tags": tags, "custom": {},
               "notes": "", "legal_basis": "legitimate_interest", "data_source": "Demo-Daten",
               "source_kind": "manual", "source_ref": f"seed:{n}", "created_at": now - timedelta(days=n % 90),
               "updated_at": now}
        row["search_text"] = folding.search_text(first_name=first, last_name=last, title=row["title"],
                                                 organisation=outlet, position=row["position"], department=desk,
                                                 city=row["city"], emails=[email], tags=tags)
        row["name_key"] = folding.name_key("person", first, last)
        row["org_key"] = folding.org_key(outlet)
        contacts.append(row)
        emails.append({"contact_id": cid, "account_id": account, "client_id": client, "email": email,
                       "email_norm": email.lower(), "is_primary": True,
                       "state": "invalid" if n % 37 == 0 else "valid", "label": "work"})
    return contacts, emails


def seed(session: Session, account: uuid.UUID, clients: list[uuid.UUID]) -> dict:
    contacts, emails = _contacts(account, clients)
    created = len(session.execute(insert(Contact).values(contacts).on_conflict_do_nothing(
        index_elements=["account_id", "source_ref"], index_where=Contact.source_ref.isnot(None))
        .returning(Contact.id)).all())
    session.execute(insert(ContactEmail).values(emails).on_conflict_do_nothing())
    first_client = clients[0]
    lists = {dl.name: dl
             for dl in session.scalars(select(DistributionList).where(DistributionList.account_id == account))}
    if "Wirtschaftspresse" not in lists:
        dl = DistributionList(id=uuid.uuid4(), account_id=account, client_id=first_client, name="Wirtschaftspresse",
                             kind="static", description="Wirtschaftsredaktionen im DACH-Raum")
        session.add(dl)
        session.flush()
        members = [c["id"] for c in contacts if c["client_id"] == first_client and "Wirtschaft" in c["tags"]]
        if members:
            session.execute(insert(ListMember).values([{"list_id": dl.id, "contact_id": m, "account_id": account}
                                                       for m in members]).on_conflict_do_nothing())
    if "Österreich (dynamisch)" not in lists:
        session.add(DistributionList(id=uuid.uuid4(), account_id=account, client_id=first_client,
                                     name="Österreich (dynamisch)", kind="dynamic", filter={"country": "AT"},
                                     description="Alle Kontakte in Österreich"))
    name = "Bilanzpressekonferenz 2026"
    if session.scalar(select(Event.id).where(Event.account_id == account, Event.name == name)) is None:
        ev = Event(id=uuid.uuid4(), account_id=account, client_id=first_client, name=name, kind="press_conference",
                   starts_at=datetime(2026, 3, 12, 10, 0, tzinfo=timezone.utc),
                   ends_at=datetime(2026, 3, 12, 12, 0, tzinfo=timezone.utc), location="Hamburg, Elbphilharmonie",
                   description="Jahreszahlen 2025 und Ausblick")
        session.add(ev)
        session.flush()
        invited = [c["id"] for c in contacts if c["client_id"] == first_client][:40]
        states = ["invited", "registered", "declined", "attended"]
        session.execute(insert(Participant).values([{"event_id": ev.id, "contact_id": cid, "account_id": account,
                                                     "status": states[i % 4]} for i, cid in enumerate(invited)])
                        .on_conflict_do_nothing())
    session.commit()
    return {"contacts_created": created}


def run(tenant: DemoTenant | None = None, url: str | None = None) -> dict:
    """Seed the demo tenant identity's seed created (``scripts/seed.py`` passes it in)."""
    if tenant is None or not tenant.client_ids:
        print("crm seed: skipped (no demo tenant: run `make seed`, identity seeds first)")
        return {}
    engine = create_engine(url or database_url("crm"))
    try:
        with Session(engine) as session:
            result = seed(session, tenant.account_id, list(tenant.client_ids))
    finally:
        engine.dispose()
    print(f"crm seed: {result['contacts_created']} contacts added")
    return result
