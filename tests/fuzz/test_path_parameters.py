"""Found by the fuzzing: a NUL character in a path parameter reached PostgreSQL (DELETE
/api/v1/crm/custom-fields/a%00b answered 500). The gateway refuses NUL in every path parameter with a 422 naming
it, before any service is asked (no service runs in this test: a request that got through would time out)."""

from __future__ import annotations

from gateway_testing import ActAs
from svckit.principal import Principal


def test_nul_in_a_path_parameter_is_a_422_naming_it(gateway):
    user = Principal(kind="user", account_id="3f1c7a52-5a6e-4c1e-9a51-2b7f7f0a0c11", user_id="u1",
                     roles=("administrator",), lang="en")
    api = gateway(extra_middleware=[ActAs(user)], rpc_timeout=1.0)
    for method, path, name in [("DELETE", "/api/v1/crm/custom-fields/a%00b", "key"),
                               ("GET", "/api/v1/crm/contacts/%00", "contact_id"),
                               ("DELETE", "/api/v1/dispatch/suppressions/x%00@example.com", "address")]:
        resp = api.simulate_request(method, path, params={"lang": "en"})
        assert resp.status_code == 422, (path, resp.status_code, resp.text)
        assert resp.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in resp.json["errors"]] == [name]
        assert resp.json["errors"][0]["message"] == "Contains a forbidden null character (NUL)."
