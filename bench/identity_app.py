"""The gateway as gunicorn serves it, plus one route for bench/identity_login.py.

``/bench/ping`` makes exactly one RPC (identity ``get_account`` as a fixed principal, a primary-key read in
PostgreSQL) whatever the request carries, and needs no login. Requesting it with and without a session token
isolates what authentication costs: the same work, only the auth middleware differs.
"""

from __future__ import annotations

import os

from gateway.app import create_app
from gateway.resource import Resource
from gateway.rpc import RpcClient
from gateway.settings import Settings
from svckit import logs
from svckit.principal import Principal


class Ping(Resource):
    auth_required = False

    def __init__(self, rpc, account_id: str):
        super().__init__(rpc)
        self.account_id = account_id
        self.principal = Principal(kind="user", account_id=account_id, user_id="bench", roles=("user",), lang="de")

    def on_get(self, req, resp):
        resp.media = self.rpc.call("identity", "get_account", self.account_id, principal=self.principal,
                                   request_id=req.context.request_id)


def get_app():
    logs.configure("gateway")
    settings = Settings.from_env()
    rpc = RpcClient(settings.amqp_uri, settings.principal_secret, settings.rpc_timeout)
    app = create_app(rpc, settings)
    app.add_route("/bench/ping", Ping(rpc, os.environ["BENCH_ACCOUNT_ID"]))
    return app
