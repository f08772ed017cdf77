"""The web app's serving (routes/web.py): files of the build, the single-page fallback for browsers, the hint page
without a build, and the paths it must never shadow. No service runs: these paths make no RPC."""

from __future__ import annotations

import pytest
from falcon import testing

from gateway.app import create_app
from gateway.routes import web
from gateway.rpc import RpcClient
from gateway.settings import Settings

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _client():
    settings = Settings(amqp_uri="amqp://guest:guest@127.0.0.1:1/")
    return testing.TestClient(create_app(RpcClient(settings.amqp_uri, settings.principal_secret), settings))


@pytest.fixture
def built(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>", encoding="utf-8")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *", encoding="utf-8")
    monkeypatch.setattr(web, "STATIC_DIR", tmp_path)
    return _client()


def test_without_a_build_the_root_says_how_to_build(monkeypatch, tmp_path):
    monkeypatch.setattr(web, "STATIC_DIR", tmp_path / "missing")
    resp = _client().simulate_get("/")
    assert resp.status_code == 200 and "scripts/build-web.sh" in resp.text
    assert resp.headers["content-type"].startswith("text/html")


def test_files_of_the_build_and_the_fallback_for_client_side_routes(built):
    index = built.simulate_get("/")
    assert index.status_code == 200 and "id=root" in index.text
    assert index.headers["cache-control"] == "no-cache"
    assert "frame-ancestors 'none'" in index.headers["content-security-policy"]
    asset = built.simulate_get("/assets/index-abc123.js")
    assert asset.status_code == 200 and asset.text == "console.log(1)"
    assert "immutable" in asset.headers["cache-control"]
    assert "javascript" in asset.headers["content-type"]
    assert built.simulate_get("/robots.txt").headers["content-type"].startswith("text/plain")
    # a client-side route opened in the browser (reload, bookmark) gets the app
    for path in ("/login", "/admin/users", "/status", "/backoffice/orders"):
        resp = built.simulate_get(path, headers=HTML)
        assert resp.status_code == 200 and "id=root" in resp.text, path


def test_never_shadows_the_api_probes_or_tracking_links(built):
    assert built.simulate_get("/healthz").json == {"status": "ok"}
    for path in ("/api/v1/nowhere", "/api", "/t/o/unknown-token-xyz/more", "/assets/missing.js"):
        resp = built.simulate_get(path, headers=HTML)
        assert resp.status_code == 404, path
        assert resp.headers["content-type"] == "application/problem+json", path
    docs = built.simulate_get("/api/v1/docs", headers=HTML)
    assert "swagger-ui" in docs.text
    assert built.simulate_get("/api/v1/openapi.json").json["openapi"] == "3.1.0"
    # an unknown path asked for by an API client (no HTML) stays a problem
    resp = built.simulate_get("/nowhere", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and resp.headers["content-type"] == "application/problem+json"


def test_no_path_traversal_and_no_writes(built, tmp_path):
    (tmp_path.parent / "secret.txt").write_text("secret", encoding="utf-8")
    for path in ("/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt"):
        resp = built.simulate_get(path)
        assert resp.status_code == 404 and resp.text != "secret", path
    assert built.simulate_post("/login", headers=HTML).status_code == 405
