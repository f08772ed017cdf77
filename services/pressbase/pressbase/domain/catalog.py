"""Reference data shipped with the product: media types, frequencies, desks, roles, languages, topics, regions.

Codes are stable and travel in feeds, facets and the API; labels are German and English. Topic codes are dotted
paths (``wirtschaft.finanzen``): a topic's ancestors are its prefixes, so filtering on a parent topic finds the
children without a lookup. Region codes are ISO 3166-1 alpha-2 (countries) and ISO 3166-2 (states, cantons).
"""

from __future__ import annotations

from typing import Any, Iterable

from svckit.i18n import Text

from ..i18n import _

DATASETS: dict[str, Text] = {
    "dach": _("DACH"),
    "plus": _("PLUS (DACH extension)"),
    "world": _("World"),
}

MEDIA_TYPES: dict[str, Text] = {
    "daily_newspaper": _("Daily newspaper"),
    "weekly_newspaper": _("Weekly newspaper"),
    "magazine": _("Magazine"),
    "trade_journal": _("Trade journal"),
    "tv": _("TV"),
    "radio": _("Radio"),
    "online": _("Online medium"),
    "agency": _("News agency"),
    "blog": _("Blog"),
    "podcast": _("Podcast"),
}

FREQUENCIES: dict[str, Text] = {
    "continuous": _("continuous"),
    "daily": _("daily"),
    "weekly": _("weekly"),
    "biweekly": _("every two weeks"),
    "monthly": _("monthly"),
    "bimonthly": _("every two months"),
    "quarterly": _("quarterly"),
    "semiannual": _("twice a year"),
    "annual": _("annual"),
    "irregular": _("irregular"),
}

DESKS: dict[str, Text] = {
    "politik": _("Politics"),
    "wirtschaft": _("Business"),
    "finanzen": _("Finance"),
    "feuilleton": _("Arts and culture"),
    "sport": _("Sports"),
    "lokales": _("Local news"),
    "wissenschaft": _("Science"),
    "technik": _("Technology"),
    "digital": _("Digital"),
    "gesundheit": _("Health"),
    "reise": _("Travel"),
    "auto": _("Cars and mobility"),
    "lifestyle": _("Lifestyle"),
    "panorama": _("Panorama"),
    "medien": _("Media"),
    "bildung": _("Education"),
    "umwelt": _("Environment"),
    "immobilien": _("Real estate"),
    "karriere": _("Careers"),
    "recht": _("Law"),
    "chefredaktion": _("Editor-in-chief's office"),
    "nachrichten": _("News"),
}

ROLES: dict[str, Text] = {
    "editor_in_chief": _("Editor-in-chief"),
    "deputy_editor": _("Deputy editor"),
    "head_of_desk": _("Head of desk"),
    "editor": _("Editor"),
    "reporter": _("Reporter"),
    "correspondent": _("Correspondent"),
    "presenter": _("Presenter"),
    "freelancer": _("Freelancer"),
    "trainee": _("Trainee"),
    "publisher": _("Publisher"),
}

LANGUAGES: dict[str, Text] = {
    "de": _("German"), "en": _("English"), "fr": _("French"),
    "it": _("Italian"), "es": _("Spanish"), "pt": _("Portuguese"),
    "nl": _("Dutch"), "pl": _("Polish"), "cs": _("Czech"),
    "da": _("Danish"), "sv": _("Swedish"), "no": _("Norwegian"),
    "fi": _("Finnish"), "hu": _("Hungarian"), "tr": _("Turkish"),
    "ja": _("Japanese"), "zh": _("Chinese"), "ru": _("Russian"),
    "rm": _("Romansh"), "el": _("Greek"), "ro": _("Romanian"),
    "ko": _("Korean"), "ar": _("Arabic"), "hi": _("Hindi"),
}

GENDERS = ("f", "m", "d")

