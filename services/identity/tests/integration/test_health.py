from identity.service import IdentityService


def test_health_reports_version_database_and_broker(run_services, rpc_as):
    run_services(IdentityService)
    with rpc_as() as rpc:
        report = rpc.identity.health()
    assert report["service"] == "identity"
    assert report["ok"] is True
    assert report["database"]["ok"] is True
    assert report["database"]["revision"] is not None
    assert report["broker"]["ok"] is True
