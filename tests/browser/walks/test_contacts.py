"""Walks of the contacts area: importing a workbook through the wizard (mapping changed by hand, the dry-run report
naming the bad rows by number, the import into a new list, the imported contact found in the search and on its
page); a distribution list built by hand and exported to Excel (the downloaded file's rows checked); a contact with
a bad e-mail address refused with the error next to the field and nothing typed lost."""

from __future__ import annotations

import re
import uuid
import zipfile

import openpyxl
from playwright.sync_api import expect

from conftest import DEMO_EMAIL, DEMO_PASSWORD, login, shot

CSRF = {"X-Requested-With": "pressroom-web"}


def _tag() -> str:
    # letters only: the names stay ordinary words for the full-text search
    return "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:6])


def _client_id(page, suite, name: str) -> str:
    resp = page.request.get(suite.url("/api/v1/clients"))
    assert resp.ok, resp.text()
    return next(c["id"] for c in resp.json()["clients"] if c["name"] == name)


def _contact(page, suite, client_id: str, first: str, last: str, email: str, tags: list[str] | None = None) -> str:
    resp = page.request.post(suite.url("/api/v1/crm/contacts"), headers=CSRF, data={
        "kind": "person", "client_id": client_id, "gender": "female", "first_name": first, "last_name": last,
        "organisation": "Rheinische Post", "city": "Düsseldorf", "emails": [{"email": email, "primary": True}],
        "tags": tags or []})
    assert resp.status == 201, resp.text()
    return resp.json()["id"]


