"""The mails identity sends, in the recipient's language (German or English)."""

from __future__ import annotations

from dataclasses import replace

from svckit.i18n import Text
from svckit.mail import TransactionalMail

from .db.models import User
from .i18n import _, ngettext

SIGN = _("Your Pressroom team")


def _greeting(user: User, lang: str) -> str:
    name = f"{user.first_name} {user.last_name}".strip()
    if lang != "en" and user.salutation in ("Frau", "Herr") and user.last_name:  # German's formal address only
        return f"{'Sehr geehrte' if user.salutation == 'Frau' else 'Sehr geehrter'} {user.salutation} {user.last_name},"
    return (_("Hello {name},").format(name=name) if name else _("Hello,")).pick(lang)


def _mail(user: User, category: str, subject: Text, body: Text, **params) -> TransactionalMail:
    lang = user.language if user.language in ("de", "en") else "de"
    sign = "\n\n" + SIGN.pick(lang)
    text = _greeting(user, lang) + "\n\n" + body.format(**params).pick(lang) + sign + "\n"
    return TransactionalMail(to=user.email, to_name=f"{user.first_name} {user.last_name}".strip() or None,
                             subject=subject.format(**params).pick(lang), text=text, category=category,
                             account_id=str(user.account_id) if user.account_id else None, language=lang)


def welcome(user: User, one_time_password: str, account_name: str) -> TransactionalMail:
    return _mail(user, "password", _("Your Pressroom access"), _(
        "an account on Pressroom ({account}) has been set up for you.\n\nLogin: {email}\n"
        "One-time password: {otp}\n\nThe one-time password is valid for 7 days and only for your first login; "
        "you will then set your own password."), account=account_name, email=user.email, otp=one_time_password)


def reset(user: User, one_time_password: str) -> TransactionalMail:
    return _mail(user, "password", _("Your Pressroom one-time password"), _(
        "You asked for a new password.\n\nOne-time password: {otp}\n\nIt is valid for 15 minutes and once only. "
        "After logging in with it you will set a new password. If you did not ask for this, ignore this message; "
        "your current password stays valid."), otp=one_time_password)


def login_code(user: User, code: str) -> TransactionalMail:
    return _mail(user, "otp", _("Your login code: {code}"), _(
        "Your code for logging in to Pressroom is:\n\n    {code}\n\nIt is valid for 10 minutes and once only. "
        "If you are not logging in right now, please change your password."), code=code)


def attack(user: User, failures: int) -> TransactionalMail:
    return _mail(user, "security", _("Failed login attempts on your account"), ngettext(
        "in the last hour there was {n} failed attempt to log in with your e-mail address. Further attempts are "
        "being slowed down. If this was not you, please choose a strong new password and turn on two-factor login.",
        "in the last hour there were {n} failed attempts to log in with your e-mail address. Further attempts are "
        "being slowed down. If this was not you, please choose a strong new password and turn on two-factor login.",
        failures), n=failures)


def second_factor_locked(user: User, failures: int, minutes: int) -> TransactionalMail:
    return _mail(user, "security", _("Two-factor login locked"), _(
        "while logging in to your account, a wrong code was entered {n} times after the correct password. "
        "Two-factor login is therefore locked for {minutes} minutes. If this was not you, someone knows your "
        "password: please change it at once (\"Forgot your password?\" on the login page) and tell your "
        "administrator."), n=failures, minutes=minutes)


def email_changed(user: User, old_email: str) -> TransactionalMail:
    """To the address the user had until now: if the change was not meant, they hear it where they can still read."""
    mail = _mail(user, "security", _("Your login address was changed"), _(
        "the e-mail address of your Pressroom account was changed by your administrator from {old} to {new}. "
        "Logins and one-time passwords now use the new address. If you did not ask for this, please contact your "
        "administrator at once."), old=old_email, new=user.email)
    return replace(mail, to=old_email)


def password_changed(user: User) -> TransactionalMail:
    return _mail(user, "security", _("Your password was changed"), _(
        "the password of your Pressroom account was just changed; all other sessions were ended. If this was not "
        "you, please contact your administrator at once."))


def seats_exceeded(admin: User, seats: int, active: int) -> TransactionalMail:
    seats_text = ngettext("Your subscription now has {seats} seat", "Your subscription now has {seats} seats",
                          seats).format(seats=seats)
    active_text = ngettext("{active} user is active", "{active} users are active", active).format(active=active)
    excess_text = ngettext("Please deactivate {excess} user", "Please deactivate {excess} users",
                           active - seats).format(excess=active - seats)
    return _mail(admin, "notice", _("Fewer seats than active users"), _(
        "{seats_text} and {active_text}. Nobody was deactivated, but while more users are active than there are "
        "seats, no further user can be activated. {excess_text} or extend the subscription."),
        seats_text=seats_text, active_text=active_text, excess_text=excess_text)
