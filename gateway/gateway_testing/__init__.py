"""pytest fixtures for tests through the gateway (registered in the root conftest); test support beside the gateway
package, not shipped (gateway/pyproject.toml includes only ``gateway`` and ``gateway.*``).

``gateway(...)`` builds the real Falcon app on the run's RabbitMQ vhost and returns a ``falcon.testing.TestClient``
that checks every answer against the generated OpenAPI document (``gateway_testing.contract.ContractClient``: status,
content type and JSON schema; a drift fails the test); the services it talks to are started by the test with
``run_services``.
"""

from __future__ import annotations

import pytest
from falcon import testing

from gateway.app import create_app
from gateway.rpc import RpcClient
from gateway.settings import Settings
from svckit.settings import principal_secret

from .contract import ContractClient


@pytest.fixture
def gateway(amqp_uri):
    clients: list[RpcClient] = []

    def make(extra_middleware: list | None = None, **settings_overrides) -> testing.TestClient:
        settings = Settings(amqp_uri=amqp_uri, principal_secret=principal_secret(),
                            **{"rpc_timeout": 10.0, "ready_timeout": 2.0, **settings_overrides})
        rpc = RpcClient(settings.amqp_uri, settings.principal_secret, settings.rpc_timeout)
        clients.append(rpc)
        return ContractClient(create_app(rpc, settings, extra_middleware=extra_middleware))

    yield make
    for rpc in clients:
        rpc.close()


class ActAs:
    """Test stand-in for a logged-in session: every request carries this principal (pass it as
    ``gateway(extra_middleware=[ActAs(principal)])``). End-to-end tests log in for real through identity."""

    def __init__(self, principal):
        self.principal = principal

    def process_request(self, req, resp):
        req.context.principal = self.principal
        req.context.restrictions = []
        if not req.get_param("lang"):
            req.context.lang = self.principal.lang
