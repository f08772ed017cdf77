"""The vendor's feed files: JSON lines or CSV, full loads or deltas. Parsing and validation only (no database).

Every line is one record::

    {"type": "journalist", "op": "upsert", "id": "J-100234", "dataset": "dach", "last_name": "Müller", ...}
    {"type": "outlet", "op": "delete", "id": "O-2231"}

``type`` is outlet | journalist | forward_feature; ``op`` is upsert (the default) or delete; ``id`` is the
vendor's stable id. CSV files have a header row with the same field names (``type`` may instead be given for the
whole file), list fields separated by ``|``, a journalist's outlets as ``O-1:editor|O-7:freelancer`` and PLUS
fields as ``plus.<name>`` columns; ``;``, ``,`` and tab separators are recognised.

A file is applied all or nothing: :func:`parse` yields the records and collects every error with its line and field
(German and English); the importer refuses the whole file if there is any.

Vendor text is cleaned, not refused (one stray character must not cost a whole delivery): NUL is removed from every
string (PostgreSQL cannot store it), and single-line fields (names, titles, positions, outlet names, addresses,
phone numbers) get line breaks and control characters replaced by a space (``svckit.textsafe.one_line``): a
journalist's name reaches mail headers and CRM contacts, where a line break could start a new header.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from svckit.i18n import Text
from svckit.textsafe import one_line, without_nul
from svckit.validation import invalid, to_invalid_input

from ..i18n import _
from . import catalog

KINDS = ("outlet", "journalist", "forward_feature")
OPS = ("upsert", "delete")
FORMATS = ("jsonl", "csv")
MODES = ("full", "delta")
MAX_ERRORS = 100
_EXT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _code(table: dict[str, Text], what: Text) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is None:
            return value
        if value not in table:
            raise invalid(_("Unknown value \"{value}\" ({what}).").format(value=value, what=what))
        return value
    return check


def _codes(table: dict[str, Text], what: Text) -> Callable[[Any], list[str]]:
    one = _code(table, what)

    def check(values: Any) -> list[str]:
        seen: list[str] = []
        for v in values or ():
            one(v)
            if v not in seen:
                seen.append(v)
        return seen
    return check


def _no_nul(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return without_nul(value)
    if depth > 32:
        return value
    if isinstance(value, dict):
        return {_no_nul(k, depth + 1): _no_nul(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nul(v, depth + 1) for v in value]
    return value


def _single_line(value: Any) -> Any:
    return one_line(value) if isinstance(value, str) else value


def _required_line(value: Any) -> Any:
    cleaned = _single_line(value)
    if isinstance(cleaned, str) and not cleaned:
        raise invalid(_("Must not consist of control characters only."))
    return cleaned


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise invalid(_("Invalid date (YYYY-MM-DD or DD.MM.YYYY)."))


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str

    @model_validator(mode="before")
    @classmethod
    def _empty_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = _no_nul(data)
            return {k: v for k, v in data.items() if v != "" and v is not None}
        return data

    @field_validator("id")
    @classmethod
    def _ext_id(cls, v: str) -> str:
        if not _EXT_ID.match(v):
            raise invalid(_("Invalid id (letters, digits, . _ : / -, at most 64 characters)."))
        return v


class _Media(_Record):
    dataset: Literal["dach", "plus", "world"]
    country: str = Field(min_length=2, max_length=2)
    state: str | None = None
    topics: list[str] = []
    plus: dict[str, Any] = {}

    _topics = field_validator("topics")(_codes(catalog.TOPICS, _("topic")))

    @field_validator("country", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) else v

    @field_validator("country")
    @classmethod
    def _country(cls, v: str | None) -> str | None:
        return _code(catalog.COUNTRIES, _("country"))(v)

    @field_validator("state")
    @classmethod
    def _state_in_country(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and v not in catalog.STATES.get(info.data.get("country") or "", {}):
            raise invalid(_("The state does not belong to this country."))
        return v


class OutletRecord(_Media):
    name: str = Field(min_length=1, max_length=300)
    media_type: str
    publisher: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=120)
    postal_code: str | None = Field(None, max_length=12)
    street: str | None = Field(None, max_length=200)
    language: str
    frequency: str | None = None
    circulation: int | None = Field(None, ge=0)
    reach: int = Field(0, ge=0)
    website: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=60)
    departments: list[str] = []

    _name = field_validator("name", mode="after")(_required_line)
    _lines = field_validator("publisher", "city", "postal_code", "street", "website", "phone",
                             mode="after")(_single_line)
    _media_type = field_validator("media_type")(_code(catalog.MEDIA_TYPES, _("media type")))
    _language = field_validator("language")(_code(catalog.LANGUAGES, _("language")))
    _frequency = field_validator("frequency")(_code(catalog.FREQUENCIES, _("frequency")))
    _departments = field_validator("departments")(_codes(catalog.DESKS, _("desk")))

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not _EMAIL.match(v):
            raise invalid(_("Invalid e-mail address."))
        return v


class OutletLink(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=64)
    role: str = "editor"

    _role = field_validator("role")(_code(catalog.ROLES, _("role")))


class JournalistRecord(_Media):
    # optional for a journalist (required for an outlet): pydantic allows the wider type in a subclass
    country: str | None = Field(None, min_length=2, max_length=2)  # type: ignore[assignment]
    gender: Literal["f", "m", "d"] | None = None
    title: str | None = Field(None, max_length=60)
    first_name: str = Field("", max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    position: str | None = Field(None, max_length=200)
    desks: list[str] = []
    languages: list[str] = []
    city: str | None = Field(None, max_length=120)
    freelance: bool = False
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=60)
    outlets: list[OutletLink] = []
    last_verified: date | None = None

    _last_name = field_validator("last_name", mode="after")(_required_line)
    _lines = field_validator("title", "first_name", "position", "city", "phone", mode="after")(_single_line)
    _desks = field_validator("desks")(_codes(catalog.DESKS, _("desk")))
    _languages = field_validator("languages")(_codes(catalog.LANGUAGES, _("language")))
    _verified = field_validator("last_verified", mode="before")(_date)

    @field_validator("country")
    @classmethod
    def _country(cls, v: str | None) -> str | None:
        return _code(catalog.COUNTRIES, _("country"))(v)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not _EMAIL.match(v):
            raise invalid(_("Invalid e-mail address."))
        return v

    @field_validator("outlets")
    @classmethod
    def _unique_outlets(cls, links: list[OutletLink]) -> list[OutletLink]:
        seen: dict[str, OutletLink] = {}
        for link in links:
            seen.setdefault(link.id, link)
        return list(seen.values())


class ForwardFeatureRecord(_Record):
    outlet: str = Field(min_length=1, max_length=64)
    issue_date: date | None = None
    topic: str | None = None
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=5000)
    deadline: date

    _title = field_validator("title", mode="after")(_required_line)
    _topic = field_validator("topic")(_code(catalog.TOPICS, _("topic")))
    _dates = field_validator("issue_date", "deadline", mode="before")(_date)


MODELS: dict[str, type[_Record]] = {
    "outlet": OutletRecord, "journalist": JournalistRecord, "forward_feature": ForwardFeatureRecord,
}


@dataclass
class FeedError:
    line: int
    field: str
    message: Text

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message.to_wire()}


@dataclass
class Parsed:
    """One valid line: an upsert carries the validated model, a delete only the id."""

    line: int
    kind: str
    op: str
    ext_id: str
    record: BaseModel | None = None


@dataclass
class ParseReport:
    lines: int = 0
    errors: list[FeedError] = field(default_factory=list)
    error_count: int = 0
    kinds: set[str] = field(default_factory=set)

    def add(self, line: int, field_name: str, message: Text) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(FeedError(line, field_name, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0


# --- line readers ---------------------------------------------------------------------------------------------------

def _jsonl_rows(lines: Iterable[str], report: ParseReport) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, raw in enumerate(lines, start=1):
        report.lines = number
        line = raw.strip()
        if not line:
            continue
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        try:
            data = json.loads(line)
        except ValueError:
            report.add(number, "line", _("Not valid JSON."))
            continue
        if not isinstance(data, dict):
            report.add(number, "line", _("A JSON object is expected."))
            continue
        yield number, data


_LIST_FIELDS = {"topics", "departments", "desks", "languages"}


def _csv_value(name: str, value: str) -> Any:
    if name in _LIST_FIELDS:
        return [v.strip() for v in value.split("|") if v.strip()]
    if name == "outlets":
        links = []
        for part in value.split("|"):
            part = part.strip()
            if not part:
                continue
            ext, sep, role = part.rpartition(":")
            if sep and role.strip() in catalog.ROLES:
                links.append({"id": ext.strip(), "role": role.strip()})
            else:
                links.append({"id": part})
        return links
    if name == "freelance":
        low = value.strip().lower()
        if low in ("1", "true", "ja", "yes", "x", "wahr"):
            return True
        if low in ("0", "false", "nein", "no", "", "falsch"):
            return False
        return value
    return value


def _csv_rows(lines: Iterable[str], report: ParseReport) -> Iterator[tuple[int, dict[str, Any]]]:
    iterator = iter(lines)
    try:
        header_line = next(iterator)
    except StopIteration:
        return
    header_line = header_line.lstrip("\ufeff")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(_chain([header_line], iterator), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    report.lines = 1
    if "id" not in header:
        report.add(1, "id", _("The header needs an \"id\" column."))
        return
    for row in reader:
        number = reader.line_num
        report.lines = number
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            report.add(number, "line", _("Wrong number of columns ({n} instead of {m}).").format(
                n=len(row), m=len(header)))
            continue
        data: dict[str, Any] = {}
        plus: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=False):
            if name.startswith("plus."):
                if cell.strip():
                    plus[name[5:]] = cell.strip()
            elif name:
                data[name] = _csv_value(name, cell)
        if plus:
            data["plus"] = plus
        yield number, data


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


# --- parse ----------------------------------------------------------------------------------------------------------

def parse(lines: Iterable[str], fmt: str, report: ParseReport, record_type: str | None = None) -> Iterator[Parsed]:
    """Validate every line; yields valid ones and records errors in ``report`` (the caller decides to apply)."""
    rows = _jsonl_rows(lines, report) if fmt == "jsonl" else _csv_rows(lines, report)
    seen: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for number, data in rows:
        kind = data.pop("type", None) or record_type
        if kind not in KINDS:
            report.add(number, "type", _("Allowed values: outlet, journalist, forward_feature."))
            continue
        op = data.pop("op", None) or "upsert"
        if op not in OPS:
            report.add(number, "op", _("Allowed values: upsert, delete."))
            continue
        ext_id = data.get("id")
        if not isinstance(ext_id, str) or not _EXT_ID.match(ext_id.strip()):
            report.add(number, "id", _("A valid id is missing."))
            continue
        ext_id = ext_id.strip()
        if ext_id in seen[kind]:
            report.add(number, "id", _("The id {id} occurs more than once in the file.").format(id=ext_id))
            continue
        seen[kind].add(ext_id)
        report.kinds.add(kind)
        if op == "delete":
            yield Parsed(number, kind, op, ext_id)
            continue
        try:
            record = MODELS[kind].model_validate(data)
        except ValidationError as exc:
            for name, text in to_invalid_input(exc).fields.items():
                report.add(number, name, text)
            continue
        yield Parsed(number, kind, op, ext_id, record)


def decode_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Bytes (in chunks of any size) -> text lines; UTF-8 with or without BOM, Windows-1252 as a fallback."""
    pending = b""
    encoding = None
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            if encoding is None:
                encoding = "utf-8-sig"
            yield _decode(raw, encoding) + "\n"
            encoding = "utf-8"
    if pending:
        yield _decode(pending, encoding or "utf-8-sig")


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding).rstrip("\r")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace").rstrip("\r")


def lines_of(text: str) -> Iterator[str]:
    return iter(io.StringIO(text))
