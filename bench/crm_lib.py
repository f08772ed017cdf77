"""Shared by the crm benchmarks: a throw-away crm database with 200,000 generated contacts, loaded with COPY.

Each benchmark creates its own database (``pressroom_bench_crm_<random>``), migrates it, loads the contacts and
drops it at the end, so it never meets another run's or the tests' data.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST = ["Anna", "Max", "Eva", "Jürgen", "Sophie", "Lukas", "Marie", "Felix", "Lena", "Paul", "Hannah", "Jonas",
         "Özlem", "Björn", "Chiara", "Luca", "Mia", "Elias", "Zoë", "Noah"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
        "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
        "Huber", "Gruber", "Wimmer", "Steiner", "Moser", "Brunner", "Keller", "Frei", "Baumann", "Graf"]
OUTLETS = ["Süddeutsche Zeitung", "Frankfurter Allgemeine", "Handelsblatt", "Der Spiegel", "Die Zeit", "taz",
           "Der Standard", "Die Presse", "Kurier", "Neue Zürcher Zeitung", "Tages-Anzeiger", "Blick", "WDR", "ORF",
           "Kleine Zeitung", "Rheinische Post", "Tagesspiegel", "Stern", "Focus", "Bild"]
DESKS = ["Politik", "Wirtschaft", "Kultur", "Sport", "Lokales", "Wissenschaft", "Technik", "Reise"]
CITIES = [("10115", "Berlin", "DE"), ("80331", "München", "DE"), ("01067", "Dresden", "DE"), ("1010", "Wien", "AT"),
          ("8001", "Zürich", "CH"), ("20095", "Hamburg", "DE"), ("50667", "Köln", "DE"), ("8010", "Graz", "AT")]


def peak_rss_mb() -> float:
    """This process's own high-water mark (VmHWM): unlike ru_maxrss it is not inherited from the parent that
    spawned the process."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


@contextmanager
def bench_database():
    """A migrated crm database of its own; yields its URL and drops it afterwards."""
    import signal

    from svckit.migrate import drop_database, ensure_database, upgrade
    from svckit.settings import database_url
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # a stopped benchmark still drops its database
    os.environ["PRESSROOM_DB_PREFIX"] = f"pressroom_bench_{uuid.uuid4().hex[:6]}_"
    url = database_url("crm")
    ensure_database(url)
    try:
        upgrade("crm", url)
        yield url
    finally:
        drop_database(url)


def person(i: int, rnd: random.Random) -> dict:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    outlet, desk = rnd.choice(OUTLETS), rnd.choice(DESKS)
    pc, city, country = rnd.choice(CITIES)
    email = f"{first.lower()}.{last.lower()}.{i}@{outlet.split()[-1].lower()}.example"
    return {"first": first, "last": last, "outlet": outlet, "desk": desk, "postal_code": pc, "city": city,
            "country": country, "email": email, "gender": rnd.choice(["female", "male", "unknown"]),
            "title": rnd.choice(["", "", "", "Dr.", "Prof. Dr."])}


def load_contacts(url: str, account: uuid.UUID, client: uuid.UUID, n: int = 200_000, seed: int = 7) -> list[uuid.UUID]:
    """COPY ``n`` contacts with primary e-mails into one client; returns their ids."""
    import psycopg

    from crm.domain import folding

    rnd = random.Random(seed)
    ids: list[uuid.UUID] = []
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY contacts (id, account_id, client_id, kind, gender, title, first_name, last_name, "
                          "organisation, department, postal_code, city, country, tags, search_text, name_key, "
                          "org_key) FROM STDIN") as copy:
                copy.set_types(["uuid", "uuid", "uuid", "text", "text", "text", "text", "text", "text", "text",
                                "text", "text", "text", "text[]", "text", "text", "text"])
                emails = []
                for i in range(n):
                    p = person(i, rnd)
                    cid = uuid.uuid4()
                    ids.append(cid)
                    tags = [p["desk"]]
                    copy.write_row((cid, account, client, "person", p["gender"], p["title"], p["first"], p["last"],
                                    p["outlet"], p["desk"], p["postal_code"], p["city"], p["country"], tags,
                                    folding.search_text(first_name=p["first"], last_name=p["last"], title=p["title"],
                                                        organisation=p["outlet"], department=p["desk"],
                                                        city=p["city"], emails=[p["email"]], tags=tags),
                                    folding.name_key("person", p["first"], p["last"]), folding.org_key(p["outlet"])))
                    emails.append((cid, account, client, p["email"], p["email"].lower()))
            with cur.copy("COPY contact_emails (contact_id, account_id, client_id, email, email_norm, is_primary) "
                          "FROM STDIN") as copy:
                for row in emails:
                    copy.write_row((*row, True))
        conn.commit()
        conn.execute("ANALYZE contacts")
        conn.execute("ANALYZE contact_emails")
        conn.commit()
    return ids


def machine() -> str:
    import platform
    return f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
