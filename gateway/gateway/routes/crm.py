"""HTTP routes of the crm service."""

from __future__ import annotations


def register(app, deps) -> None:
    pass


OPENAPI: dict = {"tags": [], "paths": {}, "components": {"schemas": {}}}
