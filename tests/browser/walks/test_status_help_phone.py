"""The public status page with an incident note an operator posts, the online help reachable from every page in
both languages (the sender-domain guide), and the app on a phone-sized screen (390 x 844)."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from conftest import DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, OPERATOR_PASSWORD, login, shot


def test_operator_posts_an_incident_and_the_public_status_page_shows_it(new_page, suite):
    title = f"Versand verzögert {uuid.uuid4().hex[:4]}"
    ops = new_page("de")
    login(ops, suite, OPERATOR_EMAIL, OPERATOR_PASSWORD, operator=True)
    ops.get_by_role("link", name="Störungsmeldungen").click()
    ops.get_by_role("button", name="Auf der Statusseite veröffentlichen").click()  # empty: the fields say why
    expect(ops.get_by_label("Titel (Deutsch)")).to_have_attribute("aria-invalid", "true")
    ops.get_by_label("Schwere").select_option("minor")
    ops.get_by_label("Mailings und Versand").check()
    ops.get_by_label("Titel (Deutsch)").fill(title)
    ops.get_by_label("Titel (Englisch, optional)").fill("Mailings delayed")
    ops.get_by_label("Meldung (Deutsch)").fill("Mailings werden mit bis zu 30 Minuten Verspätung zugestellt.")
    ops.get_by_label("Meldung (Englisch, optional)").fill("Mailings are delivered up to 30 minutes late.")
    ops.get_by_role("button", name="Auf der Statusseite veröffentlichen").click()
    expect(ops.get_by_role("heading", name=title)).to_be_visible()

    for lang, heading, note, component in (("de", "Systemstatus", title, "Mailings und Versand"),
                                           ("en", "System status", "Mailings delayed", "Mailings and dispatch")):
        public = new_page(lang)  # nobody logged in
        public.goto("/status")
        expect(public.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        for _ in range(12):  # the gateway caches the status for 10 s: an earlier visit may still be served
            if public.get_by_role("heading", name=note).count():
                break
            public.wait_for_timeout(1000)
            public.reload()
        expect(public.get_by_test_id("overall")).to_be_visible()
        expect(public.locator("li[data-component='mailings']")).to_contain_text(component)
        expect(public.get_by_role("heading", name=note)).to_be_visible()
        shot(public, f"status-{lang}")


def test_help_from_every_page_in_both_languages(new_page, suite):
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto("/admin/clients")
    page.get_by_role("banner").get_by_role("link", name="Hilfe").click()
    expect(page.get_by_role("heading", name="Hilfe: Administration: Benutzer, Mandanten, Rechte")).to_be_visible()
    page.get_by_role("link", name="Absenderdomain authentifizieren: SPF, DKIM, DMARC").click()
    guide = page.locator("article")
    for text in ("_domainkey", "v=spf1", "_dmarc", "p=none", "p=reject"):
        expect(guide).to_contain_text(text)
    shot(page, "help-de")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Help: Authenticating a sender domain: SPF, DKIM, DMARC")).to_be_visible()
    expect(guide).to_contain_text("two SPF records make both invalid")
    shot(page, "help-en")
    page.get_by_role("button", name="DE", exact=True).click()
    # public pages have the help too, without a login
    anonymous = new_page("en")
    anonymous.goto("/status")
    anonymous.get_by_role("banner").get_by_role("link", name="Help").click()
    expect(anonymous.get_by_role("heading", name="Help: Back office and status page (operators)")).to_be_visible()


def test_phone_sized_screen(new_page, suite):
    page = new_page("de", viewport=(390, 844), is_mobile=True, has_touch=True)
    page.goto("/login")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the navigation folds behind a menu button
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Administration")).to_be_hidden()
    menu = page.get_by_role("button", name="Menü")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    # wide tables scroll inside their own box, the page does not
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-admin-de")
