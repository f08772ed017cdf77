"""Incident notes for the public status page: operators post and resolve them (audited), anyone reads them,
customers may not post; resolved notes leave the page after a week."""

from __future__ import annotations

import pytest

from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound
from svckit.principal import Principal


def _operator(identity):
    identity.call("create_operator", {"email": "status@pressroom.example", "roles": ["support"],
                                      "password": "Betreiber-Passwort-2026", "must_change_password": False},
                  principal=Principal.system("seed"))
    step = identity.call("operator_login", {"email": "status@pressroom.example",
                                            "password": "Betreiber-Passwort-2026"})
    code = identity.mail_code("status@pressroom.example")
    session = identity.call("verify_second_factor", {"challenge": step["challenge"], "code": code})
    return identity.principal(session["token"])


NOTE = {"severity": "major", "components": ["mailings", "mailings", "login"],
        "title": {"de": "Versand verzögert", "en": "Mailings delayed"},
        "body": {"de": "Mailings werden verspätet zugestellt."}}


def test_operators_post_and_resolve_notes_that_everyone_reads(identity, tenant):
    operator = _operator(identity)
    posted = identity.call("post_incident", NOTE, principal=operator)
    assert posted["components"] == ["login", "mailings"] and posted["resolved_at"] is None
    assert posted["body"] == {"de": "Mailings werden verspätet zugestellt.",
                              "en": "Mailings werden verspätet zugestellt."}  # English falls back to German

    public = identity.call("public_status")  # anonymous
    assert [i["id"] for i in public["incidents"]] == [posted["id"]]
    assert set(public["incidents"][0]) == {"id", "severity", "components", "title", "body", "resolution",
                                           "created_at", "updated_at", "resolved_at"}  # nothing about who

    resolved = identity.call("resolve_incident", posted["id"],
                             {"resolution": {"de": "Behoben.", "en": "Resolved."}}, principal=operator)
    assert resolved["resolved_at"] and resolved["resolution"] == {"de": "Behoben.", "en": "Resolved."}
    with pytest.raises(Conflict):
        identity.call("resolve_incident", posted["id"], principal=operator)
    assert identity.call("list_incidents", {"state": "open"}, principal=operator)["incidents"] == []
    assert len(identity.call("list_incidents", {"state": "resolved"}, principal=operator)["incidents"]) == 1

    assert identity.call("public_status")["incidents"][0]["resolved_at"]  # still shown for a week
    identity.clock.advance(days=8)
    assert identity.call("public_status")["incidents"] == []

    audit = identity.call("list_operator_audit", {"event": "incident_posted,incident_resolved"},
                          principal=operator)["entries"]
    assert [e["event"] for e in audit] == ["incident_resolved", "incident_posted"]


def test_customers_and_anonymous_callers_may_not_post_and_bad_input_names_the_field(identity, tenant):
    for caller in (tenant["admin"], None):
        with pytest.raises(Forbidden):
            identity.call("post_incident", NOTE, principal=caller)
        with pytest.raises(Forbidden):
            identity.call("list_incidents", principal=caller)
    operator = _operator(identity)
    with pytest.raises(InvalidInput) as bad:
        identity.call("post_incident", {"severity": "huge", "components": ["kitchen"], "title": {"de": ""},
                                        "body": {"de": "x"}}, principal=operator)
    assert {"severity", "components.0", "title.de"} <= set(bad.value.fields)
    with pytest.raises(NotFound):
        identity.call("resolve_incident", "00000000-0000-0000-0000-000000000000", principal=operator)
    with pytest.raises(InvalidInput):
        identity.call("resolve_incident", "not-a-uuid", principal=operator)
