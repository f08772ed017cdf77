"""HTTP routes of the identity service: login, passwords, own profile and sessions, users, clients and rights,
account settings, audit log, back office (operators).

Login answers with the session token in the body (API clients) and as a cookie (browsers: Secure, HttpOnly,
SameSite=Strict). Every rule lives in identity; these resources only translate HTTP to RPC.
"""

from __future__ import annotations

import falcon

from ..auth import COOKIE, client_of
from ..resource import Resource

P = "/api/v1"


def _set_session_cookie(resp: falcon.Response, result: dict) -> None:
    if result.get("status") == "authenticated" and result.get("token"):
        resp.set_cookie(COOKIE, result["token"], path="/", secure=True, http_only=True, same_site="Strict",
                        max_age=None)


def _params(req: falcon.Request, *names: str) -> dict:
    return {n: req.get_param(n) for n in names if req.get_param(n) not in (None, "")}


# --- login and passwords (public) ------------------------------------------------------------------------------------

class Login(Resource):
    auth_required = False
    method = "login"

    def on_post(self, req, resp):
        result = self.call(req, "identity", self.method, self.body(req), client_of(req))
        _set_session_cookie(resp, result)
        resp.media = result


class OperatorLogin(Login):
    method = "operator_login"


class SecondFactor(Resource):
    auth_required = False

    def on_post(self, req, resp):
        result = self.call(req, "identity", "verify_second_factor", self.body(req), client_of(req))
        _set_session_cookie(resp, result)
        resp.media = result


class ResendCode(Resource):
    auth_required = False

    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "resend_code", self.body(req), client_of(req))


class ForgotPassword(Resource):
    auth_required = False

    def on_post(self, req, resp):
        result = self.call(req, "identity", "forgot_password", self.body(req), client_of(req))
        resp.status = falcon.HTTP_202
        resp.media = {"message": result["message"]["en" if req.context.lang == "en" else "de"]}


class ResetPassword(Resource):
    auth_required = False

    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "reset_password", self.body(req), client_of(req))


class ChangePassword(Resource):
    allowed_when_restricted = True

    def on_post(self, req, resp):
        result = self.call(req, "identity", "change_password", self.body(req), client_of(req))
        _set_session_cookie(resp, result)
        resp.media = result


class Logout(Resource):
    allowed_when_restricted = True

    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "logout")
        resp.unset_cookie(COOKIE, path="/")


# --- the caller ----------------------------------------------------------------------------------------------------

class Me(Resource):
    allowed_when_restricted = True

    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "get_me")

    def on_patch(self, req, resp):
        resp.media = self.call(req, "identity", "update_me", self.body(req))


class MySessions(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "list_sessions")


class MySession(Resource):
    def on_delete(self, req, resp, session_id):
        result = self.call(req, "identity", "end_session", session_id)
        if result.get("current"):
            resp.unset_cookie(COOKIE, path="/")
        resp.media = result


class MailCodes(Resource):
    def on_put(self, req, resp):
        resp.media = self.call(req, "identity", "set_mail_codes", self.body(req))


class Totp(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "start_totp")


class TotpConfirm(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "confirm_totp", self.body(req))


class TotpDisable(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "disable_totp", self.body(req))


class BackupCodes(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "regenerate_backup_codes", self.body(req))


# --- account --------------------------------------------------------------------------------------------------------

class AccountResource(Resource):
    def on_get(self, req, resp, account_id):
        resp.media = self.call(req, "identity", "get_account", account_id)


class MyAccount(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "get_my_account")


class AccountSettings(Resource):
    def on_patch(self, req, resp):
        resp.media = self.call(req, "identity", "update_account_settings", self.body(req))


class HandOver(Resource):
    def on_post(self, req, resp):
        resp.media = self.call(req, "identity", "hand_over_role", self.body(req))


class Audit(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "list_audit",
                               _params(req, "event", "user_id", "since", "until", "cursor", "limit"))


class AuditEntry(Resource):
    def on_get(self, req, resp, entry_id):
        resp.media = self.call(req, "identity", "get_audit_entry", entry_id)


