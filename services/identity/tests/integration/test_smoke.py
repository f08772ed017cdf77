def test_account_admin_first_login(identity, tenant):
    admin = tenant["admin"]
    assert admin.kind == "user"
    assert set(admin.roles) == {"license_manager", "administrator", "user"}
    assert set(admin.clients.values()) == {"full"}
    me = identity.call("get_me", principal=admin)
    assert me["email"] == tenant["admin_email"]