def test_import_a_workbook_through_the_wizard(new_page, suite, tmp_path):
    tag = _tag()
    last = f"Wellenreiter{tag.capitalize()}"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Presse"
    sheet.append([f"Presseverteiler Herbst {tag}"])          # a title row above the table
    sheet.append(["Anrede", "Vorname", "Nachname", "Firma", "E-Mail", "Ort", "Zuständigkeit"])
    sheet.append(["Frau", "Greta", last, "Kölner Stadt-Anzeiger", f"greta.{tag}@example.com", "Köln",
                  "Wirtschaftsredaktion"])
    sheet.append(["Herr", "Jonas", f"Brückner{tag}", "WDR", f"jonas.{tag}@example.com", "Köln", "Hörfunk"])
    sheet.append(["Herr", "Kai", f"Ohneat{tag}", "Express", "kai.express-ohne-at.example.com", "Bonn", "Lokales"])
    sheet.append(["Frau", "Greta", last, "Kölner Stadt-Anzeiger", f"greta.{tag}@example.com", "Köln", "doppelt"])
    path = tmp_path / f"presse-{tag}.xlsx"
    book.save(path)

    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Kontakte").click()
    expect(page.get_by_role("heading", name="Kontakte", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Bereiche der Kontakte").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Kontakte importieren")).to_be_visible()

    # uploading without a file says so next to the field
    page.get_by_role("button", name="Hochladen und analysieren").click()
    expect(page.get_by_text("Bitte wählen Sie eine Datei.")).to_be_visible()
    # a picture is refused with the reason at the field
    picture = tmp_path / "presse.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    page.get_by_label("Datei (.xlsx oder .csv)").set_input_files(str(picture))
    page.get_by_role("button", name="Hochladen und analysieren").click()
    file_field = page.get_by_label("Datei (.xlsx oder .csv)")
    expect(file_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"[id='{file_field.get_attribute('aria-describedby').split()[0]}']")).to_contain_text(
        "Das ist keine Tabelle")
    page.get_by_label("Datei (.xlsx oder .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Hochladen und analysieren").click()
    expect(page.get_by_role("heading", name=f"Import: presse-{tag}.xlsx")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/contacts/import/[0-9a-f-]{36}$"))

    # the suggested mapping (title row skipped: the header is row 2), one column changed by hand
    expect(page.get_by_label("Tabellenblatt")).to_have_value("Presse")
    expect(page.get_by_label("Kopfzeile (Zeilennummer)")).to_have_value("2")
    expect(page.get_by_label("Feld für Spalte „Vorname“")).to_have_value("first_name")
    expect(page.get_by_label("Feld für Spalte „Nachname“")).to_have_value("last_name")
    expect(page.get_by_label("Feld für Spalte „Firma“")).to_have_value("organisation")
    expect(page.get_by_label("Feld für Spalte „E-Mail“")).to_have_value("email")
    unknown = page.get_by_label("Feld für Spalte „Zuständigkeit“")
    expect(unknown).to_have_value("")
    unknown.select_option(label="Position")
    expect(page.get_by_text("Die Zuordnung ist geändert")).to_be_visible()
    expect(page.get_by_role("button", name="Probelauf starten")).to_be_disabled()
    shot(page, "import-mapping-de")
    page.get_by_role("button", name="Zuordnung übernehmen").click()
    expect(page.get_by_text("Die Zuordnung ist gespeichert.")).to_be_visible()

    # target: the client, a new list; then the dry run and its report per row
    page.get_by_label("In den Mandanten").select_option(label="Konzern")
    page.get_by_label("In den Verteiler").select_option(label="Neuer Verteiler …")
    page.get_by_label("Name des neuen Verteilers").fill(f"Herbst {tag}")
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_disabled()
    page.get_by_role("button", name="Probelauf starten").click()
    report = page.get_by_role("region", name="Bericht des Probelaufs", exact=True)
    expect(report.locator("tr[data-row='5']")).to_contain_text("fehlerhaft")
    expect(report.locator("tr[data-row='5']")).to_contain_text(
        "Ungültige E-Mail-Adresse: kai.express-ohne-at.example.com")
    expect(report.locator("tr[data-row='6']")).to_contain_text("doppelt in der Datei")
    expect(report.locator("tr[data-row='6']")).to_contain_text("wie Zeile 3")
    expect(report.locator("tr[data-row='3']")).to_contain_text("neu")
    expect(report.locator("tr[data-row='4']")).to_contain_text("neu")
    expect(report.locator("[data-outcome='created'] dd")).to_have_text("2")
    expect(report.locator("[data-outcome='error'] dd")).to_have_text("1")
    expect(report.locator("[data-outcome='duplicate_in_file'] dd")).to_have_text("1")
    # only the faulty rows
    report.get_by_label("Zeilen zeigen").select_option("error")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr")).to_contain_text("Zeile 5")
    report.scroll_into_view_if_needed()
    shot(page, "import-report-de")
    # nothing is written by the dry run
    found = page.request.get(suite.url("/api/v1/crm/contacts"), params={"q": last})
    assert found.ok and found.json()["items"] == [], found.text()

    # the import into the new list, followed to its result
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_enabled()
    page.get_by_role("button", name="Jetzt importieren").click()
    expect(page.get_by_text("Import abgeschlossen: 2 neu, 0 ergänzt, 0 übersprungen, 2 nicht importiert.")
           ).to_be_visible(timeout=30_000)
    real = page.get_by_role("region", name="Bericht des Imports", exact=True)
    expect(real.locator("[data-outcome='created'] dd")).to_have_text("2")
    page.get_by_role("link", name=f"Verteiler „Herbst {tag}“ öffnen").click()
    expect(page.get_by_role("heading", name=f"Herbst {tag}")).to_be_visible()
    expect(page.get_by_test_id("member-count")).to_have_text("2 Mitglieder")
    members = page.get_by_role("region", name="Mitglieder", exact=True)
    expect(members.get_by_role("link", name=f"Greta {last}")).to_be_visible()
    expect(members.get_by_role("link", name=f"Jonas Brückner{tag}")).to_be_visible()

    # the recent imports list it with its counts
    page.goto("/contacts/import")
    expect(page.locator(f"tr[data-import='presse-{tag}.xlsx']")).to_contain_text("importiert")
    expect(page.locator(f"tr[data-import='presse-{tag}.xlsx']")).to_contain_text("neu: 2")

    # reopened, the wizard starts from the last dry run's settings, never from the first client in the list: a dry
    # run into the other client, then the page opened again shows that client; "Jetzt importieren" waits for a new
    # dry run as soon as a setting differs from the last one
    konzern, tochter = _client_id(page, suite, "Konzern"), _client_id(page, suite, "Tochtergesellschaft")
    page.locator(f"tr[data-import='presse-{tag}.xlsx']").get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"Import: presse-{tag}.xlsx")).to_be_visible()
    expect(page.get_by_label("In den Mandanten")).to_have_value(konzern)
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_enabled()
    page.get_by_label("In den Mandanten").select_option(tochter)
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_disabled()
    expect(page.get_by_text("Die Einstellungen weichen vom letzten Probelauf ab (Mandant, Verteiler)")).to_be_visible()
    page.get_by_role("button", name="Probelauf starten").click()
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_enabled(timeout=30_000)
    page.reload()
    expect(page.get_by_role("heading", name=f"Import: presse-{tag}.xlsx")).to_be_visible()
    expect(page.get_by_label("In den Mandanten")).to_have_value(tochter)
    expect(page.get_by_label("In den Verteiler")).to_have_value("")
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_enabled()
    page.get_by_label("In den Mandanten").select_option(konzern)
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_disabled()
    page.get_by_label("In den Mandanten").select_option(tochter)
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_enabled()
    # a mapping saved after the dry run holds the import back too; one click brings the dry run's mapping back
    page.get_by_label("Feld für Spalte „Zuständigkeit“").select_option("")
    page.get_by_role("button", name="Zuordnung übernehmen").click()
    expect(page.get_by_text("Die Zuordnung ist gespeichert.")).to_be_visible()
    expect(page.get_by_text("Die Einstellungen weichen vom letzten Probelauf ab (Zuordnung)")).to_be_visible()
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_disabled()
    page.get_by_role("button", name="Zuordnung des Probelaufs wiederherstellen").click()
    expect(page.get_by_label("Feld für Spalte „Zuständigkeit“")).to_have_value("position")
    expect(page.get_by_role("button", name="Jetzt importieren")).to_be_enabled()

    # the imported contact in the search (umlauts folded: "Koelner" finds "Kölner") and on its page
    page.get_by_role("navigation", name="Bereiche der Kontakte").get_by_role("link", name="Personen").click()
    page.get_by_label("Suchbegriff").fill(f"{last} Koelner")
    page.get_by_role("button", name="Suchen", exact=True).click()
    results = page.locator("div.table-wrap[aria-label='Kontakte']")
    expect(results.locator("tbody tr")).to_have_count(1)
    row = results.locator(f"tr[data-contact='Greta {last}']")
    expect(row).to_contain_text("Kölner Stadt-Anzeiger")
    expect(row).to_contain_text(f"greta.{tag}@example.com")
    expect(row).to_contain_text("Konzern")
    expect(page).to_have_url(re.compile(r"q=Wellenreiter"))
    shot(page, "contacts-search-de")
    row.get_by_role("link", name=f"Greta {last}").click()
    expect(page.get_by_role("heading", name=f"Greta {last}")).to_be_visible()
    expect(page.get_by_test_id("letter-salutation")).to_have_text(f"Sehr geehrte Frau {last},")
    expect(page.get_by_text("Wirtschaftsredaktion")).to_be_visible()          # the column mapped by hand
    expect(page.get_by_text(f"Import: presse-{tag}.xlsx")).to_be_visible()     # where the data came from
    # history: a note written here shows up at once
    page.get_by_label("Betreff").fill("Vorgespräch Herbstausgabe")
    page.get_by_label("Text", exact=True).fill("Interesse an der Bilanz-PK, bitte einladen.")
    page.get_by_role("button", name="Eintrag speichern").click()
    expect(page.get_by_text("Der Eintrag ist gespeichert.")).to_be_visible()
    history = page.get_by_role("list", name="Verlauf")
    expect(history.locator("li[data-kind='note']")).to_contain_text("Vorgespräch Herbstausgabe")
    shot(page, "contact-detail-de")


