"""Realistic fake media data at any size, for demos, the seed and benchmarks.

Names, streets, postcodes and phone numbers come from Faker with German, Austrian, Swiss and other locales; Faker
is slow per call, so each locale fills pools once and the records are then drawn from the pools with a seeded
``random.Random`` (the same seed gives the same data). Records come out in the vendor's feed shape (dicts, see
domain/feed.py), so they can be written as a feed file (``write_jsonl``) or COPYed straight into the importer's
staging tables (``rows``), which is how the seed and the benchmark load hundreds of thousands of records quickly.

    python -m pressbase_devtools.generator --journalists 2000 --outlets 800 > demo-feed.jsonl
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import json
import math
import random
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator

from pressbase.db.copy import jsonb
from pressbase.domain import catalog
from svckit.clock import utctoday

# locale -> (countries it stands for, language)
WORLD_LOCALES = {
    "en_GB": ("GB", "en"), "en_US": ("US", "en"), "fr_FR": ("FR", "fr"), "it_IT": ("IT", "it"),
    "es_ES": ("ES", "es"), "nl_NL": ("NL", "nl"), "pl_PL": ("PL", "pl"), "sv_SE": ("SE", "sv"),
    "da_DK": ("DK", "da"), "pt_PT": ("PT", "pt"), "cs_CZ": ("CZ", "cs"), "en_AU": ("AU", "en"),
    "en_CA": ("CA", "en"), "nl_BE": ("BE", "nl"), "fi_FI": ("FI", "fi"), "no_NO": ("NO", "no"),
}
WORLD_WEIGHTS = {"en_US": 8, "en_GB": 5, "fr_FR": 4, "it_IT": 3, "es_ES": 3, "nl_NL": 2, "pl_PL": 2, "sv_SE": 1,
                 "da_DK": 1, "pt_PT": 1, "cs_CZ": 1, "en_AU": 2, "en_CA": 2, "nl_BE": 1, "fi_FI": 1, "no_NO": 1}

DACH_CITIES: dict[str, list[str]] = {
    "DE-BW": ["Stuttgart", "Karlsruhe", "Mannheim", "Freiburg im Breisgau", "Heidelberg", "Ulm", "Konstanz"],
    "DE-BY": ["München", "Nürnberg", "Augsburg", "Regensburg", "Würzburg", "Ingolstadt", "Passau", "Bamberg"],
    "DE-BE": ["Berlin"], "DE-BB": ["Potsdam", "Cottbus", "Frankfurt (Oder)"], "DE-HB": ["Bremen", "Bremerhaven"],
    "DE-HH": ["Hamburg"], "DE-HE": ["Frankfurt am Main", "Wiesbaden", "Kassel", "Darmstadt", "Gießen", "Fulda"],
    "DE-MV": ["Rostock", "Schwerin", "Greifswald"], "DE-NI": ["Hannover", "Braunschweig", "Osnabrück", "Göttingen",
                                                             "Oldenburg", "Lüneburg"],
    "DE-NW": ["Köln", "Düsseldorf", "Dortmund", "Essen", "Münster", "Bielefeld", "Bonn", "Aachen", "Wuppertal"],
    "DE-RP": ["Mainz", "Koblenz", "Trier", "Kaiserslautern"], "DE-SL": ["Saarbrücken"],
    "DE-SN": ["Dresden", "Leipzig", "Chemnitz", "Zwickau"], "DE-ST": ["Magdeburg", "Halle (Saale)", "Dessau"],
    "DE-SH": ["Kiel", "Lübeck", "Flensburg"], "DE-TH": ["Erfurt", "Jena", "Weimar", "Gera"],
    "AT-1": ["Eisenstadt"], "AT-2": ["Klagenfurt", "Villach"], "AT-3": ["St. Pölten", "Wiener Neustadt"],
    "AT-4": ["Linz", "Wels", "Steyr"], "AT-5": ["Salzburg"], "AT-6": ["Graz", "Leoben"],
    "AT-7": ["Innsbruck", "Kufstein"], "AT-8": ["Bregenz", "Dornbirn"], "AT-9": ["Wien"],
    "CH-ZH": ["Zürich", "Winterthur"], "CH-BE": ["Bern", "Biel/Bienne", "Thun"], "CH-LU": ["Luzern"],
    "CH-BS": ["Basel"], "CH-SG": ["St. Gallen"], "CH-AG": ["Aarau", "Baden"], "CH-GE": ["Genève"],
    "CH-VD": ["Lausanne"], "CH-TI": ["Lugano", "Bellinzona"], "CH-GR": ["Chur", "Davos"], "CH-ZG": ["Zug"],
    "CH-TG": ["Frauenfeld"], "CH-SO": ["Solothurn"], "CH-VS": ["Sion"], "CH-FR": ["Fribourg"],
    "CH-NE": ["Neuchâtel"], "CH-SH": ["Schaffhausen"],
}
DACH_LOCALE = {"DE": "de_DE", "AT": "de_AT", "CH": "de_CH"}
DACH_WEIGHTS = {"DE": 78, "AT": 12, "CH": 10}
TLD = {"DE": "de", "AT": "at", "CH": "ch", "GB": "co.uk", "US": "com", "FR": "fr", "IT": "it", "ES": "es",
       "NL": "nl", "PL": "pl", "SE": "se", "DK": "dk", "PT": "pt", "CZ": "cz", "AU": "com.au", "CA": "ca",
       "BE": "be", "FI": "fi", "NO": "no"}

TYPE_WEIGHTS = {"daily_newspaper": 8, "weekly_newspaper": 6, "magazine": 22, "trade_journal": 26, "tv": 3,
                "radio": 5, "online": 18, "agency": 1, "blog": 7, "podcast": 4}
TYPE_FREQUENCY = {
    "daily_newspaper": ["daily"], "weekly_newspaper": ["weekly"], "magazine": ["weekly", "biweekly", "monthly"],
    "trade_journal": ["monthly", "bimonthly", "quarterly", "semiannual", "annual"], "tv": ["continuous", "daily"],
    "radio": ["continuous", "daily"], "online": ["continuous"], "agency": ["continuous"],
    "blog": ["irregular", "weekly"], "podcast": ["weekly", "biweekly", "irregular"],
}
TYPE_REACH = {"daily_newspaper": 11.0, "weekly_newspaper": 10.3, "magazine": 10.5, "trade_journal": 8.6, "tv": 12.5,
              "radio": 11.3, "online": 10.8, "agency": 12.0, "blog": 8.0, "podcast": 8.5}

DESK_TOPICS = {
    "politik": ["politik", "politik.inland", "politik.europa", "politik.international", "politik.kommunal"],
    "wirtschaft": ["wirtschaft", "wirtschaft.mittelstand", "wirtschaft.handel", "wirtschaft.industrie",
                   "wirtschaft.logistik", "wirtschaft.energie", "wirtschaft.arbeit"],
    "finanzen": ["wirtschaft.finanzen", "wirtschaft.finanzen.banken", "wirtschaft.finanzen.versicherungen",
                 "wirtschaft.finanzen.boerse"],
    "feuilleton": ["kultur", "kultur.literatur", "kultur.musik", "kultur.film", "kultur.kunst", "kultur.theater"],
    "sport": ["sport", "sport.fussball", "sport.wintersport", "sport.motorsport", "sport.tennis"],
    "lokales": ["regionales", "politik.kommunal", "gesellschaft.soziales"],
    "wissenschaft": ["wissenschaft", "wissenschaft.forschung", "wissenschaft.klima", "wissenschaft.raumfahrt"],
    "technik": ["technik", "technik.maschinenbau", "technik.elektronik", "technik.telekommunikation"],
    "digital": ["technik.it", "technik.it.software", "technik.it.sicherheit", "technik.ki"],
    "gesundheit": ["gesundheit", "wissenschaft.medizin", "gesundheit.pharma", "gesundheit.pflege",
                   "gesundheit.ernaehrung", "gesundheit.fitness"],
    "reise": ["reise", "reise.hotellerie", "reise.gastronomie"],
    "auto": ["mobilitaet", "mobilitaet.auto", "mobilitaet.elektromobilitaet", "mobilitaet.bahn",
             "mobilitaet.luftfahrt"],
    "lifestyle": ["lifestyle", "lifestyle.mode", "lifestyle.wohnen", "lifestyle.familie", "gesundheit.ernaehrung"],
    "panorama": ["gesellschaft", "gesellschaft.soziales", "gesellschaft.religion"],
    "medien": ["medien", "medien.marketing", "medien.pr", "medien.journalismus"],
    "bildung": ["bildung", "bildung.hochschule", "bildung.schule"],
    "umwelt": ["umwelt", "umwelt.nachhaltigkeit", "umwelt.landwirtschaft", "umwelt.erneuerbare"],
    "immobilien": ["wirtschaft.immobilien"], "karriere": ["wirtschaft.arbeit", "bildung"],
    "recht": ["recht", "recht.steuern", "recht.datenschutz"], "chefredaktion": ["politik", "wirtschaft"],
    "nachrichten": ["politik", "wirtschaft", "gesellschaft", "regionales"],
}
GENERAL_DESKS = ["politik", "wirtschaft", "feuilleton", "sport", "lokales", "panorama", "nachrichten"]

POSITION_DE = {
    "editor_in_chief": ("Chefredakteurin", "Chefredakteur"), "deputy_editor": ("Stellv. Chefredakteurin",
                                                                              "Stellv. Chefredakteur"),
    "head_of_desk": ("Ressortleiterin {desk}", "Ressortleiter {desk}"), "editor": ("Redakteurin {desk}",
                                                                                 "Redakteur {desk}"),
    "reporter": ("Reporterin", "Reporter"), "correspondent": ("Korrespondentin", "Korrespondent"),
    "presenter": ("Moderatorin", "Moderator"), "freelancer": ("Freie Journalistin", "Freier Journalist"),
    "trainee": ("Volontärin", "Volontär"), "publisher": ("Herausgeberin", "Herausgeber"),
}
POSITION_EN = {
    "editor_in_chief": "Editor-in-Chief", "deputy_editor": "Deputy Editor", "head_of_desk": "{desk} Editor",
    "editor": "{desk} Writer", "reporter": "Reporter", "correspondent": "Correspondent", "presenter": "Presenter",
    "freelancer": "Freelance Journalist", "trainee": "Trainee Reporter", "publisher": "Publisher",
}
ROLE_WEIGHTS = {"editor": 55, "reporter": 12, "head_of_desk": 8, "correspondent": 5, "freelancer": 10,
                "editor_in_chief": 3, "deputy_editor": 2, "presenter": 2, "trainee": 2, "publisher": 1}
TITLES_DE = ["Dr.", "Dr.", "Prof. Dr.", "Dipl.-Journ."]
TITLES_AT = ["Mag.", "Mag.", "Dr.", "DI", "Mag. Dr."]

NAME_PATTERNS_DE = {
    "daily_newspaper": ["{adj} Zeitung", "{adj} Nachrichten", "{adj} Tagblatt", "{adj} Anzeiger", "{adj} Kurier",
                        "{adj} Rundschau", "Neue {adj} Presse", "{adj} Volksblatt"],
    "weekly_newspaper": ["{adj} Wochenblatt", "{city} am Sonntag", "{adj} Wochenspiegel", "Die {adj} Woche"],
    "magazine": ["{topic} Magazin", "{topic} heute", "{topic} aktuell", "Das {topic}-Journal", "{topic} & Leben",
                 "{topic} Spezial"],
    "trade_journal": ["{topic} Praxis", "Fachblatt {topic}", "{topic} Report", "{topic}-Welt",
                      "Zeitschrift für {topic}", "{topic} Kompakt", "{topic} Profi"],
    "tv": ["{region} Fernsehen", "{city} TV", "{region} 1"],
    "radio": ["Radio {city}", "{region} Welle", "Antenne {region}", "Radio {region} 2"],
    "online": ["{slug}-news.{tld}", "{topic}Online", "{city}24", "{topic}-Portal", "{slug}.{tld}"],
    "agency": ["{region} Presseagentur", "Nachrichtendienst {region}"],
    "blog": ["{first}s {topic}-Blog", "{topic}liebe", "Mein {topic}-Tagebuch", "{topic} unterwegs"],
    "podcast": ["{topic} to go", "Der {topic}-Podcast", "{topic} auf die Ohren", "{first} spricht über {topic}"],
}
NAME_PATTERNS_EN = {
    "daily_newspaper": ["The {city} Times", "{city} Herald", "{city} Daily News", "The {city} Post",
                        "{city} Chronicle"],
    "weekly_newspaper": ["{city} Weekly", "The {region} Observer", "{city} on Sunday"],
    "magazine": ["{topic} Monthly", "{topic} Today", "Modern {topic}", "{topic} Digest", "{topic} Life"],
    "trade_journal": ["{topic} Review", "Journal of {topic}", "{topic} Insider", "{topic} Professional"],
    "tv": ["{city} TV", "{region} Channel", "{region} One"], "radio": ["Radio {city}", "{city} FM", "{region} Radio"],
    "online": ["{slug}news.{tld}", "{topic}Hub", "{city}Now"], "agency": ["{region} Press Agency", "{region} Wire"],
    "blog": ["{first}'s {topic} Blog", "All about {topic}", "{topic} Diaries"],
    "podcast": ["{topic} Talk", "The {topic} Podcast", "{topic} Weekly Pod"],
}


ADJECTIVES = {"München": "Münchner", "Bremen": "Bremer", "Hannover": "Hannoversche", "Zürich": "Zürcher",
              "Basel": "Basler", "Dresden": "Dresdner", "St. Gallen": "St. Galler", "St. Pölten": "St. Pöltner",
              "Genève": "Genfer", "Lausanne": "Lausanner", "Göttingen": "Göttinger", "Tübingen": "Tübinger",
              "Halle": "Hallesche", "Biel/Bienne": "Bieler", "Luzern": "Luzerner", "Graz": "Grazer"}


def city_adjective(city: str) -> str:
    """"Karlsruhe" -> "Karlsruher", "Frankfurt am Main" -> "Frankfurter", "München" -> "Münchner"."""
    base = city.split(" (")[0]
    if base in ADJECTIVES:
        return ADJECTIVES[base]
    word = " ".join(base.split()[:2]) if base.startswith("St. ") else base.split()[0].split("/")[0]
    if word in ADJECTIVES:
        return ADJECTIVES[word]
    return word + ("r" if word.endswith("e") else "" if word.endswith("er") else "er")


@functools.lru_cache(maxsize=100_000)
def ascii_slug(value: str) -> str:
    folded = value.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum())


@dataclass
class Pools:
    female: list[str]
    male: list[str]
    last: list[str]
    cities: list[str]
    streets: list[str]
    postcodes: list[str]
    phones: list[str]

    @functools.cached_property
    def first(self) -> list[str]:
        return self.female + self.male


_POOL_CACHE: dict[tuple[str, int], Pools] = {}


def pools(locale: str, seed: int, size: int = 200) -> Pools:
    key = (locale, seed)
    if key not in _POOL_CACHE:
        from faker import Faker

        fake = Faker(locale)
        fake.seed_instance(seed)
        _POOL_CACHE[key] = Pools(
            female=list({fake.first_name_female() for _ in range(size)}),
            male=list({fake.first_name_male() for _ in range(size)}),
            last=list({fake.last_name() for _ in range(size * 2)}),
            cities=list({fake.city() for _ in range(size // 2)}),
            streets=[fake.street_address() for _ in range(size)],
            postcodes=[fake.postcode() for _ in range(size)],
            phones=[fake.phone_number() for _ in range(size)],
        )
    return _POOL_CACHE[key]


@functools.lru_cache(maxsize=None)
def _cumulative(items: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int], int]:
    keys = [k for k, _ in items]
    cum = list(itertools.accumulate(w for _, w in items))
    return keys, cum, cum[-1]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys, cum, total = _cumulative(tuple(weights.items()))
    return keys[bisect.bisect_right(cum, rng.random() * total)]


@dataclass
class Plan:
    """How many records of each dataset to make."""

    outlets_dach: int
    outlets_plus: int
    outlets_world: int
    journalists_dach: int
    journalists_plus: int
    journalists_world: int
    forward_features_per_outlet: float = 0.6

    @classmethod
    def dach_sized(cls) -> "Plan":
        """The size of the real DACH database (``make run``): ~35,000 outlets and ~80,000 journalists."""
        return cls(31_000, 3_000, 1_000, 70_000, 8_000, 2_000)

    @classmethod
    def scaled(cls, journalists: int, outlets: int | None = None, world_share: float = 0.8,
               plus_share: float = 0.05) -> "Plan":
        outlets = outlets if outlets is not None else max(10, journalists * 3 // 10)
        jw, jp = int(journalists * world_share), int(journalists * plus_share)
        ow, op_ = int(outlets * world_share), int(outlets * plus_share)
        return cls(outlets - ow - op_, op_, ow, journalists - jw - jp, jp, jw)

    @property
    def journalists(self) -> int:
        return self.journalists_dach + self.journalists_plus + self.journalists_world

    @property
    def outlets(self) -> int:
        return self.outlets_dach + self.outlets_plus + self.outlets_world


class Generator:
    def __init__(self, plan: Plan, seed: int = 42, today: date | None = None, id_offset: int = 0):
        self.plan = plan
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today or utctoday()
        self.id_offset = id_offset
        self.outlets_by_dataset: dict[str, list[dict]] = {"dach": [], "plus": [], "world": []}

    # --- outlets ------------------------------------------------------------------------------------------------
    def _place(self, dataset: str) -> tuple[str, str | None, str, str, str]:
        rng = self.rng
        if dataset == "world":
            locale = _weighted(rng, WORLD_WEIGHTS)
            country, lang = WORLD_LOCALES[locale]
            return country, None, rng.choice(pools(locale, self.seed).cities), locale, lang
        country = _weighted(rng, DACH_WEIGHTS)
        state = rng.choice(list(catalog.STATES[country]))
        city = rng.choice(DACH_CITIES.get(state) or pools(DACH_LOCALE[country], self.seed).cities)
        lang = "de"
        if country == "CH" and state in ("CH-GE", "CH-VD", "CH-NE", "CH-FR", "CH-JU"):
            lang = "fr"
        elif country == "CH" and state == "CH-TI":
            lang = "it"
        return country, state, city, DACH_LOCALE[country], lang

    def outlet(self, n: int, dataset: str) -> dict:
        rng = self.rng
        mtype = _weighted(rng, TYPE_WEIGHTS)
        if dataset == "plus":  # PLUS: the long tail (blogs, podcasts, small trade titles)
            mtype = rng.choice(["blog", "podcast", "trade_journal", "online", "magazine"])
        country, state, city, locale, lang = self._place(dataset)
        desks = rng.sample(GENERAL_DESKS, 4) if mtype in ("daily_newspaper", "weekly_newspaper", "tv", "radio",
                                                         "agency") else [rng.choice(list(DESK_TOPICS))]
        topics = sorted({rng.choice(DESK_TOPICS[d]) for d in desks for _ in range(2)})
        topic_label = catalog.TOPICS[topics[0]]
        german = lang == "de"
        region = catalog.REGIONS[state].de if state else catalog.COUNTRIES[country].en
        patterns = (NAME_PATTERNS_DE if german else NAME_PATTERNS_EN)[mtype]
        p = pools(locale, self.seed)
        first = rng.choice(p.first)
        city_word = city.split(" (")[0] if city.startswith("St. ") else city.split(" ")[0].split("/")[0]
        name = rng.choice(patterns).format(
            city=city_word, adj=city_adjective(city), region=region,
            topic=(topic_label.de if german else topic_label.en).split(" ")[0], first=first,
            slug=ascii_slug(city_word), tld=TLD.get(country, "com"))
        domain = f"{ascii_slug(name)[:24] or 'medium'}{n % 97}.{TLD.get(country, 'com')}"
        reach = int(math.exp(rng.gauss(TYPE_REACH[mtype], 1.1)))
        circulation = int(reach * rng.uniform(0.2, 0.6)) if mtype in (
            "daily_newspaper", "weekly_newspaper", "magazine", "trade_journal") else None
        record = {
            "type": "outlet", "id": f"O-{self.id_offset + n:07d}", "dataset": dataset, "name": name,
            "media_type": mtype, "publisher": f"{rng.choice(p.last)} Medien{'gruppe' if german else ' Group'}"
            if rng.random() < 0.8 else None,
            "country": country, "state": state, "city": city, "postal_code": rng.choice(p.postcodes),
            "street": rng.choice(p.streets).replace("\n", " "), "language": lang,
            "frequency": rng.choice(TYPE_FREQUENCY[mtype]), "circulation": circulation, "reach": reach,
            "website": f"https://www.{domain}", "email": f"redaktion@{domain}", "phone": rng.choice(p.phones),
            "topics": topics, "departments": desks,
            "plus": {"ad_price_eur": rng.randrange(500, 40_000, 50),
                     "media_kit": f"https://www.{domain}/mediadaten"} if dataset != "world" and rng.random() < 0.5
            else {},
        }
        record["_locale"] = locale
        record["_domain"] = domain
        return record

    # --- journalists -----------------------------------------------------------------------------------------------
    def journalist(self, n: int, dataset: str) -> dict:
        rng = self.rng
        outlets = self.outlets_by_dataset[dataset] or self.outlets_by_dataset["dach"]
        main = outlets[int(rng.paretovariate(1.2)) % len(outlets)] if rng.random() < 0.3 else rng.choice(outlets)
        locale = main["_locale"]
        p = pools(locale, self.seed)
        gender = "f" if rng.random() < 0.48 else ("m" if rng.random() < 0.98 else "d")
        first = rng.choice(p.female if gender == "f" else p.male)
        last = rng.choice(p.last)
        role = _weighted(rng, ROLE_WEIGHTS)
        freelance = role == "freelancer" or rng.random() < 0.05
        links = [{"id": main["id"], "role": role}]
        if freelance or rng.random() < 0.12:
            for other in rng.sample(outlets, min(len(outlets), rng.randint(1, 3))):
                if other["id"] != main["id"]:
                    links.append({"id": other["id"], "role": "freelancer" if freelance else "correspondent"})
        desk = rng.choice(main["departments"])
        desks = [desk] + ([rng.choice(list(DESK_TOPICS))] if rng.random() < 0.25 else [])
        topics = sorted({rng.choice(DESK_TOPICS[d]) for d in desks for _ in range(rng.randint(1, 3))})
        german = main["language"] == "de"
        desk_label = catalog.DESKS[desk]
        if german:
            position = POSITION_DE[role][0 if gender == "f" else 1].format(desk=desk_label.de)
        else:
            position = POSITION_EN[role].format(desk=desk_label.en)
        title = None
        if german and rng.random() < 0.08:
            title = rng.choice(TITLES_AT if main["country"] == "AT" else TITLES_DE)
        languages = [main["language"]] + (["en"] if main["language"] != "en" and rng.random() < 0.3 else [])
        email = None
        if rng.random() < 0.93:
            email = f"{ascii_slug(first)[:20]}.{ascii_slug(last)[:24]}{n % 7 or ''}@{main['_domain']}"
        verified = self.today - timedelta(days=rng.randint(0, 720))
        plus = {}
        if dataset != "world" and rng.random() < 0.6:
            plus = {"mobile": rng.choice(p.phones), "linkedin": f"https://www.linkedin.com/in/{ascii_slug(first)}-"
                                                                 f"{ascii_slug(last)}-{n % 1000}",
                    "notes": rng.choice(["bevorzugt E-Mail", "keine Anrufe vor 10 Uhr", "nimmt gern Exklusives",
                                         "Themenvorschläge bis Dienstag", "prefers English"])}
        return {
            "type": "journalist", "id": f"J-{self.id_offset + n:08d}", "dataset": dataset, "gender": gender,
            "title": title, "first_name": first, "last_name": last, "position": position, "desks": desks,
            "topics": topics, "languages": languages, "country": main["country"], "state": main["state"],
            "city": main["city"], "freelance": freelance, "email": email, "phone": rng.choice(p.phones),
            "outlets": links, "plus": plus, "last_verified": verified.isoformat(),
        }

    # --- forward features -----------------------------------------------------------------------------------------
    def forward_features(self, outlet: dict, counter: list[int]) -> Iterator[dict]:
        rng = self.rng
        if outlet["media_type"] not in ("magazine", "trade_journal", "weekly_newspaper", "daily_newspaper"):
            return
        german = outlet["language"] == "de"
        count = int(rng.expovariate(1 / self.plan.forward_features_per_outlet / 1.8))
        for _ in range(min(count, 8)):
            counter[0] += 1
            topic = rng.choice(outlet["topics"])
            label = catalog.TOPICS[topic]
            issue = self.today + timedelta(days=rng.randint(-30, 330))
            deadline = issue - timedelta(days=rng.randint(21, 60))
            yield {
                "type": "forward_feature", "id": f"F-{self.id_offset + counter[0]:08d}", "outlet": outlet["id"],
                "issue_date": issue.isoformat(), "topic": topic,
                "title": (f"Schwerpunkt {label.de}" if german else f"Special: {label.en}")
                + f" ({issue.strftime('%m/%Y')})",
                "description": (f"Die Ausgabe {issue.strftime('%m/%Y')} widmet sich dem Thema {label.de}. "
                                f"Themenvorschläge, Gastbeiträge und Fallbeispiele an die Redaktion."
                                if german else
                                f"The {issue.strftime('%B %Y')} issue focuses on {label.en}. "
                                f"Pitches, guest articles and case studies welcome."),
                "deadline": deadline.isoformat(),
            }

    # --- everything -----------------------------------------------------------------------------------------------
    def records(self) -> Iterator[dict]:
        """Outlets first (journalists and forward features refer to them), then journalists, then calendars."""
        plan = self.plan
        n = 0
        for dataset, count in (("dach", plan.outlets_dach), ("plus", plan.outlets_plus),
                               ("world", plan.outlets_world)):
            for _ in range(count):
                n += 1
                outlet = self.outlet(n, dataset)
                self.outlets_by_dataset[dataset].append(outlet)
                yield outlet
        n = 0
        for dataset, count in (("dach", plan.journalists_dach), ("plus", plan.journalists_plus),
                               ("world", plan.journalists_world)):
            for _ in range(count):
                n += 1
                yield self.journalist(n, dataset)
        counter = [0]
        for dataset in ("dach", "plus"):
            for outlet in self.outlets_by_dataset[dataset]:
                yield from self.forward_features(outlet, counter)


def public(record: dict) -> dict:
    """The record as a vendor would deliver it (without the generator's private hints)."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def row(line: int, record: dict) -> tuple[str, tuple]:
    """The staging row of a generated record (db/loader.py column order), skipping feed validation."""
    r = record
    kind = r["type"]
    if kind == "outlet":
        return kind, (line, r["id"], r["dataset"], r["name"], r["media_type"], r["publisher"], r["country"],
                      r["state"], r["city"], r["postal_code"], r["street"], r["language"], r["frequency"],
                      r["circulation"], r["reach"], r["website"], r["email"], r["phone"], r["topics"],
                      r["departments"], r["plus"])
    if kind == "journalist":
        return kind, (line, r["id"], r["dataset"], r["gender"], r["title"], r["first_name"], r["last_name"],
                      r["position"], r["desks"], r["topics"], r["languages"], r["country"], r["state"], r["city"],
                      r["freelance"], r["email"], r["phone"], jsonb(r["outlets"]), r["plus"], r["last_verified"])
    return kind, (line, r["id"], r["outlet"], r["issue_date"], r["topic"], r["title"], r["description"],
                  r["deadline"])


def write_jsonl(records, out) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(public(record), ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def load_generated(engine, plan: Plan, *, seed: int = 42, source: str = "generator", mode: str = "full",
                   yield_cpu=None) -> dict:
    """Generate records and apply them through the feed importer's staging and apply path (skipping parsing)."""
    from pressbase.usecases import feeds

    def rows():
        for line, record in enumerate(Generator(plan, seed=seed).records(), start=1):
            yield row(line, record)

    extra = {"yield_cpu": yield_cpu} if yield_cpu is not None else {}
    return feeds.load_rows(engine, rows(), source=source, fmt="generator", mode=mode, **extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pressbase_devtools.generator",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--journalists", type=int, default=1000)
    parser.add_argument("--outlets", type=int, default=None)
    parser.add_argument("--world-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    plan = Plan.scaled(args.journalists, args.outlets, world_share=args.world_share)
    write_jsonl(Generator(plan, seed=args.seed).records(), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
