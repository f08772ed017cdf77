"""Every operation of the gateway's OpenAPI document, fuzzed against the real suite (see conftest.py): without a
login and as the administrator of a second account, no server error and every answer as documented (status, content
type, schema). The last test proves the check can fail: the same fuzzing finds each kind of deliberately broken
handler."""

from __future__ import annotations

import dataclasses
import re

import falcon
import pytest
from falcon import testing

from gateway.app import create_app
from gateway.resource import Resource
from gateway.routes import identity


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_every_operation_without_a_login(fuzz_suite, fuzz):
    report = fuzz(fuzz_suite.app)
    print(report)
    assert not report.failures, str(report)
    assert report.operations >= 200 and report.cases > 1000
    assert report.statuses.get(401, 0) > 500          # the operations that need a login refuse
    assert report.statuses.get(200, 0) > 0            # the public ones answer


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_every_operation_as_the_administrator_of_a_second_account(fuzz_suite, fuzz):
    report = fuzz(fuzz_suite.app, session=fuzz_suite.session, who="user", ids=fuzz_suite.ids)
    print(report, f"\n{fuzz_suite.session.logins} logins of the fuzz user")
    assert not report.failures, str(report)
    assert report.operations >= 200 and report.cases > 2000
    # the user really was logged in: the services answered, and not only with refusals
    assert sum(n for status, n in report.statuses.items() if 200 <= status < 300) > 100
    assert report.statuses.get(401, 0) < report.cases / 20


@pytest.mark.slow
def test_no_operation_reaches_an_object_of_the_first_account(fuzz_suite, fuzz):
    """The fuzz user puts the first account's ids (its account, client, users, contact, list, event, folder,
    domain, sender, mailing, selection) into every path that names such objects: never a 2xx, never a 5xx, and the
    objects are all still there afterwards."""
    first = fuzz_suite.first_ids
    report = fuzz(fuzz_suite.app, session=fuzz_suite.session, who="user", foreign_ids=first, max_coverage=0,
                  max_hostile=0, include=lambda op: bool(re.findall(r"{(\w+)}", op.path)) and all(
                      name in first for name in re.findall(r"{(\w+)}", op.path)))
    print(report)
    assert not report.failures, str(report)
    assert report.operations >= 50 and report.statuses.get(404, 0) > 100

    api = testing.TestClient(fuzz_suite.app, headers={"Authorization": f"Bearer {fuzz_suite.first_token}"})
    for path in ("/api/v1/clients/{client_id}", "/api/v1/users/{user_id}", "/api/v1/crm/contacts/{contact_id}",
                 "/api/v1/crm/lists/{list_id}", "/api/v1/crm/events/{event_id}",
                 "/api/v1/dispatch/mailings/{mailing_id}", "/api/v1/pressbase/selections/{selection_id}"):
        resp = api.simulate_get(path.format(**first))
        assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])


def _serve_with(monkeypatch, path: str, method: str, handler) -> None:
    """identity's route table with every row of ``path`` served by a resource whose only responder is ``handler``
    (the apps created afterwards use it; the OpenAPI document stays the same)."""
    custom = type("Replaced", (Resource,), {f"on_{method}": handler})
    rows = [dataclasses.replace(r, resource=custom) if r.path == path else r for r in identity.ROUTES]
    monkeypatch.setattr(identity, "ROUTES", rows)


def _raises(self, req, resp):
    raise RuntimeError("deliberately broken handler")


def _wrong_schema(self, req, resp):
    resp.media = {"id": 42, "email": None}


def _wrong_content_type(self, req, resp):
    resp.content_type = falcon.MEDIA_TEXT
    resp.text = "me"


def _undocumented_status(self, req, resp):
    resp.status = falcon.HTTP_418
    resp.media = {"id": "x", "email": "x@example.com"}


@pytest.mark.parametrize("broken, check, status", [
    (_raises, "ServerError", 500),
    (_wrong_schema, "JsonSchemaError", 200),
    (_wrong_content_type, "UndefinedContentType", 200),
    (_undocumented_status, "UndefinedStatusCode", 418),
])
def test_the_fuzzing_finds_a_broken_handler(fuzz_suite, fuzz, monkeypatch, broken, check, status):
    def only_me(operation):
        return operation.label == "GET /api/v1/me"

    sound = create_app(fuzz_suite.rpc, fuzz_suite.settings)
    report = fuzz(sound, session=fuzz_suite.session, who="user", include=only_me)
    assert report.operations == 1 and report.cases > 3 and not report.failures, str(report)

    _serve_with(monkeypatch, "/api/v1/me", "get", broken)
    report = fuzz(create_app(fuzz_suite.rpc, fuzz_suite.settings), session=fuzz_suite.session, who="user",
                  include=only_me)
    found = {(f.operation, f.check, f.status) for f in report.failures.values()}
    assert ("GET /api/v1/me", check, status) in found, str(report)


def test_the_fuzzing_finds_a_handler_that_shows_another_accounts_object(fuzz_suite, fuzz, monkeypatch):
    def leaks(self, req, resp, client_id):
        resp.media = {"id": client_id, "name": "Konzern", "description": "", "created_at": None, "right": "full"}

    _serve_with(monkeypatch, "/api/v1/clients/{client_id}", "get", leaks)
    report = fuzz(create_app(fuzz_suite.rpc, fuzz_suite.settings), session=fuzz_suite.session, who="user",
                  include=lambda op: op.label == "GET /api/v1/clients/{client_id}", foreign_ids=fuzz_suite.first_ids,
                  max_coverage=0, max_hostile=0)
    found = {(f.operation, f.check, f.status) for f in report.failures.values()}
    assert found == {("GET /api/v1/clients/{client_id}", "ForeignObjectReached", 200)}, str(report)