def test_distribution_list_with_members_exported_to_excel(new_page, suite, tmp_path):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    konzern = _client_id(page, suite, "Konzern")
    _contact(page, suite, konzern, "Lena", f"Listenmitglied{tag}", f"lena.{tag}@example.com")
    _contact(page, suite, konzern, "Mara", f"Listenmitglied{tag}", f"mara.{tag}@example.com")

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Verteiler").click()
    expect(page.get_by_role("heading", name="Verteiler", exact=True)).to_be_visible()
    page.get_by_role("button", name="Neuer Verteiler").click()
    form = page.locator("form[aria-labelledby='new-list']")
    form.get_by_label("Name", exact=True).fill(f"Wirtschaft {tag}")
    form.get_by_label("Mandant").select_option(label="Konzern")
    form.get_by_label("Statisch").check()
    form.get_by_role("button", name="Verteiler anlegen").click()
    expect(page.get_by_role("heading", name=f"Wirtschaft {tag}")).to_be_visible()
    expect(page.get_by_test_id("member-count")).to_have_text("0 Mitglieder")

    # add both through the picker
    page.get_by_label("Kontakte suchen", exact=True).fill(f"Listenmitglied{tag}")
    page.get_by_role("search", name="Kontakte suchen und hinzufügen").get_by_role("button", name="Suchen").click()
    found = page.get_by_role("region", name="Gefundene Kontakte")
    expect(found.locator("tbody tr")).to_have_count(2)
    found.get_by_label("Alle auf dieser Seite auswählen").check()
    page.get_by_role("button", name="Ausgewählte hinzufügen (2)").click()
    expect(page.get_by_text("Hinzugefügt; der Verteiler hat jetzt 2 Mitglieder.")).to_be_visible()
    expect(page.get_by_test_id("member-count")).to_have_text("2 Mitglieder")
    members = page.get_by_role("region", name="Mitglieder", exact=True)
    expect(members.get_by_role("link", name=f"Lena Listenmitglied{tag}")).to_be_visible()
    expect(members.get_by_role("link", name=f"Mara Listenmitglied{tag}")).to_be_visible()

    # the lists overview has it
    page.goto("/lists")
    expect(page.locator(f"tr[data-list='Wirtschaft {tag}']")).to_contain_text("Statisch")
    expect(page.locator(f"tr[data-list='Wirtschaft {tag}']")).to_contain_text("Konzern")
    page.get_by_role("link", name=f"Wirtschaft {tag}").click()
    expect(page.get_by_test_id("member-count")).to_have_text("2 Mitglieder")
    shot(page, "lists-de")

    # the Excel export: a job, then the download; the file holds both members with their mail-merge columns
    page.get_by_role("button", name="Verteiler nach Excel exportieren").click()
    link = page.get_by_role("link", name=re.compile("Excel-Datei herunterladen"))
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    assert "Nachname" in header and "E-Mail" in header and "Briefanrede" in header, header
    data = [dict(zip(header, r, strict=False)) for r in rows[1:] if any(r)]
    assert sorted(r["E-Mail"] for r in data) == [f"lena.{tag}@example.com", f"mara.{tag}@example.com"], data
    assert {r["Nachname"] for r in data} == {f"Listenmitglied{tag}"}
    assert all(r["Briefanrede"] == f"Sehr geehrte Frau Listenmitglied{tag}," for r in data), data


