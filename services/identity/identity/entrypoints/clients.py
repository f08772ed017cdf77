from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import clients
from .base import WorkEntrypoints


class ClientEntrypoints(WorkEntrypoints):
    @rpc
    def list_clients(self) -> dict:
        return clients.list_clients(self.work())

    @rpc
    def get_client(self, client_id) -> dict:
        return clients.get_client(self.work(), client_id)

    @rpc
    def create_client(self, data) -> dict:
        return clients.create_client(self.work(), parse(contracts.NewClient, data).model_dump())

    @rpc
    def update_client(self, client_id, changes) -> dict:
        return clients.update_client(self.work(), client_id, contracts.changes(parse(contracts.ClientChanges, changes)))

    @rpc
    def delete_client(self, client_id) -> dict:
        return clients.delete_client(self.work(), client_id)

    @rpc
    def get_rights_matrix(self) -> dict:
        return clients.rights_matrix(self.work())

    @rpc
    def set_client_rights(self, client_id, rights) -> dict:
        data = parse(contracts.Rights, {"rights": rights})
        return clients.set_client_rights(self.work(), client_id, {str(k): v for k, v in data.rights.items()})