# --- topics: (code, label); the parent is the code without its last segment -----------------------------
_TOPICS: tuple[tuple[str, Text], ...] = (
    ("politik", _("Politics")),
    ("politik.inland", _("Domestic politics")),
    ("politik.europa", _("European politics")),
    ("politik.international", _("International affairs")),
    ("politik.kommunal", _("Local politics")),
    ("wirtschaft", _("Economy")),
    ("wirtschaft.finanzen", _("Finance")),
    ("wirtschaft.finanzen.banken", _("Banking")),
    ("wirtschaft.finanzen.versicherungen", _("Insurance")),
    ("wirtschaft.finanzen.boerse", _("Stock markets and investing")),
    ("wirtschaft.mittelstand", _("Small and medium-sized businesses")),
    ("wirtschaft.handel", _("Retail and trade")),
    ("wirtschaft.industrie", _("Industry")),
    ("wirtschaft.logistik", _("Logistics")),
    ("wirtschaft.energie", _("Energy industry")),
    ("wirtschaft.immobilien", _("Real estate")),
    ("wirtschaft.arbeit", _("Work and careers")),
    ("technik", _("Technology")),
    ("technik.it", _("Information technology")),
    ("technik.it.software", _("Software")),
    ("technik.it.sicherheit", _("Cyber security")),
    ("technik.ki", _("Artificial intelligence")),
    ("technik.telekommunikation", _("Telecommunications")),
    ("technik.maschinenbau", _("Mechanical engineering")),
    ("technik.elektronik", _("Electronics")),
    ("wissenschaft", _("Science")),
    ("wissenschaft.forschung", _("Research")),
    ("wissenschaft.medizin", _("Medicine")),
    ("wissenschaft.klima", _("Climate research")),
    ("wissenschaft.raumfahrt", _("Space")),
    ("gesundheit", _("Health")),
    ("gesundheit.pharma", _("Pharmaceuticals")),
    ("gesundheit.pflege", _("Care")),
    ("gesundheit.ernaehrung", _("Nutrition")),
    ("gesundheit.fitness", _("Fitness")),
    ("kultur", _("Culture")),
    ("kultur.literatur", _("Literature")),
    ("kultur.musik", _("Music")),
    ("kultur.film", _("Film and television")),
    ("kultur.kunst", _("Fine arts")),
    ("kultur.theater", _("Theatre")),
    ("sport", _("Sports")),
    ("sport.fussball", _("Football")),
    ("sport.wintersport", _("Winter sports")),
    ("sport.motorsport", _("Motor sports")),
    ("sport.tennis", _("Tennis")),
    ("mobilitaet", _("Mobility")),
    ("mobilitaet.auto", _("Automotive")),
    ("mobilitaet.bahn", _("Rail")),
    ("mobilitaet.luftfahrt", _("Aviation")),
    ("mobilitaet.elektromobilitaet", _("Electric mobility")),
    ("reise", _("Travel and tourism")),
    ("reise.hotellerie", _("Hospitality")),
    ("reise.gastronomie", _("Gastronomy")),
    ("lifestyle", _("Lifestyle")),
    ("lifestyle.mode", _("Fashion")),
    ("lifestyle.wohnen", _("Living and design")),
    ("lifestyle.familie", _("Family")),
    ("umwelt", _("Environment")),
    ("umwelt.nachhaltigkeit", _("Sustainability")),
    ("umwelt.landwirtschaft", _("Agriculture")),
    ("umwelt.erneuerbare", _("Renewable energy")),
    ("bildung", _("Education")),
    ("bildung.hochschule", _("Higher education")),
    ("bildung.schule", _("Schools")),
    ("recht", _("Law and tax")),
    ("recht.steuern", _("Tax")),
    ("recht.datenschutz", _("Data protection")),
    ("medien", _("Media and communications")),
    ("medien.marketing", _("Marketing")),
    ("medien.pr", _("Public relations")),
    ("medien.journalismus", _("Journalism")),
    ("regionales", _("Regional affairs")),
    ("gesellschaft", _("Society")),
    ("gesellschaft.religion", _("Religion")),
    ("gesellschaft.soziales", _("Social affairs")),
)

TOPICS: dict[str, Text] = dict(_TOPICS)


def topic_parent(code: str) -> str | None:
    head, dot, _unused = code.rpartition(".")
    return head if dot else None


