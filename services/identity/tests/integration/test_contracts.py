"""identity's real answers match the answer models of identity.contracts (the gateway documents its routes with
them): every field declared, nothing undeclared, the declared nullability."""

from pydantic import TypeAdapter

from identity import contracts as c

PASSWORD = "Kaffeebohnen-Sommer-42"


def test_answers_of_the_administrators_day_match_the_contract(identity, tenant):
    admin = tenant["admin"]
    login = identity.login(tenant["admin_email"], PASSWORD)
    assert isinstance(TypeAdapter(c.LoginResult).validate_python(login), c.Authenticated)

    def call(model, method, *args):
        answer = identity.call(method, *args, principal=admin)
        model.model_validate(answer)
        return answer

    me = call(c.Me, "get_me")
    assert me["account"]["id"] == tenant["ids"]["account_id"]
    call(c.AccountDetails, "get_my_account")
    call(c.Account, "get_account", tenant["ids"]["account_id"])
    call(c.Sessions, "list_sessions")
    clients = call(c.ClientList, "list_clients")["clients"]
    client = call(c.Client, "create_client", {"name": "Dritte", "description": "neu"})
    call(c.Client, "update_client", client["id"], {"description": None})
    user = call(c.User, "create_user", {"email": "vertrag@example.com", "first_name": "Vera", "last_name": "Trag",
                                        "rights": {clients[0]["id"]: "read"}})
    assert user["clients"] == {clients[0]["id"]: "read"}
    users = call(c.UserList, "list_users")
    assert {u["email"] for u in users["users"]} >= {"vertrag@example.com", tenant["admin_email"]}
    call(c.UserRights, "set_user_rights", user["id"], {clients[1]["id"]: "full"})
    call(c.ClientRights, "set_client_rights", clients[0]["id"], {user["id"]: "hidden"})
    call(c.RightsMatrix, "get_rights_matrix")
    call(c.Deleted, "delete_client", client["id"])
    audit = call(c.AuditPage, "list_audit", {"limit": 5})
    call(c.AuditEntry, "get_audit_entry", audit["entries"][0]["id"])
    call(c.TotpStart, "start_totp")
    call(c.SessionEnded, "end_session", TypeAdapter(c.LoginResult).validate_python(login).session_id)


def test_a_login_that_needs_a_second_factor_matches_the_contract(identity, tenant):
    identity.call("set_mail_codes", {"enabled": True}, principal=tenant["admin"])
    answer = identity.login(tenant["admin_email"], PASSWORD)
    assert isinstance(TypeAdapter(c.LoginResult).validate_python(answer), c.SecondFactorRequired)
    c.ForgotAnswer.model_validate(identity.call("forgot_password", {"email": tenant["admin_email"]}))
