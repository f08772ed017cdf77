"""pytest fixtures of the crm tests (imported by services/crm/tests and tests/crm conftests): the real crm
service on the run's broker and database, a tenant with clients of every right, real events from other services."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest

from svckit.principal import Principal


@dataclass
class Tenant:
    """Account A: full access to client ``full``, read-only ``read``; ``hidden`` exists but is not visible.
    Account B is someone else entirely."""

    account: str
    full: str
    read: str
    hidden: str
    other_account: str
    other_client: str

    def user(self, lang: str = "de", roles=("user",), **clients) -> Principal:
        return Principal(kind="user", account_id=self.account, user_id=str(uuid.uuid4()), roles=tuple(roles),
                         clients=clients or {self.full: "full", self.read: "read"}, lang=lang)

    def admin(self) -> Principal:
        return self.user(roles=("administrator",))

    def all_access(self) -> Principal:
        """A user who sees every client of account A (to create data in all of them)."""
        return self.user(**{self.full: "full", self.read: "full", self.hidden: "full"})

    def stranger(self) -> Principal:
        return Principal(kind="user", account_id=self.other_account, user_id=str(uuid.uuid4()), roles=("user",),
                         clients={self.other_client: "full"})

    def system(self) -> Principal:
        return Principal.system("dispatch", account_id=self.account)


@pytest.fixture
def tenant() -> Tenant:
    ids = [str(uuid.uuid4()) for _ in range(6)]
    return Tenant(*ids)


@pytest.fixture
def crm_dirs(tmp_path, monkeypatch):
    storage, spool = tmp_path / "storage", tmp_path / "spool"
    storage.mkdir()
    spool.mkdir()
    monkeypatch.setenv("CRM_STORAGE_DIR", str(storage))
    monkeypatch.setenv("UPLOAD_DIR", str(spool))
    return {"storage": storage, "spool": spool}


@pytest.fixture
def crm_service(run_services, crm_dirs):
    from crm.service import CrmService

    return run_services(CrmService, config={"CRM_STORAGE_DIR": str(crm_dirs["storage"]),
                                            "UPLOAD_DIR": str(crm_dirs["spool"]),
                                            "CRM_SECRET_KEY": "test-only-crm-secret-key", "CRM_JOB_POLL": 0.2,
                                            # a service whose queue exists but that is not running in this test
                                            # (another test started it on the run's vhost) times out quickly
                                            "CRM_EXPORT_RPC_TIMEOUT": 3})


@pytest.fixture
def crm_db(databases):
    return databases.engine("crm")


def wait_for(check, timeout: float = 20.0, what: str = "condition"):
    """Poll until ``check()`` is truthy (events and jobs are asynchronous); fail with a message after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def publish(amqp_uri):
    """``publish("dispatch", "recipient_bounced", payload)``: a real nameko event from another service."""
    from nameko.standalone.events import event_dispatcher

    def send(service: str, event_type: str, payload: dict) -> None:
        dispatch = event_dispatcher({"AMQP_URI": amqp_uri, "serializer": "json"})
        dispatch(service, event_type, payload)

    return send


@pytest.fixture
def api(crm_service, gateway):
    """``api(principal)``: a falcon TestClient of the real gateway acting as ``principal`` against the real crm."""
    from gateway_testing import ActAs

    def make(principal):
        return gateway(extra_middleware=[ActAs(principal)])

    return make


def wait_job(client, job: dict, timeout: float = 60.0) -> dict:
    """Poll a job through the API until it is done or failed."""
    def finished():
        body = client.simulate_get(f"/api/v1/crm/jobs/{job['id']}").json
        return body if body.get("state") in ("done", "failed") else None
    return wait_for(finished, timeout=timeout, what=f"job {job['id']}")
