"""HTTP routes of the identity service: login, passwords, own profile and sessions, users, clients and rights,
account settings, audit log, back office (operators).

Every route is one row of ``ROUTES`` (``gateway.routing``); request and answer models come from
``identity.contracts``. Login answers with the session token in the body (API clients) and as a cookie (browsers:
Secure, HttpOnly, SameSite=Strict); logout and ending the own session remove the cookie. Every rule (roles,
operators only in the back office, throttles) lives in identity; these rows only translate HTTP to RPC.
"""

from __future__ import annotations

from typing import Any

import falcon

from identity import contracts as c

from .. import routing
from ..auth import COOKIE
from ..resource import Resource
from ..routing import Body, Client, Computed, Id, Path, Query, QueryDict, Route

P = "/api/v1"
BIGINT = 2 ** 63 - 1


# --- what a few routes do with the answer --------------------------------------------------------------------------

def set_session_cookie(req: falcon.Request, resp: falcon.Response, result: dict) -> dict:
    if result.get("status") == "authenticated" and result.get("token"):
        resp.set_cookie(COOKIE, result["token"], path="/", secure=True, http_only=True, same_site="Strict",
                        max_age=None)
    return result


def drop_session_cookie(req: falcon.Request, resp: falcon.Response, result: dict) -> dict:
    resp.unset_cookie(COOKIE, path="/")
    return result


def drop_cookie_of_own_session(req: falcon.Request, resp: falcon.Response, result: dict) -> dict:
    if result.get("current"):
        resp.unset_cookie(COOKIE, path="/")
    return result


def message_in_callers_language(req: falcon.Request, resp: falcon.Response, result: dict) -> dict:
    return {"message": result["message"]["en" if req.context.lang == "en" else "de"]}


def _rights(req: falcon.Request, params: dict) -> Any:
    """The ``rights`` member of the body (identity's ``set_*_rights`` take the mapping itself)."""
    return Resource.body(req).get("rights")


def _active(req: falcon.Request, params: dict) -> bool | None:
    """``?active=`` as a boolean (a value that is none is a 400); missing or blank: every user."""
    return req.get_param_as_bool("active", blank_as_true=False)


AUDIT_FILTER = QueryDict(
    Query("event", description="comma-separated event names"),
    Query("user_id", schema={"type": "string", "format": "uuid"}, description="actor or target"),
    Query("since", schema={"type": "string", "format": "date-time"}),
    Query("until", schema={"type": "string", "format": "date-time"}),
    Query("cursor", int, schema={"type": "integer", "minimum": 1, "maximum": BIGINT},
          description="next_cursor of the previous page"),
    Query("limit", int, schema={"type": "integer", "minimum": 1, "maximum": 500}))

