"""The language on screen (``?lang=``) is the language services answer in, also for a logged-in user whose saved
language differs (just switched, not saved yet); without ``?lang=`` the user's saved language applies."""

import falcon
import falcon.testing

from gateway.auth import Authentication
from gateway.middleware import RequestContext

ANSWER = {"principal": {"kind": "user", "account_id": "a1", "user_id": "u1", "lang": "de", "session_id": "s1"},
          "restrictions": [], "cache_seconds": 0}


class FakeRpc:
    def call(self, service, method, *args, **kwargs):
        assert (service, method) == ("identity", "authenticate")
        return ANSWER


def authenticate(query: str = "") -> falcon.Request:
    req = falcon.testing.create_req(path="/api/v1/pressbase/reference", query_string=query,
                                    headers={"Authorization": "Bearer some-session-token"})
    resp = falcon.Response()
    RequestContext().process_request(req, resp)
    Authentication(FakeRpc()).process_request(req, resp)
    return req


def test_lang_parameter_decides_the_principals_language():
    req = authenticate("lang=en")
    assert req.context.principal.user_id == "u1"
    assert req.context.principal.lang == "en" and req.context.lang == "en"


def test_without_lang_the_saved_language_applies():
    req = authenticate()
    assert req.context.principal.lang == "de" and req.context.lang == "de"