def test_contact_with_a_bad_email_shows_the_error_at_the_field(new_page, suite):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto("/contacts")
    page.get_by_role("link", name="Neue Person").click()
    expect(page.get_by_role("heading", name="Neue Person")).to_be_visible()
    page.get_by_label("Mandant").select_option(label="Konzern")
    page.get_by_label("Anrede", exact=True).select_option(label="Herr")
    page.get_by_label("Vorname", exact=True).fill("Tobias")
    page.get_by_label("Nachname", exact=True).fill(f"Tippfehler{tag}")
    page.get_by_label("Position", exact=True).fill("Chefredakteur")
    page.get_by_label("Ort", exact=True).fill("Mainz")
    email = page.get_by_label("E-Mail-Adresse", exact=True)
    email.fill("tobias.tippfehler-at-example.com")
    page.get_by_role("button", name="Speichern").click()

    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = email.get_attribute("aria-describedby")
    error = page.locator(f"[id='{error_id}']")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile("E-Mail|Adresse|@"))
    expect(page.get_by_role("alert").first).to_be_visible()
    # nothing typed is lost
    expect(page.get_by_label("Vorname", exact=True)).to_have_value("Tobias")
    expect(page.get_by_label("Nachname", exact=True)).to_have_value(f"Tippfehler{tag}")
    expect(page.get_by_label("Position", exact=True)).to_have_value("Chefredakteur")
    expect(page.get_by_label("Ort", exact=True)).to_have_value("Mainz")
    expect(email).to_have_value("tobias.tippfehler-at-example.com")
    expect(page).to_have_url(re.compile(r"/contacts/new$"))

    # corrected, the error goes; saved, the page shows the contact
    email.fill(f"tobias.{tag}@example.com")
    expect(email).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", name=f"Tobias Tippfehler{tag}")).to_be_visible()
    expect(page.get_by_test_id("letter-salutation")).to_have_text(f"Sehr geehrter Herr Tippfehler{tag},")
    expect(page.get_by_role("link", name=f"tobias.{tag}@example.com")).to_be_visible()


