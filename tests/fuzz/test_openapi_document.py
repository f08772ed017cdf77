"""The OpenAPI document (gateway/gateway/openapi.py) documents on every operation the problem+json answers the
gateway gives everywhere, so that a client (and the fuzzer in test_openapi_fuzz.py) can rely on it."""

from __future__ import annotations

from openapi_spec_validator import validate

from gateway import routes
from gateway.openapi import build_spec

METHODS = {"get", "put", "post", "delete", "patch", "head"}


def test_every_operation_documents_the_common_problem_answers():
    spec = build_spec(routes.load())
    validate(spec)
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
                  if method in METHODS]
    assert len(operations) > 200
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"400", "403", "404", "422", "503"} <= codes, (method, path, codes)
        if op.get("security", spec["security"]):
            assert "401" in codes, (method, path)
        if "requestBody" in op:
            assert {"413", "415"} <= codes, (method, path)
        assert any(c.startswith("2") or c.startswith("3") for c in codes), (method, path)
    problem = spec["components"]["responses"]["Unavailable"]
    assert problem["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "Retry-After" in problem["headers"]
    # a route's own description of a status is kept
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert "security" in login and login["security"] == [] and "401" in login["responses"]
    assert "throttled" in login["responses"]["429"]["description"]


def test_the_common_answers_are_added_only_where_missing():
    from gateway import openapi

    class Module:
        OPENAPI = {"paths": {"/x": {"get": {"responses": {"200": {"description": "OK"},
                                                          "404": {"description": "no such x"}}},
                                        "post": {"security": [], "requestBody": {"content": {}},
                                                 "responses": {"201": {"description": "made"}}}}}}

    spec = openapi.build_spec([Module])
    get, post = spec["paths"]["/x"]["get"]["responses"], spec["paths"]["/x"]["post"]["responses"]
    assert get["404"] == {"description": "no such x"}
    assert get["401"] == {"$ref": "#/components/responses/Unauthenticated"} and "413" not in get
    assert "401" not in post and post["415"] == {"$ref": "#/components/responses/UnsupportedMediaType"}
