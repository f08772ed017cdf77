"""Rights on EVERY crm endpoint, table-driven over the HTTP API.

For each route the table says how to aim it at data of
- ``hidden``: a client of the same account the user cannot see      -> 404 (never confirm it exists)
- ``read``: a client the user may only read                          -> 403 for writes, success for reads
- ``foreign``: another account                                         -> 404
Routes that belong to the user (uploads, jobs, mailboxes) aim ``hidden`` at another user's item of the same
account. The test fails if a route of gateway.routes.crm has no row here.
"""

from __future__ import annotations

import uuid

from gateway.routes import crm as routes

P = routes.P
CSV = "Vorname;Nachname;E-Mail\nAnna;Muster;anna@x.example\n".encode()
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63fccf5003000483018084a98c210000000049454e44ae426082")


def make_world(api, tenant):
    """Objects in each client, in another account, and items belonging to another user."""
    world = {}
    everyone = api(tenant.all_access())
    stranger = api(tenant.stranger())
    for target, client, creator in (("read", tenant.read, everyone), ("hidden", tenant.hidden, everyone),
                                    ("foreign", tenant.other_client, stranger)):
        a = creator.simulate_post(f"{P}/contacts", json={"client_id": client, "last_name": "A",
                                                         "emails": [{"email": f"a-{target}@x.example"}]}).json
        b = creator.simulate_post(f"{P}/contacts", json={"client_id": client, "last_name": "B"}).json
        lst = creator.simulate_post(f"{P}/lists", json={"client_id": client, "name": f"L {target}"}).json
        creator.simulate_post(f"{P}/lists/{lst['id']}/members", json={"contact_ids": [a["id"]]})
        ev = creator.simulate_post(f"{P}/events", json={"client_id": client, "name": "E"}).json
        creator.simulate_post(f"{P}/events/{ev['id']}/participants", json={"contact_ids": [a["id"]]})
        folder = creator.simulate_post(f"{P}/media/folders", json={"client_id": client, "name": "F"}).json
        f = creator.simulate_post(f"{P}/media/folders/{folder['id']}/files", body=PNG,
                                  params={"filename": "p.png"}).json
        creator.simulate_post(f"{P}/contacts/{a['id']}/files", json={"file_id": f["id"]})
        world[target] = {"client_id": client, "contact_id": a["id"], "other_id": b["id"], "list_id": lst["id"],
                         "event_id": ev["id"], "folder_id": folder["id"], "file_id": f["id"]}
    # items of another user of the same account ("hidden") and of the other account ("foreign")
    for target, creator in (("hidden", api(tenant.user())), ("foreign", stranger)):
        imp = creator.simulate_post(f"{P}/imports", body=CSV, params={"filename": "k.csv"}).json
        box = creator.simulate_post(f"{P}/mailboxes", json={"host": "127.0.0.1", "port": 1, "security": "none",
                                                            "username": "u", "password": "p"}).json
        lst = world["foreign" if target == "foreign" else "read"]["list_id"]
        job = creator.simulate_post(f"{P}/exports", json={"source": {"list_id": lst}}).json
        world[target].update({"import_id": imp["id"], "mailbox_id": box["id"], "job_id": job["id"]})
    return world


W = "write"
R_ = "read"
OWN = "own"        # user-owned: hidden = another user's item


def case(kind, body=None, params=None, read_status=200, upload=None, targets=("hidden", "read", "foreign")):
    return {"kind": kind, "body": body, "params": params, "read_status": read_status, "upload": upload,
            "targets": targets}


