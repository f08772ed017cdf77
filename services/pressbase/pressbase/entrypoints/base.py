"""What every entrypoint module shares. Entrypoints open the unit of work with ``with self.work() as work:``
(svckit.work); the licence and language helpers remain for the job runner, which does not go through it yet."""

from __future__ import annotations

from svckit.principal import Principal

from ..usecases import search


class Entrypoints:
    # dependencies are declared on the service class (service.py)
    db: object
    auth: object
    config: dict
    work: object

    @property
    def principal(self) -> Principal:
        return self.auth.principal

    def licence(self):
        return search.licence_of(self.db, self.principal)

    @property
    def lang(self) -> str:
        return self.principal.lang
