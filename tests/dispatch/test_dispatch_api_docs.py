"""The API documentation says which suppressions are account-wide and how a DKIM rotation goes."""

from __future__ import annotations

from gateway.routes.dispatch import OPENAPI, P


def test_suppression_scopes_and_dkim_rotation_are_documented():
    listing = OPENAPI["paths"][f"{P}/suppressions"]["get"]
    assert "`account`: hard bounces, repeated soft bounces, complaints, and blacklist entries" in \
        listing["description"]
    assert "`client`: an unsubscribe through a mailing" in listing["description"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DispatchSuppressionPage"}
    entry = OPENAPI["components"]["schemas"]["DispatchSuppression"]["properties"]
    assert entry["scope"]["enum"] == ["account", "client"]
    assert "account-wide" in OPENAPI["paths"][f"{P}/suppressions"]["post"]["description"]
    rotation = OPENAPI["paths"][f"{P}/domains/{{domain_id}}/dkim-rotation"]
    assert rotation["post"]["operationId"] == "dispatch_start_dkim_rotation_post"
    assert "only after the check has found both records" in rotation["post"]["description"]
    assert set(rotation) == {"post", "delete"}
    assert OPENAPI["components"]["schemas"]["DispatchDkimKey"]["properties"]["state"]["enum"] == [
        "active", "pending", "retiring"]
