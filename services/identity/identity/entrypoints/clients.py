from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from .. import contracts
from ..usecases import clients
from .base import WorkEntrypoints


class ClientEntrypoints(WorkEntrypoints):
    @rpc
    def list_clients(self) -> dict:
        with self.work() as work:
            return clients.list_clients(work)

    @rpc
    def get_client(self, client_id) -> dict:
        with self.work() as work:
            return clients.get_client(work, client_id)

    @rpc
    def create_client(self, data) -> dict:
        with self.work() as work:
            return clients.create_client(work, parse(contracts.NewClient, data).model_dump())

    @rpc
    def update_client(self, client_id, changes) -> dict:
        with self.work() as work:
            return clients.update_client(work, client_id, contracts.changes(parse(contracts.ClientChanges, changes)))

    @rpc
    def delete_client(self, client_id) -> dict:
        with self.work() as work:
            return clients.delete_client(work, client_id)

    @rpc
    def get_rights_matrix(self) -> dict:
        with self.work() as work:
            return clients.rights_matrix(work)

    @rpc
    def set_client_rights(self, client_id, rights) -> dict:
        data = parse(contracts.Rights, {"rights": rights})
        with self.work() as work:
            return clients.set_client_rights(work, client_id, {str(k): v for k, v in data.rights.items()})
