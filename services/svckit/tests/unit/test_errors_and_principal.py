import pytest
from nameko.exceptions import deserialize, serialize

from svckit import principal as p
from svckit.errors import Conflict, Forbidden, InvalidInput, NotFound, WireError
from svckit.i18n import Text, negotiate, normalise_language

SECRET = "test-secret"


@pytest.mark.parametrize("cls", [InvalidInput, NotFound, Forbidden, Conflict])
def test_wire_errors_survive_nameko_serialisation_as_their_own_type(cls):
    exc = cls(Text("Fehler", "Error"), fields={"email": Text("Ungültig", "Invalid")}, limit=5)
    back = deserialize(serialize(exc))
    assert type(back) is cls
    assert back.detail == Text("Fehler", "Error")
    assert back.fields == {"email": Text("Ungültig", "Invalid")}
    assert back.extra == {"limit": 5}
    assert back.payload["code"] == cls.code


def test_default_detail_in_both_languages():
    exc = deserialize(serialize(NotFound()))
    assert exc.detail.de == "Nicht gefunden."
    assert exc.detail.en == "Not found."
    assert isinstance(exc, WireError)


def test_text_format_and_pick():
    t = Text("{n} Plätze", "{n} seats").format(n=3)
    assert t.pick("de") == "3 Plätze"
    assert t.pick("en") == "3 seats"
    assert t.pick(None) == "3 Plätze"


@pytest.mark.parametrize("header,expected", [
    ("en-GB,en;q=0.9,de;q=0.8", "en"), ("de-AT", "de"), ("fr-FR, en;q=0.5", "en"), ("fr", "de"), (None, "de"),
    ("de;q=0.2, en;q=0.7", "en"),
])
def test_accept_language_negotiation(header, expected):
    assert negotiate(header) == expected


def test_normalise_language():
    assert normalise_language("EN_us") == "en"
    assert normalise_language("it") == "de"


def _user(**kw):
    base = dict(kind="user", account_id="acc-1", user_id="u-1", roles=("user",),
                clients={"c-full": "full", "c-read": "read"}, lang="en")
    base.update(kw)
    return p.Principal(**base)


def test_principal_round_trip_and_signature():
    token = p.encode(_user(), SECRET)
    assert p.decode(token, SECRET) == _user()


@pytest.mark.parametrize("mangle", [
    lambda t: t.replace('"roles":["user"]', '"roles":["administrator"]'),  # escalate without re-signing
    lambda t: "x" + t,
    lambda t: t.split(".", 1)[1],
    lambda t: "",
    lambda t: None,
    lambda t: "abc.{not json",
])
def test_forged_or_broken_principal_is_anonymous(mangle):
    principal = p.decode(mangle(p.encode(_user(), SECRET)), SECRET)
    assert principal.kind == "anonymous"
    assert principal.account_id is None


def test_principal_signed_with_another_secret_is_anonymous():
    assert p.decode(p.encode(_user(), "other"), SECRET).kind == "anonymous"


def test_client_rights_hidden_is_not_found_read_only_is_forbidden():
    user = _user()
    user.check_client("c-full", write=True)
    user.check_client("c-read")
    with pytest.raises(Forbidden):
        user.check_client("c-read", write=True)
    with pytest.raises(NotFound):
        user.check_client("c-hidden")
    assert user.visible_client_ids() == ["c-full", "c-read"]
    assert user.writable_client_ids() == ["c-full"]


def test_check_row_hides_other_accounts_and_hidden_clients():
    user = _user()
    user.check_row("acc-1", "c-full", write=True)
    with pytest.raises(NotFound):
        user.check_row("acc-2", "c-full")
    with pytest.raises(NotFound):
        user.check_row("acc-1", "c-hidden")
    with pytest.raises(Forbidden):
        user.check_row("acc-1", "c-read", write=True)


def test_operators_have_no_account():
    op = p.Principal(kind="operator", user_id="op-1", roles=("support",))
    with pytest.raises(Forbidden):
        op.require_account()
    op.require_operator("support")
    with pytest.raises(Forbidden):
        op.require_operator("back_office")
    with pytest.raises(Forbidden):
        _user().require_operator()
