"""Dependencies of the dispatch service beyond svckit's: its settings. (Housekeeping, the bounce mailbox and the
export jobs run on svckit's job runner: ``dispatch.jobhandlers``.)"""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from ..settings import DispatchSettings


class Settings(DependencyProvider):
    def setup(self) -> None:
        self.settings = DispatchSettings.load(self.container.config)

    def get_dependency(self, worker_ctx) -> DispatchSettings:
        return self.settings
