"""Today, injectable: ``BILLING_TODAY`` (ISO date) in the service config pins it (tests, demos); else the real date.
Every rule takes the day as an argument, so the clock is read once per entrypoint, here."""

from __future__ import annotations

from datetime import UTC, date, datetime

from nameko.extensions import DependencyProvider


class Clock(DependencyProvider):
    def setup(self) -> None:
        value = self.container.config.get("BILLING_TODAY")
        self.fixed = date.fromisoformat(str(value)) if value else None

    def get_dependency(self, worker_ctx) -> Clock:
        return self

    def today(self) -> date:
        return self.fixed or datetime.now(UTC).date()

    def now(self) -> datetime:
        return datetime.now(UTC)
