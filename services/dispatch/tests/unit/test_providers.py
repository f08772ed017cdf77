"""Recipient domains to receiving providers (the mailing report's per-provider figures)."""

from dispatch.domain.providers import PROVIDERS, by_provider, provider_of


def test_each_provider_is_known_by_its_domains_and_everything_else_is_other():
    assert provider_of("gmail.com") == provider_of("GoogleMail.com.") == "gmail"
    assert provider_of("hotmail.de") == provider_of("outlook.com") == provider_of("live.com") == "outlook"
    assert provider_of("web.de") == provider_of("gmx.net") == provider_of("gmx.at") == "gmx_webde"
    assert provider_of("t-online.de") == "t_online"
    assert provider_of("yahoo.de") == provider_of("aol.com") == "yahoo"
    assert provider_of("redaktion.example") == provider_of("mail.gmail.com.evil.example") == "other"
    assert provider_of("gmail.com.example") == provider_of("") == provider_of(None) == "other"
    assert provider_of("Anna.Muster@Web.DE") == "gmx_webde"      # a whole address: the domain counts


def test_per_domain_rows_are_summed_per_provider_in_report_order():
    rows = [{"domain": "web.de", "delivered": 3, "bounced": 1},
            {"domain": "zeit.de", "delivered": 2, "bounced": 0},
            {"domain": "gmx.de", "delivered": 1, "bounced": 2},
            {"domain": "gmail.com", "delivered": 5, "bounced": None}]
    assert by_provider(rows, ("delivered", "bounced")) == [
        {"provider": "gmail", "delivered": 5, "bounced": 0},
        {"provider": "gmx_webde", "delivered": 4, "bounced": 3},
        {"provider": "other", "delivered": 2, "bounced": 0},
    ]
    assert PROVIDERS[-1] == "other" and len(PROVIDERS) == 6
