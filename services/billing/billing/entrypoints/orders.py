"""Orders: the public order endpoint, written orders, activation by an operator (or automatically)."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse, parse_uuid

from ..contracts import OrderInput, SettingsInput, WrittenOrderInput, decode_document
from ..usecases import orders, subscriptions
from .common import Base


class OrdersApi(Base):
    @rpc
    def get_catalogue(self) -> dict:
        """The price list (anyone, also before login)."""
        return subscriptions.catalogue_view(self.cat)

    @rpc
    def place_order(self, order: dict) -> dict:
        """Public (no login): the order waits for an operator unless auto-activation is on."""
        data = parse(OrderInput, order)
        with self.work() as work:
            row = orders.place(work, data)
            auto = orders.auto_activate(work)
        if auto:
            return self._activate(row.id, Principal.system("billing"))
        return orders.summary(row)

    @rpc
    def place_written_order(self, order: dict) -> dict:
        """An operator places an order the customer signed on paper (with the scanned document)."""
        actor = self.operator("back_office")
        data = parse(WrittenOrderInput, order)
        document = decode_document(data.document_b64, "document_b64") if data.document_b64 else None
        with self.work() as work:
            row = orders.place(work, data, source="written", placed_by=actor.user_id, document=document,
                               document_name=data.document_name)
        return self._activate(row.id, actor) if data.activate else orders.summary(row)

    @rpc
    def list_orders(self, state: str | None = "received") -> list[dict]:
        self.operator("back_office", "support")
        with self.work() as work:
            return orders.listing(work, state)

    @rpc
    def activate_order(self, order_id: str) -> dict:
        actor = self.operator("back_office")
        return self._activate(parse_uuid(order_id, "order_id"), actor)

    @rpc
    def reject_order(self, order_id: str, reason: str = "") -> dict:
        self.operator("back_office")
        oid = parse_uuid(order_id, "order_id")
        with self.work() as work:
            return orders.reject(work, oid, str(reason)[:500])

    @rpc
    def get_settings(self) -> dict:
        self.operator("back_office", "support")
        with self.work() as work:
            return orders.settings(work)

    @rpc
    def update_settings(self, settings: dict) -> dict:
        self.operator("back_office")
        data = parse(SettingsInput, settings)
        with self.work() as work:
            return orders.update_settings(work, data)

    def _activate(self, order_id, actor) -> dict:
        """Activation calls identity as billing itself; its events leave as billing's system principal."""
        with self.auth.acting_as(Principal.system("billing")) as system, self.work(system) as work:
            return orders.activate(work, order_id, self.identity_rpc, actor)
