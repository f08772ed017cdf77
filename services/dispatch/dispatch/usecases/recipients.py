"""Who a mailing goes to: sources resolved page by page (crm lists and contacts, pressbase selections, addresses
typed in), de-duplicated by address, invalid and suppressed addresses left out with the reason.

The sources sit behind :class:`RecipientResolver`, an interface dispatch owns: the service plugs in the RPC
implementation; tests may plug in their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from .suppression import suppressed

PAGE = 1000
_EMAIL = re.compile(r"^[^@\s\"<>(),;:\\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")


class RecipientResolver(Protocol):
    def pages(self, source: dict[str, Any]) -> Iterator[list[dict[str, Any]]]: ...


class RpcResolver:
    """crm.resolve_recipients / pressbase.resolve_selection, a page (up to 1000) per call, with the caller's
    principal (it travels in the worker's context data, so crm applies the user's client rights)."""

    def __init__(self, crm=None, pressbase=None, page: int = PAGE):
        self.crm, self.pressbase, self.page = crm, pressbase, page

    def pages(self, source: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        kind = source.get("type")
        if kind == "addresses":
            yield [dict(r) for r in source.get("recipients") or []]
            return
        if kind == "contacts":
            ids = list(source.get("contact_ids") or [])
            for i in range(0, len(ids), self.page):
                yield from self._follow(lambda cursor, chunk=ids[i:i + self.page]: self.crm.resolve_recipients(
                    {"contact_ids": chunk}, cursor, self.page))
            return
        if kind == "list":
            yield from self._follow(lambda cursor: self.crm.resolve_recipients(
                {"list_id": source["list_id"]}, cursor, self.page))
            return
        if kind == "selection":
            yield from self._follow(lambda cursor: self.pressbase.resolve_selection(
                source["selection_id"], cursor, self.page), "pressbase")
            return
        raise ValueError(f"unknown source {kind!r}")

    @staticmethod
    def _follow(call, service: str = "crm") -> Iterator[list[dict[str, Any]]]:
        from .common import remote

        cursor = None
        for _ in range(100_000):
            with remote(service):
                page = call(cursor)
            yield list(page.get("recipients") or [])
            cursor = page.get("next_cursor")
            if not cursor:
                return


@dataclass
class Resolved:
    recipients: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        reasons: dict[str, int] = {}
        for item in self.left_out:
            reasons[item["reason"]] = reasons.get(item["reason"], 0) + 1
        return {"recipients": len(self.recipients), "left_out": len(self.left_out), "left_out_by_reason": reasons}


def resolve(session: Session, account_id, sources: list[dict[str, Any]], resolver: RecipientResolver,
            exclude: set[str] | None = None) -> Resolved:
    out = Resolved()
    seen: set[str] = set(exclude or ())
    candidates: list[dict[str, Any]] = []
    for source in sources:
        for page in resolver.pages(source):
            for r in page:
                email = (r.get("email") or "").strip()
                key = email.lower()
                who = {"email": email, "contact_id": r.get("contact_id"), "pressbase_id": r.get("pressbase_id"),
                       "name": " ".join(p for p in (r.get("first_name"), r.get("last_name")) if p)}
                if not email or not _EMAIL.match(email):
                    out.left_out.append({**who, "reason": "invalid_address"})
                    continue
                if r.get("email_valid") is False:
                    out.left_out.append({**who, "reason": "marked_invalid"})
                    continue
                if key in seen:
                    out.left_out.append({**who, "reason": "duplicate"})
                    continue
                seen.add(key)
                rec = dict(r)
                rec["email"] = email.rpartition("@")[0] + "@" + email.rpartition("@")[2].lower()
                candidates.append(rec)
    blocked: dict[str, str] = {}
    emails = [c["email"] for c in candidates]
    for i in range(0, len(emails), 5000):
        blocked.update(suppressed(session, account_id, emails[i:i + 5000]))
    for rec in candidates:
        reason = blocked.get(rec["email"].lower())
        if reason:
            out.left_out.append({"email": rec["email"], "contact_id": rec.get("contact_id"),
                                 "pressbase_id": rec.get("pressbase_id"), "reason": reason,
                                 "name": " ".join(p for p in (rec.get("first_name"), rec.get("last_name")) if p)})
        else:
            out.recipients.append(rec)
    return out
