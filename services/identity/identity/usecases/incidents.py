"""Incident notes for the public status page: operators post and resolve them (audited); anyone reads the open
ones and those resolved in the last days. Texts are kept in German and English (English falls back to German)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select

from svckit.errors import Conflict, NotFound
from svckit.principal import BACK_OFFICE, SUPPORT
from svckit.validation import parse_uuid

from ..db.models import Incident
from ..i18n import _
from ..work import Work
from .common import iso

NOT_FOUND = _("Incident note not found.")
ALREADY_RESOLVED = _("This incident is already resolved.")
PUBLIC_DAYS = 7  # resolved notes stay on the status page this long
PUBLIC_LIMIT = 20


def _text(value: dict | None) -> dict | None:
    if not value:
        return None
    return {"de": value["de"], "en": value.get("en") or value["de"]}


def incident_dict(incident: Incident) -> dict[str, Any]:
    return {"id": str(incident.id), "severity": incident.severity, "components": list(incident.components or []),
            "title": _text(incident.title), "body": _text(incident.body), "resolution": _text(incident.resolution),
            "created_at": iso(incident.created_at), "updated_at": iso(incident.updated_at),
            "resolved_at": iso(incident.resolved_at)}


def post_incident(work: Work, data: dict[str, Any]) -> dict[str, Any]:
    work.principal.require_operator(BACK_OFFICE, SUPPORT)
    incident = Incident(id=uuid.uuid4(), severity=data["severity"], components=sorted(set(data["components"])),
                        title=data["title"], body=data["body"], created_by=_operator_id(work),
                        created_at=work.now, updated_at=work.now)
    work.session.add(incident)
    work.audit("incident_posted", incident_id=str(incident.id), severity=incident.severity,
               title=data["title"]["de"][:200])
    work.commit()
    return incident_dict(incident)


def resolve_incident(work: Work, incident_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    work.principal.require_operator(BACK_OFFICE, SUPPORT)
    incident = work.session.execute(select(Incident).where(Incident.id == parse_uuid(incident_id, "incident_id"))
                               .with_for_update()).scalar_one_or_none()
    if incident is None:
        raise NotFound(NOT_FOUND, fields={"incident_id": NOT_FOUND})
    if incident.resolved_at is not None:
        raise Conflict(ALREADY_RESOLVED)
    incident.resolved_at = incident.updated_at = work.now
    incident.resolved_by = _operator_id(work)
    incident.resolution = data.get("resolution")
    work.audit("incident_resolved", incident_id=str(incident.id))
    work.commit()
    return incident_dict(incident)


def list_incidents(work: Work, filters: dict[str, Any]) -> dict[str, Any]:
    work.principal.require_operator(BACK_OFFICE, SUPPORT)
    q = select(Incident)
    if filters["state"] == "open":
        q = q.where(Incident.resolved_at.is_(None))
    elif filters["state"] == "resolved":
        q = q.where(Incident.resolved_at.is_not(None))
    rows = work.session.execute(q.order_by(Incident.created_at.desc()).limit(filters["limit"])).scalars().all()
    return {"incidents": [incident_dict(r) for r in rows]}


def public_status(work: Work) -> dict[str, Any]:
    """Anyone (the status page): open incidents and those resolved in the last PUBLIC_DAYS, newest first."""
    since = work.now - timedelta(days=PUBLIC_DAYS)
    rows = work.session.execute(
        select(Incident).where(or_(Incident.resolved_at.is_(None), Incident.resolved_at >= since))
        .order_by(Incident.created_at.desc()).limit(PUBLIC_LIMIT)).scalars().all()
    return {"incidents": [incident_dict(r) for r in rows]}


def _operator_id(work: Work) -> uuid.UUID | None:
    user_id = work.principal.user_id
    try:
        return uuid.UUID(str(user_id)) if user_id else None
    except ValueError:
        return None
