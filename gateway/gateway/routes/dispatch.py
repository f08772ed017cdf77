"""HTTP routes of the dispatch service."""

from __future__ import annotations


def register(app, deps) -> None:
    pass


OPENAPI: dict = {"tags": [], "paths": {}, "components": {"schemas": {}}}
