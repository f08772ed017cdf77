from datetime import date

import pytest

from crm.domain import customfields, folding


@pytest.mark.parametrize("a,b", [("Müller", "Mueller"), ("Müller", "Muller"), ("MÜLLER", "mueller"),
                                 ("Weiß", "Weiss"), ("Göthe", "Goethe"), ("Jäger", "Jaeger"), ("Čapek", "Capek"),
                                 ("José", "Jose"), ("Ærø", "aero")])
def test_fold_makes_spellings_meet(a, b):
    assert folding.fold(a) == folding.fold(b)


def test_tokens_keep_email_characters():
    assert folding.tokens("Anna.Mueller@SZ.example, Wirtschaft!") == ["anna.muller@sz.example", "wirtschaft"]


def test_keys():
    assert folding.name_key("person", "Anna", "Müller") == "muller anna"
    assert folding.name_key("organisation", org_name="Österreichischer Rundfunk") == "osterreichischer rundfunk"
    assert folding.org_key("Beispiel GmbH & Co. KG") == folding.org_key("beispiel")


def test_like_pattern_escapes_wildcards():
    assert folding.like_pattern("50%_x") == "%50\\%\\_x%"


@pytest.mark.parametrize("kind,value,expected", [
    ("number", "1.234,56", 1234.56), ("number", "1,234.56", 1234.56), ("number", "12,5", 12.5),
    ("number", "1.234.567", 1234567), ("number", 42, 42), ("date", "01.10.2026", "2026-10-01"),
    ("date", "1.2.26", "2026-02-01"), ("date", "2026-10-01", "2026-10-01"), ("date", date(2026, 1, 5), "2026-01-05"),
    ("boolean", "ja", True), ("boolean", "Nein", False), ("text", "  x ", "x"), ("text", "", None),
])
def test_coerce(kind, value, expected):
    assert customfields.coerce(kind, value) == expected


def test_coerce_errors_speak_both_languages():
    with pytest.raises(customfields.CustomValueError) as exc:
        customfields.coerce("date", "31.02.2026")
    assert exc.value.text.de.startswith("Ungültiges Datum")
    with pytest.raises(customfields.CustomValueError) as exc:
        customfields.coerce("choice", "Sport", ["Politik"])
    assert exc.value.text.en == "Allowed values: Politik."
