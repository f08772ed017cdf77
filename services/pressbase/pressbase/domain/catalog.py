"""Reference data shipped with the product: media types, frequencies, desks, roles, languages, topics, regions.

Codes are stable and travel in feeds, facets and the API; labels are German and English. Topic codes are dotted
paths (``wirtschaft.finanzen``): a topic's ancestors are its prefixes, so filtering on a parent topic finds the
children without a lookup. Region codes are ISO 3166-1 alpha-2 (countries) and ISO 3166-2 (states, cantons).
"""

from __future__ import annotations

from typing import Any, Iterable

from svckit.i18n import Text

DATASETS: dict[str, Text] = {
    "dach": Text("DACH", "DACH"),
    "plus": Text("PLUS (DACH-Erweiterung)", "PLUS (DACH extension)"),
    "world": Text("Welt", "World"),
}

MEDIA_TYPES: dict[str, Text] = {
    "daily_newspaper": Text("Tageszeitung", "Daily newspaper"),
    "weekly_newspaper": Text("Wochenzeitung", "Weekly newspaper"),
    "magazine": Text("Zeitschrift", "Magazine"),
    "trade_journal": Text("Fachzeitschrift", "Trade journal"),
    "tv": Text("Fernsehen", "TV"),
    "radio": Text("Hörfunk", "Radio"),
    "online": Text("Online-Medium", "Online medium"),
    "agency": Text("Nachrichtenagentur", "News agency"),
    "blog": Text("Blog", "Blog"),
    "podcast": Text("Podcast", "Podcast"),
}

FREQUENCIES: dict[str, Text] = {
    "continuous": Text("laufend", "continuous"),
    "daily": Text("täglich", "daily"),
    "weekly": Text("wöchentlich", "weekly"),
    "biweekly": Text("vierzehntäglich", "every two weeks"),
    "monthly": Text("monatlich", "monthly"),
    "bimonthly": Text("zweimonatlich", "every two months"),
    "quarterly": Text("vierteljährlich", "quarterly"),
    "semiannual": Text("halbjährlich", "twice a year"),
    "annual": Text("jährlich", "annual"),
    "irregular": Text("unregelmäßig", "irregular"),
}

DESKS: dict[str, Text] = {
    "politik": Text("Politik", "Politics"),
    "wirtschaft": Text("Wirtschaft", "Business"),
    "finanzen": Text("Finanzen", "Finance"),
    "feuilleton": Text("Feuilleton", "Arts and culture"),
    "sport": Text("Sport", "Sports"),
    "lokales": Text("Lokales", "Local news"),
    "wissenschaft": Text("Wissenschaft", "Science"),
    "technik": Text("Technik", "Technology"),
    "digital": Text("Digitales", "Digital"),
    "gesundheit": Text("Gesundheit", "Health"),
    "reise": Text("Reise", "Travel"),
    "auto": Text("Auto und Mobilität", "Cars and mobility"),
    "lifestyle": Text("Lifestyle", "Lifestyle"),
    "panorama": Text("Panorama", "Panorama"),
    "medien": Text("Medien", "Media"),
    "bildung": Text("Bildung", "Education"),
    "umwelt": Text("Umwelt", "Environment"),
    "immobilien": Text("Immobilien", "Real estate"),
    "karriere": Text("Karriere", "Careers"),
    "recht": Text("Recht", "Law"),
    "chefredaktion": Text("Chefredaktion", "Editor-in-chief's office"),
    "nachrichten": Text("Nachrichten", "News"),
}

ROLES: dict[str, Text] = {
    "editor_in_chief": Text("Chefredaktion", "Editor-in-chief"),
    "deputy_editor": Text("Stellvertretende Chefredaktion", "Deputy editor"),
    "head_of_desk": Text("Ressortleitung", "Head of desk"),
    "editor": Text("Redaktion", "Editor"),
    "reporter": Text("Reporter", "Reporter"),
    "correspondent": Text("Korrespondent", "Correspondent"),
    "presenter": Text("Moderation", "Presenter"),
    "freelancer": Text("Freie Mitarbeit", "Freelancer"),
    "trainee": Text("Volontariat", "Trainee"),
    "publisher": Text("Herausgeber", "Publisher"),
}

