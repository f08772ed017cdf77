"""Fixtures of dispatch's cross-service tests (identity, crm, dispatch and its sender, the gateway, the sink)."""

from __future__ import annotations

import pytest

from smtpsink.testing import smtp_sink  # noqa: F401  (until the root conftest registers smtpsink.testing)


@pytest.fixture
def crm_config(tmp_path, monkeypatch):
    storage, spool = tmp_path / "storage", tmp_path / "spool"
    storage.mkdir()
    spool.mkdir()
    monkeypatch.setenv("UPLOAD_DIR", str(spool))   # the gateway spools uploads where crm takes them
    return {"CRM_STORAGE_DIR": str(storage), "UPLOAD_DIR": str(spool), "CRM_SECRET_KEY": "test-only-crm-secret-key",
            "CRM_JOB_POLL": 0.2}


@pytest.fixture
def dispatch_config(smtp_sink):  # noqa: F811
    return {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.smtp_port, "SMTP_RECONCILE_URL": smtp_sink.web_url,
        "VERP_DOMAIN": "bounces.pressroom.test", "PUBLIC_BASE_URL": "https://press.example",
        "HOUSEKEEPING_INTERVAL": 0.2, "IDLE_SLEEP": 0.05, "RETRY_BACKOFF": "1,1,2",
        "MAIL_FROM": "no-reply@pressroom.test", "SMTP_CONNECTIONS": 4,
    }
