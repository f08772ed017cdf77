"""Typed access to what a DML statement did.

``Session.execute`` is typed as returning a plain ``Result``; an INSERT/UPDATE/DELETE really returns a
``CursorResult``, which carries ``rowcount``. ``rowcount(session.execute(stmt))`` says so once, for mypy.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.engine import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """The number of rows the statement behind ``result`` matched (``CursorResult.rowcount``)."""
    return cast("CursorResult[Any]", result).rowcount
