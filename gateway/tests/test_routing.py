"""gateway.routing: a route row becomes the RPC call it declares (arguments from path, body, query, language) and
the OpenAPI operation it documents. The RPC peer is a recording fake: what is under test is the translation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import falcon
import pytest
from falcon import testing
from pydantic import BaseModel

from gateway import errors
from gateway.middleware import RequestContext
from gateway.routing import Body, Const, Id, Lang, Page, Path, Query, QueryDict, Route, openapi, register, resources


class Thing(BaseModel):
    id: str
    name: str | None


class FakeRpc:
    def __init__(self, answer: Any = None):
        self.calls: list[tuple] = []
        self.answer = answer

    def call(self, service, method, *args, principal=None, request_id=None, timeout=None, **kwargs):
        self.calls.append((service, method, args, kwargs, timeout))
        return self.answer


@dataclass
class Deps:
    rpc: FakeRpc
    settings: Any = None


ROUTES = [
    Route("get", "/things/{thing_id}", "crm.list_things",
          args=(Id("thing_id"), Page(spread=True), Query("kind", kw="kind"), Lang(kw="lang")),
          response=list[Thing], tag="t"),
    Route("post", "/things/{thing_id}", "crm.change_thing", args=(Path("thing_id"), Body()), body=Thing,
          response=Thing, status=201, tag="t", timeout=7.0),
    Route("get", "/search", "crm.search",
          args=(QueryDict(Query("q"), Query("tag", list, dest="tags", split=True),
                          QueryDict(Query("n", int), dest="inner")), Query("flag", bool), Const(3)),
          response=Thing, tag="t", auth="public"),
    Route("delete", "/search", "crm.forget", status=204, tag="t", auth="public"),
]


@pytest.fixture
def api():
    rpc = FakeRpc({"id": "x", "name": None})
    app = falcon.App(middleware=[RequestContext()])
    errors.install(app)
    register(app, Deps(rpc), ROUTES)
    return rpc, testing.TestClient(app)


def test_arguments_come_from_path_query_and_language(api):
    rpc, client = api
    tid = str(uuid.uuid4())
    resp = client.simulate_get(f"/things/{tid}", params={"limit": "20", "cursor": "c1", "kind": "", "lang": "en"})
    assert resp.status_code == 200
    assert rpc.calls == [("crm", "list_things", (tid,), {"cursor": "c1", "limit": 20, "lang": "en"}, None)]


def test_body_status_and_timeout(api):
    rpc, client = api
    resp = client.simulate_post("/things/abc", json={"name": "n"})
    assert resp.status_code == 201 and resp.json == {"id": "x", "name": None}
    assert rpc.calls == [("crm", "change_thing", ("abc", {"name": "n"}), {}, 7.0)]
    bad = client.simulate_post("/things/abc", json=[1])
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "body"


def test_query_dicts_lists_and_positional_defaults(api):
    rpc, client = api
    client.simulate_get("/search", query_string="q=hi&tag=a,b&tag=c&n=5")
    client.simulate_get("/search", query_string="n=x&flag=true")
    assert rpc.calls[0][2] == ({"q": "hi", "tags": ["a", "b", "c"], "inner": {"n": 5}}, None, 3)
    assert rpc.calls[1][2] == ({"inner": {"n": "x"}}, "true", 3)   # not a number: the service names the field


def test_auth_becomes_the_resources_demands(api):
    rpc, client = api
    assert client.simulate_delete("/search").status_code == 204
    built = resources(Deps(FakeRpc()), ROUTES + [Route("post", "/pw", "identity.change_password", auth="session")])
    assert (built["/things/{thing_id}"].auth_required, built["/things/{thing_id}"].allowed_when_restricted) == (
        True, False)
    assert built["/search"].auth_required is False
    assert (built["/pw"].auth_required, built["/pw"].allowed_when_restricted) == (True, True)


def test_the_document_comes_from_the_rows():
    fragment = openapi(ROUTES, [{"name": "t", "description": "things"}])
    op = fragment["paths"]["/things/{thing_id}"]["get"]
    assert [p["name"] for p in op["parameters"]] == ["thing_id", "cursor", "limit", "kind"]
    assert op["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
    post = fragment["paths"]["/things/{thing_id}"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Thing"}
    assert fragment["paths"]["/search"]["get"]["security"] == []
    assert fragment["components"]["schemas"]["Thing"]["required"] == ["id", "name"]
    assert fragment["paths"]["/search"]["delete"]["responses"] == {"204": {"description": "done"}}


def test_mistakes_in_a_table_are_refused():
    with pytest.raises(ValueError, match="needs body="):
        Route("post", "/x", "crm.x", args=(Body(),))
    with pytest.raises(ValueError, match="service.method"):
        Route("get", "/x", "x")
    with pytest.raises(ValueError, match="same auth"):
        register(falcon.App(), Deps(FakeRpc()), [Route("get", "/x", "crm.a"), Route("post", "/x", "crm.b",
                                                                                   auth="public")])
    with pytest.raises(ValueError, match="TAGS"):
        openapi([Route("get", "/x", "crm.a", tag="nameless")])
