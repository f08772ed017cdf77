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
from .i18n import Text, _, ngettext
from .textsafe import has_control

M = TypeVar("M", bound=BaseModel)

NUL_TEXT = _("Contains a forbidden null character (NUL).")
LINE_TEXT = _("Must not contain line breaks or control characters.")
MAX_DEPTH = 32  # nesting of lists and objects inside one field


def invalid(text: Text | str, en: str | None = None) -> PydanticCustomError:
    """Raise from a validator: ``raise invalid(_("Invalid postal code."))``.

    ``invalid(de, en)`` with two strings is for data that already has both languages, not for product texts."""
    if not isinstance(text, Text):
        text = Text(text, text if en is None else en)
    return PydanticCustomError("pressroom", "{en}", {"de": text.de, "en": text.en})


def _walk_for_nul(value: Any, depth: int = 0) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid(NUL_TEXT)
        return
    if depth > MAX_DEPTH:
        raise invalid(_("Nested too deeply."))
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
    "missing": _("This field is required."),
    "extra_forbidden": _("Unknown field."),
    "string_type": _("Text expected."),
    "string_pattern_mismatch": _("Invalid format."),
    "int_type": _("Whole number expected."),
    "int_parsing": _("Whole number expected."),
    "int_from_float": _("Whole number expected."),
    "float_parsing": _("Number expected."),
    "float_type": _("Number expected."),
    "decimal_parsing": _("Number expected."),
    "bool_parsing": _("True/false value expected."),
    "bool_type": _("True/false value expected."),
    "greater_than": _("Must be greater than {gt}."),
    "greater_than_equal": _("Must be at least {ge}."),
    "less_than": _("Must be less than {lt}."),
    "less_than_equal": _("Must be at most {le}."),
    "list_type": _("List expected."),
    "dict_type": _("Object expected."),
    "model_type": _("Object expected."),
    "model_attributes_type": _("Object expected."),
    "enum": _("Allowed values: {expected}."),
    "literal_error": _("Allowed values: {expected}."),
    "uuid_parsing": _("Invalid identifier."),
    "uuid_type": _("Invalid identifier."),
    "date_parsing": _("Invalid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Invalid date (YYYY-MM-DD)."),
    "date_type": _("Date expected."),
    "datetime_parsing": _("Invalid date and time (ISO 8601)."),
    "datetime_from_date_parsing": _("Invalid date and time (ISO 8601)."),
    "datetime_type": _("Date and time expected."),
    "url_parsing": _("Invalid URL."),
    "url_scheme": _("Invalid URL."),
    "value_error": _("Invalid value."),
    "none_required": _("No value allowed."),
}

_EMAIL = _("Invalid e-mail address.")
_REQUIRED = _("Required field.")


def _counted(kind: str, n: int) -> Text | None:
    """Texts with a count in them: plural forms from the catalogue ("1 character", "2 characters")."""
    if kind == "string_too_short":
        if n == 1:  # an empty text where one is needed: people say "required", not "at least 1 character"
            return _REQUIRED
        return ngettext("Too short (at least {n} character).", "Too short (at least {n} characters).", n)
    if kind == "string_too_long":
        return ngettext("Too long (at most {n} character).", "Too long (at most {n} characters).", n)
    if kind == "too_short":
        return ngettext("Too few items (at least {n}).", "Too few items (at least {n}).", n)
    if kind == "too_long":
        return ngettext("Too many items (at most {n}).", "Too many items (at most {n}).", n)
    return None


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "body"


def _text_for(error: Mapping[str, Any]) -> Text:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "pressroom":
        return Text(ctx.get("de", ""), ctx.get("en", ""))
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        return _EMAIL
    limit = ctx.get("min_length", ctx.get("max_length"))
    if isinstance(limit, int):
        counted = _counted(kind, limit)
        if counted is not None:
            return counted.format(n=limit)
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
