"""The unsubscribe page, served by the gateway from dispatch's answer, cannot be framed (clickjacking the button) and
runs no script: its Content-Security-Policy says so, on the page and on the one-click answer."""

from __future__ import annotations

from dispatch.service import DispatchService


def test_the_unsubscribe_page_sends_a_csp_that_forbids_framing_and_scripts(run_services, gateway, dispatch_config):
    run_services(DispatchService, config=dispatch_config, db_services=("dispatch",))
    api = gateway(public_base_url="https://press.example")
    for resp in (api.simulate_get("/u/1.forged", params={"lang": "en"}),
                 api.simulate_post("/u/1.forged", body="List-Unsubscribe=One-Click",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})):
        assert resp.status_code == 404 and resp.headers["content-type"].startswith("text/html")
        assert "unsubscribe link is not valid" in resp.text or "Abmeldelink ist ungültig" in resp.text
        csp = dict(part.strip().split(" ", 1) for part in resp.headers["content-security-policy"].split(";"))
        assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'none'"
        assert "script-src" not in csp and csp["form-action"] == "'self'"
        assert resp.headers["x-frame-options"] == "DENY"
        assert resp.headers["cache-control"] == "no-store"
        assert resp.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
