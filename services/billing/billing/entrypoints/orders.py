"""Orders: the public order endpoint, written orders, activation by an operator (or automatically)."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.principal import Principal
from svckit.validation import parse, parse_uuid

from ..contracts import OrderInput, SettingsInput, WrittenOrderInput, decode_document
from ..db import repo
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
        today = self.clock.today()
        row = orders.place(self.db, self.cat, data, today, self.clock.now())
        auto = bool(repo.setting(self.db, orders.AUTO_ACTIVATE, self.config.get("BILLING_AUTO_ACTIVATE", False)))
        self.db.commit()
        if auto:
            return self._activate(row.id, Principal.system("billing"))
        return orders.summary(row)

    @rpc
    def place_written_order(self, order: dict) -> dict:
        """An operator places an order the customer signed on paper (with the scanned document)."""
        actor = self.operator("back_office")
        data = parse(WrittenOrderInput, order)
        document = decode_document(data.document_b64, "document_b64") if data.document_b64 else None
        row = orders.place(self.db, self.cat, data, self.clock.today(), self.clock.now(), source="written",
                           placed_by=actor.user_id, document=document, document_name=data.document_name)
        repo.audit(self.db, actor, "order.written_placed", None, str(row.id), {"company": data.company.name})
        self.db.commit()
        return self._activate(row.id, actor) if data.activate else orders.summary(row)

    @rpc
    def list_orders(self, state: str | None = "received") -> list[dict]:
        self.operator("back_office", "support")
        return orders.listing(self.db, state)

    @rpc
    def activate_order(self, order_id: str) -> dict:
        actor = self.operator("back_office")
        return self._activate(parse_uuid(order_id, "order_id"), actor)

    @rpc
    def reject_order(self, order_id: str, reason: str = "") -> dict:
        actor = self.operator("back_office")
        row = orders.reject(self.db, parse_uuid(order_id, "order_id"), actor, str(reason)[:500])
        self.db.commit()
        return orders.summary(row)

    @rpc
    def get_settings(self) -> dict:
        self.operator("back_office", "support")
        return {"auto_activate_orders": bool(repo.setting(self.db, orders.AUTO_ACTIVATE,
                                                          self.config.get("BILLING_AUTO_ACTIVATE", False)))}

    @rpc
    def update_settings(self, settings: dict) -> dict:
        actor = self.operator("back_office")
        data = parse(SettingsInput, settings)
        repo.set_setting(self.db, orders.AUTO_ACTIVATE, data.auto_activate_orders)
        repo.audit(self.db, actor, "settings.updated", None, None, data.model_dump())
        self.db.commit()
        return data.model_dump()

    def _activate(self, order_id, actor) -> dict:
        with self.auth.acting_as(Principal.system("billing")):
            row = orders.activate(self.db, self.cat, order_id, self.identity_rpc, actor, self.clock.today(),
                                  self.stage, self.clock.now())
        self.db.commit()
        return {**orders.summary(orders.load(self.db, order_id)),
                "subscription": subscriptions.view(self.db, self.cat, row, self.clock.today())}
