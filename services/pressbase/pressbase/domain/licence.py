"""What an account may see and do in the pressbase, derived from billing's entitlements.

- DACH is the base dataset; PLUS (extra records and extra fields) counts only together with DACH.
- World and Forward Features (editorial calendars) are never available in the starting phase, whatever else the
  entitlements say; the Excel export needs the export add-on and is never available in the starting phase either.
- An ended subscription sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from svckit.entitlements import DACH, PLUS, STARTING, WORLD, Entitlements
from svckit.errors import Forbidden
from svckit.i18n import Text

from ..i18n import _

EXPORT_NOT_LICENSED = _("The Excel export needs the \"pressbase export\" add-on.")
EXPORT_NOT_IN_STARTING_PHASE = _("The Excel export is not available in the starting phase.")
FORWARD_FEATURES_NOT_LICENSED = _("Editorial calendars (forward features) are not part of your subscription.")
FORWARD_FEATURES_NOT_IN_STARTING_PHASE = _("Editorial calendars (forward features) are not available in the starting "
                                           "phase.")
NOTHING_LICENSED = _("Your subscription does not (or no longer) include pressbase data.")


@dataclass(frozen=True)
class Licence:
    account_id: str
    phase: str
    datasets: tuple[str, ...]          # visible now, in a stable order
    forward_features: bool
    export: bool
    reason_no_export: Text | None
    reason_no_forward_features: Text | None

    @property
    def plus_fields(self) -> bool:
        return PLUS in self.datasets

    def sees(self, dataset: str) -> bool:
        return dataset in self.datasets

    def require_export(self) -> None:
        if not self.export:
            raise Forbidden(self.reason_no_export or EXPORT_NOT_LICENSED, reason="pressbase_export_not_licensed")

    def require_forward_features(self) -> None:
        if not self.forward_features:
            raise Forbidden(self.reason_no_forward_features or FORWARD_FEATURES_NOT_LICENSED,
                            reason="forward_features_not_licensed")

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """What the account may see and do; with ``lang`` also why not (the texts the refusals carry), so a client
        can say so before anyone asks."""
        data = {"phase": self.phase, "datasets": list(self.datasets), "forward_features": self.forward_features,
                "export": self.export, "plus_fields": self.plus_fields}
        if lang is not None:
            data["reasons"] = {
                "export": None if self.export else (self.reason_no_export or EXPORT_NOT_LICENSED).pick(lang),
                "forward_features": None if self.forward_features
                else (self.reason_no_forward_features or FORWARD_FEATURES_NOT_LICENSED).pick(lang)}
        return data


def licence_for(ent: Entitlements) -> Licence:
    if not ent.usable:
        return Licence(ent.account_id, ent.phase, (), False, False, NOTHING_LICENSED, NOTHING_LICENSED)
    starting = ent.phase == STARTING
    licensed = set(ent.datasets)
    datasets: list[str] = []
    if DACH in licensed:
        datasets.append(DACH)
        if PLUS in licensed:
            datasets.append(PLUS)
    if WORLD in licensed and not starting:
        datasets.append(WORLD)

    if starting:
        no_ff = FORWARD_FEATURES_NOT_IN_STARTING_PHASE
    elif not ent.forward_features:
        no_ff = FORWARD_FEATURES_NOT_LICENSED
    else:
        no_ff = None
    if starting:
        no_export = EXPORT_NOT_IN_STARTING_PHASE
    elif not ent.pressbase_export:
        no_export = EXPORT_NOT_LICENSED
    else:
        no_export = None
    return Licence(ent.account_id, ent.phase, tuple(datasets), no_ff is None, no_export is None, no_export, no_ff)
