"""The golden table: scenarios with exact invoice lines and totals, worked out by hand (see the comments).

Prices (catalogue.json, EUR net per month): 1 user 49.00, 5 users 199.00, 10 users 349.00, 20 users 599.00,
pressbase DACH 150.00, pressbase World 250.00; a quarter is 3 months; VAT 19 %.
Pro rata = quarterly price × days used ÷ days in that quarter, rounded half up to whole cents.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.domain import catalogue, pricing
from billing.domain.lifecycle import Status
from billing.domain.plan import Plan
from billing.domain.rights import compute
from billing.domain.subscription import new_subscription
from billing.domain.tax import treatment_for
from svckit.errors import Conflict

CAT = catalogue.load()
DE = treatment_for("DE", None, CAT.vat_rate)
D = date


def issue_all(sub, today):
    """Every quarterly invoice due up to ``today``: {due date: lines}; returns the state after them too."""
    issued = {}
    for due in sub.quarterly_due(today):
        issued[due] = sub.quarterly_lines(CAT, due)
        sub = sub.invoiced(due)
    return sub, issued


def brief(lines):
    return [(line.code, line.period_from, line.period_to, line.amount_cents) for line in lines]


def total(lines, treatment=DE):
    t = pricing.totals(lines, treatment)
    return t.net_cents, t.tax_cents, t.gross_cents


# --- first invoices: start on a quarter boundary, mid-quarter, 31 December, leap year --------------------------------

def test_mid_quarter_start_10_february():
    # starting phase 10-24 Feb; regular from 25 Feb; first invoice 1 Apr: 25 Feb-31 Mar pro rata (35 of 90 days)
    # plus Q2 in advance. 10 users: 1,047.00/quarter -> 1047.00 * 35 / 90 = 407.1666.. -> 407.17;
    # DACH 450.00 * 35 / 90 = 175.00.
    sub = new_subscription("a", D(2027, 2, 10), Plan(10, frozenset({"pressbase_dach"})))
    assert sub.quarterly_due(D(2027, 3, 31)) == []
    _, issued = issue_all(sub, D(2027, 4, 1))
    assert list(issued) == [D(2027, 4, 1)]
    lines = issued[D(2027, 4, 1)]
    assert brief(lines) == [
        ("tier", D(2027, 2, 25), D(2027, 3, 31), 40717),
        ("pressbase_dach", D(2027, 2, 25), D(2027, 3, 31), 17500),
        ("tier", D(2027, 4, 1), D(2027, 6, 30), 104700),
        ("pressbase_dach", D(2027, 4, 1), D(2027, 6, 30), 45000),
    ]
    assert lines[0].detail.de == "anteilig 35/90 Tage von 1.047,00 € je Quartal"
    assert lines[0].detail.en == "pro rata 35/90 days of €1,047.00 per quarter"
    assert total(lines) == (207917, 39504, 247421)  # VAT 2,079.17 * 19 % = 395.0423 -> 395.04


def test_start_on_a_quarter_boundary():
    # 1 Apr: starting phase 1-15 Apr, regular from 16 Apr; first invoice 1 Jul: 16 Apr-30 Jun (76 of 91 days) + Q3.
    # 1 user 147.00/quarter: 147.00 * 76 / 91 = 122.769.. -> 122.77
    sub = new_subscription("a", D(2027, 4, 1), Plan(1))
    _, issued = issue_all(sub, D(2027, 7, 1))
    lines = issued[D(2027, 7, 1)]
    assert brief(lines) == [("tier", D(2027, 4, 16), D(2027, 6, 30), 12277),
                            ("tier", D(2027, 7, 1), D(2027, 9, 30), 14700)]
    assert total(lines) == (26977, 5126, 32103)  # 269.77 * 19 % = 51.2563 -> 51.26


def test_starting_phase_ending_on_the_last_day_of_a_quarter_bills_just_the_next_quarter():
    sub = new_subscription("a", D(2027, 3, 17), Plan(5))  # starting phase 17-31 Mar
    _, issued = issue_all(sub, D(2027, 4, 1))
    assert brief(issued[D(2027, 4, 1)]) == [("tier", D(2027, 4, 1), D(2027, 6, 30), 59700)]
    assert total(issued[D(2027, 4, 1)]) == (59700, 11343, 71043)


def test_start_on_31_december_into_a_leap_year():
    # starting phase 31 Dec 2027-14 Jan 2028; regular from 15 Jan 2028; no invoice on 1 Jan 2028; first on 1 Apr 2028:
    # 15 Jan-31 Mar 2028 = 77 of 91 days (Q1 2028 has 29 February): 1047.00 * 77 / 91 = 885.923.. -> 885.92
    sub = new_subscription("a", D(2027, 12, 31), Plan(10))
    assert sub.quarterly_due(D(2028, 3, 31)) == []
    _, issued = issue_all(sub, D(2028, 4, 1))
    lines = issued[D(2028, 4, 1)]
    assert brief(lines) == [("tier", D(2028, 1, 15), D(2028, 3, 31), 88592),
                            ("tier", D(2028, 4, 1), D(2028, 6, 30), 104700)]
    assert lines[0].detail.de.startswith("anteilig 77/91 Tage")
    assert total(lines) == (193292, 36725, 230017)  # 1,932.92 * 19 % = 367.2548 -> 367.25
    assert Status(D(2027, 12, 31)).term_end(D(2028, 1, 20)) == D(2028, 12, 31)


# --- the starting phase: cancelled on day 15 vs on day 16 ------------------------------------------------------------

def test_cancelled_on_day_15_is_free_and_ends_that_day():
    sub = new_subscription("a", D(2027, 2, 10), Plan(10)).cancel(D(2027, 2, 24))
    assert sub.ends_on == D(2027, 2, 24)
    assert sub.status.phase(D(2027, 2, 24)) == "cancelled"
    assert sub.status.phase(D(2027, 2, 25)) == "ended"
    assert sub.status.purge_on() == D(2027, 3, 24)
    _, issued = issue_all(sub, D(2028, 12, 31))
    assert issued == {}
    assert sub.status.usage_due_months(D(2028, 1, 1)) == []
    with pytest.raises(Conflict):  # ends at once: nothing to revoke
        sub.revoke_cancellation(D(2027, 2, 24))


def test_cancelled_on_day_16_runs_and_is_invoiced_to_31_december():
    sub = new_subscription("a", D(2027, 2, 10), Plan(10)).cancel(D(2027, 2, 25))
    assert sub.ends_on == D(2027, 12, 31)
    assert sub.status.phase(D(2027, 6, 1)) == "cancelled"
    _, issued = issue_all(sub, D(2028, 6, 30))
    assert list(issued) == [D(2027, 4, 1), D(2027, 7, 1), D(2027, 10, 1)]
    assert total(issued[D(2027, 4, 1)]) == (40717 + 104700, 27629, 173046)  # 1,454.17 * 19 % = 276.2923 -> 276.29
    assert brief(issued[D(2027, 10, 1)]) == [("tier", D(2027, 10, 1), D(2027, 12, 31), 104700)]
    assert sub.status.purge_on() == D(2028, 1, 28)


# --- notice: 30 September vs 1 October, revoked, starting phase ending after 30 September ---------------------------

@pytest.mark.parametrize("received,ends_on,last_invoice", [
    (D(2027, 9, 30), D(2027, 12, 31), D(2027, 10, 1)),
    (D(2027, 10, 1), D(2028, 12, 31), D(2028, 10, 1)),
])
def test_notice_30_september_vs_1_october(received, ends_on, last_invoice):
    sub = new_subscription("a", D(2027, 1, 4), Plan(1)).cancel(received)
    assert sub.ends_on == ends_on
    _, issued = issue_all(sub, D(2029, 6, 1))
    assert max(issued) == last_invoice
    assert brief(issued[last_invoice]) == [("tier", last_invoice, D(last_invoice.year, 12, 31), 14700)]


def test_cancellation_revoked_keeps_the_subscription_renewing():
    sub = new_subscription("a", D(2027, 1, 4), Plan(1)).cancel(D(2027, 3, 1))
    assert sub.status.can_revoke(D(2027, 12, 31)) and not sub.status.can_revoke(D(2028, 1, 1))
    sub = sub.revoke_cancellation(D(2027, 6, 1))
    assert sub.ends_on is None and sub.cancelled_on is None
    _, issued = issue_all(sub, D(2028, 1, 1))
    assert D(2028, 1, 1) in issued
    assert total(issued[D(2028, 1, 1)]) == (14700, 2793, 17493)
    assert sub.renewal_due(D(2028, 1, 1)) == [2028]


def test_starting_phase_ending_after_30_september_cancelled_ends_the_following_year():
    sub = new_subscription("a", D(2027, 10, 10), Plan(1))  # regular from 25 Oct 2027
    assert sub.cancel(D(2027, 10, 25)).ends_on == D(2028, 12, 31)
    assert sub.cancel(D(2027, 11, 1)).ends_on == D(2028, 12, 31)
    assert sub.cancel(D(2027, 10, 24)).ends_on == D(2027, 10, 24)  # day 15: still the starting phase


# --- extension mid-quarter, reduction mid-year ----------------------------------------------------------------------

def test_extension_mid_quarter_invoices_the_rest_of_the_invoiced_period_at_once():
    # start 4 Jan 2027, regular from 19 Jan; 1 Apr invoiced 19 Jan-31 Mar and Q2. On 10 May: 10 -> 20 users and
    # pressbase World. Rest of the invoiced period: 10 May-30 Jun = 52 of 91 days.
    # seats: (599.00 - 349.00) * 3 = 750.00 * 52 / 91 = 428.5714.. -> 428.57; World 750.00 * 52 / 91 -> 428.57
    sub = new_subscription("a", D(2027, 1, 4), Plan(10, frozenset({"pressbase_dach"})))
    sub, issued = issue_all(sub, D(2027, 4, 1))
    assert sub.invoiced_through == D(2027, 6, 30)
    target = Plan(20, frozenset({"pressbase_dach", "pressbase_world"}))
    sub, lines = sub.change(CAT, target, D(2027, 5, 10))
    assert brief(lines) == [("tier", D(2027, 5, 10), D(2027, 6, 30), 42857),
                            ("pressbase_world", D(2027, 5, 10), D(2027, 6, 30), 42857)]
    assert lines[0].name.de == "Erweiterung auf 20 Named User (bisher 10)"
    assert total(lines) == (85714, 16286, 102000)  # 857.14 * 19 % = 162.8566 -> 162.86
    ent = compute(CAT, "a", sub.status, list(sub.entries), D(2027, 5, 10))
    assert ent.seats == 20 and "world" in ent.datasets
    # the next regular invoice has the extension in full
    sub, issued = issue_all(sub, D(2027, 7, 1))
    assert brief(issued[D(2027, 7, 1)]) == [
        ("tier", D(2027, 7, 1), D(2027, 9, 30), 179700),
        ("pressbase_dach", D(2027, 7, 1), D(2027, 9, 30), 45000),
        ("pressbase_world", D(2027, 7, 1), D(2027, 9, 30), 75000),
    ]


def test_extension_before_the_first_invoice_is_billed_in_it_by_segment():
    # start 10 Feb, regular 25 Feb; on 10 Mar (regular, not yet invoiced) 1 -> 5 users: no immediate invoice; the
    # first invoice bills 25 Feb-9 Mar at 1 user (13/90 of 147.00 = 21.23) and 10-31 Mar at 5 users (22/90 of 597.00
    # = 145.933.. -> 145.93)
    sub = new_subscription("a", D(2027, 2, 10), Plan(1))
    sub, lines = sub.change(CAT, Plan(5), D(2027, 3, 10))
    assert lines == []
    _, issued = issue_all(sub, D(2027, 4, 1))
    assert brief(issued[D(2027, 4, 1)]) == [
        ("tier", D(2027, 2, 25), D(2027, 3, 9), 2123),
        ("tier", D(2027, 3, 10), D(2027, 3, 31), 14593),
        ("tier", D(2027, 4, 1), D(2027, 6, 30), 59700),
    ]


def test_reduction_mid_year_takes_effect_on_1_january_and_is_shown_as_scheduled():
    sub = new_subscription("a", D(2027, 1, 4), Plan(20, frozenset({"pressbase_dach", "pressbase_world"})))
    sub, issued = issue_all(sub, D(2027, 4, 1))
    sub, lines = sub.change(CAT, Plan(10, frozenset({"pressbase_dach"})), D(2027, 6, 15))
    assert lines == []  # nothing to invoice for a reduction
    ent = compute(CAT, "a", sub.status, list(sub.entries), D(2027, 6, 15))
    assert ent.seats == 20 and "world" in ent.datasets
    assert ent.extra["scheduled"] == [{"valid_from": "2028-01-01", "seats": 10, "addons": ["pressbase_dach"]}]
    sub, issued = issue_all(sub, D(2028, 1, 1))
    assert total(issued[D(2027, 10, 1)])[0] == 179700 + 45000 + 75000
    assert brief(issued[D(2028, 1, 1)]) == [("tier", D(2028, 1, 1), D(2028, 3, 31), 104700),
                                            ("pressbase_dach", D(2028, 1, 1), D(2028, 3, 31), 45000)]
    ent = compute(CAT, "a", sub.status, list(sub.entries), D(2028, 1, 1))
    assert ent.seats == 10 and ent.datasets == ("dach",) and ent.extra["scheduled"] == []


def test_reduction_in_the_starting_phase_is_immediate():
    sub = new_subscription("a", D(2027, 2, 10), Plan(10, frozenset({"pressbase_dach"})))
    sub, _ = sub.change(CAT, Plan(5), D(2027, 2, 12))
    assert sub.plan(D(2027, 2, 12)) == Plan(5)


# --- usage ---------------------------------------------------------------------------------------------------------

def test_usage_invoice_with_storage_above_1_gb():
    # May 2027: 12,345 standard mails * 2.00 / 1000 = 24.69; 1,500 premium * 4.00 / 1000 = 6.00;
    # storage peak 3.5 GB: 2.5 GB above 1 GB included -> 3 started GB * 5.00 = 15.00
    lines = pricing.usage_lines(CAT, D(2027, 5, 1), 12345, 1500, int(3.5 * 1024 ** 3))
    assert brief(lines) == [("mails_standard", D(2027, 5, 1), D(2027, 5, 31), 2469),
                            ("mails_premium", D(2027, 5, 1), D(2027, 5, 31), 600),
                            ("storage", D(2027, 5, 1), D(2027, 5, 31), 1500)]
    assert lines[0].quantity == Decimal("12.345") and lines[0].unit_cents == 200
    assert lines[2].quantity == Decimal(3) and lines[2].unit_cents == 500
    assert total(lines) == (4569, 868, 5437)  # 45.69 * 19 % = 8.6811 -> 8.68
    assert pricing.usage_lines(CAT, D(2027, 5, 1), 0, 0, 1024 ** 3) == []  # exactly 1 GB: nothing


def test_usage_months_start_after_the_starting_phase_and_end_the_month_after_the_contract():
    sub = new_subscription("a", D(2027, 2, 10), Plan(1)).cancel(D(2027, 3, 1))  # ends 31 Dec 2027
    months = sub.status.usage_due_months(D(2028, 6, 1))
    assert months[0] == D(2027, 3, 1) and months[-1] == D(2028, 1, 1) and len(months) == 11


# --- tax -----------------------------------------------------------------------------------------------------------

def test_reverse_charge_for_an_eu_business_with_a_vat_id():
    lines = [pricing.Line("tier", pricing.tier_name(1), 14700)]
    at = treatment_for("AT", "ATU12345678", CAT.vat_rate)
    assert at.category == "AE" and "Steuerschuldnerschaft des Leistungsempfängers" in at.note.de
    assert total(lines, at) == (14700, 0, 14700)
    assert treatment_for("AT", None, CAT.vat_rate).category == "S"
    ch = treatment_for("CH", "CHE-123.456.789", CAT.vat_rate)
    assert ch.category == "O" and total(lines, ch) == (14700, 0, 14700)


def test_entitlements_in_the_starting_phase_are_limited():
    sub = new_subscription("a", D(2027, 2, 10), Plan(10, frozenset(
        {"pressbase_dach", "pressbase_world", "forward_features", "pressbase_export", "premium_dispatch"})))
    ent = compute(CAT, "a", sub.status, list(sub.entries), D(2027, 2, 24))
    assert (ent.phase, ent.max_recipients_per_mailing, ent.pressbase_export, ent.forward_features) == (
        "starting", 100, False, False)
    assert ent.datasets == ("dach",) and ent.premium_dispatch is True
    ent = compute(CAT, "a", sub.status, list(sub.entries), D(2027, 2, 25))
    assert (ent.phase, ent.max_recipients_per_mailing, ent.pressbase_export, ent.forward_features) == (
        "regular", None, True, True)
    assert ent.datasets == ("dach", "world") and ent.term_end == "2027-12-31"
