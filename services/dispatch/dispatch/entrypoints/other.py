"""Suppressions, transactional mail, tracking (anonymous callers with signed tokens), events from others."""

from __future__ import annotations

from nameko.events import event_handler
from sqlalchemy import text
from svckit.entrypoints import rpc
from svckit.errors import NotFound
from svckit.i18n import Text
from svckit.principal import ADMINISTRATOR
from svckit.validation import parse, parse_uuid

from .. import schemas
from ..usecases import lifecycle, suppression, tracking, transactional

NOT_SUPPRESSED = Text("Diese Adresse steht nicht auf der Sperrliste.", "This address is not on the suppression list.")


class SuppressionEntrypoints:
    @rpc
    def list_suppressions(self, query: dict | None = None) -> dict:
        account = parse_uuid(self.auth.principal.require_account(), "account_id")
        inp = parse(schemas.PageIn, query or {})
        params = {"a": account, "after": inp.cursor or 0, "n": inp.limit}
        where = "account_id = :a AND id > :after"
        if inp.q:
            where += " AND address ILIKE :q"
            params["q"] = f"%{inp.q}%"
        if inp.state:
            where += " AND reason = :r"
            params["r"] = inp.state
        rows = self.db.execute(text(f"SELECT id, address, reason, detail, created_at FROM suppressions "
                                    f"WHERE {where} ORDER BY id LIMIT :n"), params).mappings().all()
        items = [{**r, "created_at": r["created_at"].isoformat()} for r in rows]
        return {"items": items, "next_cursor": items[-1]["id"] if len(items) == inp.limit else None}

    @rpc
    def add_suppression(self, data: dict) -> dict:
        p = self.auth.principal
        account = parse_uuid(p.require_account(), "account_id")
        inp = parse(schemas.SuppressionIn, data)
        created = suppression.suppress(self.db, account, inp.address, inp.reason, {"by": p.user_id})
        self.db.commit()
        return {"address": inp.address, "reason": inp.reason, "created": created}

    @rpc
    def delete_suppression(self, address: str) -> None:
        """Only administrators lift an entry (an unsubscribe is the recipient's wish, a hard bounce a fact)."""
        p = self.auth.principal.require_role(ADMINISTRATOR)
        account = parse_uuid(p.require_account(), "account_id")
        n = self.db.execute(text("DELETE FROM suppressions WHERE account_id = :a AND address = :addr"),
                            {"a": account, "addr": str(address or "").strip().lower()[:320]}).rowcount
        if not n:
            raise NotFound(NOT_SUPPRESSED)
        self.db.commit()


class TransactionalEntrypoints:
    @rpc
    def send_transactional(self, payload: dict) -> str:
        """svckit.mail.TransactionalMail for identity and billing: its own lane, ahead of every mailing.
        Returns the Message-ID; the same idempotency_key twice sends once. Callers are services on the internal
        broker (identity sends login codes on behalf of callers who are not logged in yet).
        """
        result = transactional.enqueue(self.db, payload, self.settings.verp_domain)
        self.db.commit()
        return result["message_id"]


class TrackingEntrypoints:
    @rpc
    def track_open(self, token: str, info: dict | None = None) -> bool:
        result = tracking.track_open(self.db, token, info or {}, self.settings.tracking_secret)
        self.db.commit()
        return result

    @rpc
    def track_click(self, token: str, info: dict | None = None) -> dict:
        result = tracking.track_click(self.db, token, info or {}, self.settings.tracking_secret)
        self.db.commit()
        return result

    @rpc
    def get_unsubscribe(self, token: str) -> dict:
        return tracking.unsubscribe_info(self.db, token, self.settings.tracking_secret)

    @rpc
    def unsubscribe(self, token: str, info: dict | None = None) -> dict:
        result = tracking.unsubscribe(self.db, token, info or {}, self.settings.tracking_secret,
                                      via=(info or {}).get("via") or "web")
        self.db.commit()
        return result


class EventEntrypoints:
    @event_handler("billing", "entitlements_changed")
    def on_entitlements_changed(self, payload: dict) -> None:
        lifecycle.store_entitlements(self.db, payload)

    @event_handler("crm", "contact_email_corrected")
    def on_contact_email_corrected(self, payload: dict) -> None:
        lifecycle.email_corrected(self.db, payload)

    @event_handler("crm", "person_erasure_requested")
    def on_person_erasure_requested(self, payload: dict) -> None:
        lifecycle.erase_person(self.db, payload)

    @event_handler("billing", "account_purge_requested")
    def on_account_purge_requested(self, payload: dict) -> None:
        lifecycle.purge_account(self.db, payload["account_id"])
