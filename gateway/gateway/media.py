"""The JSON request body, parsed once for every route with the limits every service relies on.

Defence in depth before any service sees the data: nesting deeper than ``MAX_DEPTH`` (Python's parser raises
RecursionError at about 1,000 levels, and every later walk over such data would too), integers outside 64 bits
(PostgreSQL's bigint, and a 4,300-digit number costs quadratic time to convert), non-finite numbers (``NaN``,
``Infinity``, ``1e999``: not JSON, and they break the JSON of every answer that echoes them) and NUL characters in
any string or key (PostgreSQL refuses NUL in text). Each is a 422 naming the field path (``contacts.0.name``) or
``body``, never a 5xx, and never reaches a service.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from typing import Any

import falcon

from svckit.errors import InvalidInput
from svckit.i18n import Text
from svckit.validation import NUL_TEXT

from .i18n import _

MAX_DEPTH = 64
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1
MAX_FIELDS = 20  # field errors named in one answer

INVALID_JSON = _("The body is not valid JSON.")
TOO_DEEP = _("Nested too deeply (at most {n} levels).").format(n=MAX_DEPTH)
TOO_BIG = _("The number is too large (at most 64 bits, ±9223372036854775807).")
NOT_FINITE = _("Not a finite number.")


class _Refused:
    """Stands in for a number the parser must not build; the walk names its field."""

    __slots__ = ("text",)

    def __init__(self, text: Text):
        self.text = text


_SUSPECT_NUMBER = re.compile(r"\d{19}|\d[eE]|NaN|Infinity")


def _parse_int(digits: str) -> int | _Refused:
    if len(digits) > 20:  # never convert thousands of digits
        return _Refused(TOO_BIG)
    value = int(digits)
    return value if INT_MIN <= value <= INT_MAX else _Refused(TOO_BIG)


def _parse_float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused(NOT_FINITE)


def _parse_constant(_name: str) -> _Refused:
    return _Refused(NOT_FINITE)


def _name(path: tuple) -> str:
    return ".".join(str(p).replace("\x00", "\\u0000") for p in path) or "body"


def check(data: Any, strings: bool = True) -> None:
    """Walk the parsed body (iteratively, breadth first) and refuse it naming every bad field. ``strings=False``
    skips the search for NUL (the text had no ``\\u0000``, the only way JSON can carry one)."""
    if not isinstance(data, (dict, list)):
        problem = data.text if isinstance(data, _Refused) else NUL_TEXT if isinstance(data, str) and "\x00" in data \
            else None
        if problem is not None:
            raise InvalidInput(fields={"body": problem})
        return
    bad: dict[str, Text] = {}
    queue: deque[tuple[Any, tuple, int]] = deque([(data, (), 1)])
    while queue and len(bad) < MAX_FIELDS:
        value, path, depth = queue.popleft()
        if depth > MAX_DEPTH:
            raise InvalidInput(TOO_DEEP, fields={"body": TOO_DEEP})
        for key, item in (value.items() if type(value) is dict else enumerate(value)):
            kind = type(item)
            if kind is dict or kind is list:
                queue.append((item, path + (key,), depth + 1))
            elif kind is _Refused:
                bad.setdefault(_name(path + (key,)), item.text)
            elif strings and kind is str and "\x00" in item:
                bad.setdefault(_name(path + (key,)), NUL_TEXT)
            if strings and type(key) is str and "\x00" in key:
                bad.setdefault(_name(path + (key,)), NUL_TEXT)
    if bad:
        raise InvalidInput(fields=bad)


def loads(text: str) -> Any:
    """Parse and check. The number hooks and the walk cost time on large bodies, so they run only where the text
    can hold what they look for: long digit runs, exponents or NaN/Infinity; a ``\\u0000`` escape; more opening
    brackets than the depth allowed."""
    numbers = _SUSPECT_NUMBER.search(text) is not None
    hooks = {"parse_int": _parse_int, "parse_float": _parse_float} if numbers else {}
    try:
        data = json.loads(text, parse_constant=_parse_constant, **hooks)
    except RecursionError:
        raise InvalidInput(TOO_DEEP, fields={"body": TOO_DEEP}) from None
    except ValueError:
        raise falcon.MediaMalformedError("JSON") from None
    nul = "\\u0000" in text
    if numbers or nul or text.count("[") + text.count("{") > MAX_DEPTH:
        check(data, strings=nul)
    return data


class CheckedJSONHandler(falcon.media.JSONHandler):
    """falcon's JSON handler with :func:`loads`: the limits hold wherever a resource reads ``req.get_media()``."""

    def __init__(self):
        super().__init__(loads=loads)

    def _deserialize(self, data: bytes) -> Any:
        if not data:
            raise falcon.MediaNotFoundError("JSON")
        try:
            text = data.decode()
        except UnicodeDecodeError:
            raise falcon.MediaMalformedError("JSON") from None
        return loads(text)