CASES = {
    ("get", "/contacts"): case(R_, params={"client_id": "{client_id}"}),
    ("post", "/contacts"): case(W, body={"client_id": "{client_id}", "last_name": "X"}),
    ("get", "/contacts/{contact_id}"): case(R_),
    ("patch", "/contacts/{contact_id}"): case(W, body={"city": "Wien"}),
    ("delete", "/contacts/{contact_id}"): case(W),
    ("get", "/contacts/{contact_id}/history"): case(R_),
    ("post", "/contacts/{contact_id}/history"): case(W, body={"kind": "note", "body": "x"}),
    ("get", "/duplicates"): case(R_, params={"client_id": "{client_id}"}),
    ("post", "/contacts/{contact_id}/merge"): case(W, body={"other_id": "{other_id}"}),
    ("get", "/contacts/{contact_id}/pressbase-changes"): case(R_),
    ("post", "/contacts/{contact_id}/pressbase-changes/apply"): case(W),
    ("post", "/contacts/{contact_id}/pressbase-changes/dismiss"): case(W),
    ("get", "/custom-fields"): case("account", read_status=200),
    ("post", "/custom-fields"): case("admin", body={"key": "k", "label_de": "k", "label_en": "k", "type": "text"}),
    ("delete", "/custom-fields/{key}"): case("admin"),
    ("get", "/lists"): case(R_, params={"client_id": "{client_id}"}),
    ("post", "/lists"): case(W, body={"client_id": "{client_id}", "name": "N"}),
    ("get", "/lists/{list_id}"): case(R_),
    ("patch", "/lists/{list_id}"): case(W, body={"name": "neu"}),
    ("delete", "/lists/{list_id}"): case(W),
    ("get", "/lists/{list_id}/members"): case(R_),
    ("post", "/lists/{list_id}/members"): case(W, body={"contact_ids": ["{other_id}"]}),
    ("post", "/lists/{list_id}/members/remove"): case(W, body={"contact_ids": ["{contact_id}"]}),
    ("get", "/events"): case(R_, params={"client_id": "{client_id}"}),
    ("post", "/events"): case(W, body={"client_id": "{client_id}", "name": "E2"}),
    ("get", "/events/{event_id}"): case(R_),
    ("patch", "/events/{event_id}"): case(W, body={"name": "neu"}),
    ("delete", "/events/{event_id}"): case(W),
    ("get", "/events/{event_id}/participants"): case(R_),
    ("post", "/events/{event_id}/participants"): case(W, body={"contact_ids": ["{other_id}"]}),
    ("patch", "/events/{event_id}/participants/{contact_id}"): case(W, body={"status": "attended"}),
    ("delete", "/events/{event_id}/participants/{contact_id}"): case(W),
    ("get", "/imports"): case("account", read_status=200),
    ("post", "/imports"): case("account", upload=CSV, read_status=201),
    ("get", "/imports/{import_id}"): case(OWN),
    ("put", "/imports/{import_id}/mapping"): case(OWN, body={"mapping": {"1": "first_name", "2": "last_name"}}),
    ("post", "/imports/{import_id}/dry-run"): case("import", body={"client_id": "{client_id}"}, read_status=202),
    ("post", "/imports/{import_id}/run"): case("import", body={"client_id": "{client_id}"}),
    ("get", "/imports/{import_id}/report"): case(OWN),
    ("get", "/media/folders"): case(R_, params={"client_id": "{client_id}"}),
    ("post", "/media/folders"): case(W, body={"client_id": "{client_id}", "name": "G"}),
    ("patch", "/media/folders/{folder_id}"): case(W, body={"name": "H"}),
    ("delete", "/media/folders/{folder_id}"): case(W),
    ("post", "/media/folders/{folder_id}/files"): case(W, upload=PNG),
    ("get", "/media/files/{file_id}"): case(R_),
    ("patch", "/media/files/{file_id}"): case(W, body={"name": "q.png"}),
    ("delete", "/media/files/{file_id}"): case(W),
    ("get", "/media/files/{file_id}/content"): case(R_),
    ("get", "/media/usage"): case("account", read_status=200),
    ("get", "/contacts/{contact_id}/files"): case(R_),
    ("post", "/contacts/{contact_id}/files"): case(W, body={"file_id": "{file_id}"}),
    ("delete", "/contacts/{contact_id}/files/{file_id}"): case(W),
    ("post", "/exports"): case(R_, body={"source": {"list_id": "{list_id}"}}, read_status=202),
    ("get", "/mailboxes"): case("account", read_status=200),
    ("post", "/mailboxes"): case("account", body={"host": "127.0.0.1", "port": 1, "security": "none",
                                                  "username": "u", "password": "p"}, read_status=201),
    ("get", "/mailboxes/{mailbox_id}"): case(OWN),
    ("patch", "/mailboxes/{mailbox_id}"): case(OWN, body={"folders": ["INBOX"]}),
    ("delete", "/mailboxes/{mailbox_id}"): case(OWN),
    ("post", "/mailboxes/{mailbox_id}/sync"): case(OWN),
    ("get", "/contacts/{contact_id}/gdpr-export"): case(R_),
    ("post", "/contacts/{contact_id}/erasure"): case(W),
    ("get", "/account-exports"): case("admin"),
    ("post", "/account-exports"): case("admin"),
    ("get", "/jobs/{job_id}"): case(OWN),
    ("get", "/jobs/{job_id}/file"): case(OWN),
}


