"""With identity down, a request that carries a session still reaches resources that need no login (the web app's
files, /healthz, the public status page) as anonymous; resources that need a login answer 503, not 401."""


def test_public_resources_work_and_protected_ones_say_unavailable(gateway):
    api = gateway(rpc_timeout=1.0)   # no identity service is running on this run's broker
    headers = {"Authorization": "Bearer some-session-token", "Accept-Language": "en"}
    assert api.simulate_get("/healthz", headers=headers).status_code == 200
    resp = api.simulate_get("/api/v1/me", headers=headers)
    assert resp.status_code == 503
    assert resp.json["code"] == "unavailable"
