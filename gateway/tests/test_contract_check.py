"""The contract check of the ``gateway`` fixture can fail: an answer that drifts from the generated document (a
field of another type, a missing field, an undeclared one, an undocumented status or content type) fails the test
with a message naming the operation and the field. The crm is a recording fake here: what is under test is the
check, not the service."""

from __future__ import annotations

import uuid

import pytest

from gateway.app import create_app
from gateway.settings import Settings
from gateway_testing import ActAs
from gateway_testing.contract import ContractClient, ContractViolation
from svckit.principal import Principal

ACCOUNT, CLIENT = str(uuid.uuid4()), str(uuid.uuid4())
NOW = "2026-12-07T08:00:00+00:00"


def contact(**changes):
    answer = {
        "id": str(uuid.uuid4()), "account_id": ACCOUNT, "client_id": CLIENT, "kind": "person", "gender": "female",
        "title": "", "first_name": "Anna", "last_name": "Muster", "org_name": "", "org_type": None,
        "organisation_id": None, "organisation": "", "position": "", "department": "", "street": "",
        "address_extra": "", "postal_code": "", "city": "", "country": "DE", "language": "de", "informal": False,
        "salutation": "Frau", "letter_salutation": "Sehr geehrte Frau Muster,", "letter_salutation_override": None,
        "notes": "", "legal_basis": "legitimate_interest", "data_source": "", "informed_at": None,
        "emails": [{"email": "a@x.example", "label": "", "primary": True, "state": "valid", "invalid_reason": None,
                    "invalid_at": None}],
        "phones": [], "tags": [], "custom": {}, "source_kind": "manual", "pressbase_id": None,
        "pressbase_changes": False, "created_at": NOW, "created_by": None, "updated_at": NOW, "updated_by": None}
    answer.update(changes)
    return answer


class FakeRpc:
    """Answers every call with ``answer`` (or raises it)."""

    def __init__(self):
        self.answer = None

    def call(self, service, method, *args, **kwargs):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def close(self):
        pass


@pytest.fixture
def api():
    rpc = FakeRpc()
    settings = Settings(amqp_uri="amqp://guest:guest@127.0.0.1:1/")
    principal = Principal(kind="user", account_id=ACCOUNT, user_id=str(uuid.uuid4()), roles=("user",),
                          clients={CLIENT: "write"})
    return rpc, ContractClient(create_app(rpc, settings, extra_middleware=[ActAs(principal)]))


def test_a_conforming_answer_passes(api):
    rpc, client = api
    rpc.answer = contact()
    assert client.simulate_get(f"/api/v1/crm/contacts/{uuid.uuid4()}").status_code == 200


@pytest.mark.parametrize("drift, named", [
    ({"informal": "no"}, "informal: 'no' is not of type 'boolean'"),
    ({"emails": [{"email": "a@x.example"}]}, "emails/0: 'label' is a required property"),
    ({"phones": None}, "phones: None is not of type 'array'"),
    ({"secret": "x"}, "Additional properties are not allowed ('secret' was unexpected)"),
])
def test_a_drifting_answer_fails_naming_the_field(api, drift, named):
    rpc, client = api
    rpc.answer = contact(**drift)
    with pytest.raises(ContractViolation) as failure:
        client.simulate_get(f"/api/v1/crm/contacts/{uuid.uuid4()}")
    message = str(failure.value)
    assert message.startswith("GET /api/v1/crm/contacts/{contact_id} (")
    assert "answered 200: the body does not match the document" in message
    assert named in message


def test_an_undocumented_status_or_content_type_fails(api):
    rpc, client = api
    rpc.answer = {"token": "0" * 32, "size": 1, "filename": "a.txt", "content_type": "text/plain"}
    # a download is documented as application/octet-stream ... the spool entry is not there: the gateway answers 500
    with pytest.raises(ContractViolation, match="answered 500: status not documented"):
        client.simulate_get(f"/api/v1/crm/media/files/{uuid.uuid4()}/content")


def test_problem_answers_are_checked_too(api):
    from svckit.errors import Conflict

    rpc, client = api
    rpc.answer = Conflict()
    # documented: 409 on applying pressbase changes
    assert client.simulate_post(f"/api/v1/crm/contacts/{uuid.uuid4()}/pressbase-changes/apply",
                                headers={"X-Requested-With": "x"}).status_code == 409
    # not documented: 409 on reading a contact
    with pytest.raises(ContractViolation, match="status not documented"):
        client.simulate_get(f"/api/v1/crm/contacts/{uuid.uuid4()}")


def test_a_content_type_the_document_does_not_name_fails(api):
    from falcon import testing

    _rpc, client = api
    wrong = testing.Result([b"id: 1"], "200 OK", [("content-type", "text/plain; charset=utf-8")])
    with pytest.raises(ContractViolation, match="content type 'text/plain' not documented"):
        client.contract.check("GET", f"/api/v1/crm/contacts/{uuid.uuid4()}", {}, wrong)
    unknown = testing.Result([b"{}"], "200 OK", [("content-type", "application/json")])
    with pytest.raises(ContractViolation, match="no such operation"):
        client.contract.check("GET", "/api/v1/crm/nowhere", {}, unknown)