def topic_ancestors(code: str) -> list[str]:
    """``wirtschaft.finanzen.banken`` -> [wirtschaft, wirtschaft.finanzen, wirtschaft.finanzen.banken]."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


# --- regions --------------------------------------------------------------------------------------------------------
DACH = ("DE", "AT", "CH")

STATES: dict[str, dict[str, Text]] = {
    "DE": {
        "DE-BW": _("Baden-Württemberg"), "DE-BY": _("Bavaria"),
        "DE-BE": _("Berlin"), "DE-BB": _("Brandenburg"),
        "DE-HB": _("Bremen"), "DE-HH": _("Hamburg"), "DE-HE": _("Hesse"),
        "DE-MV": _("Mecklenburg-Western Pomerania"),
        "DE-NI": _("Lower Saxony"), "DE-NW": _("North Rhine-Westphalia"),
        "DE-RP": _("Rhineland-Palatinate"), "DE-SL": _("Saarland"),
        "DE-SN": _("Saxony"), "DE-ST": _("Saxony-Anhalt"),
        "DE-SH": _("Schleswig-Holstein"), "DE-TH": _("Thuringia"),
    },
    "AT": {
        "AT-1": _("Burgenland"), "AT-2": _("Carinthia"),
        "AT-3": _("Lower Austria"), "AT-4": _("Upper Austria"),
        "AT-5": _("Salzburg"), "AT-6": _("Styria"), "AT-7": _("Tyrol"),
        "AT-8": _("Vorarlberg"), "AT-9": _("Vienna"),
    },
    "CH": {
        "CH-AG": _("Aargau"), "CH-AI": _("Appenzell Innerrhoden"),
        "CH-AR": _("Appenzell Ausserrhoden"), "CH-BE": _("Bern"),
        "CH-BL": _("Basel-Landschaft"), "CH-BS": _("Basel-Stadt"),
        "CH-FR": _("Fribourg"), "CH-GE": _("Geneva"), "CH-GL": _("Glarus"),
        "CH-GR": _("Grisons"), "CH-JU": _("Jura"), "CH-LU": _("Lucerne"),
        "CH-NE": _("Neuchâtel"), "CH-NW": _("Nidwalden"),
        "CH-OW": _("Obwalden"), "CH-SG": _("St. Gallen"),
        "CH-SH": _("Schaffhausen"), "CH-SO": _("Solothurn"),
        "CH-SZ": _("Schwyz"), "CH-TG": _("Thurgau"), "CH-TI": _("Ticino"),
        "CH-UR": _("Uri"), "CH-VD": _("Vaud"), "CH-VS": _("Valais"),
        "CH-ZG": _("Zug"), "CH-ZH": _("Zurich"),
    },
}

COUNTRIES: dict[str, Text] = {
    "DE": _("Germany"), "AT": _("Austria"), "CH": _("Switzerland"),
    "LI": _("Liechtenstein"), "LU": _("Luxembourg"),
    "FR": _("France"), "IT": _("Italy"), "ES": _("Spain"),
    "PT": _("Portugal"), "NL": _("Netherlands"), "BE": _("Belgium"),
    "GB": _("United Kingdom"), "IE": _("Ireland"),
    "DK": _("Denmark"), "SE": _("Sweden"), "NO": _("Norway"),
    "FI": _("Finland"), "PL": _("Poland"), "CZ": _("Czechia"),
    "SK": _("Slovakia"), "HU": _("Hungary"), "SI": _("Slovenia"),
    "HR": _("Croatia"), "RO": _("Romania"), "BG": _("Bulgaria"),
    "GR": _("Greece"), "TR": _("Türkiye"),
    "US": _("United States"),
    "CA": _("Canada"), "MX": _("Mexico"), "BR": _("Brazil"),
    "AR": _("Argentina"), "CL": _("Chile"), "JP": _("Japan"),
    "CN": _("China"), "KR": _("South Korea"), "IN": _("India"),
    "AU": _("Australia"), "NZ": _("New Zealand"),
    "ZA": _("South Africa"), "AE": _("United Arab Emirates"),
    "IL": _("Israel"), "SG": _("Singapore"), "RU": _("Russia"),
    "UA": _("Ukraine"), "EE": _("Estonia"), "LV": _("Latvia"),
    "LT": _("Lithuania"),
}

REGIONS: dict[str, Text] = {**COUNTRIES,
                            **{code: label for states in STATES.values() for code, label in states.items()}}


def region_country(code: str) -> str:
    return code.split("-", 1)[0]


def is_dach(country: str | None) -> bool:
    return country in DACH


def labelled(table: dict[str, Text], codes: Iterable[str], lang: str) -> list[dict[str, str]]:
    return [{"code": c, "label": table[c].pick(lang) if c in table else c} for c in codes]


def reference(lang: str) -> dict[str, Any]:
    """Everything a client needs to render filters and facets, in one language."""
    def flat(table: dict[str, Text]) -> list[dict[str, str]]:
        return [{"code": c, "label": t.pick(lang)} for c, t in table.items()]

    return {
        "datasets": flat(DATASETS),
        "media_types": flat(MEDIA_TYPES),
        "frequencies": flat(FREQUENCIES),
        "desks": flat(DESKS),
        "roles": flat(ROLES),
        "languages": flat(LANGUAGES),
        "topics": [{"code": c, "label": t.pick(lang), "parent": topic_parent(c)} for c, t in TOPICS.items()],
        "countries": flat(COUNTRIES),
        "states": [{"code": c, "label": t.pick(lang), "country": country}
                   for country, states in STATES.items() for c, t in states.items()],
    }
