"""Mailings: an administrator publishes a sender domain (the DNS records shown, the check run) and creates a sender; a
mailing is composed with a placeholder, sent to contacts (one of them on the suppression list is left out, and the
page says why), previewed as one recipient, sent now; the personalised mails arrive at the SMTP sink and the report
counts them as delivered (and per recipient, with a timeline). A missing subject is named before the start; a test
send arrives; the mailing is then scheduled and called off. A file uploaded to the mediacenter (downloaded again,
attached to a contact) is attached to a mailing and travels with the mail. An address the receiving server refuses is
corrected on the report and the mailing sent to it again (the contact gets the corrected address). A user who may
only read a client sees its mailings and files, with nothing to change or send."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

import openpyxl
from playwright.sync_api import expect

from conftest import DEMO_EMAIL, DEMO_PASSWORD, call, http_json, login, shot


def writable_client(page) -> dict:
    clients = call(page, "GET", "/api/v1/clients")["clients"]
    return next(c for c in clients if c["right"] == "full")


def contact(page, client_id: str, first: str, last: str, gender: str, email: str) -> str:
    body = {"client_id": client_id, "kind": "person", "gender": gender, "first_name": first, "last_name": last,
            "language": "de", "emails": [{"email": email, "primary": True}]}
    return call(page, "POST", "/api/v1/crm/contacts", body)["id"]


def api_sender(page, tag: str) -> dict:
    """A sender of a domain of its own, allowed to send before its DKIM record is published (no DNS here)."""
    domain = call(page, "POST", "/api/v1/dispatch/domains", {"domain": f"api-{tag}.example.com"})
    call(page, "PATCH", f"/api/v1/dispatch/domains/{domain['id']}", {"allow_unverified": True})
    return call(page, "POST", "/api/v1/dispatch/senders", {"from_name": f"Pressestelle {tag}",
                                                           "from_address": f"presse@api-{tag}.example.com",
                                                           "user_ids": []})


def top(locator) -> None:
    """Scroll so the element starts at the top of the viewport (screenshots show the part that matters)."""
    locator.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 8)")


def sink_message(suite, to: str, subject_part: str, timeout: float = 60.0) -> dict:
    suite.wait_for_mail(to, r"(.)", timeout=timeout)
    for meta in suite.mails(to):
        if subject_part in (meta.get("subject") or ""):
            with urllib.request.urlopen(f"{suite.sink}/api/messages/{meta['id']}", timeout=10) as resp:
                return json.loads(resp.read())
    raise AssertionError(f"no mail to {to} with {subject_part!r} in the subject: {suite.mails(to)}")


def test_a_mailing_arrives_personalised_and_is_reported(new_page, suite, tmp_path):
    tag = uuid.uuid4().hex[:6]
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    client = writable_client(page)
    anna = f"anna.walk{tag}@redaktion.example.com"
    bernd = f"bernd.walk{tag}@redaktion.example.com"
    blocked = f"gesperrt.walk{tag}@redaktion.example.com"
    contact(page, client["id"], "Anna", f"Walk{tag}", "female", anna)
    contact(page, client["id"], "Bernd", f"Walk{tag}", "male", bernd)
    contact(page, client["id"], "Gerda", f"Walk{tag}", "female", blocked)

    # the administrator adds a sender domain: the DNS records to publish, the check, then a sender
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Absender").click()
    expect(page.get_by_role("heading", name="Absender und Domains")).to_be_visible()
    domain = f"presse-{tag}.example.com"
    page.get_by_label("Domain", exact=True).fill(domain)
    page.get_by_role("button", name="Domain anlegen").click()
    expect(page.get_by_role("status").filter(has_text=domain)).to_contain_text("DNS-Einträge")
    card = page.locator(".domain-card").filter(has_text=domain)
    records = card.get_by_role("region", name=f"DNS-Einträge für {domain}")
    expect(records.locator("tr[data-record='dkim_rsa']")).to_contain_text(f"._domainkey.{domain}")
    expect(records.locator("tr[data-record='dkim_rsa']")).to_contain_text("v=DKIM1; k=rsa; p=")
    expect(records.locator("tr[data-record='spf']")).to_contain_text("v=spf1 include:")
    expect(records.locator("tr[data-record='dmarc']")).to_contain_text(f"_dmarc.{domain}")
    expect(card).to_contain_text("nicht bestätigt")
    card.get_by_role("button", name="DNS jetzt prüfen").click()
    expect(card).to_contain_text("Zuletzt geprüft", timeout=30_000)
    expect(records.locator("td[data-check='dkim_rsa'] .badge.bad")).to_be_visible()  # nothing is published here
    card.get_by_label("Versand schon vor der Bestätigung erlauben").check()
    expect(card).to_contain_text("Versand vor der Bestätigung erlaubt")
    top(card)
    shot(page, "senders-dns-de")
    # an address outside every sender domain is refused at its field, the name typed stays
    page.get_by_label("Absendername").fill(f"Pressestelle {tag}")
    page.get_by_label("Absenderadresse").fill(f"presse@anderswo-{tag}.example.com")
    page.get_by_role("button", name="Absender anlegen").click()
    address = page.get_by_label("Absenderadresse")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field.has-error")).to_contain_text("keine Absenderdomain")
    expect(page.get_by_label("Absendername")).to_have_value(f"Pressestelle {tag}")
    address.fill(f"presse@{domain}")
    page.get_by_role("button", name="Absender anlegen").click()
    expect(page.locator(f"tr[data-sender='presse@{domain}']")).to_contain_text("versandbereit")

    # one contact's address goes on the suppression list
    page.get_by_role("link", name="Sperrliste").click()
    page.get_by_label("Adresse oder Domain").fill(blocked)
    page.get_by_role("button", name="Auf die Sperrliste").click()
    expect(page.locator(f"tr[data-suppression='{blocked}']")).to_contain_text("Sperrliste")

    # a new mailing, composed with a placeholder
    page.get_by_role("link", name="Mailings", exact=True).first.click()
    page.get_by_role("button", name="Neues Mailing").click()
    page.get_by_label("Mandant").first.select_option(client["id"])
    page.get_by_label("Interner Name").fill(f"Walk {tag}")
    page.get_by_role("button", name="Entwurf anlegen").click()
    expect(page.get_by_role("heading", name=f"Walk {tag}")).to_be_visible()
    page.get_by_label("Absender", exact=True).select_option(label=f"Pressestelle {tag} <presse@{domain}>")
    page.get_by_label("Betreff").fill(f"Einladung zur Bilanz {tag}")
    editor = page.get_by_role("textbox", name="Text (HTML)")
    editor.click()
    page.keyboard.type(f"Bilanz {tag}: ")
    page.get_by_label("Platzhalter einfügen").select_option("{{ letter_salutation }}")
    expect(editor).to_contain_text("{{ letter_salutation }}")
    page.keyboard.type(" wir laden Sie herzlich ein.")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Alles gespeichert")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "mailing-compose-de")

    # recipients: three contacts, one of them left out (suppression list), with the reason
    page.get_by_role("button", name="Weiter zu den Empfängern").click()
    page.get_by_role("button", name="Einzelne Kontakte wählen").click()
    page.get_by_label("Kontakte suchen").fill(f"Walk{tag}")
    page.get_by_role("button", name="Suchen", exact=True).click()
    results = page.get_by_role("group", name="Gefundene Kontakte")
    for first in ("Anna", "Bernd", "Gerda"):
        results.get_by_label(f"{first} Walk{tag}").check()
    page.get_by_role("button", name="3 Kontakte hinzufügen").click()
    page.get_by_role("button", name="Empfänger speichern").click()
    volume = page.locator(".volume")
    expect(volume.locator("[data-figure='recipients']")).to_have_text("2", timeout=30_000)
    expect(volume.locator("[data-figure='left-out']")).to_have_text("1")
    left_out = page.get_by_role("region", name="Ausgelassene Empfänger")
    expect(left_out.locator("tr").filter(has_text=blocked)).to_contain_text("Sperrliste")
    top(volume)
    shot(page, "mailing-volume-de")

    # check and send: nothing stops it; a preview as Bernd shows his salutation
    page.get_by_role("button", name="Weiter zu Prüfen und senden").click()
    expect(page.locator(".volume [data-figure='recipients']")).to_have_text("2", timeout=30_000)
    expect(page.locator("[data-problem]")).to_have_count(0)
    # the pre-send verdict is shown with its reasons; nothing in it stops the sending
    expect(page.locator("[data-verdict] [data-reason='one_click_unsubscribe']")).to_be_visible()
    expect(page.locator("[data-verdict] [data-light='red']")).to_have_count(0)
    page.get_by_label("Vorschau als").select_option(label=f"Bernd Walk{tag} <{bernd}>")
    expect(page.locator("[data-preview='to']")).to_contain_text(bernd)
    page.get_by_role("button", name="Text", exact=True).click()
    expect(page.locator("[data-preview='text']")).to_contain_text(f"Sehr geehrter Herr Walk{tag},")
    page.get_by_role("button", name="Jetzt senden …").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Ja, senden").click()
    expect(page.get_by_role("status").filter(has_text="An 2 Empfänger versendet")).to_be_visible(timeout=60_000)

    # the personalised mails at the sink; none to the suppressed address
    assert suite.wait_for_mail(anna, r"(Sehr geehrte Frau Walk\w+,)", timeout=30) == f"Sehr geehrte Frau Walk{tag},"
    assert suite.wait_for_mail(bernd, r"(Sehr geehrter Herr Walk\w+,)", timeout=30) == f"Sehr geehrter Herr Walk{tag},"
    assert suite.mails(anna)[0]["subject"] == f"Einladung zur Bilanz {tag}"
    assert suite.mails(blocked) == []

    # the report: two delivered
    page.get_by_role("link", name="Bericht", exact=True).click()
    expect(page.locator("[data-figure='delivered'] .big")).to_have_text("2", timeout=30_000)
    expect(page.locator(f"tr[data-recipient='{anna}']")).to_contain_text("Zugestellt")
    page.get_by_role("button", name=f"Verlauf: {anna}").click()
    expect(page.get_by_role("list", name=f"Verlauf für {anna}")).to_contain_text("Zugestellt")
    page.get_by_role("button", name="Excel-Datei erstellen").click()
    link = page.get_by_role("link", name=re.compile("herunterladen"))
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "report.xlsx"
    info.value.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    rows = [[str(c) for c in row if c is not None]
            for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert any(row[0] == anna and "zugestellt" in row for row in rows if row), rows
    assert any(row[0] == bernd and "zugestellt" in row for row in rows if row), rows
    shot(page, "mailing-report-de")
    page.get_by_role("link", name="Alle Mailings").click()
    row = page.locator(f"tr[data-mailing='Walk {tag}']")
    expect(row).to_contain_text("Versendet")
    expect(row).to_contain_text("2")
    shot(page, "mailings-list-de")
    page.get_by_role("banner").get_by_role("link", name="Hilfe").click()
    expect(page.get_by_role("heading", name="Hilfe: Mailings und Mediacenter")).to_be_visible()


def test_a_test_send_arrives(new_page, suite):
    tag = uuid.uuid4().hex[:6]
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    client = writable_client(page)
    sender = api_sender(page, tag)
    mailing = call(page, "POST", "/api/v1/dispatch/mailings", {
        "client_id": client["id"], "name": f"Test send {tag}", "sender_id": sender["id"], "language": "en",
        "html": f"<p>{{{{ letter_salutation }}}}</p><p>Marker {tag}</p>",
        "sources": [{"type": "addresses", "recipients": [{"email": f"someone-{tag}@example.com"}]}]})
    page.goto(f"/mailings/{mailing['id']}/send")
    expect(page.get_by_role("heading", name=f"Test send {tag}")).to_be_visible(timeout=30_000)
    # what would stop the start is named before it, and sending is not offered
    problems = page.locator(".volume [data-problem]")
    expect(problems).to_have_text(["Bitte einen Betreff eingeben."], timeout=30_000)
    expect(page.get_by_role("button", name="Jetzt senden …")).to_be_disabled()
    page.get_by_role("link", name="Inhalt", exact=True).click()
    page.get_by_label("Betreff").fill(f"Programme {tag}")
    page.get_by_role("link", name="Prüfen und senden").click()  # saves on the way
    page.get_by_role("button", name="Umfang berechnen").click()
    expect(page.locator(".volume [data-figure='recipients']")).to_have_text("1", timeout=30_000)
    expect(problems).to_have_count(0)
    expect(page.get_by_role("button", name="Jetzt senden …")).to_be_enabled()
    to = f"checker-{tag}@example.com"
    page.get_by_label("Test an").fill(to)
    page.get_by_role("button", name="Test senden").click()
    expect(page.get_by_role("status").filter(has_text="Der Test ist unterwegs")).to_contain_text(to)
    assert suite.wait_for_mail(to, rf"(Marker {tag})", timeout=30) == f"Marker {tag}"
    assert suite.mails(to)[0]["subject"] == f"[Test] Programme {tag}"
    expect(page.locator(".mailing-meta")).to_contain_text("Entwurf")  # a test does not start the mailing

    # scheduled for later, then called off
    page.get_by_label("Zu einem Zeitpunkt senden").check()
    page.get_by_label("Zeitpunkt", exact=True).fill("2030-01-15T10:00")
    page.get_by_role("button", name="Versand planen …").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Ja, senden").click()
    expect(page.locator("[data-state='scheduled']")).to_contain_text("15.01.2030, 10:00")
    expect(page.locator(".mailing-meta")).to_contain_text("Geplant")
    page.get_by_role("button", name="Planung aufheben").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Ja, abbrechen").click()
    expect(page.locator(".mailing-meta")).to_contain_text("Abgebrochen")
    assert call(page, "GET", f"/api/v1/dispatch/mailings/{mailing['id']}")["state"] == "cancelled"


def test_a_mediacenter_file_travels_with_the_mailing(new_page, suite, tmp_path):
    tag = uuid.uuid4().hex[:6]
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    client = writable_client(page)
    sender = api_sender(page, tag)
    content = f"Pressemappe {tag}: Zahlen, Fotos, Ansprechpartner.\n".encode()
    filename = f"pressemappe-{tag}.txt"

    # the mediacenter: a folder, an upload with progress, the download gives the same bytes
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Mediacenter").click()
    page.get_by_label("Mandant").select_option(client["id"])
    page.get_by_label("Name des Ordners").fill(f"Presse {tag}")
    page.get_by_role("button", name="Ordner anlegen").click()
    page.get_by_role("button", name=f"Presse {tag}", exact=True).click()
    upload = {"name": filename, "mimeType": "text/plain", "buffer": content}
    page.get_by_label("Dateien wählen").set_input_files([upload])
    expect(page.locator(f"[data-upload='{filename}']")).to_contain_text("hochgeladen")
    row = page.locator(f"tr[data-file='{filename}']")
    expect(row).to_contain_text("text/plain")
    shot(page, "mediacenter-de")
    with page.expect_download() as download:
        row.get_by_role("link", name=f"Herunterladen: {filename}").click()
    saved = tmp_path / "download.txt"
    download.value.save_as(saved)
    assert saved.read_bytes() == content
    # ... and attached to a contact
    person = contact(page, client["id"], "Mia", f"Medien{tag}", "female", f"mia.medien{tag}@example.com")
    row.get_by_role("button", name=f"Kontakten zuordnen: {filename}").click()
    attach = page.get_by_role("group", name=f"{filename} Kontakten zuordnen")
    attach.get_by_label("Kontakt suchen").fill(f"Medien{tag}")
    attach.get_by_role("button", name="Suchen", exact=True).click()
    attach.get_by_role("button", name=f"Zuordnen: Mia Medien{tag}").click()
    expect(attach).to_contain_text("zugeordnet")
    assert [f["name"] for f in call(page, "GET", f"/api/v1/crm/contacts/{person}/files")] == [filename]

    # attached to a mailing from the mediacenter, then sent
    to = f"empfang-{tag}@example.com"
    mailing = call(page, "POST", "/api/v1/dispatch/mailings", {
        "client_id": client["id"], "name": f"Anhang {tag}", "sender_id": sender["id"], "language": "de",
        "subject": f"Mit Pressemappe {tag}", "html": "<p>{{ letter_salutation }}</p><p>Anbei die Pressemappe.</p>",
        "sources": [{"type": "addresses", "recipients": [{"email": to, "first_name": "Eva", "last_name": "Empfang"}]}]})
    page.goto(f"/mailings/{mailing['id']}")
    page.get_by_role("button", name="Aus dem Mediacenter anhängen").click()
    page.get_by_role("button", name=f"Presse {tag}", exact=True).click()
    page.get_by_role("button", name=f"Anhängen: {filename}").click()
    expect(page.get_by_role("region", name="Anhänge")).to_contain_text(filename)
    page.get_by_role("link", name="Prüfen und senden").click()
    expect(page.locator(".volume [data-figure='recipients']")).to_have_text("1", timeout=30_000)
    page.get_by_role("button", name="Jetzt senden …").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Ja, senden").click()
    expect(page.get_by_role("status").filter(has_text="An 1 Empfänger versendet")).to_be_visible(timeout=60_000)

    message = sink_message(suite, to, f"Mit Pressemappe {tag}")
    attached = [a for a in message["attachments"] if a["filename"] == filename]
    assert attached, message["attachments"]
    with urllib.request.urlopen(f"{suite.sink}/messages/{message['id']}/parts/{attached[0]['part']}", timeout=10) as r:
        assert r.read() == content


def test_an_undeliverable_address_is_corrected_and_sent_again(new_page, suite):
    tag = uuid.uuid4().hex[:6]
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    client = writable_client(page)
    sender = api_sender(page, tag)
    typo = f"kai.walk{tag}@redaktoin.example.com"
    right = f"kai.walk{tag}@redaktion.example.com"
    contact_id = contact(page, client["id"], "Kai", f"Walk{tag}", "male", typo)
    # the receiving server does not know the mistyped address
    status, _ = http_json("POST", f"{suite.sink}/api/rules", {"match": re.escape(typo), "stage": "rcpt", "code": 550,
                                                              "message": "5.1.1 No such user"})
    assert status == 201
    mailing = call(page, "POST", "/api/v1/dispatch/mailings", {
        "client_id": client["id"], "name": f"Korrektur {tag}", "sender_id": sender["id"], "language": "de",
        "subject": f"Termine {tag}", "html": "<p>{{ letter_salutation }}</p><p>Unsere Termine.</p>",
        "sources": [{"type": "contacts", "contact_ids": [contact_id]}]})
    call(page, "POST", f"/api/v1/dispatch/mailings/{mailing['id']}/start", {})

    page.goto(f"/mailings/{mailing['id']}/report")
    card = page.locator(".undeliverable")
    expect(card).to_contain_text("No such user", timeout=60_000)
    expect(page.locator("[data-figure='delivered'] .big")).to_have_text("0")
    card.get_by_label(f"Neue Adresse für {typo}").fill(right)
    card.get_by_role("button", name="Korrigiert erneut senden").click()
    expect(card.get_by_role("status")).to_contain_text("1 Mail erneut gesendet")
    expect(card.locator(f"tr[data-undeliverable='{typo}']")).to_contain_text(f"Erneut gesendet an {right}")
    assert suite.wait_for_mail(right, r"(Sehr geehrter Herr Walk\w+,)", timeout=60) == f"Sehr geehrter Herr Walk{tag},"
    # the crm contact carries the corrected address
    emails = [e["email"] for e in call(page, "GET", f"/api/v1/crm/contacts/{contact_id}")["emails"]]
    assert right in emails, emails


def test_a_read_only_client_shows_its_mailings_and_files_without_changing_them(new_page, suite):
    """redaktion@ may only read Konzern: its mailing opens with content, recipients and preview, but nothing to save,
    add or send; its mediacenter files download, but nothing uploads, renames or deletes."""
    tag = uuid.uuid4().hex[:6]
    admin = new_page("de")
    login(admin, suite, DEMO_EMAIL, DEMO_PASSWORD)
    konzern = next(c for c in call(admin, "GET", "/api/v1/clients")["clients"] if c["name"] == "Konzern")
    sender = api_sender(admin, tag)
    call(admin, "POST", "/api/v1/dispatch/mailings", {
        "client_id": konzern["id"], "name": f"Nur lesen {tag}", "sender_id": sender["id"], "language": "de",
        "subject": f"Quartalszahlen {tag}", "html": "<p>{{ letter_salutation }}</p><p>Die Zahlen.</p>",
        "sources": [{"type": "addresses", "recipients": [{"email": f"leser-{tag}@example.com", "first_name": "Lea",
                                                          "last_name": "Leser"}]}]})
    folder = call(admin, "POST", "/api/v1/crm/media/folders", {"client_id": konzern["id"], "name": f"Archiv {tag}"})
    status = admin.evaluate("""async ([folder, name]) => (await fetch(
        `/api/v1/crm/media/folders/${folder}/files?filename=${name}`, {method: 'POST',
        headers: {'Content-Type': 'text/plain', 'X-Requested-With': 'walk'}, body: 'Zahlen und Fakten'})).status""",
                            [folder["id"], f"fakten-{tag}.txt"])
    assert status == 201

    page = new_page("de")
    login(page, suite, "redaktion@pressroom.local", DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Absender")).to_have_count(0)  # senders are for administrators
    nav.get_by_role("link", name="Mailings").click()
    row = page.locator(f"tr[data-mailing='Nur lesen {tag}']")
    expect(row).to_contain_text("Nur lesen")
    row.get_by_role("link", name=f"Quartalszahlen {tag}").click()
    expect(page.get_by_role("status").filter(has_text="nur lesen")).to_be_visible()
    expect(page.get_by_label("Betreff")).to_have_attribute("readonly", "")
    expect(page.get_by_role("textbox", name="Text (HTML)")).to_have_attribute("aria-readonly", "true")
    expect(page.get_by_role("button", name="Speichern")).to_have_count(0)
    expect(page.get_by_label("Platzhalter einfügen")).to_have_count(0)
    expect(page.get_by_label("Datei hochladen und anhängen")).to_have_count(0)
    page.get_by_role("link", name="Empfänger", exact=True).click()
    expect(page.get_by_role("button", name="Empfänger speichern")).to_have_count(0)
    expect(page.get_by_role("button", name="Einzelne Kontakte wählen")).to_have_count(0)
    page.get_by_role("link", name="Prüfen und senden").click()
    expect(page.locator(".volume [data-figure='recipients']")).to_have_text("1", timeout=30_000)
    page.get_by_role("button", name="Vorschau zeigen").click()
    expect(page.locator("[data-preview='subject']")).to_have_text(f"Quartalszahlen {tag}")
    expect(page.get_by_role("button", name="Jetzt senden …")).to_have_count(0)
    expect(page.get_by_role("button", name="Test senden")).to_have_count(0)

    nav.get_by_role("link", name="Mediacenter").click()
    page.get_by_label("Mandant").select_option(label="Konzern (Nur lesen)")
    expect(page.get_by_text("Sie dürfen die Dateien dieses Mandanten nur ansehen")).to_be_visible()
    page.get_by_role("button", name=f"Archiv {tag}", exact=True).click()
    row = page.locator(f"tr[data-file='fakten-{tag}.txt']")
    expect(row.get_by_role("link", name=f"Herunterladen: fakten-{tag}.txt")).to_be_visible()
    expect(row.get_by_role("button")).to_have_count(0)  # no attach, rename or delete
    expect(page.get_by_label("Dateien wählen")).to_have_count(0)
    expect(page.get_by_label("Name des Ordners")).to_have_count(0)
