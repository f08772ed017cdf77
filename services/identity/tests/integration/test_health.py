import json
import urllib.request

from nameko.web.server import WebServer

from identity.service import IdentityService


def test_health_reports_version_database_and_broker(run_services, rpc_as):
    runner = run_services(IdentityService)
    with rpc_as() as rpc:
        report = rpc.identity.health()
    assert report["service"] == "identity"
    assert report["ok"] is True
    assert report["database"]["ok"] is True
    assert report["database"]["revision"] is not None
    assert report["broker"]["ok"] is True

    # the same report on the process's own HTTP probe (what Kubernetes and docker-compose ask)
    container = next(iter(runner.containers))
    server = next(ext for ext in container.shared_extensions.values() if isinstance(ext, WebServer))
    port = server._sock.getsockname()[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as resp:
        assert resp.status == 200
        assert json.loads(resp.read())["service"] == "identity"
