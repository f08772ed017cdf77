"""A new customer: the public order, an operator activating it in the back office (login with the mailed code),
the license manager's first login (one-time password, forced password change), the start screen in the starting
phase with the days left, and the cancellation in two clicks, ending the subscription the same day."""

from __future__ import annotations

import uuid
from datetime import date

from playwright.sync_api import expect

from billing_testing import order_payload
from conftest import ONE_TIME_PASSWORD, OPERATOR_EMAIL, OPERATOR_PASSWORD, http_json, login, shot

PASSWORD = "Startphase-ohne-Risiko-15"


def test_cancel_in_the_starting_phase(new_page, suite):
    tag = uuid.uuid4().hex[:6]
    company = f"Kanzlei Sonnenschein {tag}"
    manager = f"lena-{tag}@example.com"
    payload = order_payload(date.today(), seats=5, email=manager, company=company, language="en")
    del payload["administrator"]  # the license manager administers too
    status, order = http_json("POST", suite.url("/api/v1/billing/orders"), payload)
    assert status == 201, order

    # the operator activates the order in the back office
    ops = new_page("de")
    login(ops, suite, OPERATOR_EMAIL, OPERATOR_PASSWORD, operator=True)
    expect(ops.get_by_role("heading", name="Back-Office")).to_be_visible()
    row = ops.locator(f"tr[data-company='{company}']")
    expect(row).to_contain_text("Zu aktivieren")
    shot(ops, "backoffice-de")
    row.get_by_role("button", name="Aktivieren").click()
    expect(ops.get_by_role("status").filter(has_text=company)).to_contain_text("aktiviert")
    ops.get_by_role("button", name="EN", exact=True).click()
    ops.get_by_label("Show").select_option("activated")
    expect(ops.locator(f"tr[data-company='{company}']")).to_contain_text("Activated")
    shot(ops, "backoffice-en")
    # the new customer among the accounts, with subscription, consumption and invoices
    ops.get_by_role("link", name="Customers").click()
    ops.get_by_role("link", name=company).click()
    expect(ops.get_by_role("heading", name="Customer")).to_be_visible()
    expect(ops.locator("main")).to_contain_text("Starting phase")
    expect(ops.locator("main")).to_contain_text("Storage used")

    # the license manager's first login (in English: the order's language), then the forced password change
    page = new_page("en")
    otp = suite.wait_for_mail(manager, ONE_TIME_PASSWORD)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(manager)
    page.get_by_label("Password", exact=True).fill(otp)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()

    # seats: 5 licences; four more active users fill them, a sixth cannot be activated and the page says why
    page.wait_for_url(suite.url("/"))
    for n in range(4):
        created = page.evaluate("""async (email) => (await fetch('/api/v1/users', {method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-Requested-With': 'test'},
            body: JSON.stringify({email, first_name: 'Team', last_name: 'Member', active: true})})).status""",
                                f"team{n}-{tag}@example.com")
        assert created == 201
    page.goto("/admin/users")
    page.get_by_label("E-mail address").fill(f"one-too-many-{tag}@example.com")
    page.get_by_label("Activate now (takes a licence)").uncheck()
    page.get_by_role("button", name="Create user").click()
    row = page.locator(f"tr[data-user='one-too-many-{tag}@example.com']")
    expect(row).to_contain_text("Inactive")
    row.get_by_role("button", name="Activate").click()
    expect(row.get_by_role("alert")).to_contain_text("5")
    expect(row).to_contain_text("Inactive")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Start").click()

    # the start screen: starting phase, days left, the cancel button
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    card = page.locator(".subscription-card")
    expect(card).to_contain_text("Starting phase")
    expect(page.get_by_test_id("days-left")).to_contain_text("15 days left")
    shot(page, "home-starting-phase-en")
    page.get_by_role("button", name="Cancel contract here").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("It ends today, free of charge")
    page.get_by_role("button", name="Cancel now").click()
    expect(card).to_contain_text("Cancelled. The subscription ends on")
    expect(card).to_contain_text(date.today().strftime("%d/%m/%Y"))
    expect(page.get_by_role("button", name="Revoke the cancellation")).to_have_count(0)  # final in the starting phase

    # billing agrees
    state = page.evaluate("async () => (await (await fetch('/api/v1/billing/subscription')).json())")
    assert state["cancellation"]["ends_on"] == date.today().isoformat(), state
