"""Walks of customers: the administrator creates a user who needs a mailed code, the user's first login (one-time
password from the invitation, forced password change), a login with the code read from the SMTP sink, the
administrator restricting a client to read only and the user seeing it at once; validation errors next to their
fields in the user's language with nothing typed lost; the language remembered per user; codes by mail switched
off only with the current password."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from conftest import CODE, DEMO_EMAIL, DEMO_PASSWORD, FETCH, ONE_TIME_PASSWORD, login, shot

NEW_PASSWORD = "Pressefrühstück-am-Rhein-7"


def test_login_page_in_both_languages(new_page, suite):
    for lang, heading, button in (("de", "Anmelden", "Anmelden"), ("en", "Log in", "Log in")):
        page = new_page(lang)
        page.goto("/login")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_role("button", name=button, exact=True)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        # a wrong password: the problem's text in the page's language, the e-mail address kept
        page.get_by_label("E-Mail-Adresse" if lang == "de" else "E-mail address").fill("nobody@example.com")
        page.get_by_label("Passwort" if lang == "de" else "Password", exact=True).fill("wrong-password-1")
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("Passwort" if lang == "de" else "password")
        expect(page.get_by_label("E-Mail-Adresse" if lang == "de" else "E-mail address")).to_have_value(
            "nobody@example.com")
        page.get_by_label("Passwort" if lang == "de" else "Password", exact=True).fill("")
        shot(page, f"login-{lang}")


def test_administrator_restricts_a_client_to_read_only_and_the_user_sees_it(new_page, suite):
    email = f"ben-{uuid.uuid4().hex[:6]}@example.com"
    admin = new_page("de")
    login(admin, suite, DEMO_EMAIL, DEMO_PASSWORD)
    expect(admin.get_by_role("heading", name="Übersicht")).to_be_visible()
    admin.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Administration").click()
    expect(admin.get_by_role("heading", name="Administration")).to_be_visible()

    # a bad address: the field says why (in German), and what was typed stays
    admin.get_by_label("E-Mail-Adresse").fill("kein-at-zeichen")
    admin.get_by_label("Vorname").fill("Ben")
    admin.get_by_label("Nachname").fill("Nutzer")
    admin.get_by_role("button", name="Benutzer anlegen").click()
    field = admin.get_by_label("E-Mail-Adresse")
    expect(field).to_have_attribute("aria-invalid", "true")
    error_id = field.get_attribute("aria-describedby")
    expect(admin.locator(f"[id='{error_id}']")).to_be_visible()
    expect(admin.get_by_label("Vorname")).to_have_value("Ben")

    field.fill(email)
    admin.get_by_label("Bei der Anmeldung einen Code per E-Mail verlangen").check()
    admin.get_by_role("button", name="Benutzer anlegen").click()
    expect(admin.get_by_role("status").filter(has_text=email)).to_be_visible()
    expect(admin.locator(f"tr[data-user='{email}']")).to_contain_text("Aktiv")

    # rights: Konzern full, Tochtergesellschaft stays hidden
    admin.get_by_role("link", name="Mandanten und Rechte").click()
    row = admin.locator(f"tr[data-user='{email}']")
    row.locator("select[data-client='Konzern']").select_option("full")
    admin.get_by_role("button", name="Rechte speichern").click()
    expect(admin.get_by_text("Die Rechte sind gespeichert.")).to_be_visible()

    # the user's first login: the one-time password from the invitation, then a password of their own
    user = new_page("de")
    otp = suite.wait_for_mail(email, ONE_TIME_PASSWORD)
    user.goto("/")
    expect(user).to_have_url(re.compile(r"/login\?next="))
    user.get_by_label("E-Mail-Adresse").fill(email)
    user.get_by_label("Passwort", exact=True).fill(otp)
    user.get_by_role("button", name="Anmelden", exact=True).click()
    expect(user.get_by_role("heading", name="Neues Passwort festlegen")).to_be_visible()
    user.get_by_label("Neues Passwort", exact=True).fill(NEW_PASSWORD)
    user.get_by_label("Neues Passwort wiederholen").fill(NEW_PASSWORD + "x")
    user.get_by_role("button", name="Passwort speichern").click()
    expect(user.get_by_text("Die beiden Eingaben stimmen nicht überein.")).to_be_visible()
    user.get_by_label("Neues Passwort wiederholen").fill(NEW_PASSWORD)
    user.get_by_role("button", name="Passwort speichern").click()
    expect(user.get_by_role("heading", name="Übersicht")).to_be_visible()

    # log out, log in again: password, then the mailed code from the sink
    user.get_by_role("button", name="Abmelden").click()
    expect(user.get_by_role("heading", name="Anmelden")).to_be_visible()
    codes_before = suite.mail_count(email, CODE)
    user.get_by_label("E-Mail-Adresse").fill(email)
    user.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    user.get_by_role("button", name="Anmelden", exact=True).click()
    code_field = user.get_by_label("Code", exact=True)
    expect(code_field).to_be_visible()
    code_field.fill(suite.wait_for_mail(email, CODE, after=codes_before))
    user.get_by_role("button", name="Bestätigen").click()
    expect(user.get_by_role("heading", name="Übersicht")).to_be_visible()
    clients = user.get_by_test_id("my-clients")
    expect(clients.locator("li[data-client='Konzern']")).to_contain_text("Vollzugriff")
    expect(clients.locator("li[data-client='Tochtergesellschaft']")).to_have_count(0)  # hidden: absent

    # the administrator restricts Konzern to read only; the user sees it on the next page load
    admin.reload()
    admin.locator(f"tr[data-user='{email}'] select[data-client='Konzern']").select_option("read")
    admin.get_by_role("button", name="Rechte speichern").click()
    expect(admin.get_by_text("Die Rechte sind gespeichert.")).to_be_visible()
    shot(admin, "admin-rights-de")
    user.reload()
    expect(clients.locator("li[data-client='Konzern']")).to_contain_text("Nur lesen")
    # and a change to that client is refused by the API (403), with the cookie session and the CSRF header
    client_id = user.evaluate("""async () => {
        const r = await fetch('/api/v1/clients', {headers: {'Accept': 'application/json'}});
        return (await r.json()).clients.find(c => c.name === 'Konzern').id; }""")
    status = user.evaluate("""async (id) => (await fetch('/api/v1/clients/' + id, {method: 'PATCH',
        headers: {'Content-Type': 'application/json', 'X-Requested-With': 'test'},
        body: JSON.stringify({description: 'x'})})).status""", client_id)
    assert status == 403

    # the language is the user's: switched to English, it stays English after a reload (saved in /me)
    user.get_by_role("button", name="EN", exact=True).click()
    expect(user.get_by_role("heading", name="Overview")).to_be_visible()
    user.reload()
    expect(user.get_by_role("heading", name="Overview")).to_be_visible()
    expect(clients.locator("li[data-client='Konzern']")).to_contain_text("Read only")


def test_main_screens_of_the_administrator_in_both_languages(new_page, suite):
    page = new_page("de")
    login(page, suite, DEMO_EMAIL, DEMO_PASSWORD)
    for lang, home, admin_tab, sub in (("de", "Übersicht", "Mandanten und Rechte", "Abonnement"),
                                       ("en", "Overview", "Clients and rights", "Subscription")):
        page.get_by_role("button", name=lang.upper(), exact=True).click()
        page.goto("/")
        expect(page.get_by_role("heading", name=home)).to_be_visible()
        shot(page, f"home-{lang}")
        if lang == "en":
            page.goto("/admin/clients")
            expect(page.get_by_role("link", name=admin_tab)).to_be_visible()
            shot(page, "admin-rights-en")
        page.goto("/subscription")
        expect(page.get_by_role("heading", name=sub, exact=True)).to_be_visible()
        shot(page, f"subscription-{lang}")
    page.get_by_role("button", name="DE", exact=True).click()


def test_forgot_password_with_the_mailed_one_time_password(new_page, suite):
    # a user of its own: the walk changes the password and turns on codes by mail, which other walks must not meet
    email = f"frieda-{uuid.uuid4().hex[:6]}@example.com"
    admin = new_page("de")
    login(admin, suite, DEMO_EMAIL, DEMO_PASSWORD)
    status, user = admin.evaluate(FETCH, ["POST", "/api/v1/users", {
        "email": email, "first_name": "Frieda", "last_name": "Vergessen", "language": "de", "active": True}])
    assert status == 201 and user["active"], (status, user)
    page = new_page("en")
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_label("E-mail address")).to_have_value(email)  # carried over
    before = suite.mail_count(email, ONE_TIME_PASSWORD)
    page.get_by_role("button", name="Send me a one-time password").click()
    page.get_by_role("status").get_by_role("link", name="Set a new password").click()
    otp = suite.wait_for_mail(email, ONE_TIME_PASSWORD, after=before)
    page.get_by_label("One-time password from the e-mail").fill(otp)
    page.get_by_label("New password", exact=True).fill("password")  # too common: the API says why, in English
    page.get_by_label("Repeat the new password").fill("password")
    page.get_by_role("button", name="Set password").click()
    new_field = page.get_by_label("New password", exact=True)
    expect(new_field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("One-time password from the e-mail")).to_have_value(otp)  # nothing typed is lost
    new_field.fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your new password is set. Please log in with it.")).to_be_visible()
    login(page, suite, email, NEW_PASSWORD, lang="en")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()  # the user's own language: German
    # own account (from the name in the header): codes by mail on, shown as the login method
    page.get_by_role("banner").get_by_role("link", name="Frieda Vergessen").click()
    expect(page.get_by_role("heading", name="Mein Konto")).to_be_visible()
    page.get_by_role("button", name="Code per E-Mail einschalten").click()
    expect(page.get_by_role("button", name="Code per E-Mail ausschalten")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Code per E-Mail")
    expect(page.get_by_role("region", name="Angemeldete Sitzungen")).to_contain_text("diese Sitzung")
    # switching them off again needs the current password: refused without it, the field says why
    page.get_by_role("button", name="Code per E-Mail ausschalten").click()
    current = page.get_by_label("Bisheriges Passwort")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("button", name="Code per E-Mail ausschalten")).to_be_visible()
    current.fill(NEW_PASSWORD)
    page.get_by_role("button", name="Code per E-Mail ausschalten").click()
    expect(page.get_by_role("button", name="Code per E-Mail einschalten")).to_be_visible()
    expect(page.get_by_label("Bisheriges Passwort")).to_have_count(0)