def test_event_participants_by_status_exported_to_excel(new_page, suite, tmp_path):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    konzern = _client_id(page, suite, "Konzern")
    _contact(page, suite, konzern, "Ida", f"Gaesteliste{tag}", f"ida.{tag}@example.com")
    _contact(page, suite, konzern, "Nora", f"Gaesteliste{tag}", f"nora.{tag}@example.com")

    page.goto("/contacts")
    page.get_by_role("navigation", name="Bereiche der Kontakte").get_by_role("link", name="Veranstaltungen").click()
    page.get_by_role("button", name="Neue Veranstaltung").click()
    form = page.locator("form[aria-labelledby='event-new']")
    form.get_by_label("Name", exact=True).fill(f"Werksbesichtigung {tag}")
    form.get_by_label("Art", exact=True).select_option(label="Pressereise")
    form.get_by_label("Mandant").select_option(label="Konzern")
    form.get_by_label("Beginn").fill("2026-12-03T10:00")
    form.get_by_label("Ort", exact=True).fill("Wolfsburg")
    form.get_by_role("button", name="Veranstaltung anlegen").click()
    expect(page.get_by_role("heading", name=f"Werksbesichtigung {tag}")).to_be_visible()

    # invite both, then one registers
    page.get_by_label("Kontakte suchen", exact=True).fill(f"Gaesteliste{tag}")
    page.get_by_role("search", name="Kontakte suchen und hinzufügen").get_by_role("button", name="Suchen").click()
    found = page.get_by_role("region", name="Gefundene Kontakte")
    expect(found.locator("tbody tr")).to_have_count(2)
    found.get_by_label("Alle auf dieser Seite auswählen").check()
    page.get_by_role("button", name="Ausgewählte einladen (2)").click()
    expect(page.get_by_text("2 Kontakte eingeladen.")).to_be_visible()
    counts = page.get_by_role("group", name="Teilnehmende")
    expect(counts.get_by_role("button", name="2 eingeladen")).to_be_visible()
    page.get_by_label(f"Status von Ida Gaesteliste{tag}").select_option(label="angemeldet")
    expect(counts.get_by_role("button", name="1 angemeldet")).to_be_visible()
    expect(counts.get_by_role("button", name="1 eingeladen")).to_be_visible()

    # only the registered ones, and their export
    counts.get_by_role("button", name="1 angemeldet").click()
    expect(page.get_by_role("heading", name="Teilnehmende: angemeldet")).to_be_visible()
    people = page.get_by_role("region", name="Teilnehmende", exact=True)
    expect(people.locator("tbody tr")).to_have_count(1)
    expect(people).to_contain_text(f"Ida Gaesteliste{tag}")
    page.get_by_role("button", name="Liste „angemeldet“ nach Excel exportieren").click()
    link = page.get_by_role("link", name=re.compile("Excel-Datei herunterladen"))
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved, read_only=True).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    data = [dict(zip(header, r, strict=False)) for r in rows[1:] if any(r)]
    assert [(r["Vorname"], r["Status"]) for r in data] == [("Ida", "angemeldet")], data


