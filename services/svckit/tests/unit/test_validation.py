import pytest
from pydantic import EmailStr, Field, field_validator

from svckit.errors import InvalidInput
from svckit.validation import Input, invalid, parse, parse_uuid


class ContactIn(Input):
    last_name: str = Field(min_length=1, max_length=10)
    email: EmailStr
    postal_code: str | None = None
    seats: int = Field(default=1, ge=1)

    @field_validator("postal_code")
    @classmethod
    def five_digits(cls, v):
        if v is not None and not (v.isdigit() and len(v) == 5):
            raise invalid("PLZ muss fünfstellig sein.", "Postal code must have five digits.")
        return v


def test_every_bad_field_is_named_in_both_languages():
    with pytest.raises(InvalidInput) as info:
        parse(ContactIn, {"last_name": "", "email": "not-an-address", "postal_code": "123", "seats": 0, "x": 1})
    fields = info.value.fields
    assert set(fields) == {"last_name", "email", "postal_code", "seats", "x"}
    assert fields["email"].de == "Ungültige E-Mail-Adresse."
    assert fields["postal_code"].en == "Postal code must have five digits."
    assert fields["seats"].de == "Muss mindestens 1 sein."
    assert fields["x"].en == "Unknown field."
    assert fields["last_name"].de == "Pflichtfeld."  # min_length=1: "required", not "at least 1 character"


class Limits(Input):
    code: str = Field(min_length=3, max_length=4)
    initial: str = Field(default="x", max_length=1)
    tags: list[str] = Field(default_factory=list, max_length=1)


@pytest.mark.parametrize(("data", "field", "de", "en"), [
    ({"code": "ab"}, "code", "Zu kurz (mindestens 3 Zeichen).", "Too short (at least 3 characters)."),
    ({"code": "abcde"}, "code", "Zu lang (höchstens 4 Zeichen).", "Too long (at most 4 characters)."),
    ({"code": "abc", "initial": "xy"}, "initial", "Zu lang (höchstens 1 Zeichen).", "Too long (at most 1 character)."),
    ({"code": "abc", "tags": ["a", "b"]}, "tags", "Zu viele Einträge (höchstens 1).", "Too many items (at most 1)."),
])
def test_counts_in_messages_take_the_right_plural_form(data, field, de, en):
    with pytest.raises(InvalidInput) as info:
        parse(Limits, data)
    assert info.value.fields[field].to_wire() == {"de": de, "en": en}


def test_missing_and_wrong_types():
    with pytest.raises(InvalidInput) as info:
        parse(ContactIn, {"seats": "many"})
    assert info.value.fields["last_name"].en == "This field is required."
    assert info.value.fields["seats"].en == "Whole number expected."


def test_valid_input_is_stripped():
    model = parse(ContactIn, {"last_name": "  Müller ", "email": "anna@example.de"})
    assert model.last_name == "Müller"


def test_parse_uuid_names_the_field():
    with pytest.raises(InvalidInput) as info:
        parse_uuid("12; DROP TABLE", "account_id")
    assert list(info.value.fields) == ["account_id"]
