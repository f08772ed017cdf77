"""Walks of the pressbase (the licensed media database; the suite's seed loads a DACH dataset of 2,000 journalists):
the faceted search narrowed by a facet with the counts changing, a journalist's page, a hand-picked selection of
chosen journalists, the transfer of one into the CRM contacts of a chosen client (found afterwards through the crm
API), editorial calendars by topic with upcoming deadlines soonest first, and the Excel export of a saved search
(the downloaded workbook's rows) or, where the licence has no export, the licence's stated reason."""

from __future__ import annotations

import io
import json
import re
import time
import uuid
from datetime import date

from playwright.sync_api import expect

from conftest import DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, OPERATOR_PASSWORD, login, shot


def number(text: str) -> int:
    """The first number in a text, German or English grouping ("1.234", "1,234")."""
    match = re.search(r"\d[\d.,]*", text)
    assert match, text
    return int(re.sub(r"[.,]", "", match.group(0)))


def api(page, path: str, **params):
    response = page.request.get(path, params=params or None)
    assert response.ok, (path, response.status, response.text())
    return response.json()


def licence(page) -> dict:
    """The account's licence once pressbase has learnt the demo account's entitlements (billing broadcasts them
    when it starts)."""
    deadline = time.monotonic() + 30
    while True:
        current = api(page, "/api/v1/pressbase/licence")
        if current["datasets"] or time.monotonic() > deadline:
            return current
        time.sleep(0.5)


def result_total(page, changed_from: str | None = None) -> int:
    """The result count once loaded (``changed_from``: the count's text before a change, to wait for the new one)."""
    count = page.get_by_test_id("result-count")
    if changed_from is not None:
        expect(count).not_to_have_text(changed_from)
    expect(count).to_contain_text(re.compile(r"\d+ (Journalisten|journalists)"))
    expect(count).not_to_contain_text(re.compile("Wird geladen|Loading"))
    return number(count.inner_text())


def open_pressbase(page) -> None:
    page.get_by_role("navigation", name=re.compile("Hauptnavigation|Main navigation")).get_by_role(
        "link", name="Pressbase").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Pressbase"))