def test_read_only_client_is_visibly_read_only(new_page, suite):
    """redaktion@ may only read Konzern (full access on Tochtergesellschaft): Konzern's contacts and lists show it and
    offer nothing to change; new contacts can only go into Tochtergesellschaft."""
    page = new_page("de")
    login(page, suite, "redaktion@pressroom.local", DEMO_PASSWORD)
    page.goto("/contacts")
    page.get_by_role("banner").get_by_role("link", name="Hilfe").click()
    expect(page.get_by_role("heading", name="Hilfe: Kontakte, Verteiler und Import")).to_be_visible()
    expect(page.locator("article")).to_contain_text("Probelauf")
    page.goto("/contacts")
    page.get_by_label("Mandant").select_option(label="Konzern (Nur lesen)")
    page.get_by_role("button", name="Suchen", exact=True).click()
    results = page.locator("div.table-wrap[aria-label='Kontakte']")
    first = results.locator("tbody tr").first
    expect(first).to_contain_text("Nur lesen")
    first.locator("td a").first.click()
    expect(page.get_by_test_id("read-only")).to_contain_text("Mandant Konzern: nur lesen")
    expect(page.get_by_role("heading", name="Verlauf")).to_be_visible()
    expect(page.get_by_role("link", name="Bearbeiten")).to_have_count(0)
    expect(page.get_by_role("button", name="Eintrag speichern")).to_have_count(0)
    expect(page.get_by_role("button", name="Person löschen (Art. 17)")).to_have_count(0)
    expect(page.get_by_role("link", name="Auskunft (Art. 15) herunterladen")).to_be_visible()

    # a new person: only the client with full access is offered
    page.goto("/contacts/new")
    options = page.get_by_label("Mandant").locator("option")
    expect(options).to_have_text(["–", "Tochtergesellschaft"])

    # Konzern's list: members and export yes, changes no
    page.goto("/lists")
    page.get_by_role("link", name="Wirtschaftspresse").click()
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_role("button", name="Verteiler nach Excel exportieren")).to_be_visible()
    expect(page.get_by_text("Mitglieder hinzufügen")).to_have_count(0)
    expect(page.get_by_role("button", name="Verteiler löschen")).to_have_count(0)

    # the same in English
    page.get_by_role("button", name="EN", exact=True).click()
    try:
        expect(page.get_by_test_id("read-only")).to_contain_text("Client Konzern: read only.")
        expect(page.get_by_role("button", name="Export the list to Excel")).to_be_visible()
        expect(page.get_by_role("heading", name="Members")).to_be_visible()
        page.goto("/contacts/import")
        expect(page.get_by_role("heading", name="Import contacts")).to_be_visible()
        expect(page.get_by_label("File (.xlsx or .csv)")).to_be_visible()
        expect(page.get_by_role("heading", name="Your recent imports")).to_be_visible()
    finally:
        page.get_by_role("button", name="DE", exact=True).click()


def test_duplicates_are_merged(new_page, suite):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    konzern = _client_id(page, suite, "Konzern")
    keep = _contact(page, suite, konzern, "Paula", f"Doppelt{tag}", f"paula.{tag}@example.com")
    other = _contact(page, suite, konzern, "Paula", f"Doppelt{tag}", f"p.{tag}@example.com")
    resp = page.request.patch(suite.url(f"/api/v1/crm/contacts/{other}"), headers=CSRF, data={
        "emails": [{"email": f"p.{tag}@example.com", "primary": True}, {"email": f"paula.{tag}@example.com"}]})
    assert resp.ok, resp.text()

    page.goto("/contacts/duplicates")
    expect(page.get_by_role("heading", name="Dubletten")).to_be_visible()
    page.get_by_label("Mandant").select_option(label="Konzern")
    pair = page.locator(".dup-list > li").filter(has_text=f"Doppelt{tag}")
    expect(pair).to_have_count(1)
    expect(pair).to_contain_text("gleiche E-Mail-Adresse")
    # the same name on both sides: the buttons name the address too
    expect(pair.get_by_role("button", name=re.compile("behalten und zusammenführen"))).to_have_count(2)
    pair.get_by_role("button", name=f"Paula Doppelt{tag} (paula.{tag}@example.com) behalten und zusammenführen").click()
    expect(page.get_by_text(f"Paula Doppelt{tag} ist in Paula Doppelt{tag} zusammengeführt.")).to_be_visible()
    expect(page.locator(".dup-list > li").filter(has_text=f"Doppelt{tag}")).to_have_count(0)

    # one contact is left, with both addresses
    page.goto(f"/contacts?q=Doppelt{tag}")
    results = page.locator("div.table-wrap[aria-label='Kontakte']")
    expect(results.locator("tbody tr")).to_have_count(1)
    results.get_by_role("link", name=f"Paula Doppelt{tag}").click()
    expect(page.get_by_role("link", name=f"paula.{tag}@example.com")).to_be_visible()
    expect(page.get_by_role("link", name=f"p.{tag}@example.com")).to_be_visible()
    assert page.url.rstrip("/").split("/")[-1] == keep


