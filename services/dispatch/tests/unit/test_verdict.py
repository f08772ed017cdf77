"""The pre-send verdict's rules (dispatch.domain.verdict): one test per rule, and the light as the worst reason."""

from dataclasses import replace

from dispatch.domain import verdict as v

GOOD = v.Inputs(domain="presse.example", dkim_ok=True, allow_unverified=False, return_path="bounces.pressroom.local",
                spf_aligned=False, dmarc_ok=True, one_click_unsubscribe=True, sent=10_000, complaints=2,
                recipients=500, suppressed=5)


def reason(inputs: v.Inputs, rule) -> tuple[str, str]:
    r = rule(inputs)
    assert r.message.de and r.message.en and r.message.de != r.message.en
    return r.code, r.light


def test_a_good_setup_is_green_with_every_rule_named():
    result = v.verdict(GOOD)
    assert result.light == v.GREEN and not result.refused and result.blocking() == []
    assert [r.code for r in result.reasons] == ["dkim_aligned", "spf_not_aligned", "dmarc_present",
                                                "one_click_unsubscribe", "complaint_rate", "suppressed_share"]


def test_dkim_unverified_domain_is_red_unless_the_administrator_allowed_it_then_amber():
    assert reason(GOOD, v.dkim) == ("dkim_aligned", v.GREEN)
    assert reason(replace(GOOD, dkim_ok=False), v.dkim) == ("unverified_domain", v.RED)
    assert reason(replace(GOOD, dkim_ok=False, allow_unverified=True), v.dkim) == ("unverified_domain", v.AMBER)
    assert "presse.example" in v.dkim(replace(GOOD, dkim_ok=False)).message.en
    refused = v.verdict(replace(GOOD, dkim_ok=False))
    assert refused.light == v.RED and refused.refused and [r.code for r in refused.blocking()] == ["unverified_domain"]


def test_spf_says_whether_it_is_aligned_and_warns_only_when_dkim_cannot_carry_dmarc():
    assert reason(replace(GOOD, spf_aligned=True, return_path="bounce.presse.example"), v.spf) == ("spf_aligned",
                                                                                                    v.GREEN)
    assert reason(GOOD, v.spf) == ("spf_not_aligned", v.GREEN)
    assert "bounces.pressroom.local" in v.spf(GOOD).message.de
    assert reason(replace(GOOD, dkim_ok=False, allow_unverified=True), v.spf) == ("spf_not_aligned", v.AMBER)


def test_dmarc_present_missing_or_not_yet_checked():
    assert reason(GOOD, v.dmarc) == ("dmarc_present", v.GREEN)
    assert reason(replace(GOOD, dmarc_ok=False), v.dmarc) == ("dmarc_missing", v.AMBER)
    assert reason(replace(GOOD, dmarc_ok=None), v.dmarc) == ("dmarc_unchecked", v.AMBER)
    assert v.verdict(replace(GOOD, dmarc_ok=False)).light == v.AMBER


def test_one_click_unsubscribe_missing_is_red():
    assert reason(GOOD, v.unsubscribe) == ("one_click_unsubscribe", v.GREEN)
    assert reason(replace(GOOD, one_click_unsubscribe=False), v.unsubscribe) == ("one_click_unsubscribe_missing",
                                                                                  v.RED)


def test_complaint_rate_green_below_0_1_amber_from_0_1_red_from_0_3_percent():
    assert reason(replace(GOOD, sent=0, complaints=0), v.complaint_rate) == ("complaint_rate", v.GREEN)
    assert reason(replace(GOOD, sent=1000, complaints=0), v.complaint_rate) == ("complaint_rate", v.GREEN)
    assert reason(replace(GOOD, sent=1000, complaints=1), v.complaint_rate) == ("complaint_rate_high", v.AMBER)
    assert reason(replace(GOOD, sent=1000, complaints=2), v.complaint_rate) == ("complaint_rate_high", v.AMBER)
    assert reason(replace(GOOD, sent=1000, complaints=3), v.complaint_rate) == ("complaint_rate_too_high", v.RED)
    high = v.complaint_rate(replace(GOOD, sent=1000, complaints=5))
    assert "0.5 %" in high.message.en and "0.5 %" in high.message.de
    assert v.verdict(replace(GOOD, sent=1000, complaints=3)).refused


def test_suppressed_share_of_the_chosen_addresses_amber_from_a_tenth():
    assert reason(replace(GOOD, recipients=0, suppressed=0), v.suppressed_share) == ("suppressed_share", v.GREEN)
    assert reason(replace(GOOD, recipients=91, suppressed=9), v.suppressed_share) == ("suppressed_share", v.GREEN)
    assert reason(replace(GOOD, recipients=90, suppressed=10), v.suppressed_share) == ("suppressed_share_high",
                                                                                       v.AMBER)
    assert "10 %" in v.suppressed_share(replace(GOOD, recipients=90, suppressed=10)).message.en


def test_the_light_is_the_worst_reason():
    assert v.verdict(replace(GOOD, dmarc_ok=False, sent=1000, complaints=3)).light == v.RED
    assert v.verdict(replace(GOOD, dmarc_ok=False, recipients=1, suppressed=1)).light == v.AMBER
