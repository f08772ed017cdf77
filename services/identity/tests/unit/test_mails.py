"""identity's mails: texts from the catalogue in the recipient's language, counts by plural rule."""

import pytest

from identity import mails
from identity.db.models import User


def user(language: str, first: str = "Anna", last: str = "Admin", salutation: str | None = None) -> User:
    return User(email="anna@example.com", first_name=first, last_name=last, salutation=salutation,
                language=language, account_id=None)


@pytest.mark.parametrize(("who", "greeting", "sign"), [
    (user("en"), "Hello Anna Admin,", "Your Pressroom team"),
    (user("de"), "Guten Tag Anna Admin,", "Ihr Pressroom-Team"),
    (user("de", salutation="Frau"), "Sehr geehrte Frau Admin,", "Ihr Pressroom-Team"),
    (user("en", salutation="Frau"), "Hello Anna Admin,", "Your Pressroom team"),
    (user("de", first="", last=""), "Guten Tag,", "Ihr Pressroom-Team"),
])
def test_greeting_and_sign_off_in_the_recipients_language(who, greeting, sign):
    text = mails.password_changed(who).text
    assert text.startswith(greeting + "\n\n")
    assert text.rstrip().endswith(sign)


def test_counts_in_mails_take_the_right_plural_form():
    one = mails.seats_exceeded(user("de"), seats=1, active=2).text
    assert "Ihr Abonnement umfasst jetzt 1 Lizenz, aktiv sind 2 Benutzer." in one
    assert "Deaktivieren Sie bitte 1 Benutzer" in one
    many = mails.seats_exceeded(user("en"), seats=5, active=7).text
    assert "Your subscription now has 5 seats and 7 users are active." in many
    assert "Please deactivate 2 users" in many
    assert "1 failed attempt to log in" in mails.attack(user("en"), 1).text
    assert "3 fehlgeschlagene Anmeldeversuche" in mails.attack(user("de"), 3).text
