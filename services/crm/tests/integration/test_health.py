from crm.service import CrmService


def test_health_reports_version_database_and_broker(run_services, rpc_as):
    run_services(CrmService)
    with rpc_as() as rpc:
        report = rpc.crm.health()
    assert report["service"] == "crm"
    assert report["ok"] is True
    assert report["database"]["ok"] is True
    assert report["database"]["revision"] is not None
    assert report["broker"]["ok"] is True
