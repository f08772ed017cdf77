from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import incidents
from .base import WorkEntrypoints


class IncidentEntrypoints(WorkEntrypoints):
    """Incident notes on the public status page: operators post and resolve them; anyone reads them."""

    @rpc
    def post_incident(self, data) -> dict:
        with self.work() as work:
            return incidents.post_incident(work, parse(contracts.NewIncident, data).model_dump())

    @rpc
    def resolve_incident(self, incident_id, data=None) -> dict:
        with self.work() as work:
            return incidents.resolve_incident(work, incident_id,
                                              parse(contracts.IncidentResolution, data or {}).model_dump())

    @rpc
    def list_incidents(self, filters=None) -> dict:
        with self.work() as work:
            return incidents.list_incidents(work, parse(contracts.IncidentFilter, filters or {}).model_dump())

    @rpc
    def public_status(self) -> dict:
        with self.work() as work:
            return incidents.public_status(work)