def test_search_saved_as_a_dynamic_list(new_page, suite):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    konzern = _client_id(page, suite, "Konzern")
    _contact(page, suite, konzern, "Olga", f"Dynamisch{tag}", f"olga.{tag}@example.com", tags=[f"messe{tag}"])
    _contact(page, suite, konzern, "Rita", f"Dynamisch{tag}", f"rita.{tag}@example.com", tags=[f"messe{tag}", "vip"])
    _contact(page, suite, konzern, "Sara", f"Dynamisch{tag}", f"sara.{tag}@example.com")

    page.goto("/contacts")
    page.get_by_label("Mandant").select_option(label="Konzern")
    page.get_by_label("Mit allen Schlagworten").fill(f"messe{tag}")
    page.get_by_role("button", name="Suchen", exact=True).click()
    results = page.locator("div.table-wrap[aria-label='Kontakte']")
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(f"tags=messe{tag}"))
    page.get_by_role("button", name="Als dynamischen Verteiler speichern").click()

    form = page.locator("form[aria-labelledby='new-list']")
    expect(form.get_by_label("Dynamisch")).to_be_checked()
    expect(form.get_by_label("Mit allen Schlagworten")).to_have_value(f"messe{tag}")
    expect(form.get_by_label("Mandant")).to_have_value(konzern)
    form.get_by_label("Name", exact=True).fill(f"Messe {tag}")
    form.get_by_role("button", name="Verteiler anlegen").click()
    expect(page.get_by_role("heading", name=f"Messe {tag}")).to_be_visible()
    expect(page.get_by_test_id("member-count")).to_have_text("2 Mitglieder")
    members = page.get_by_role("region", name="Mitglieder", exact=True)
    expect(members.get_by_role("link", name=f"Olga Dynamisch{tag}")).to_be_visible()
    expect(members.get_by_role("link", name=f"Rita Dynamisch{tag}")).to_be_visible()
    expect(members.get_by_role("link", name=f"Sara Dynamisch{tag}")).to_have_count(0)

    # a contact tagged later belongs to it at once; a narrower filter saved on the list takes effect
    _contact(page, suite, konzern, "Tina", f"Dynamisch{tag}", f"tina.{tag}@example.com", tags=[f"messe{tag}", "vip"])
    page.get_by_role("main").get_by_role("link", name="Verteiler", exact=True).click()
    page.get_by_role("link", name=f"Messe {tag}").click()
    expect(page.get_by_test_id("member-count")).to_have_text("3 Mitglieder")
    settings = page.locator("form[aria-labelledby='list-settings']")
    settings.get_by_label("Mit allen Schlagworten").fill(f"messe{tag}, vip")
    settings.get_by_role("button", name="Speichern").click()
    expect(page.get_by_test_id("member-count")).to_have_text("2 Mitglieder")
    expect(members.get_by_role("link", name=f"Olga Dynamisch{tag}")).to_have_count(0)


def test_organisation_with_a_person_linked(new_page, suite):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto("/contacts")
    page.get_by_role("navigation", name="Bereiche der Kontakte").get_by_role("link", name="Organisationen").click()
    expect(page.get_by_role("heading", name="Organisationen")).to_be_visible()
    page.get_by_role("link", name="Neue Organisation").click()
    page.get_by_label("Mandant").select_option(label="Konzern")
    page.get_by_label("Name der Organisation").fill(f"Verlagshaus {tag}")
    page.get_by_label("Art der Organisation").select_option(label="Medium / Redaktion")
    page.get_by_label("Ort", exact=True).fill("Hamburg")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", name=f"Verlagshaus {tag}")).to_be_visible()
    expect(page.get_by_test_id("letter-salutation")).to_have_text("Sehr geehrte Damen und Herren,")

    page.goto("/contacts/new")
    page.get_by_label("Mandant").select_option(label="Konzern")
    page.get_by_label("Anrede", exact=True).select_option(label="Frau")
    page.get_by_label("Nachname", exact=True).fill(f"Redakteurin{tag}")
    page.get_by_label("Organisation (Kontakt)").select_option(label=f"Verlagshaus {tag}")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", name=f"Redakteurin{tag}")).to_be_visible()
    page.get_by_role("link", name=f"Verlagshaus {tag}").click()
    expect(page.get_by_role("heading", name=f"Verlagshaus {tag}")).to_be_visible()

    # the organisations search lists it (and not the person)
    page.goto(f"/contacts/organisations?q={tag}")
    results = page.locator("div.table-wrap[aria-label='Organisationen']")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text(f"Verlagshaus {tag}")


