"""The import's row rule against line breaks and control characters (issue 13): pure, no database."""

from __future__ import annotations

import pytest

from crm.domain.importing import draft_from_row

MAPPING = {"1": "first_name", "2": "last_name", "3": "organisation", "4": "street", "5": "city", "6": "notes",
           "7": "tags", "8": "phone"}


def row(**cells) -> list:
    base = {"1": "Anna", "2": "Müller", "3": "SZ", "4": "Hauptstr. 1", "5": "München", "6": "", "7": "", "8": ""}
    base.update(cells)
    return [base[str(i)] for i in range(1, 9)]


@pytest.mark.parametrize("col,field", [("1", "first_name"), ("2", "last_name"), ("3", "organisation"),
                                       ("4", "street"), ("5", "city"), ("8", "phone")])
@pytest.mark.parametrize("bad", ["\r", "\n", "\x00", "\u2028", "\u2029", "\x85", "\x0b", "\x1b"])
def test_a_control_character_in_a_single_line_field_makes_the_row_an_error(col, field, bad):
    d = draft_from_row(7, row(**{col: f"a{bad}b"}), MAPPING)
    assert not d.ok
    assert any(f"field {field} (column {col})" in e.en for e in d.errors), [e.en for e in d.errors]


def test_notes_may_have_several_lines_but_no_nul():
    assert draft_from_row(7, row(**{"6": "eins\nzwei\r\ndrei\u2028vier"}), MAPPING).ok
    d = draft_from_row(7, row(**{"6": "eins\x00zwei"}), MAPPING)
    assert not d.ok and "Null character (NUL) in the field notes (column 6)" in d.errors[0].en


def test_a_clean_row_is_fine():
    d = draft_from_row(7, row(**{"7": "Wirtschaft; Politik"}), MAPPING)
    assert d.ok and d.values["last_name"] == "Müller" and d.tags == ["Wirtschaft", "Politik"]


def test_a_nul_never_reaches_the_row_messages():
    """The row's messages are stored as JSON in PostgreSQL, which cannot hold NUL: the cell's value is quoted in
    them (e-mail, postal code, country), so NUL is dropped there, while the row is an error."""
    mapping = {**MAPPING, "9": "email", "10": "postal_code", "11": "country"}
    d = draft_from_row(7, row() + ["a\x00x@b.de", "8\x0003", "X\x00Y"], mapping)
    assert not d.ok
    assert all("\x00" not in str(m) for m in [*d.errors, *d.warnings])
