from billing.service import BillingService


def test_health_reports_version_database_and_broker(run_services, rpc_as):
    run_services(BillingService)
    with rpc_as() as rpc:
        report = rpc.billing.health()
    assert report["service"] == "billing"
    assert report["ok"] is True
    assert report["database"]["ok"] is True
    assert report["database"]["revision"] is not None
    assert report["broker"]["ok"] is True