def fill(value, ids):
    if isinstance(value, str):
        for k, v in ids.items():
            value = value.replace("{" + k + "}", str(v))
        return value
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


def expected(c, target):
    kind = c["kind"]
    if kind == "admin":
        return 403                        # a plain user, whatever the target
    if kind == "account":
        return c["read_status"]           # the caller's own account: nothing of others is reachable
    if target in ("hidden", "foreign"):
        return 404
    if kind == W or (kind == "import" and c["read_status"] != 202):
        return 403
    return c["read_status"]


def test_every_crm_endpoint_enforces_client_rights(api, tenant):
    table = {(r.method, r.path[len(P):]) for r in routes.ROUTES}
    assert table == set(CASES), f"routes without a rights case: {table - set(CASES)}; stale: {set(CASES) - table}"

    world = make_world(api, tenant)
    me = api(tenant.user())
    # my own import for the import cases aimed at clients
    mine = me.simulate_post(f"{P}/imports", body=CSV, params={"filename": "k.csv"}).json
    failures = []
    checked = 0
    for (method, path), c in sorted(CASES.items()):
        for target in c["targets"]:
            if c["kind"] in ("admin", "account") and target != "read":
                continue
            ids = dict(world.get(target) or world["read"])
            ids["key"] = "nonexistent"
            if c["kind"] == "import":
                ids["import_id"] = mine["id"]
            if c["kind"] == OWN and target == "read":
                continue                  # one's own items are covered by the feature tests
            url = P + fill(path, ids)
            kwargs = {}
            if c["params"]:
                kwargs["params"] = fill(c["params"], ids)
            if c["upload"] is not None:
                kwargs["body"] = c["upload"]
                kwargs.setdefault("params", {})["filename"] = "x.bin"
            elif c["body"] is not None:
                kwargs["json"] = fill(c["body"], ids)
            resp = me.simulate_request(method.upper(), url, **kwargs)
            want = expected(c, target)
            checked += 1
            if resp.status_code != want:
                failures.append(f"{method.upper()} {path} [{target}] -> {resp.status_code}, expected {want}: "
                                f"{resp.text[:200]}")
            elif want in (403, 404):
                assert resp.headers["content-type"] == "application/problem+json"
    assert failures == [], "\n".join(failures)
    assert checked > 150

    # and nothing of the hidden client or the other account changed on the way
    everyone = api(tenant.all_access())
    for target in ("hidden",):
        got = everyone.simulate_get(f"{P}/contacts/{world[target]['contact_id']}").json
        assert got["last_name"] == "A" and got["city"] == ""
        assert everyone.simulate_get(f"{P}/lists/{world[target]['list_id']}").json["members"] == 1
    stranger = api(tenant.stranger())
    assert stranger.simulate_get(f"{P}/contacts/{world['foreign']['contact_id']}").json["last_name"] == "A"
    assert str(uuid.UUID(world["foreign"]["contact_id"]))