# --- users ----------------------------------------------------------------------------------------------------------

class Users(Resource):
    def on_get(self, req, resp):
        active = req.get_param_as_bool("active", blank_as_true=False)
        resp.media = self.call(req, "identity", "list_users", active, req.get_param("q"))

    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "identity", "create_user", self.body(req))


class User(Resource):
    def on_get(self, req, resp, user_id):
        resp.media = self.call(req, "identity", "get_user", user_id)

    def on_patch(self, req, resp, user_id):
        resp.media = self.call(req, "identity", "update_user", user_id, self.body(req))


class UserActivation(Resource):
    method = "activate_user"

    def on_post(self, req, resp, user_id):
        resp.media = self.call(req, "identity", self.method, user_id)


class UserDeactivation(UserActivation):
    method = "deactivate_user"


class UserRights(Resource):
    def on_put(self, req, resp, user_id):
        resp.media = self.call(req, "identity", "set_user_rights", user_id, self.body(req).get("rights"))


# --- clients ----------------------------------------------------------------------------------------------------------

class Clients(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "list_clients")

    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "identity", "create_client", self.body(req))


class ClientResource(Resource):
    def on_get(self, req, resp, client_id):
        resp.media = self.call(req, "identity", "get_client", client_id)

    def on_patch(self, req, resp, client_id):
        resp.media = self.call(req, "identity", "update_client", client_id, self.body(req))

    def on_delete(self, req, resp, client_id):
        resp.media = self.call(req, "identity", "delete_client", client_id)


class ClientRights(Resource):
    def on_put(self, req, resp, client_id):
        resp.media = self.call(req, "identity", "set_client_rights", client_id, self.body(req).get("rights"))


class RightsMatrix(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "get_rights_matrix")


# --- back office ------------------------------------------------------------------------------------------------------

class BackofficeAccounts(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "list_accounts", req.get_param("q"))


class BackofficeAudit(Resource):
    def on_get(self, req, resp):
        resp.media = self.call(req, "identity", "list_operator_audit",
                               _params(req, "event", "user_id", "since", "until", "cursor", "limit"))


class BackofficeOperators(Resource):
    def on_post(self, req, resp):
        resp.status = falcon.HTTP_201
        resp.media = self.call(req, "identity", "create_operator", self.body(req))


ROUTES = [
    ("/auth/login", Login), ("/auth/login/second-factor", SecondFactor), ("/auth/login/resend-code", ResendCode),
    ("/auth/logout", Logout), ("/auth/password/forgot", ForgotPassword), ("/auth/password/reset", ResetPassword),
    ("/auth/password/change", ChangePassword),
    ("/me", Me), ("/me/sessions", MySessions), ("/me/sessions/{session_id}", MySession),
    ("/me/two-factor/mail", MailCodes), ("/me/two-factor/totp", Totp), ("/me/two-factor/totp/confirm", TotpConfirm),
    ("/me/two-factor/totp/disable", TotpDisable), ("/me/two-factor/backup-codes", BackupCodes),
    ("/accounts/{account_id}", AccountResource), ("/account", MyAccount), ("/account/settings", AccountSettings),
    ("/account/hand-over", HandOver), ("/audit", Audit), ("/audit/{entry_id}", AuditEntry),
    ("/users", Users), ("/users/{user_id}", User), ("/users/{user_id}/activate", UserActivation),
    ("/users/{user_id}/deactivate", UserDeactivation), ("/users/{user_id}/rights", UserRights),
    ("/clients", Clients), ("/clients/{client_id}", ClientResource), ("/clients/{client_id}/rights", ClientRights),
    ("/rights-matrix", RightsMatrix),
    ("/backoffice/auth/login", OperatorLogin), ("/backoffice/accounts", BackofficeAccounts),
    ("/backoffice/audit", BackofficeAudit), ("/backoffice/operators", BackofficeOperators),
]


def register(app, deps) -> None:
    for path, resource in ROUTES:
        app.add_route(P + path, resource(deps.rpc, deps.settings))


# --- OpenAPI ---------------------------------------------------------------------------------------------------------