LANGUAGES: dict[str, Text] = {
    "de": Text("Deutsch", "German"), "en": Text("Englisch", "English"), "fr": Text("Französisch", "French"),
    "it": Text("Italienisch", "Italian"), "es": Text("Spanisch", "Spanish"), "pt": Text("Portugiesisch", "Portuguese"),
    "nl": Text("Niederländisch", "Dutch"), "pl": Text("Polnisch", "Polish"), "cs": Text("Tschechisch", "Czech"),
    "da": Text("Dänisch", "Danish"), "sv": Text("Schwedisch", "Swedish"), "no": Text("Norwegisch", "Norwegian"),
    "fi": Text("Finnisch", "Finnish"), "hu": Text("Ungarisch", "Hungarian"), "tr": Text("Türkisch", "Turkish"),
    "ja": Text("Japanisch", "Japanese"), "zh": Text("Chinesisch", "Chinese"), "ru": Text("Russisch", "Russian"),
    "rm": Text("Rätoromanisch", "Romansh"), "el": Text("Griechisch", "Greek"), "ro": Text("Rumänisch", "Romanian"),
    "ko": Text("Koreanisch", "Korean"), "ar": Text("Arabisch", "Arabic"), "hi": Text("Hindi", "Hindi"),
}

GENDERS = ("f", "m", "d")

# --- topics: (code, German, English); the parent is the code without its last segment -----------------------------
_TOPICS: tuple[tuple[str, str, str], ...] = (
    ("politik", "Politik", "Politics"),
    ("politik.inland", "Innenpolitik", "Domestic politics"),
    ("politik.europa", "Europapolitik", "European politics"),
    ("politik.international", "Internationale Politik", "International affairs"),
    ("politik.kommunal", "Kommunalpolitik", "Local politics"),
    ("wirtschaft", "Wirtschaft", "Economy"),
    ("wirtschaft.finanzen", "Finanzen", "Finance"),
    ("wirtschaft.finanzen.banken", "Banken", "Banking"),
    ("wirtschaft.finanzen.versicherungen", "Versicherungen", "Insurance"),
    ("wirtschaft.finanzen.boerse", "Börse und Geldanlage", "Stock markets and investing"),
    ("wirtschaft.mittelstand", "Mittelstand", "Small and medium-sized businesses"),
    ("wirtschaft.handel", "Handel", "Retail and trade"),
    ("wirtschaft.industrie", "Industrie", "Industry"),
    ("wirtschaft.logistik", "Logistik", "Logistics"),
    ("wirtschaft.energie", "Energiewirtschaft", "Energy industry"),
    ("wirtschaft.immobilien", "Immobilien", "Real estate"),
    ("wirtschaft.arbeit", "Arbeit und Karriere", "Work and careers"),
    ("technik", "Technik", "Technology"),
    ("technik.it", "Informationstechnik", "Information technology"),
    ("technik.it.software", "Software", "Software"),
    ("technik.it.sicherheit", "IT-Sicherheit", "Cyber security"),
    ("technik.ki", "Künstliche Intelligenz", "Artificial intelligence"),
    ("technik.telekommunikation", "Telekommunikation", "Telecommunications"),
    ("technik.maschinenbau", "Maschinenbau", "Mechanical engineering"),
    ("technik.elektronik", "Elektronik", "Electronics"),
    ("wissenschaft", "Wissenschaft", "Science"),
    ("wissenschaft.forschung", "Forschung", "Research"),
    ("wissenschaft.medizin", "Medizin", "Medicine"),
    ("wissenschaft.klima", "Klimaforschung", "Climate research"),
    ("wissenschaft.raumfahrt", "Raumfahrt", "Space"),
    ("gesundheit", "Gesundheit", "Health"),
    ("gesundheit.pharma", "Pharma", "Pharmaceuticals"),
    ("gesundheit.pflege", "Pflege", "Care"),
    ("gesundheit.ernaehrung", "Ernährung", "Nutrition"),
    ("gesundheit.fitness", "Fitness", "Fitness"),
    ("kultur", "Kultur", "Culture"),
    ("kultur.literatur", "Literatur", "Literature"),
    ("kultur.musik", "Musik", "Music"),
    ("kultur.film", "Film und Fernsehen", "Film and television"),
    ("kultur.kunst", "Bildende Kunst", "Fine arts"),
    ("kultur.theater", "Theater", "Theatre"),
    ("sport", "Sport", "Sports"),
    ("sport.fussball", "Fußball", "Football"),
    ("sport.wintersport", "Wintersport", "Winter sports"),
    ("sport.motorsport", "Motorsport", "Motor sports"),
    ("sport.tennis", "Tennis", "Tennis"),
    ("mobilitaet", "Mobilität", "Mobility"),
    ("mobilitaet.auto", "Automobil", "Automotive"),
    ("mobilitaet.bahn", "Bahn", "Rail"),
    ("mobilitaet.luftfahrt", "Luftfahrt", "Aviation"),
    ("mobilitaet.elektromobilitaet", "Elektromobilität", "Electric mobility"),
    ("reise", "Reise und Tourismus", "Travel and tourism"),
    ("reise.hotellerie", "Hotellerie", "Hospitality"),
    ("reise.gastronomie", "Gastronomie", "Gastronomy"),
    ("lifestyle", "Lifestyle", "Lifestyle"),
    ("lifestyle.mode", "Mode", "Fashion"),
    ("lifestyle.wohnen", "Wohnen und Design", "Living and design"),
    ("lifestyle.familie", "Familie", "Family"),
    ("umwelt", "Umwelt", "Environment"),
    ("umwelt.nachhaltigkeit", "Nachhaltigkeit", "Sustainability"),
    ("umwelt.landwirtschaft", "Landwirtschaft", "Agriculture"),
    ("umwelt.erneuerbare", "Erneuerbare Energien", "Renewable energy"),
    ("bildung", "Bildung", "Education"),
    ("bildung.hochschule", "Hochschule", "Higher education"),
    ("bildung.schule", "Schule", "Schools"),
    ("recht", "Recht und Steuern", "Law and tax"),
    ("recht.steuern", "Steuern", "Tax"),
    ("recht.datenschutz", "Datenschutz", "Data protection"),
    ("medien", "Medien und Kommunikation", "Media and communications"),
    ("medien.marketing", "Marketing", "Marketing"),
    ("medien.pr", "Public Relations", "Public relations"),
    ("medien.journalismus", "Journalismus", "Journalism"),
    ("regionales", "Regionales", "Regional affairs"),
    ("gesellschaft", "Gesellschaft", "Society"),
    ("gesellschaft.religion", "Religion", "Religion"),
    ("gesellschaft.soziales", "Soziales", "Social affairs"),
)

