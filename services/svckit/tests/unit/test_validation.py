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
    assert "mindestens 1 Zeichen" in fields["last_name"].de


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