def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


ERRORS = {"401": {"$ref": "#/components/responses/Unauthenticated"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "422": {"$ref": "#/components/responses/Invalid"}}
TOO_MANY = {"description": "throttled: wait `extra.retry_after` seconds", "content": {"application/problem+json": {
    "schema": {"$ref": "#/components/schemas/Problem"}}}}
QUOTA = {"description": "no free seat: `extra.seats`, `extra.active`", "content": {"application/problem+json": {
    "schema": {"$ref": "#/components/schemas/Problem"}}}}


def _op(tag: str, summary: str, op_id: str, ok: dict | None = None, body: dict | None = None, public: bool = False,
        params: list | None = None, errors=("401", "403", "404", "422"), status: str = "200", extra=None) -> dict:
    operation: dict = {"tags": [tag], "summary": summary, "operationId": op_id,
                       "responses": {status: {"description": "OK", **_json(ok or {"type": "object"})}}}
    for code in errors:
        operation["responses"][code] = ERRORS[code]
    for code, response in (extra or {}).items():
        operation["responses"][code] = response
    if body is not None:
        operation["requestBody"] = {"required": True, **_json(body)}
    if params:
        operation["parameters"] = params
    if public:
        operation["security"] = []
    return operation


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _obj(required: list[str] | None = None, **props) -> dict:
    return {"type": "object", "required": required or [], "properties": props}


S = {"type": "string"}
PASSWORD = {"type": "string", "format": "password"}
NAME = {"type": "string", "minLength": 1, "maxLength": 100}
AUDIT_QUERY = [_query("event", S, "comma-separated event names"), _query("user_id", {"type": "string",
               "format": "uuid"}, "actor or target"), _query("since", {"type": "string", "format": "date-time"}),
               _query("until", {"type": "string", "format": "date-time"}),
               _query("cursor", {"type": "integer", "minimum": 1, "maximum": 2 ** 63 - 1},
                      "next_cursor of the previous page"),
               _query("limit", {"type": "integer", "minimum": 1, "maximum": 500})]
RIGHTS_BODY = _obj(["rights"], rights={"type": "object", "additionalProperties": {"enum": ["full", "read", "hidden"]}})

OPENAPI: dict = {
    "tags": [{"name": "auth", "description": "Login (password, then a second factor), logout, passwords"},
             {"name": "me", "description": "The logged-in user: profile, language, sessions, two-factor settings"},
             {"name": "accounts", "description": "The customer account (tenant): settings, roles, audit log"},
             {"name": "users", "description": "Named users of the account (administrator)"},
             {"name": "clients", "description": "Clients (data partitions) and per-user rights"},
             {"name": "backoffice", "description": "The vendor's operators"}],
    "paths": {
        P + "/auth/login": {"post": _op(
            "auth", "Log in with e-mail and password", "login", _ref("LoginResult"),
            _obj(["email", "password"], email=S, password=PASSWORD), public=True, errors=("401", "403", "422"),
            extra={"429": TOO_MANY})},
        P + "/auth/login/second-factor": {"post": _op(
            "auth", "Second step: the mailed code, a TOTP code or a backup code", "verifySecondFactor",
            _ref("LoginResult"), _obj(["challenge", "code"], challenge=S, code=S), public=True,
            errors=("401", "403", "422"), extra={"429": TOO_MANY})},
        P + "/auth/login/resend-code": {"post": _op(
            "auth", "Mail a new code (once a minute, five times per login)", "resendCode",
            _obj(sent={"type": "boolean"}, sends_left={"type": "integer"}), _obj(["challenge"], challenge=S),
            public=True, errors=("401", "422"), extra={"429": TOO_MANY})},
        P + "/auth/logout": {"post": _op("auth", "End the current session", "logout",
                                         _obj(ended={"type": "boolean"}), errors=("401",))},
        P + "/auth/password/forgot": {"post": _op(
            "auth", "Mail a one-time password (the same answer for every address)", "forgotPassword",
            _obj(message=S), _obj(["email"], email=S), public=True, errors=("422",), status="202")},
        P + "/auth/password/reset": {"post": _op(
            "auth", "Set a new password with the mailed one-time password", "resetPassword",
            _obj(changed={"type": "boolean"}), _obj(["email", "one_time_password", "new_password"], email=S,
                                                    one_time_password=PASSWORD, new_password=PASSWORD),
            public=True, errors=("422",), extra={"429": TOO_MANY})},
        P + "/auth/password/change": {"post": _op(
            "auth", "Change the password (ends all sessions; returns a new one)", "changePassword",
            _ref("LoginResult"), _obj(["new_password"], current_password=PASSWORD, new_password=PASSWORD),
            errors=("401", "422"), extra={"429": TOO_MANY})},
        P + "/me": {"get": _op("me", "The logged-in user with roles, client rights and language", "getMe",
                               _ref("User"), errors=("401",)),
                    "patch": _op("me", "Change own name, salutation or language (names cannot be emptied; null only "
                                 "removes the salutation)", "updateMe", _ref("User"),
                                 _obj(first_name=NAME, last_name=NAME, salutation={"type": ["string", "null"]},
                                      language={"enum": ["de", "en"]}),
                                 errors=("401", "422"))},
        P + "/me/sessions": {"get": _op("me", "Own live sessions", "listSessions", _obj(sessions={
            "type": "array", "items": _ref("Session")}), errors=("401",))},
        P + "/me/sessions/{session_id}": {"delete": _op("me", "End one of the own sessions", "endSession",
                                                        _obj(ended={"type": "boolean"}), params=[_path("session_id")],
                                                        errors=("401", "404", "422"))},
        P + "/me/two-factor/mail": {"put": _op(
            "me", "Codes by mail at login on or off (own choice; off needs the current password)", "setMailCodes",
            _ref("User"), _obj(["enabled"], enabled={"type": "boolean"}, current_password=PASSWORD),
            errors=("401", "409", "422"), extra={"429": TOO_MANY})},
        P + "/me/two-factor/totp": {"post": _op("me", "Start setting up an authenticator app (TOTP)", "startTotp",
                                                _obj(secret=S, otpauth_uri=S), errors=("401",))},
        P + "/me/two-factor/totp/confirm": {"post": _op(
            "me", "Confirm the app with a code; returns single-use backup codes", "confirmTotp",
            _obj(enabled={"type": "boolean"}, backup_codes={"type": "array", "items": S}),
            _obj(["code", "current_password"], code=S, current_password=PASSWORD),
            errors=("401", "409", "422"), extra={"429": TOO_MANY})},
        P + "/me/two-factor/totp/disable": {"post": _op(
            "me", "Remove the authenticator app (needs the current password)", "disableTotp", _ref("User"),
            _obj(["current_password"], current_password=PASSWORD), errors=("401", "409", "422"),
            extra={"429": TOO_MANY})},
        P + "/me/two-factor/backup-codes": {"post": _op(
            "me", "New backup codes (the old ones stop working; needs the current password)",
            "regenerateBackupCodes", _obj(backup_codes={"type": "array", "items": S}),
            _obj(["current_password"], current_password=PASSWORD), errors=("401", "409", "422"),
            extra={"429": TOO_MANY})},
        P + "/accounts/{account_id}": {"get": _op("accounts", "The caller's own account", "getAccount",
                                                  _ref("Account"), params=[_path("account_id")],
                                                  errors=("401", "404", "422"))},
        P + "/account": {"get": _op("accounts", "Own account: seats, active users, security settings",
                                    "getMyAccount", _ref("AccountDetails"), errors=("401",))},
        P + "/account/settings": {"patch": _op(
            "accounts", "Security settings (administrator)", "updateAccountSettings", _ref("AccountDetails"),
            _obj(password_min_length={"type": "integer", "minimum": 8},
                 password_max_length={"type": "integer", "minimum": 64},
                 password_max_age_days={"type": ["integer", "null"], "minimum": 1},
                 two_factor_required={"type": "boolean"}, idle_timeout_minutes={"type": "integer"},
                 session_lifetime_hours={"type": "integer"}, name=S, language={"enum": ["de", "en"]}),
            errors=("401", "403", "422"))},
        P + "/account/hand-over": {"post": _op(
            "accounts", "Hand the license-manager or administrator role to another active user", "handOverRole",
            _obj(role=S, user_id=S, previous_user_id=S),
            _obj(["role", "user_id"], role={"enum": ["license_manager", "administrator"]},
                 user_id={"type": "string", "format": "uuid"}))},
        P + "/audit": {"get": _op("accounts", "The account's security audit log, newest first (administrator)",
                                  "listAudit", _ref("AuditPage"), params=AUDIT_QUERY, errors=("401", "403", "422"))},
        P + "/audit/{entry_id}": {"get": _op("accounts", "One audit entry", "getAuditEntry", _ref("AuditEntry"),
                                             params=[_path("entry_id")])},
        P + "/users": {
            "get": _op("users", "Users of the account with seats in use", "listUsers", _obj(
                users={"type": "array", "items": _ref("User")}, seats={"type": "integer"},
                active={"type": "integer"}, seats_exceeded={"type": "boolean"}),
                params=[_query("active", {"type": "boolean"}), _query("q", S, "search in name and e-mail")],
                errors=("401",)),
            "post": _op("users", "Create a user (active only while a seat is free)", "createUser", _ref("User"),
                        _obj(["email"], email=S, first_name=S, last_name=S, salutation=S,
                             language={"enum": ["de", "en"]}, active={"type": "boolean"},
                             two_factor_by_mail={"type": "boolean"}, rights=RIGHTS_BODY["properties"]["rights"]),
                        errors=("401", "403", "409", "422"), status="201", extra={"402": QUOTA})},
        P + "/users/{user_id}": {
            "get": _op("users", "One user of the account", "getUser", _ref("User"), params=[_path("user_id")]),
            "patch": _op("users", "Change a user (administrator; a new e-mail address needs the administrator's "
                         "current password)", "updateUser", _ref("User"),
                         _obj(email=S, first_name=NAME, last_name=NAME, salutation={"type": ["string", "null"]},
                              language={"enum": ["de", "en"]}, two_factor_by_mail={"type": "boolean"},
                              current_password=PASSWORD), params=[_path("user_id")],
                         errors=("401", "403", "404", "409", "422"), extra={"429": TOO_MANY})},
        P + "/users/{user_id}/activate": {"post": _op(
            "users", "Activate (takes a seat; refused with 402 when none is free)", "activateUser", _ref("User"),
            params=[_path("user_id")], extra={"402": QUOTA})},
        P + "/users/{user_id}/deactivate": {"post": _op(
            "users", "Deactivate (ends the user's sessions at once)", "deactivateUser", _ref("User"),
            params=[_path("user_id")], errors=("401", "403", "404", "409", "422"))},
        P + "/users/{user_id}/rights": {"put": _op(
            "clients", "Set a user's rights per client (full, read, hidden); effective on the next request",
            "setUserRights", _obj(user_id=S, clients={"type": "object"}), RIGHTS_BODY, params=[_path("user_id")])},
        P + "/clients": {
            "get": _op("clients", "Visible clients with the caller's right", "listClients",
                       _obj(clients={"type": "array", "items": _ref("Client")}), errors=("401",)),
            "post": _op("clients", "Create a client (administrator)", "createClient", _ref("Client"),
                        _obj(["name"], name=S, description=S), errors=("401", "403", "409", "422"),
                        status="201")},
        P + "/clients/{client_id}": {
            "get": _op("clients", "One client (hidden: 404)", "getClient", _ref("Client"),
                       params=[_path("client_id")]),
            "patch": _op("clients", "Rename or describe a client (full access; read only: 403)", "updateClient",
                         _ref("Client"), _obj(name=S, description=S), params=[_path("client_id")],
                         errors=("401", "403", "404", "409", "422")),
            "delete": _op("clients", "Delete a client (administrator)", "deleteClient",
                          _obj(deleted={"type": "boolean"}), params=[_path("client_id")],
                          errors=("401", "403", "404", "409", "422"))},
        P + "/clients/{client_id}/rights": {"put": _op(
            "clients", "Set rights on one client per user (administrator)", "setClientRights",
            _obj(client_id=S, rights={"type": "object"}), RIGHTS_BODY, params=[_path("client_id")])},
        P + "/rights-matrix": {"get": _op("clients", "Users x clients with each right (administrator)",
                                          "getRightsMatrix", _obj(clients={"type": "array"},
                                                                  users={"type": "array"}),
                                          errors=("401", "403"))},
        P + "/backoffice/auth/login": {"post": _op(
            "backoffice", "Operator login (a second factor is always required)", "operatorLogin",
            _ref("LoginResult"), _obj(["email", "password"], email=S, password=PASSWORD), public=True,
            errors=("401", "403", "422"), extra={"429": TOO_MANY})},
        P + "/backoffice/accounts": {"get": _op("backoffice", "Account metadata (operators)", "listAccounts",
                                                _obj(accounts={"type": "array"}), params=[_query("q", S)],
                                                errors=("401", "403"))},
        P + "/backoffice/audit": {"get": _op("backoffice", "Operators' audit log", "listOperatorAudit",
                                             _ref("AuditPage"), params=AUDIT_QUERY, errors=("401", "403", "422"))},
        P + "/backoffice/operators": {"post": _op(
            "backoffice", "Create an operator (back office)", "createOperator", _ref("User"),
            _obj(["email", "roles", "password"], email=S, first_name=S, last_name=S,
                 roles={"type": "array", "items": {"enum": ["back_office", "support"]}}, password=PASSWORD),
            errors=("401", "403", "409", "422"), status="201")},
    },
    "components": {"schemas": {
        "Account": _obj(["id", "name", "language", "seats"], id={"type": "string", "format": "uuid"}, name=S,
                        language={"enum": ["de", "en"]}, seats={"type": "integer", "minimum": 0}),
        "AccountDetails": _obj(["id", "name", "seats", "active_users"], id=S, name=S, language=S,
                               seats={"type": "integer"}, active_users={"type": "integer"},
                               seats_exceeded={"type": "boolean"}, license_manager_id=S, administrator_id=S,
                               security={"type": "object"}),
        "LoginResult": {"type": "object", "required": ["status"], "description":
                        "`authenticated` (token, session, restrictions, user) or `second_factor_required` "
                        "(challenge, method: email | totp)", "properties": {
                            "status": {"enum": ["authenticated", "second_factor_required"]}, "token": S,
                            "session_id": S, "expires_at": S, "idle_timeout_minutes": {"type": "integer"},
                            "restrictions": {"type": "array", "items": S}, "user": _ref("User"),
                            "challenge": S, "method": {"enum": ["email", "totp"]}}},
        "User": _obj(["id", "email"], id=S, kind={"enum": ["user", "operator"]}, email=S, first_name=S,
                     last_name=S, salutation={"type": ["string", "null"]}, language={"enum": ["de", "en"]},
                     active={"type": "boolean"}, roles={"type": "array", "items": S},
                     clients={"type": "object", "additionalProperties": {"enum": ["full", "read"]}},
                     two_factor={"type": "object"}),
        "Session": _obj(["id"], id=S, created_at=S, last_seen_at=S, expires_at=S, ip={"type": ["string", "null"]},
                        user_agent={"type": ["string", "null"]}, current={"type": "boolean"}),
        "Client": _obj(["id", "name"], id=S, name=S, description=S, right={"enum": ["full", "read", "hidden"]}),
        "AuditEntry": _obj(["id", "at", "event"], id={"type": "integer"}, at=S, event=S, actor_kind=S,
                           actor_id={"type": ["string", "null"]}, actor_email={"type": ["string", "null"]},
                           target_user_id={"type": ["string", "null"]}, target_client_id={"type": ["string", "null"]},
                           ip={"type": ["string", "null"]}, details={"type": "object"}),
        "AuditPage": _obj(["entries"], entries={"type": "array", "items": _ref("AuditEntry")},
                          next_cursor={"type": ["integer", "null"]}),
    }},
}
