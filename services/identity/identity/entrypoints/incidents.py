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
        return incidents.post_incident(self.work(), parse(contracts.NewIncident, data).model_dump())

    @rpc
    def resolve_incident(self, incident_id, data=None) -> dict:
        return incidents.resolve_incident(self.work(), incident_id,
                                          parse(contracts.IncidentResolution, data or {}).model_dump())

    @rpc
    def list_incidents(self, filters=None) -> dict:
        return incidents.list_incidents(self.work(), parse(contracts.IncidentFilter, filters or {}).model_dump())

    @rpc
    def public_status(self) -> dict:
        return incidents.public_status(self.work())
