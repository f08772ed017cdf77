"""A production start refuses development or missing service secrets (tracking, DKIM key encryption, crm's mailbox
key), the ones each service's config.yml lists under REQUIRED_SECRETS."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from svckit.settings import ConfigurationError, check_required_secrets

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("PRESSROOM_ENV", "production")
    for name in ("TRACKING_SECRET", "DKIM_KEY_SECRET", "CRM_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_missing_and_development_secrets_refuse_a_production_start(production):
    config = {"REQUIRED_SECRETS": ["TRACKING_SECRET", "DKIM_KEY_SECRET"]}
    with pytest.raises(ConfigurationError, match="TRACKING_SECRET is not set"):
        check_required_secrets(config)
    production.setenv("TRACKING_SECRET", "dev-only-dispatch-secret-change-me")
    with pytest.raises(ConfigurationError, match="TRACKING_SECRET is the development default"):
        check_required_secrets(config)
    production.setenv("TRACKING_SECRET", "9f1c2d3e4b5a69788796a5b4c3d2e1f0")
    with pytest.raises(ConfigurationError, match="DKIM_KEY_SECRET is not set"):
        check_required_secrets(config)
    production.setenv("DKIM_KEY_SECRET", "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    check_required_secrets(config)


def test_development_starts_with_the_defaults(monkeypatch):
    monkeypatch.setenv("PRESSROOM_ENV", "development")
    check_required_secrets({"REQUIRED_SECRETS": ["CRM_SECRET_KEY"]})


@pytest.mark.parametrize("service, names", [("dispatch", {"TRACKING_SECRET", "DKIM_KEY_SECRET"}),
                                            ("crm", {"CRM_SECRET_KEY"})])
def test_services_declare_their_secrets(service, names):
    lines = (ROOT / "services" / service / "config.yml").read_text().splitlines()
    declared = yaml.safe_load(next(line for line in lines if line.startswith("REQUIRED_SECRETS:")))
    assert names <= set(declared["REQUIRED_SECRETS"])
