"""The small set of errors that cross the RPC boundary.

A service raises ``NotFound(...)``; nameko serialises the exception's args; because every class here is registered
in nameko's exception registry, the caller (another service or the gateway) gets a ``NotFound`` back, not a
``RemoteError``. The gateway maps each class to one HTTP status in one table (``gateway.errors``).

The single constructor argument on the wire is a JSON document (a string, because nameko turns every scalar in
exception args into a string)::

    {"__wire__": 1, "code": "not_found", "detail": {"de": ..., "en": ...},
     "fields": {"email": {"de": ..., "en": ...}}, "extra": {...}}
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from nameko.exceptions import get_module_path, registry

from .i18n import Text, _


class WireError(Exception):
    """Base of every error that may travel between services and reach a user."""

    code = "error"
    default_detail = _("An error occurred.")

    def __init__(
        self,
        detail: Text | Mapping[str, Any] | str | None = None,
        fields: Mapping[str, Text | Mapping[str, str] | str] | None = None,
        **extra: Any,
    ):
        if isinstance(detail, str) and detail.startswith('{"__wire__"') and fields is None and not extra:
            payload = json.loads(detail)  # rebuilt from the wire
            payload.pop("__wire__", None)
        else:
            payload = {
                "code": self.code,
                "detail": Text.from_wire(detail if detail is not None else self.default_detail).to_wire(),
                "fields": {name: Text.from_wire(msg).to_wire() for name, msg in (fields or {}).items()},
                "extra": dict(extra),
            }
        self.payload = payload
        super().__init__(json.dumps({"__wire__": 1, **payload}, ensure_ascii=False, default=str))

    @property
    def detail(self) -> Text:
        return Text.from_wire(self.payload.get("detail"))

    @property
    def fields(self) -> dict[str, Text]:
        return {k: Text.from_wire(v) for k, v in (self.payload.get("fields") or {}).items()}

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.payload.get("extra") or {})

    def __str__(self) -> str:
        fields = ", ".join(f"{k}: {v.en}" for k, v in self.fields.items())
        return f"{self.code}: {self.detail.en}" + (f" ({fields})" if fields else "")


class InvalidInput(WireError):
    code = "invalid_input"
    default_detail = _("The input is invalid.")


class NotFound(WireError):
    code = "not_found"
    default_detail = _("Not found.")


class Forbidden(WireError):
    code = "forbidden"
    default_detail = _("You are not allowed to do this.")


class Unauthenticated(WireError):
    code = "unauthenticated"
    default_detail = _("Please log in.")


class Conflict(WireError):
    code = "conflict"
    default_detail = _("The request conflicts with the current state.")


class QuotaExceeded(WireError):
    code = "quota_exceeded"
    default_detail = _("Your subscription's quota is used up.")


class PayloadTooLarge(WireError):
    code = "payload_too_large"
    default_detail = _("The file is too large.")


class TooManyRequests(WireError):
    code = "too_many_requests"
    default_detail = _("Too many attempts. Please wait a moment.")


class Unavailable(WireError):
    code = "unavailable"
    default_detail = _("The service is temporarily unavailable.")


WIRE_ERRORS: tuple[type[WireError], ...] = (
    WireError, InvalidInput, NotFound, Forbidden, Unauthenticated, Conflict, QuotaExceeded,
    PayloadTooLarge, TooManyRequests, Unavailable,
)

for _cls in WIRE_ERRORS:
    registry[get_module_path(_cls)] = _cls


def field_error(field: str, text: Text | str, en: str | None = None, **extra: Any) -> InvalidInput:
    """Shorthand for the most common error: one field, one reason (``field_error("x", _("Bad x."))``).

    A German/English pair of strings is for data that already has both languages, not for product texts."""
    if not isinstance(text, Text):
        text = Text(text, text if en is None else en)
    return InvalidInput(fields={field: text}, **extra)
