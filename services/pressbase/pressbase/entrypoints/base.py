"""What every entrypoint module shares: the caller's licence and language, and committing inside the entrypoint."""

from __future__ import annotations

from svckit.principal import Principal

from ..usecases import search


class Entrypoints:
    # dependencies are declared on the service class (service.py)
    db: object
    auth: object
    config: dict

    @property
    def principal(self) -> Principal:
        return self.auth.principal

    def licence(self):
        return search.licence_of(self.db, self.principal)

    @property
    def lang(self) -> str:
        return self.principal.lang

    def exact_limit(self) -> int:
        return int(self.config.get("PRESSBASE_EXACT_COUNT_LIMIT", search.EXACT_LIMIT))
