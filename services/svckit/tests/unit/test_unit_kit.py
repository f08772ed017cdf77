"""The fast unit layer's own kit (svckit_testing.fakes, svckit_testing.unit): fakes that behave like the wire, and
no broker while a unit kit is in use."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from kombu import Connection
from sqlalchemy import text

from svckit.errors import NotFound
from svckit.i18n import Text
from svckit_testing.fakes import FakeRpc, Missing, UnexpectedCall
from svckit_testing.unit import BrokerUsed


def test_fake_rpc_records_calls_as_they_travel_and_answers_through_the_serializer():
    crm = FakeRpc("crm").answer("get_contact", lambda contact_id: {"id": contact_id, "tags": ("a", "b")})
    contact_id = uuid.uuid4()
    answer = crm.get_contact(str(contact_id))
    assert answer == {"id": str(contact_id), "tags": ["a", "b"]}  # a tuple comes back as a list, as over the wire
    crm.answer("touch", None)
    crm.touch(("x", 1), when=datetime(2027, 1, 2, 3, 4, 5))
    assert crm.calls[0] == ("get_contact", (str(contact_id),), {})
    [(args, kwargs)] = crm.called("touch")
    assert args == (["x", 1],) and kwargs == {"when": datetime(2027, 1, 2, 3, 4, 5)}


def test_fake_rpc_raises_wire_errors_as_the_caller_gets_them_and_refuses_unconfigured_calls():
    crm = FakeRpc("crm").fail("get_contact", NotFound(Text("Weg.", "Gone."), fields={"contact_id": Text("x", "y")}))
    with pytest.raises(NotFound) as caught:
        crm.get_contact("1")
    assert caught.value.fields["contact_id"].en == "y" and caught.value.detail.de == "Weg."
    with pytest.raises(UnexpectedCall):
        crm.delete_everything()
    assert [name for name, _, _ in crm.calls] == ["get_contact", "delete_everything"]
    crm.answers("next_page", [1], [2], [])
    assert [crm.next_page(), crm.next_page(), crm.next_page(), crm.next_page()] == [[1], [2], [], []]
    assert crm.next_page.call_async().result() == []


def test_a_dependency_the_test_did_not_give_fails_loudly():
    storage = Missing("storage", "crm")
    with pytest.raises(UnexpectedCall, match="crm.storage"):
        storage.put(b"x")


def test_a_unit_test_cannot_reach_the_broker(unit):
    kit = unit("identity")
    with pytest.raises(BrokerUsed):
        Connection("amqp://guest:guest@127.0.0.1:5672//").connect()
    assert kit.session.execute(text("SELECT 1")).scalar() == 1  # the database is real