def test_custom_field_on_a_contact_and_the_account_export(new_page, suite, tmp_path):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto("/contacts")
    page.get_by_role("navigation", name="Bereiche der Kontakte").get_by_role("link", name="Zusatzfelder").click()
    expect(page.get_by_role("heading", name="Zusatzfelder")).to_be_visible()
    page.get_by_label("Bezeichnung (deutsch)").fill(f"Akkreditiert {tag}")
    page.get_by_label("Bezeichnung (englisch)").fill(f"Accredited {tag}")
    page.get_by_label("Schlüssel").fill("1-falsch")
    page.get_by_label("Typ").select_option(label="Auswahl")
    page.get_by_label("Auswahlwerte").fill("Print, Online")
    page.get_by_role("button", name="Zusatzfeld anlegen").click()
    key = page.get_by_label("Schlüssel")
    expect(key).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Bezeichnung (deutsch)")).to_have_value(f"Akkreditiert {tag}")
    key.fill(f"akk_{tag}")
    page.get_by_role("button", name="Zusatzfeld anlegen").click()
    expect(page.get_by_role("cell", name=f"Akkreditiert {tag}")).to_be_visible()
    expect(page.get_by_role("cell", name="Auswahl: Print, Online")).to_be_visible()

    # the field on a new contact and on its page
    page.goto("/contacts/new")
    page.get_by_label("Mandant").select_option(label="Konzern")
    page.get_by_label("Nachname", exact=True).fill(f"Akkreditiert{tag}")
    page.get_by_label(f"Akkreditiert {tag}").select_option("Online")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", name=f"Akkreditiert{tag}")).to_be_visible()
    fact = page.locator("dl.facts dt", has_text=f"Akkreditiert {tag}")
    expect(fact.locator("xpath=following-sibling::dd[1]")).to_have_text("Online")

    # the whole account as an archive
    page.goto("/contacts/account-export")
    page.get_by_role("button", name="Gesamtexport starten").click()
    link = page.get_by_role("link", name=re.compile("Archiv herunterladen"))
    expect(link).to_be_visible(timeout=90_000)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.endswith(".zip"), saved.name
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        assert "crm/data.json" in names, names
        assert f"Akkreditiert{tag}".encode() in archive.read("crm/data.json")
    page.get_by_role("navigation", name="Bereiche der Kontakte").get_by_role("link", name="Personen").click()
    page.get_by_role("navigation", name="Bereiche der Kontakte").get_by_role("link", name="Gesamtexport").click()
    expect(page.get_by_role("region", name="Bisherige Exporte")).to_contain_text(saved.name)


def test_chosen_search_results_go_into_a_list(new_page, suite):
    tag = _tag()
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    konzern = _client_id(page, suite, "Konzern")
    _contact(page, suite, konzern, "Uta", f"Auswahl{tag}", f"uta.{tag}@example.com")
    _contact(page, suite, konzern, "Vera", f"Auswahl{tag}", f"vera.{tag}@example.com")
    resp = page.request.post(suite.url("/api/v1/crm/lists"), headers=CSRF,
                             data={"name": f"Auswahl {tag}", "client_id": konzern, "kind": "static"})
    assert resp.status == 201, resp.text()

    page.goto(f"/contacts?q=Auswahl{tag}")
    results = page.locator("div.table-wrap[aria-label='Kontakte']")
    expect(results.locator("tbody tr")).to_have_count(2)
    results.get_by_label("Alle auf dieser Seite auswählen").check()
    expect(page.get_by_text("2 Kontakte · 2 ausgewählt")).to_be_visible()
    bulk = page.locator(".card.bulk")
    expect(bulk.get_by_role("heading", name="2 ausgewählte Kontakte")).to_be_visible()
    bulk.get_by_label("Verteiler").select_option(label=f"Auswahl {tag} (Konzern)")
    bulk.get_by_role("button", name="In den Verteiler aufnehmen").click()
    expect(page.get_by_text("2 Kontakte aufgenommen; der Verteiler hat jetzt 2 Mitglieder.")).to_be_visible()

    page.goto(f"/lists/{resp.json()['id']}")
    expect(page.get_by_test_id("member-count")).to_have_text("2 Mitglieder")