TOPICS: dict[str, Text] = {code: Text(de, en) for code, de, en in _TOPICS}


def topic_parent(code: str) -> str | None:
    head, dot, _ = code.rpartition(".")
    return head if dot else None


def topic_ancestors(code: str) -> list[str]:
    """``wirtschaft.finanzen.banken`` -> [wirtschaft, wirtschaft.finanzen, wirtschaft.finanzen.banken]."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


# --- regions --------------------------------------------------------------------------------------------------------
DACH = ("DE", "AT", "CH")

STATES: dict[str, dict[str, Text]] = {
    "DE": {
        "DE-BW": Text("Baden-Württemberg", "Baden-Württemberg"), "DE-BY": Text("Bayern", "Bavaria"),
        "DE-BE": Text("Berlin", "Berlin"), "DE-BB": Text("Brandenburg", "Brandenburg"),
        "DE-HB": Text("Bremen", "Bremen"), "DE-HH": Text("Hamburg", "Hamburg"), "DE-HE": Text("Hessen", "Hesse"),
        "DE-MV": Text("Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"),
        "DE-NI": Text("Niedersachsen", "Lower Saxony"), "DE-NW": Text("Nordrhein-Westfalen", "North Rhine-Westphalia"),
        "DE-RP": Text("Rheinland-Pfalz", "Rhineland-Palatinate"), "DE-SL": Text("Saarland", "Saarland"),
        "DE-SN": Text("Sachsen", "Saxony"), "DE-ST": Text("Sachsen-Anhalt", "Saxony-Anhalt"),
        "DE-SH": Text("Schleswig-Holstein", "Schleswig-Holstein"), "DE-TH": Text("Thüringen", "Thuringia"),
    },
    "AT": {
        "AT-1": Text("Burgenland", "Burgenland"), "AT-2": Text("Kärnten", "Carinthia"),
        "AT-3": Text("Niederösterreich", "Lower Austria"), "AT-4": Text("Oberösterreich", "Upper Austria"),
        "AT-5": Text("Salzburg", "Salzburg"), "AT-6": Text("Steiermark", "Styria"), "AT-7": Text("Tirol", "Tyrol"),
        "AT-8": Text("Vorarlberg", "Vorarlberg"), "AT-9": Text("Wien", "Vienna"),
    },
    "CH": {
        "CH-AG": Text("Aargau", "Aargau"), "CH-AI": Text("Appenzell Innerrhoden", "Appenzell Innerrhoden"),
        "CH-AR": Text("Appenzell Ausserrhoden", "Appenzell Ausserrhoden"), "CH-BE": Text("Bern", "Bern"),
        "CH-BL": Text("Basel-Landschaft", "Basel-Landschaft"), "CH-BS": Text("Basel-Stadt", "Basel-Stadt"),
        "CH-FR": Text("Freiburg", "Fribourg"), "CH-GE": Text("Genf", "Geneva"), "CH-GL": Text("Glarus", "Glarus"),
        "CH-GR": Text("Graubünden", "Grisons"), "CH-JU": Text("Jura", "Jura"), "CH-LU": Text("Luzern", "Lucerne"),
        "CH-NE": Text("Neuenburg", "Neuchâtel"), "CH-NW": Text("Nidwalden", "Nidwalden"),
        "CH-OW": Text("Obwalden", "Obwalden"), "CH-SG": Text("St. Gallen", "St. Gallen"),
        "CH-SH": Text("Schaffhausen", "Schaffhausen"), "CH-SO": Text("Solothurn", "Solothurn"),
        "CH-SZ": Text("Schwyz", "Schwyz"), "CH-TG": Text("Thurgau", "Thurgau"), "CH-TI": Text("Tessin", "Ticino"),
        "CH-UR": Text("Uri", "Uri"), "CH-VD": Text("Waadt", "Vaud"), "CH-VS": Text("Wallis", "Valais"),
        "CH-ZG": Text("Zug", "Zug"), "CH-ZH": Text("Zürich", "Zurich"),
    },
}

COUNTRIES: dict[str, Text] = {
    "DE": Text("Deutschland", "Germany"), "AT": Text("Österreich", "Austria"), "CH": Text("Schweiz", "Switzerland"),
    "LI": Text("Liechtenstein", "Liechtenstein"), "LU": Text("Luxemburg", "Luxembourg"),
    "FR": Text("Frankreich", "France"), "IT": Text("Italien", "Italy"), "ES": Text("Spanien", "Spain"),
    "PT": Text("Portugal", "Portugal"), "NL": Text("Niederlande", "Netherlands"), "BE": Text("Belgien", "Belgium"),
    "GB": Text("Vereinigtes Königreich", "United Kingdom"), "IE": Text("Irland", "Ireland"),
    "DK": Text("Dänemark", "Denmark"), "SE": Text("Schweden", "Sweden"), "NO": Text("Norwegen", "Norway"),
    "FI": Text("Finnland", "Finland"), "PL": Text("Polen", "Poland"), "CZ": Text("Tschechien", "Czechia"),
    "SK": Text("Slowakei", "Slovakia"), "HU": Text("Ungarn", "Hungary"), "SI": Text("Slowenien", "Slovenia"),
    "HR": Text("Kroatien", "Croatia"), "RO": Text("Rumänien", "Romania"), "BG": Text("Bulgarien", "Bulgaria"),
    "GR": Text("Griechenland", "Greece"), "TR": Text("Türkei", "Türkiye"),
    "US": Text("Vereinigte Staaten", "United States"),
    "CA": Text("Kanada", "Canada"), "MX": Text("Mexiko", "Mexico"), "BR": Text("Brasilien", "Brazil"),
    "AR": Text("Argentinien", "Argentina"), "CL": Text("Chile", "Chile"), "JP": Text("Japan", "Japan"),
    "CN": Text("China", "China"), "KR": Text("Südkorea", "South Korea"), "IN": Text("Indien", "India"),
    "AU": Text("Australien", "Australia"), "NZ": Text("Neuseeland", "New Zealand"),
    "ZA": Text("Südafrika", "South Africa"), "AE": Text("Vereinigte Arabische Emirate", "United Arab Emirates"),
    "IL": Text("Israel", "Israel"), "SG": Text("Singapur", "Singapore"), "RU": Text("Russland", "Russia"),
    "UA": Text("Ukraine", "Ukraine"), "EE": Text("Estland", "Estonia"), "LV": Text("Lettland", "Latvia"),
    "LT": Text("Litauen", "Lithuania"),
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