#: identity's throttles (login, codes, current password): the wait is in Retry-After and in ``extra.retry_after``
THROTTLED = {"429": {
    "description": "throttled: wait `Retry-After` (also `extra.retry_after`) seconds",
    "headers": {"Retry-After": {"description": "seconds to wait before trying again", "schema": {"type": "string"}}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}

LOGIN = dict(response=c.LoginResult, auth="public", errors=("401",), responses=THROTTLED, after=set_session_cookie)

TAGS = [{"name": "auth", "description": "Login (password, then a second factor), logout, passwords"},
        {"name": "me", "description": "The logged-in user: profile, language, sessions, two-factor settings"},
        {"name": "accounts", "description": "The customer account (tenant): settings, roles, audit log"},
        {"name": "users", "description": "Named users of the account (administrator)"},
        {"name": "clients", "description": "Clients (data partitions) and per-user rights"},
        {"name": "backoffice", "description": "The vendor's operators"}]

ROUTES = [
    # --- login and passwords ---------------------------------------------------------------------------------------
    Route("post", P + "/auth/login", "identity.login", args=(Body(), Client()), body=c.Credentials,
          summary="Log in with e-mail and password", tag="auth", **LOGIN),
    Route("post", P + "/auth/login/second-factor", "identity.verify_second_factor", args=(Body(), Client()),
          body=c.SecondFactor, summary="Second step: the mailed code, a TOTP code or a backup code", tag="auth",
          **LOGIN),
    Route("post", P + "/auth/login/resend-code", "identity.resend_code", args=(Body(), Client()), body=c.Challenge,
          response=c.CodeSent, summary="Mail a new code (once a minute, five times per login)", tag="auth",
          auth="public", errors=("401",), responses=THROTTLED),
    Route("post", P + "/auth/logout", "identity.logout", response=c.Ended, summary="End the current session",
          tag="auth", auth="session", after=drop_session_cookie),
    Route("post", P + "/auth/password/forgot", "identity.forgot_password", args=(Body(), Client()), body=c.Forgot,
          response=c.Message, status=202, summary="Mail a one-time password (the same answer for every address)",
          tag="auth", auth="public", after=message_in_callers_language),
    Route("post", P + "/auth/password/reset", "identity.reset_password", args=(Body(), Client()), body=c.Reset,
          response=c.PasswordChanged, summary="Set a new password with the mailed one-time password", tag="auth",
          auth="public", responses=THROTTLED),
    Route("post", P + "/auth/password/change", "identity.change_password", args=(Body(), Client()),
          body=c.ChangePassword, response=c.Authenticated,
          summary="Change the password (ends all sessions; returns a new one)", tag="auth", auth="session",
          responses=THROTTLED, after=set_session_cookie),
    Route("post", P + "/backoffice/auth/login", "identity.operator_login", args=(Body(), Client()),
          body=c.Credentials, summary="Operator login (a second factor is always required)", tag="backoffice",
          **LOGIN),

    # --- the caller --------------------------------------------------------------------------------------------------
    Route("get", P + "/me", "identity.get_me", response=c.Me,
          summary="The logged-in user with roles, client rights and language", tag="me", auth="session"),
    Route("patch", P + "/me", "identity.update_me", args=(Body(),), body=c.ProfileChanges, response=c.Me,
          summary="Change own name, salutation or language (names cannot be emptied; null only removes the "
                  "salutation)", tag="me", auth="session"),
    Route("get", P + "/me/sessions", "identity.list_sessions", response=c.Sessions, summary="Own live sessions",
          tag="me"),
    Route("delete", P + "/me/sessions/{session_id}", "identity.end_session", args=(Id("session_id"),),
          response=c.SessionEnded, summary="End one of the own sessions", tag="me",
          after=drop_cookie_of_own_session),
    Route("put", P + "/me/two-factor/mail", "identity.set_mail_codes", args=(Body(),), body=c.MailCodes,
          response=c.Me, summary="Codes by mail at login on or off (own choice; off needs the current password)",
          tag="me", errors=("409",), responses=THROTTLED),
    Route("post", P + "/me/two-factor/totp", "identity.start_totp", response=c.TotpStart,
          summary="Start setting up an authenticator app (TOTP)", tag="me"),
    Route("post", P + "/me/two-factor/totp/confirm", "identity.confirm_totp", args=(Body(),),
          body=c.TotpConfirmation, response=c.TotpEnabled,
          summary="Confirm the app with a code; returns single-use backup codes", tag="me", errors=("409",),
          responses=THROTTLED),
    Route("post", P + "/me/two-factor/totp/disable", "identity.disable_totp", args=(Body(),),
          body=c.Reauthentication, response=c.Me,
          summary="Remove the authenticator app (needs the current password)", tag="me", errors=("409",),
          responses=THROTTLED),
    Route("post", P + "/me/two-factor/backup-codes", "identity.regenerate_backup_codes", args=(Body(),),
          body=c.Reauthentication, response=c.BackupCodes,
          summary="New backup codes (the old ones stop working; needs the current password)", tag="me",
          errors=("409",), responses=THROTTLED),

    # --- account -----------------------------------------------------------------------------------------------------
    Route("get", P + "/accounts/{account_id}", "identity.get_account", args=(Id("account_id"),),
          response=c.Account, summary="The caller's own account", tag="accounts"),
    Route("get", P + "/account", "identity.get_my_account", response=c.AccountDetails,
          summary="Own account: seats, active users, security settings", tag="accounts"),
    Route("patch", P + "/account/settings", "identity.update_account_settings", args=(Body(),), body=c.Settings,
          response=c.AccountDetails, summary="Security settings (administrator)", tag="accounts"),
    Route("post", P + "/account/hand-over", "identity.hand_over_role", args=(Body(),), body=c.HandOver,
          response=c.HandedOver,
          summary="Hand the license-manager or administrator role to another active user", tag="accounts",
          errors=("409",)),
    Route("get", P + "/audit", "identity.list_audit", args=(AUDIT_FILTER,), response=c.AuditPage,
          summary="The account's security audit log, newest first (administrator)", tag="accounts"),
    Route("get", P + "/audit/{entry_id}", "identity.get_audit_entry",
          args=(Path("entry_id", schema={"type": "string"}, description="the entry's number"),),
          response=c.AuditEntry, summary="One audit entry", tag="accounts"),

    # --- users -------------------------------------------------------------------------------------------------------
    Route("get", P + "/users", "identity.list_users",
          args=(Computed(_active, query=(Query("active", bool),)),
                Query("q", description="search in name and e-mail")),
          response=c.UserList, summary="Users of the account with seats in use", tag="users"),
    Route("post", P + "/users", "identity.create_user", args=(Body(),), body=c.NewUser, response=c.User,
          status=201, summary="Create a user (active only while a seat is free)", tag="users",
          errors=("402", "409")),
    Route("get", P + "/users/{user_id}", "identity.get_user", args=(Id("user_id"),), response=c.User,
          summary="One user of the account", tag="users"),
    Route("patch", P + "/users/{user_id}", "identity.update_user", args=(Id("user_id"), Body()),
          body=c.UserChanges, response=c.User,
          summary="Change a user (administrator; a new e-mail address needs the administrator's current password)",
          tag="users", errors=("409",), responses=THROTTLED),
    Route("post", P + "/users/{user_id}/activate", "identity.activate_user", args=(Id("user_id"),),
          response=c.User, summary="Activate (takes a seat; refused with 402 when none is free)", tag="users",
          errors=("402", "409")),
    Route("post", P + "/users/{user_id}/deactivate", "identity.deactivate_user", args=(Id("user_id"),),
          response=c.User, summary="Deactivate (ends the user's sessions at once)", tag="users", errors=("409",)),
    Route("put", P + "/users/{user_id}/rights", "identity.set_user_rights",
          args=(Id("user_id"), Computed(_rights)), body=c.Rights, response=c.UserRights,
          summary="Set a user's rights per client (full, read, hidden); effective on the next request",
          tag="clients"),

    # --- clients -----------------------------------------------------------------------------------------------------
    Route("get", P + "/clients", "identity.list_clients", response=c.ClientList,
          summary="Visible clients with the caller's right", tag="clients"),
    Route("post", P + "/clients", "identity.create_client", args=(Body(),), body=c.NewClient, response=c.Client,
          status=201, summary="Create a client (administrator)", tag="clients", errors=("409",)),
    Route("get", P + "/clients/{client_id}", "identity.get_client", args=(Id("client_id"),), response=c.Client,
          summary="One client (hidden: 404)", tag="clients"),
    Route("patch", P + "/clients/{client_id}", "identity.update_client", args=(Id("client_id"), Body()),
          body=c.ClientChanges, response=c.Client,
          summary="Rename or describe a client (full access; read only: 403)", tag="clients", errors=("409",)),
    Route("delete", P + "/clients/{client_id}", "identity.delete_client", args=(Id("client_id"),),
          response=c.Deleted, summary="Delete a client (administrator)", tag="clients", errors=("409",)),
    Route("put", P + "/clients/{client_id}/rights", "identity.set_client_rights",
          args=(Id("client_id"), Computed(_rights)), body=c.Rights, response=c.ClientRights,
          summary="Set rights on one client per user (administrator)", tag="clients"),
    Route("get", P + "/rights-matrix", "identity.get_rights_matrix", response=c.RightsMatrix,
          summary="Users x clients with each right (administrator)", tag="clients"),

    # --- back office (identity refuses everyone but operators) --------------------------------------------------------
    Route("get", P + "/backoffice/accounts", "identity.list_accounts", args=(Query("q"),), response=c.AccountList,
          summary="Account metadata (operators)", tag="backoffice"),
    Route("get", P + "/backoffice/audit", "identity.list_operator_audit", args=(AUDIT_FILTER,),
          response=c.AuditPage, summary="Operators' audit log", tag="backoffice"),
    Route("post", P + "/backoffice/operators", "identity.create_operator", args=(Body(),), body=c.NewOperator,
          response=c.User, status=201, summary="Create an operator (back office)", tag="backoffice",
          errors=("409",)),
]


def register(app: falcon.App, deps: Any) -> None:
    routing.register(app, deps, ROUTES)


OPENAPI: dict = routing.openapi(ROUTES, TAGS)
