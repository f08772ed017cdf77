"""svckit.textsafe and the text rules of svckit.validation: line breaks, NUL, LIKE wildcards, spreadsheet formulas."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import Field

from svckit.errors import InvalidInput
from svckit.textsafe import has_control, like_contains, one_line, safe_cell
from svckit.validation import Input, Line, check_line, parse


class Person(Input):
    name: Line = ""
    notes: Annotated[str, Field(max_length=1000)] = ""
    tags: list[str] = []
    custom: dict[str, Any] = {}


@pytest.mark.parametrize("bad", ["Eve\r\nBcc: x@example.com", "Eve\nX", "Eve\rX", "Eve\u2028X", "Eve\u2029X",
                                 "Eve\x85X", "Eve\x00", "Eve\x0bX"])
def test_line_fields_refuse_breaks_and_controls(bad):
    with pytest.raises(InvalidInput) as err:
        parse(Person, {"name": bad})
    assert set(err.value.fields) == {"name"}
    assert "Zeilenumbr" in err.value.fields["name"].de or "Null" in err.value.fields["name"].de


def test_multiline_fields_keep_breaks_but_refuse_nul():
    assert parse(Person, {"notes": "eins\nzwei"}).notes == "eins\nzwei"
    with pytest.raises(InvalidInput) as err:
        parse(Person, {"notes": "eins\x00zwei"})
    assert set(err.value.fields) == {"notes"}


def test_nul_is_refused_inside_lists_and_objects():
    for data, field in (({"tags": ["ok", "b\x00d"]}, "tags"), ({"custom": {"k": ["x", {"y": "\x00"}]}}, "custom"),
                        ({"custom": {"k\x00": 1}}, "custom")):
        with pytest.raises(InvalidInput) as err:
            parse(Person, data)
        assert set(err.value.fields) == {field}


def test_tab_and_plain_text_pass():
    assert parse(Person, {"name": "Anna\tMüller"}).name == "Anna\tMüller"
    check_line("Anna Müller", "name")
    with pytest.raises(InvalidInput) as err:
        check_line("a\nb", "first_name")
    assert list(err.value.fields) == ["first_name"]


def test_one_line_removes_every_break():
    assert one_line("Eve\r\nBcc: x@example.com\u2028X-Evil: 1") == "Eve Bcc: x@example.com X-Evil: 1"
    assert not has_control(one_line("a\x00\x1b\x85b"))


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil.example/x\",\"Click\")", "+1+1", "-2", "@SUM(A1)",
                                   "\t=1", "\r=1"])
def test_formula_cells_become_text(value):
    assert safe_cell(value) == "'" + value


def test_plain_cells_and_numbers_are_unchanged():
    assert safe_cell("Müller") == "Müller"
    assert safe_cell(-5) == -5
    assert safe_cell(None) is None


def test_like_wildcards_are_literal():
    assert like_contains("100%_") == "%100\\%\\_%"
    assert like_contains("a\\b") == "%a\\\\b%"
