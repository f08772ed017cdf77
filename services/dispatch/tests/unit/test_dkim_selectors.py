"""New DKIM selectors for a rotation never clash with the domain's existing keys."""

from __future__ import annotations

import calendar

from dispatch.domain.dkim import selectors

DEC_2026 = calendar.timegm((2026, 12, 7, 4, 0, 0))


def test_selectors_name_the_month_and_avoid_taken_ones():
    assert selectors(DEC_2026) == ("pr202612r", "pr202612e")
    assert selectors(DEC_2026, {"pr202612r", "pr202612e"}) == ("pr202612br", "pr202612be")
    assert selectors(DEC_2026, {"pr202612r", "pr202612e", "PR202612BR", "pr202612be"}) == ("pr202612cr",
                                                                                           "pr202612ce")
    assert selectors(DEC_2026, {"pr202612e"}) == ("pr202612br", "pr202612be")   # both of a pair are free
    assert selectors(DEC_2026, {"pr202611r", "pr202611e"}) == ("pr202612r", "pr202612e")
