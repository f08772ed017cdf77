"""The demo seed: idempotent, works without the services running, and the demo login works right away."""

from sqlalchemy import text

from identity import seed


def test_seed_twice_then_log_in_as_the_demo_user(databases, tmp_path, run_services, identity):
    url = databases.ensure("identity")
    first = seed.run(url, str(tmp_path))
    second = seed.run(url, str(tmp_path))
    assert first == second
    with databases.engine("identity").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM accounts")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM outbox WHERE event_type = 'account_created'")).scalar() == 1
    hint = (tmp_path / "demo-login.txt").read_text()
    assert hint.startswith(f"{seed.DEMO_EMAIL} / {seed.DEMO_PASSWORD}") and seed.OPERATOR_EMAIL in hint
    result = identity.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
    assert result["status"] == "authenticated" and result["restrictions"] == []  # no 2FA, no forced change
    demo = identity.principal(result["token"])
    assert set(demo.roles) == {"license_manager", "administrator", "user"}
    clients = {c["name"]: c["id"] for c in identity.call("list_clients", principal=demo)["clients"]}
    assert set(clients) == {"Konzern", "Tochtergesellschaft"}
    second_user = identity.principal(identity.login(seed.SECOND_EMAIL, seed.DEMO_PASSWORD)["token"])
    assert second_user.clients == {clients["Konzern"]: "read", clients["Tochtergesellschaft"]: "full"}
    step = identity.call("operator_login", {"email": seed.OPERATOR_EMAIL, "password": seed.OPERATOR_PASSWORD})
    assert step["status"] == "second_factor_required"
