"""RPC input validation: pydantic models in, InvalidInput with per-field texts in German and English out.

Every service validates its RPC arguments again on entry (any service may call it, not only the gateway).
pydantic's own messages are English; the table below gives each common error type a German twin. Custom checks
raise :func:`invalid` so their message exists in both languages from the start.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from .errors import InvalidInput
from .i18n import Text
from .textsafe import has_control

M = TypeVar("M", bound=BaseModel)

NUL_TEXT = Text("Enthält ein unzulässiges Nullzeichen (NUL).", "Contains a forbidden null character (NUL).")
LINE_TEXT = Text("Darf keine Zeilenumbrüche oder Steuerzeichen enthalten.",
                 "Must not contain line breaks or control characters.")
MAX_DEPTH = 32  # nesting of lists and objects inside one field


def invalid(de: str, en: str) -> PydanticCustomError:
    """Raise from a validator: ``raise invalid("Ungültige PLZ.", "Invalid postal code.")``."""
    return PydanticCustomError("pressroom", "{en}", {"de": de, "en": en})


def _walk_for_nul(value: Any, depth: int = 0) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid(NUL_TEXT.de, NUL_TEXT.en)
        return
    if depth > MAX_DEPTH:
        raise invalid("Zu tief verschachtelt.", "Nested too deeply.")
    if isinstance(value, dict):
        for key, item in value.items():
            _walk_for_nul(key, depth + 1)
            _walk_for_nul(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _walk_for_nul(item, depth + 1)


class Input(BaseModel):
    """Base for RPC input models: unknown fields are an error, strings are stripped, NUL is refused in every string
    (also inside lists and objects). Single-line fields use :data:`Line`, which refuses line breaks too."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:  # after: a "before" validator is not allowed on discriminator fields
        _walk_for_nul(value)
        return value


def _one_line(value: str) -> str:
    if has_control(value):
        raise invalid(LINE_TEXT.de, LINE_TEXT.en)
    return value


#: a single-line text: names, subjects, file names, anything that may end up in a mail header or a log line.
#: CR, LF, NUL, the Unicode line separators and other control characters (TAB excepted) are refused.
Line = Annotated[str, AfterValidator(_one_line)]


def check_line(value: Any, field: str) -> None:
    """For input that does not go through a model (import rows, form fields): refuse control characters, naming
    the field."""
    if isinstance(value, str) and has_control(value):
        raise InvalidInput(fields={field: LINE_TEXT})


def check_no_nul(value: Any, field: str) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise InvalidInput(fields={field: NUL_TEXT})


_TEXTS: dict[str, Text] = {
    "missing": Text("Pflichtfeld fehlt.", "This field is required."),
    "extra_forbidden": Text("Unbekanntes Feld.", "Unknown field."),
    "string_type": Text("Text erwartet.", "Text expected."),
    "string_too_short": Text("Zu kurz (mindestens {min_length} Zeichen).",
                             "Too short (at least {min_length} characters)."),
    "string_too_long": Text("Zu lang (höchstens {max_length} Zeichen).", "Too long (at most {max_length} characters)."),
    "string_pattern_mismatch": Text("Ungültiges Format.", "Invalid format."),
    "int_type": Text("Ganze Zahl erwartet.", "Whole number expected."),
    "int_parsing": Text("Ganze Zahl erwartet.", "Whole number expected."),
    "int_from_float": Text("Ganze Zahl erwartet.", "Whole number expected."),
    "float_parsing": Text("Zahl erwartet.", "Number expected."),
    "float_type": Text("Zahl erwartet.", "Number expected."),
    "decimal_parsing": Text("Zahl erwartet.", "Number expected."),
    "bool_parsing": Text("Ja/Nein-Wert erwartet.", "True/false value expected."),
    "bool_type": Text("Ja/Nein-Wert erwartet.", "True/false value expected."),
    "greater_than": Text("Muss größer als {gt} sein.", "Must be greater than {gt}."),
    "greater_than_equal": Text("Muss mindestens {ge} sein.", "Must be at least {ge}."),
    "less_than": Text("Muss kleiner als {lt} sein.", "Must be less than {lt}."),
    "less_than_equal": Text("Darf höchstens {le} sein.", "Must be at most {le}."),
    "too_short": Text("Zu wenige Einträge (mindestens {min_length}).", "Too few items (at least {min_length})."),
    "too_long": Text("Zu viele Einträge (höchstens {max_length}).", "Too many items (at most {max_length})."),
    "list_type": Text("Liste erwartet.", "List expected."),
    "dict_type": Text("Objekt erwartet.", "Object expected."),
    "model_type": Text("Objekt erwartet.", "Object expected."),
    "model_attributes_type": Text("Objekt erwartet.", "Object expected."),
    "enum": Text("Erlaubt sind: {expected}.", "Allowed values: {expected}."),
    "literal_error": Text("Erlaubt sind: {expected}.", "Allowed values: {expected}."),
    "uuid_parsing": Text("Ungültige Kennung.", "Invalid identifier."),
    "uuid_type": Text("Ungültige Kennung.", "Invalid identifier."),
    "date_parsing": Text("Ungültiges Datum (JJJJ-MM-TT).", "Invalid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": Text("Ungültiges Datum (JJJJ-MM-TT).", "Invalid date (YYYY-MM-DD)."),
    "date_type": Text("Datum erwartet.", "Date expected."),
    "datetime_parsing": Text("Ungültiger Zeitpunkt (ISO 8601).", "Invalid date and time (ISO 8601)."),
    "datetime_from_date_parsing": Text("Ungültiger Zeitpunkt (ISO 8601).", "Invalid date and time (ISO 8601)."),
    "datetime_type": Text("Zeitpunkt erwartet.", "Date and time expected."),
    "url_parsing": Text("Ungültige Adresse (URL).", "Invalid URL."),
    "url_scheme": Text("Ungültige Adresse (URL).", "Invalid URL."),
    "value_error": Text("Ungültiger Wert.", "Invalid value."),
    "none_required": Text("Kein Wert erlaubt.", "No value allowed."),
}

_EMAIL = Text("Ungültige E-Mail-Adresse.", "Invalid e-mail address.")


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "body"


def _text_for(error: Mapping[str, Any]) -> Text:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "pressroom":
        return Text(ctx.get("de", ""), ctx.get("en", ""))
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        return _EMAIL
    template = _TEXTS.get(kind)
    if template is None:
        return Text("Ungültiger Wert.", error.get("msg") or "Invalid value.")
    try:
        return template.format(**{k: v for k, v in ctx.items()})
    except (KeyError, IndexError):
        return template


def to_invalid_input(exc: ValidationError, prefix: str = "") -> InvalidInput:
    fields: dict[str, Text] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc") or ())
        name = _field_name(((prefix,) if prefix else ()) + loc)
        fields.setdefault(name, _text_for(err))
    return InvalidInput(fields=fields)


def parse(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate ``data`` against ``model`` or raise InvalidInput naming every bad field."""
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise to_invalid_input(exc, prefix) from None


def parse_uuid(value: Any, field: str):
    """An id from a caller: malformed -> InvalidInput naming the field (never a 500, never a DB error)."""
    import uuid

    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput(fields={field: _TEXTS["uuid_parsing"]}) from None
