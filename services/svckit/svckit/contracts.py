"""Helpers for the services' contract modules (``<svc>/contracts.py``: the RPC input and answer models the gateway
imports and documents as OpenAPI; see docs/architecture.md "The gateway").

Answers refuse fields they do not declare (:class:`Answer`), so a field a use case adds without declaring it fails the
end-to-end tests' check of every answer against the generated document. A key that some answers carry and others
leave out is declared with :func:`maybe`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    """Base of every answer model: undeclared fields are refused."""

    model_config = ConfigDict(extra="forbid")


def absent_or_value(schema: dict[str, Any]) -> None:
    """For a key that is either missing or holds a value, never null: no null branch, no default in the schema."""
    schema.pop("default", None)
    branches = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches


def no_default(schema: dict[str, Any]) -> None:
    """For a key that is missing on some answers and may be null on others."""
    schema.pop("default", None)


def maybe(description: str | None = None) -> Any:
    """A key present on some answers only (see :func:`absent_or_value`)."""
    return Field(default=None, description=description, json_schema_extra=absent_or_value)