def test_search_narrow_open_select_and_transfer(new_page, suite):
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    assert "dach" in licence(page)["datasets"]
    open_pressbase(page)
    expect(page.get_by_text("Lizenzierte Datenbestände:")).to_be_visible()

    # all journalists (too many to count exactly: an estimate, marked), then words, then Austria
    everyone = result_total(page)
    assert everyone >= 1000
    expect(page.get_by_test_id("result-count")).to_contain_text("geschätzt")
    # sorted by name, a page at a time: the second page continues the first (the API's order, no repeats)
    page.get_by_label("Sortierung").select_option(label="Name")
    expect(page).to_have_url(re.compile(r"sort=name"))
    rows = page.locator("li.result")
    expect(rows).to_have_count(25)
    page.get_by_role("button", name="Weitere laden").click()
    expect(rows).to_have_count(50)
    shown_ids = [int(x) for x in rows.evaluate_all("(rs) => rs.map((r) => r.dataset.journalist)")]
    first = api(page, "/api/v1/pressbase/journalists", sort="name", limit="25", facets="false")
    second = api(page, "/api/v1/pressbase/journalists", sort="name", limit="25", facets="false",
                 cursor=first["next_cursor"])
    assert shown_ids == [j["id"] for j in first["items"] + second["items"]]
    page.get_by_role("search").get_by_label("Suchbegriffe").fill("Politik")
    before = page.get_by_test_id("result-count").inner_text()
    page.get_by_role("search").get_by_role("button", name="Suchen").click()
    expect(page).to_have_url(re.compile(r"q=Politik"))
    expect(page.get_by_test_id("result-count")).not_to_contain_text("geschätzt")
    political = result_total(page, changed_from=before)
    assert 0 < political < everyone
    country = page.get_by_role("group", name="Land", exact=True)
    austria = country.get_by_role("checkbox", name=re.compile("^Österreich"))
    facet_count = number(country.locator("li").filter(
        has=page.get_by_role("checkbox", name=re.compile("^Österreich"))).locator(".count").inner_text())
    assert 0 < facet_count < political
    austria.check()
    expect(page).to_have_url(re.compile(r"country=AT"))
    expect(page.get_by_role("group", name="Aktive Filter")).to_contain_text("Land: Österreich")
    expect(page.get_by_test_id("result-count")).to_have_text(f"{facet_count} Journalisten")
    # every row shown is in Austria
    results = page.get_by_role("list", name="Treffer", exact=True)
    expect(results.get_by_role("listitem")).to_have_count(min(25, facet_count))
    for text in results.get_by_role("listitem").all_inner_texts():
        assert "Österreich" in text, text
    # the other facets now count within Austria: no desk has more than the total
    for label in page.get_by_role("group", name="Ressort", exact=True).locator(".count").all_inner_texts():
        if label.strip():
            assert number(label) <= facet_count
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "pressbase-search-de")

    # a journalist's page: the facts and the outlets; the transfer into contacts of a chosen client
    first = results.get_by_role("listitem").first.get_by_role("link").first
    name = first.inner_text().strip()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    journalist_id = int(re.search(r"/pressbase/journalists/(\d+)", page.url).group(1))
    record = api(page, f"/api/v1/pressbase/journalists/{journalist_id}")
    assert record["country"]["code"] == "AT"
    expect(page.get_by_role("heading", name="Medien und Funktionen")).to_be_visible()
    if record["outlets"]:
        expect(page.get_by_role("link", name=record["outlets"][0]["name"]).first).to_be_visible()
    shot(page, "pressbase-journalist-de")

    transfer = page.get_by_role("form", name="In Kontakte übernehmen")
    picker = transfer.get_by_label("Mandant (mit Vollzugriff)")
    picker.select_option(label="Tochtergesellschaft")
    transfer.get_by_role("button", name="In Kontakte übernehmen").click()
    expect(transfer.get_by_role("status").filter(has_text="übernommen")).to_contain_text(
        "1 übernommen in „Tochtergesellschaft“: 1 neu angelegt", timeout=45_000)

    # the contact exists in the chosen client's CRM contacts, linked to the pressbase record
    clients = {c["name"]: c["id"] for c in api(page, "/api/v1/clients")["clients"]}
    found = api(page, "/api/v1/crm/contacts", client_id=clients["Tochtergesellschaft"], q=record["last_name"])
    items = found.get("items", [])
    match = [c for c in items
             if c.get("last_name") == record["last_name"] and c.get("first_name") == record["first_name"]]
    assert len(match) == 1, items
    contact = api(page, f"/api/v1/crm/contacts/{match[0]['id']}")
    assert contact["pressbase_id"] == record["pressbase_id"], contact
    assert contact["source_kind"] == "pressbase", contact
    if record["email"]:
        assert match[0]["email"] == record["email"], match
    # ... and not in the other client
    other = api(page, "/api/v1/crm/contacts", client_id=clients["Konzern"], q=record["last_name"]).get("items", [])
    assert not [c for c in other if c.get("first_name") == record["first_name"]
                and c.get("last_name") == record["last_name"]], other

    # ... and on the contacts page the transfer links to (filtered to pressbase transfers into that client)
    transfer.get_by_role("link", name="Zu den Kontakten").click()
    expect(page).to_have_url(re.compile(r"/contacts\?.*source_kind=pressbase"))
    contact_rows = page.locator("tbody tr").filter(has_text=record["last_name"])
    expect(contact_rows).to_have_count(1)
    expect(contact_rows).to_contain_text("Tochtergesellschaft")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    # back to the narrowed search: two journalists into a new hand-picked selection
    page.go_back()
    expect(page).to_have_url(re.compile(r"/pressbase\?.*country=AT"))
    picks = page.get_by_role("checkbox", name=re.compile("^Auswählen: "))
    chosen = []
    for i in range(2):
        box = picks.nth(i)
        chosen.append(box.get_attribute("aria-label").removeprefix("Auswählen: "))
        box.check()
    expect(page.get_by_text("2 ausgewählt")).to_be_visible()
    page.get_by_role("button", name="Zu einer Liste hinzufügen").click()
    adding = page.get_by_role("form", name="Zu einer Liste hinzufügen")
    adding.get_by_label("die ausgewählten Treffer (2)").check()
    expect(adding.get_by_label("Liste", exact=True)).to_have_value("")
    list_name = f"Österreich-Auswahl {uuid.uuid4().hex[:6]}"
    adding.get_by_label("Name", exact=True).fill(list_name)
    adding.get_by_role("button", name="Hinzufügen").click()
    expect(adding.get_by_role("status")).to_contain_text(f"2 neu in „{list_name}“.")
    adding.get_by_role("link", name="Öffnen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(list_name)
    members = page.get_by_role("region", name="Enthaltene Datensätze")
    for person in chosen:
        expect(members.get_by_role("link", name=person)).to_be_visible()
    assert members.locator("tbody tr").count() == 2
    # usable as mailing recipients: the check says how many addresses it yields
    page.get_by_role("button", name="Als Empfänger verwenden").click()
    page.get_by_role("button", name="Empfänger prüfen").click()
    expect(page.get_by_role("status").filter(has_text="Empfänger")).to_contain_text("2 Empfänger")
    shot(page, "pressbase-selection-de")

    # the selections list shows it with its two entries
    page.get_by_role("link", name="← Auswahlen").click()
    row = page.locator(f"tr[data-selection='{list_name}']")
    expect(row).to_contain_text("Liste")
    expect(row.locator("td.num")).to_have_text("2")


def test_forward_features_by_topic_with_upcoming_deadlines(new_page, suite):
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    lic = licence(page)
    page.goto("/pressbase/forward-features")
    expect(page.get_by_role("heading", level=1)).to_have_text("Themenpläne")
    if not lic["forward_features"]:
        expect(page.get_by_test_id("ff-reason")).to_contain_text(lic["reasons"]["forward_features"])
        return

    # the topics found among all upcoming calendars, with counts; searching by one gives exactly that many
    count = page.locator(".results-count")
    expect(count).to_contain_text(re.compile(r"\d+ Themenpläne"))
    all_count = number(count.inner_text())
    chip = page.get_by_role("group", name="Themen in den Treffern").get_by_role("button").first
    topic_label = chip.inner_text().rsplit(" ", 1)[0].strip()
    topic_count = number(chip.locator(".count").inner_text())
    assert 0 < topic_count <= all_count
    page.get_by_label("Thema", exact=True).select_option(label=topic_label)
    page.get_by_role("button", name="Suchen", exact=True).click()
    expect(count).to_have_text(f"{topic_count:,} Themenpläne".replace(",", "."))

    # upcoming deadlines, soonest first
    rows = page.get_by_role("region", name="Themenpläne").locator("tbody tr")
    expect(rows.first).to_be_visible()
    deadlines = [row.get_attribute("data-deadline") for row in rows.all()]
    assert deadlines == sorted(deadlines)
    assert deadlines[0] >= date.today().isoformat()
    assert len(deadlines) == min(25, topic_count)
    expect(rows.first).to_contain_text(re.compile(r"heute|in \d+ Tag(en)?"))
    shot(page, "pressbase-forward-features-de")
    # the same page in English (the user's language is saved: switched back afterwards)
    page.get_by_role("button", name="EN", exact=True).click()
    try:
        expect(page.get_by_role("heading", level=1)).to_have_text("Editorial calendars")
        expect(count).to_have_text(f"{topic_count:,} editorial calendar entries")
        topic = page.get_by_label("Topic", exact=True)
        expect(topic).to_have_value(re.compile(r".+"))
        english = {t["code"]: t["label"] for t in api(page, "/api/v1/pressbase/reference", lang="en")["topics"]}
        expect(topic.locator("option:checked")).to_have_text(english[topic.input_value()])   # labels in English too
        expect(page.get_by_role("region", name="Editorial calendars").locator("tbody tr").first).to_contain_text(
            re.compile(r"today|in \d+ days"))
        shot(page, "pressbase-forward-features-en")
    finally:
        page.get_by_role("button", name="DE", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Themenpläne")

    # a later start narrows to deadlines from then on
    later = deadlines[len(deadlines) // 2]
    page.get_by_label("Einsendeschluss ab").fill(later)
    page.get_by_role("button", name="Suchen", exact=True).click()
    expect(rows.first).to_have_attribute("data-deadline", re.compile(r"\d{4}-\d\d-\d\d"))
    page.wait_for_function(
        "(later) => [...document.querySelectorAll('tr[data-deadline]')].every((r) => r.dataset.deadline >= later)",
        arg=later)
    assert number(count.inner_text()) < topic_count or deadlines[0] == later

    # the outlet of the soonest one lists it among its upcoming calendars, with its newsroom
    soonest = page.get_by_role("region", name="Themenpläne").locator("tbody tr").first
    feature_id = soonest.get_attribute("data-ff")
    outlet = soonest.get_by_role("link").first
    outlet_name = outlet.inner_text().strip()
    outlet.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(outlet_name)
    expect(page.get_by_role("heading", name="Redaktion")).to_be_visible()
    expect(page.locator(f"tr[data-ff='{feature_id}']")).to_be_visible()
    # back: the search is kept (it lives in the address)
    page.go_back()
    expect(page.get_by_label("Thema", exact=True)).to_have_value(re.compile(r".+"))
    expect(page.get_by_label("Einsendeschluss ab")).to_have_value(later)
    expect(page.locator(f"tr[data-ff='{feature_id}']")).to_be_visible()


def test_export_of_a_saved_search_or_the_reason(new_page, suite):
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    lic = licence(page)
    open_pressbase(page)

    # a small search: Switzerland, one desk; saved
    everyone = page.get_by_test_id("result-count").inner_text()
    page.get_by_role("group", name="Land", exact=True).get_by_role("checkbox", name=re.compile("^Schweiz")).check()
    expect(page).to_have_url(re.compile(r"country=CH"))
    # the Swiss journalists are few enough to count exactly; the country facet (counted over everyone) is estimated
    swiss = result_total(page, changed_from=everyone)
    expect(page.get_by_test_id("result-count")).to_have_text(f"{swiss} Journalisten")
    expect(page.get_by_role("group", name="Land", exact=True).locator(".count").first).to_contain_text("≈")
    expect(page.get_by_role("group", name="Ressort", exact=True).locator(".count").first).not_to_contain_text("≈")
    # the desk with the fewest journalists in Switzerland (counts are exact below 1,000 matches)
    desks = page.get_by_role("group", name="Ressort", exact=True).locator("li")
    counts = [number(c) if c.strip() else 10**9 for c in desks.locator(".count").all_inner_texts()]
    before = page.get_by_test_id("result-count").inner_text()
    desks.nth(counts.index(min(counts))).get_by_role("checkbox").check()
    expect(page).to_have_url(re.compile(r"desk="))
    total = result_total(page, changed_from=before)
    assert 0 < total <= 25, total
    shown = [a.get_attribute("aria-label").removeprefix("Auswählen: ")
             for a in page.get_by_role("checkbox", name=re.compile("^Auswählen: ")).all()]
    assert len(shown) == total
    ids = [f"J-{x}" for x in page.locator("li.result").evaluate_all("(rows) => rows.map((r) => r.dataset.journalist)")]

    page.get_by_role("button", name="Suche speichern").click()
    saving = page.get_by_role("form", name="Suche speichern")
    saving.get_by_role("button", name="Suche speichern").click()
    expect(saving.get_by_label("Name der Suche")).to_have_attribute("aria-invalid", "true")  # a name is required
    search_name = f"Schweiz {uuid.uuid4().hex[:6]}"
    saving.get_by_label("Name der Suche").fill(search_name)
    saving.get_by_role("button", name="Suche speichern").click()
    expect(saving.get_by_role("status")).to_contain_text(f"„{search_name}“ ist gespeichert.")
    saving.get_by_role("link", name="Öffnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(search_name)
    expect(page.get_by_text("Gespeicherte Suche")).to_be_visible()
    expect(page.get_by_role("region", name="Enthaltene Datensätze").locator("tbody tr")).to_have_count(total)

    page.get_by_role("button", name="Nach Excel exportieren").click()
    if not lic["export"]:
        reason = lic["reasons"]["export"]
        assert reason
        expect(page.get_by_test_id("export-reason")).to_contain_text(reason)
        expect(page.get_by_role("button", name="Excel-Export starten")).to_have_count(0)
        page.get_by_role("link", name="Exporte", exact=True).click()
        expect(page.get_by_test_id("export-reason")).to_contain_text(reason)
        return

    page.get_by_role("button", name="Excel-Export starten").click()
    link = page.get_by_role("link", name=re.compile(r"herunterladen"))
    expect(page.get_by_role("status").filter(has_text="exportiert")).to_contain_text(
        f"{total} Datensätze exportiert.", timeout=45_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True)
    sheet = workbook["Journalisten"]
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[0] == "Pressbase-ID" and "Nachname" in header and "E-Mail" in header
    assert sorted({r[0] for r in data}) == sorted(set(ids))
    last = header.index("Nachname")
    for person in shown:
        assert any(r[last] and r[last] in person for r in data if r[0]), person

    # the export log lists it with its download
    page.get_by_role("link", name="Exporte", exact=True).click()
    log = page.get_by_role("region", name="Exporte", exact=True)
    expect(log.locator("tr", has_text=search_name)).to_contain_text(str(total))
    row = log.locator("tr", has_text=search_name)
    expect(row.get_by_role("link", name=re.compile("herunterladen"))).to_be_visible()


def wait_job(page, job: dict, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while job["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = api(page, f"/api/v1/pressbase/jobs/{job['id']}")
    assert job["state"] == "done", job
    return job


def test_changes_since_transfer_are_shown_and_applied(new_page, suite):
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    licence(page)
    clients = {c["name"]: c["id"] for c in api(page, "/api/v1/clients")["clients"]}
    hits = api(page, "/api/v1/pressbase/journalists", q="Wirtschaft", country="CH", limit="5", facets="false")
    record = api(page, f"/api/v1/pressbase/journalists/{hits['items'][0]['id']}")
    csrf = {"X-Requested-With": "XMLHttpRequest"}
    started = page.request.post("/api/v1/pressbase/transfers", headers=csrf,
                                data={"client_id": clients["Konzern"], "journalist_ids": [record["id"]]})
    assert started.status == 202, started.text()
    wait_job(page, started.json())

    # the vendor's next delta feed gives the journalist a new position (uploaded by an operator; the feed names
    # records by the vendor's ids, which the operator's change log tells)
    ops = new_page("de")
    login(ops, suite, OPERATOR_EMAIL, OPERATOR_PASSWORD, operator=True)

    def vendor_id(kind: str, record_id: int) -> str:
        changes = api(ops, "/api/v1/pressbase/changes", kind=kind, record_id=str(record_id), limit="1")
        return changes["items"][0]["ext_id"]

    new_position = f"Chefredaktion Wirtschaft {uuid.uuid4().hex[:4]}"
    line = {"type": "journalist", "id": vendor_id("journalist", record["id"]), "dataset": record["dataset"],
            "country": record["country"]["code"] if record["country"] else None,
            "state": record["state"]["code"] if record["state"] else None,
            "topics": [t["code"] for t in record["topics"]], "gender": record["gender"], "title": record["title"],
            "first_name": record["first_name"], "last_name": record["last_name"], "position": new_position,
            "desks": [d["code"] for d in record["desks"]], "languages": [x["code"] for x in record["languages"]],
            "city": record["city"], "freelance": record["freelance"], "email": record["email"],
            "phone": record["phone"], "last_verified": record["last_verified"],
            "outlets": [{"id": vendor_id("outlet", o["id"]), "role": (o.get("role") or {}).get("code") or "editor"}
                        for o in record["outlets"]],
            "plus": record.get("plus") or {}}
    upload = ops.request.post("/api/v1/pressbase/feed-imports?format=jsonl&mode=delta&filename=delta.jsonl",
                              headers={**csrf, "Content-Type": "application/x-ndjson"},
                              data=(json.dumps(line, ensure_ascii=False) + "\n").encode())
    assert upload.status == 202, upload.text()
    wait_job(ops, upload.json())

    # the demo user sees the change field by field and applies it to the contact
    page.goto("/pressbase")
    page.get_by_role("link", name="Änderungen seit Übernahme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Änderungen seit Übernahme")
    page.get_by_label("Mandant", exact=True).select_option(label="Konzern")
    name = " ".join(p for p in (record["first_name"], record["last_name"]) if p)
    row = page.locator("tr", has=page.get_by_role("link", name=name))
    expect(row).to_contain_text(f"Position: {record['position'] or '–'} → {new_position}")
    row.get_by_role("checkbox", name=f"Auswählen: {name}").check()
    page.get_by_role("button", name="Ausgewählte übernehmen (1)").click()
    expect(page.get_by_role("status").filter(has_text="aktualisiert")).to_contain_text("1 Kontakt aktualisiert")
    expect(page.get_by_role("link", name=name)).to_have_count(0)

    found = api(page, "/api/v1/crm/contacts", client_id=clients["Konzern"], q=record["last_name"])["items"]
    contact = [c for c in found if c["first_name"] == record["first_name"] and c["last_name"] == record["last_name"]]
    assert len(contact) == 1 and contact[0]["position"] == new_position, found


def test_read_only_client_is_read_only_in_the_pressbase(new_page, suite):
    """redaktion@ reads Konzern and has full access to Tochtergesellschaft."""
    demo = new_page("de")
    login(demo, suite, DEMO_EMAIL, DEMO_PASSWORD)
    clients = {c["name"]: c["id"] for c in api(demo, "/api/v1/clients")["clients"]}
    hits = api(demo, "/api/v1/pressbase/journalists", q="Sport", limit="3", facets="false")["items"]
    name = f"Sport Konzern {uuid.uuid4().hex[:6]}"
    created = demo.request.post("/api/v1/pressbase/selections", headers={"X-Requested-With": "XMLHttpRequest"},
                                data={"name": name, "kind": "list", "target": "journalists",
                                      "client_id": clients["Konzern"], "journalist_ids": [j["id"] for j in hits]})
    assert created.status == 201, created.text()
    selection = created.json()

    page = new_page("de")
    login(page, suite, "redaktion@pressroom.local", DEMO_PASSWORD)
    page.goto(f"/pressbase/selections/{selection['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_text("Diese Auswahl gehört zu einem Mandanten, den Sie nur lesen dürfen")).to_be_visible()
    expect(page.get_by_text("Nur lesen").first).to_be_visible()
    members = page.get_by_role("region", name="Enthaltene Datensätze")
    expect(members.locator("tbody tr")).to_have_count(len(hits))
    expect(members.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Ausgewählte entfernen"))).to_have_count(0)
    expect(page.get_by_role("button", name="Umbenennen oder löschen")).to_have_count(0)
    # the transfer offers only the client with full access
    page.get_by_role("button", name="In Kontakte übernehmen").click()
    picker = page.get_by_role("form", name="In Kontakte übernehmen").get_by_label("Mandant (mit Vollzugriff)")
    assert picker.locator("option").all_inner_texts() == ["–", "Tochtergesellschaft"]

    # the changes since a transfer: Konzern only to read, no applying
    page.get_by_role("link", name="Änderungen seit Übernahme").click()
    page.get_by_label("Mandant", exact=True).select_option(label="Konzern (Nur lesen)")
    expect(page.get_by_text("Diesen Mandanten dürfen Sie nur lesen")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Ausgewählte übernehmen"))).to_have_count(0)
    page.get_by_label("Mandant", exact=True).select_option(label="Tochtergesellschaft")
    expect(page.get_by_text("Diesen Mandanten dürfen Sie nur lesen")).to_have_count(0)


def test_outlets_on_a_phone_sized_screen(new_page, suite):
    page = new_page("de", viewport=(390, 844), is_mobile=True, has_touch=True)
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto("/pressbase")
    result_total(page)
    # the filters fold away behind one button on a phone
    toggle = page.get_by_role("button", name="Filter (0 aktiv)")
    expect(toggle).to_be_visible()
    expect(page.get_by_role("group", name="Medientyp", exact=True)).to_be_hidden()
    page.get_by_role("radio", name="Medien").check()   # the target switch
    expect(page).to_have_url(re.compile(r"target=outlets"))
    count = page.get_by_test_id("result-count")
    expect(count).to_contain_text(re.compile(r"\d+ Medien"))
    page.get_by_role("button", name="Filter (0 aktiv)").click()
    media_types = page.get_by_role("group", name="Medientyp", exact=True)
    expect(media_types).to_be_visible()
    first = media_types.get_by_role("checkbox").first
    raw = media_types.locator("li").first.locator("label").inner_text()
    label = re.sub(r"[\s≈]*[\d.]*$", "", raw.strip().split("\n")[0]).strip()
    before = count.inner_text()
    first.check()
    expect(page).to_have_url(re.compile(r"media_type="))
    expect(count).not_to_have_text(before)
    expect(count).not_to_contain_text("Wird geladen")
    expect(page.get_by_role("button", name="Filter (1 aktiv)")).to_be_visible()
    expect(page.get_by_role("group", name="Aktive Filter")).to_contain_text(f"Medientyp: {label}")
    outlets = page.get_by_role("list", name="Treffer", exact=True).get_by_role("listitem")
    expect(outlets.first).to_be_visible()
    for text in outlets.all_inner_texts()[:10]:
        assert label in text, text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    link = outlets.first.get_by_role("link").first
    name = link.inner_text().strip()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_text(label).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
