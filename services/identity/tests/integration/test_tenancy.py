"""Tenant isolation and client rights, on the real service: another account's users, clients and audit entries are
not found; hidden clients are invisible; read only cannot write (identity's endpoints and the svckit helpers)."""

import uuid

import pytest

from svckit.errors import Forbidden, InvalidInput, NotFound


@pytest.fixture
def two_tenants(identity, tenant):
    other = identity.create_account(name="Agentur Fremd", clients=("Fremdkunde",))
    return tenant, other


def test_another_accounts_users_clients_and_audit_are_not_found(identity, two_tenants):
    mine, other = two_tenants
    admin = mine["admin"]
    foreign_user, foreign_client = other["administrator_id"], other["client_ids"][0]
    with pytest.raises(NotFound):
        identity.call("get_user", foreign_user, principal=admin)
    for method, args in [("update_user", (foreign_user, {"first_name": "X"})), ("activate_user", (foreign_user,)),
                         ("deactivate_user", (foreign_user,)), ("set_user_rights", (foreign_user, {})),
                         ("get_client", (foreign_client,)), ("update_client", (foreign_client, {"name": "X"})),
                         ("delete_client", (foreign_client,)), ("set_client_rights", (foreign_client, {})),
                         ("get_account", (other["account_id"],))]:
        with pytest.raises(NotFound):
            identity.call(method, *args, principal=admin)
    # an id that exists nowhere behaves exactly the same
    with pytest.raises(NotFound):
        identity.call("get_user", str(uuid.uuid4()), principal=admin)
    # rights may not point at another tenant's client
    with pytest.raises(NotFound):
        identity.call("set_user_rights", mine["ids"]["administrator_id"], {foreign_client: "full"}, principal=admin)
    # lists show only the own tenant
    emails = {u["email"] for u in identity.call("list_users", principal=admin)["users"]}
    assert emails == {mine["admin_email"]}
    names = {c["name"] for c in identity.call("list_clients", principal=admin)["clients"]}
    assert names == {"Konzern", "Tochter"}
    # audit entries: the other tenant's entry ids are not found, the list holds only own entries
    other_admin_email = identity.call("get_user", foreign_user, principal=identity_system(other))["email"]
    _, other_admin = identity.first_login(other_admin_email)
    other_entries = identity.call("list_audit", principal=other_admin)["entries"]
    assert other_entries
    with pytest.raises(NotFound):
        identity.call("get_audit_entry", other_entries[0]["id"], principal=admin)
    own_ids = {e["id"] for e in identity.call("list_audit", {"limit": 500}, principal=admin)["entries"]}
    assert own_ids.isdisjoint({e["id"] for e in other_entries})
    with pytest.raises(InvalidInput) as bad:
        identity.call("get_user", "not-a-uuid", principal=admin)
    assert "user_id" in bad.value.fields


def identity_system(ids):
    from svckit.principal import Principal
    return Principal.system("test", ids["account_id"])


def test_hidden_clients_are_invisible_and_read_only_cannot_write(identity, tenant):
    admin = tenant["admin"]
    konzern, tochter = tenant["ids"]["client_ids"]
    user, _token, reader = identity.add_user(admin, rights={konzern: "read"})
    # the principal carries exactly the rights: read on Konzern, Tochter hidden (absent)
    assert reader.clients == {konzern: "read"}
    assert [c["id"] for c in identity.call("list_clients", principal=reader)["clients"]] == [konzern]
    with pytest.raises(NotFound):
        identity.call("get_client", tochter, principal=reader)
    with pytest.raises(NotFound):
        identity.call("update_client", tochter, {"description": "x"}, principal=reader)
    assert identity.call("get_client", konzern, principal=reader)["right"] == "read"
    with pytest.raises(Forbidden):
        identity.call("update_client", konzern, {"description": "darf nicht"}, principal=reader)
    # the helpers every other service uses give the same answers from the same principal
    with pytest.raises(NotFound):
        reader.check_client(tochter)
    with pytest.raises(Forbidden):
        reader.check_client(konzern, write=True)
    reader.check_client(konzern)  # reading is fine
    with pytest.raises(NotFound):
        reader.check_row(tenant["ids"]["account_id"], tochter)
    with pytest.raises(NotFound):  # another account's row, even on a visible client id
        reader.check_row(str(uuid.uuid4()), konzern)
    assert reader.writable_client_ids() == []
    # nothing was written
    assert identity.call("get_client", konzern, principal=admin)["description"] == ""
    # a user cannot manage users or rights
    with pytest.raises(Forbidden):
        identity.call("set_user_rights", user["id"], {tochter: "full"}, principal=reader)


def test_rights_change_applies_to_the_next_call(identity, tenant):
    admin = tenant["admin"]
    konzern, tochter = tenant["ids"]["client_ids"]
    user, token, _reader = identity.add_user(admin, rights={konzern: "read"})
    identity.call("set_client_rights", tochter, {user["id"]: "full"}, principal=admin)
    identity.call("set_user_rights", user["id"], {konzern: "hidden"}, principal=admin)
    now = identity.principal(token)  # same session, no new login
    assert now.clients == {tochter: "full"}
    matrix = identity.call("get_rights_matrix", principal=admin)
    row = next(u for u in matrix["users"] if u["id"] == user["id"])
    assert row["rights"] == {konzern: "hidden", tochter: "full"}
    events = [e["event"] for e in identity.call("list_audit", {"event": "rights_changed"}, principal=admin)["entries"]]
    assert events.count("rights_changed") >= 2


def test_administrators_filter_and_page_the_audit_log(identity, tenant):
    admin = tenant["admin"]
    user, _token, _principal = identity.add_user(admin)
    identity.clock.advance(hours=1)
    later = identity.clock.now().isoformat()
    identity.call("deactivate_user", user["id"], principal=admin)
    about_user = identity.call("list_audit", {"user_id": user["id"]}, principal=admin)["entries"]
    assert ({"user_created", "login_succeeded", "password_changed", "user_deactivated"}
            <= {e["event"] for e in about_user})
    assert all(user["id"] in (e["target_user_id"], e["actor_id"]) for e in about_user)
    recent = identity.call("list_audit", {"since": later}, principal=admin)["entries"]
    assert [e["event"] for e in recent] == ["user_deactivated"]
    assert recent[0]["actor_id"] == admin.user_id
    older = identity.call("list_audit", {"until": later, "event": "user_created,user_deactivated"},
                          principal=admin)["entries"]
    assert [e["event"] for e in older] == ["user_created"]
    page1 = identity.call("list_audit", {"limit": 3}, principal=admin)
    page2 = identity.call("list_audit", {"limit": 3, "cursor": page1["next_cursor"]}, principal=admin)
    assert len(page1["entries"]) == 3 and page2["entries"]
    assert page1["entries"][-1]["id"] > page2["entries"][0]["id"]
    with pytest.raises(InvalidInput) as bad:
        identity.call("list_audit", {"limit": 100000, "since": "gestern"}, principal=admin)
    assert {"limit", "since"} <= set(bad.value.fields)
    with pytest.raises(Forbidden):  # only the administrator reads the audit log
        identity.call("list_audit", principal=identity.add_user(admin)[2])
