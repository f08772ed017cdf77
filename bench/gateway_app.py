"""The gateway as gunicorn serves it, plus what the HTTP benchmark needs.

- ``/bench/static``: the same JSON as the account route, answered by Falcon without any RPC (the baseline).
- ``BENCH_ACCOUNT_ID``: until identity's login exists (issue 3) requests carry this account's principal, set by a
  middleware; the RPC route is then the real ``GET /api/v1/accounts/{id}``: gateway -> RPC -> PostgreSQL -> back.
"""

from __future__ import annotations

import os

from gateway.app import create_app
from svckit import logs
from svckit.principal import Principal


class BenchPrincipal:
    def __init__(self, account_id: str):
        self.principal = Principal(kind="user", account_id=account_id, user_id="bench-user", roles=("user",),
                                   lang="de")

    def process_request(self, req, resp):
        req.context.principal = self.principal


class Static:
    def __init__(self, account_id: str):
        self.body = {"id": account_id, "name": "Benchmark GmbH", "language": "de", "seats": 5}

    def on_get(self, req, resp):
        resp.media = self.body


def get_app():
    logs.configure("gateway")
    account_id = os.environ["BENCH_ACCOUNT_ID"]
    app = create_app(extra_middleware=[BenchPrincipal(account_id)])
    app.add_route("/bench/static", Static(account_id))
    return app
