"""HTTP routes of the identity service."""

from __future__ import annotations

from ..resource import Resource


class AccountResource(Resource):
    def on_get(self, req, resp, account_id):
        resp.media = self.call(req, "identity", "get_account", account_id)


def register(app, deps) -> None:
    app.add_route("/api/v1/accounts/{account_id}", AccountResource(deps.rpc, deps.settings))


OPENAPI: dict = {
    "tags": [{"name": "accounts", "description": "The customer account (tenant)"}],
    "paths": {
        "/api/v1/accounts/{account_id}": {"get": {
            "tags": ["accounts"], "summary": "The caller's own account", "operationId": "getAccount",
            "parameters": [{"name": "account_id", "in": "path", "required": True,
                            "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
                "200": {"description": "the account", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Account"}}}},
                "401": {"$ref": "#/components/responses/Unauthenticated"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "422": {"$ref": "#/components/responses/Invalid"},
            },
        }},
    },
    "components": {"schemas": {"Account": {
        "type": "object", "required": ["id", "name", "language", "seats"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"},
                       "language": {"enum": ["de", "en"]}, "seats": {"type": "integer", "minimum": 0}},
    }}},
}
