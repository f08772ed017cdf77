"""Every operation of the gateway's OpenAPI document, fuzzed against the real suite (see conftest.py): without a
login and as the administrator of a second account, no server error and every answer as documented (status, content
type, schema). The last test proves the check can fail: the same fuzzing finds each kind of deliberately broken
handler."""

from __future__ import annotations

import falcon
import pytest

from gateway.app import create_app
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

    monkeypatch.setattr(identity.Me, "on_get", broken)
    report = fuzz(create_app(fuzz_suite.rpc, fuzz_suite.settings), session=fuzz_suite.session, who="user",
                  include=only_me)
    found = {(f.operation, f.check, f.status) for f in report.failures.values()}
    assert ("GET /api/v1/me", check, status) in found, str(report)
