"""dispatch.domain.alignment: the return-path host and the DMARC record read as receivers read it."""

from __future__ import annotations

from dispatch.domain import alignment


def test_return_path_host_and_its_domain():
    assert alignment.return_path_host("Presse.ACME.example.") == "bounce.presse.acme.example"
    assert alignment.domain_of_host("bounce.acme.example") == "acme.example"
    assert alignment.domain_of_host("BOUNCE.acme.example.") == "acme.example"
    assert alignment.domain_of_host("bounces.acme.example") is None
    assert alignment.domain_of_host("bounce.example") is None   # no sender domain is a bare TLD
    rec = alignment.return_path_record("acme.example", "Bounces.Pressroom.test")
    assert (rec["type"], rec["name"], rec["value"], rec["required"]) == ("CNAME", "bounce.acme.example",
                                                                         "bounces.pressroom.test", False)


def test_only_a_checked_cname_aligns():
    assert alignment.aligned_return_path("acme.example", {"return_path": {"ok": True}}) == "bounce.acme.example"
    assert alignment.aligned_return_path("acme.example", {"return_path": {"ok": False}}) is None
    assert alignment.aligned_return_path("acme.example", {}) is None
    assert alignment.aligned_return_path("acme.example", None) is None


def test_dmarc_record_parsed():
    assert alignment.parse_dmarc(["v=spf1 -all"]) == {"policy": None, "subdomain_policy": None, "pct": None,
                                                      "rua": []}
    got = alignment.parse_dmarc(["v=DMARC1; p=Quarantine; sp=reject; pct=50; rua=mailto:a@x.example, mailto:b@y"])
    assert got == {"policy": "quarantine", "subdomain_policy": "reject", "pct": 50,
                   "rua": ["mailto:a@x.example", "mailto:b@y"]}
    assert alignment.parse_dmarc(["v=DMARC1; p=bogus; pct=x"])["policy"] == "none"   # RFC 7489: treat as none
    assert alignment.parse_dmarc(["v=DMARC1; p=bogus; pct=x"])["pct"] == 100


def test_explanation_in_both_languages():
    for policy in (None, "none", "quarantine", "reject"):
        texts = alignment.dmarc_explanation(policy, [], False)
        assert all(t.de and t.en and t.de != t.en for t in texts)
    assert len(alignment.dmarc_explanation("reject", ["mailto:a@x"], True)) == 2
    assert len(alignment.dmarc_explanation("reject", [], True)) == 3   # no rua: no reports
    assert "ausgerichtet" in alignment.dmarc_explanation("none", ["mailto:a@x"], True)[1].de
