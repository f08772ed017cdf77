"""What an account may do, from its subscription on a given day (published as ``entitlements_changed``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from svckit.entitlements import DACH, PLUS, STARTING, WORLD, Entitlements

from .catalogue import Catalogue
from .lifecycle import Status
from .plan import PlanEntry, plan_at, scheduled


def compute(cat: Catalogue, account_id: str, status: Status, entries: list[PlanEntry], day: date,
            version: int = 0) -> Entitlements:
    """Starting phase: at most 100 recipients per mailing, no pressbase export, no Forward Features DACH, no
    pressbase World; otherwise what the plan holds. After the end the phase says ``ended`` (nothing is usable)."""
    phase = status.phase(day)
    plan = plan_at(entries, day)
    starting = status.in_starting_phase(day)
    datasets = []
    if "pressbase_dach" in plan.addons:
        datasets.append(DACH)
    if "pressbase_plus" in plan.addons and "pressbase_dach" in plan.addons:
        datasets.append(PLUS)
    if "pressbase_world" in plan.addons and not starting:
        datasets.append(WORLD)
    extra: dict[str, Any] = {
        "starting_phase": starting,
        "premium_contracting": "premium_contracting" in plan.addons,
        "scheduled": [{"valid_from": e.valid_from.isoformat(), **e.plan.to_dict()} for e in scheduled(entries, day)],
    }
    return Entitlements(
        account_id=str(account_id), version=version, phase=phase, seats=plan.seats, datasets=tuple(datasets),
        forward_features=("forward_features" in plan.addons) and not starting,
        pressbase_export=("pressbase_export" in plan.addons) and not starting,
        premium_dispatch="premium_dispatch" in plan.addons,
        premium_support="premium_support" in plan.addons,
        max_recipients_per_mailing=cat.starting_phase_max_recipients if (starting or phase == STARTING) else None,
        storage_included_bytes=cat.storage_included_bytes,
        term_end=status.term_end(day).isoformat(),
        extra=extra,
    )


def comparable(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without its version: two computations that give the same are the same entitlements."""
    return {k: v for k, v in payload.items() if k != "version"}
