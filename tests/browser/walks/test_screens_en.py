"""The main screens in English (the other walks take them in German): the demo administrator logs in with the
English login page, every area opens with its English title and navigation, and no German label of the navigation
is left on screen; a screenshot of each for docs/screenshots (``*-en.png``)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import DEMO_EMAIL, DEMO_PASSWORD, login, shot

SCREENS = [  # path, English page title, screenshot
    ("/contacts", "Contacts", "contacts-search-en"),
    ("/contacts/import", "Import contacts", "import-en"),
    ("/lists", "Distribution lists", "lists-en"),
    ("/contacts/events", "Events", "events-en"),
    ("/mailings", "Mailings", "mailings-list-en"),
    ("/mailings/senders", "Senders and domains", "senders-dns-en"),
    ("/media", "Mediacenter", "mediacenter-en"),
    ("/pressbase", "Pressbase: journalists and outlets", "pressbase-search-en"),
    ("/pressbase/selections", "Selections", "pressbase-selection-en"),
]
GERMAN_NAV = ("Kontakte", "Verteiler", "Übersicht", "Abonnement")


@pytest.fixture
def english_admin(new_page, suite):
    page = new_page("en")
    page.goto("/login?lang=en")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD, lang="en")
    # the demo administrator's saved language is German: switched for this test, and back afterwards
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    try:
        yield page
    finally:
        page.get_by_role("button", name="DE", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "de")


def test_main_screens_in_english(english_admin):
    page = english_admin
    nav = page.get_by_role("navigation", name="Main navigation")
    for path, title, name in SCREENS:
        page.goto(path)
        expect(page.locator("h1#page-title")).to_have_text(title)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        for german in GERMAN_NAV:
            expect(nav.get_by_role("link", name=german, exact=True)).to_have_count(0)
        shot(page, name)


def test_a_mailing_and_a_journalist_in_english(english_admin, suite):
    page = english_admin
    page.goto("/mailings")
    page.get_by_role("button", name="New mailing").click()
    client = page.locator("form").get_by_label("Client", exact=True)
    client.select_option(index=1)
    page.get_by_label("Internal name").fill("Press release (English screens)")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_label("Subject")).to_be_visible()
    shot(page, "mailing-compose-en")

    page.goto("/pressbase")
    first = page.locator("a[href^='/pressbase/journalists/']").first
    expect(first).to_be_visible(timeout=30_000)
    name = first.inner_text().strip()
    first.click()
    expect(page.locator("h1#page-title")).to_contain_text(name.split(",")[0].split()[0])
    shot(page, "pressbase-journalist-en")
