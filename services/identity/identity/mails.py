"""The mails identity sends, in the recipient's language (German or English)."""

from __future__ import annotations

from dataclasses import replace

from svckit.i18n import Text
from svckit.mail import TransactionalMail

from .db.models import User


def _greeting(user: User, lang: str) -> str:
    name = f"{user.first_name} {user.last_name}".strip()
    if lang == "en":
        return f"Hello {name}," if name else "Hello,"
    if user.salutation in ("Frau", "Herr") and user.last_name:
        return f"{'Sehr geehrte' if user.salutation == 'Frau' else 'Sehr geehrter'} {user.salutation} {user.last_name},"
    return f"Guten Tag {name}," if name else "Guten Tag,"


def _mail(user: User, category: str, subject: Text, body: Text, **params) -> TransactionalMail:
    lang = user.language if user.language in ("de", "en") else "de"
    sign = "\n\nIhr Pressroom-Team" if lang == "de" else "\n\nYour Pressroom team"
    text = _greeting(user, lang) + "\n\n" + body.format(**params).pick(lang) + sign + "\n"
    return TransactionalMail(to=user.email, to_name=f"{user.first_name} {user.last_name}".strip() or None,
                             subject=subject.format(**params).pick(lang), text=text, category=category,
                             account_id=str(user.account_id) if user.account_id else None, language=lang)


def welcome(user: User, one_time_password: str, account_name: str) -> TransactionalMail:
    return _mail(user, "password", Text("Ihr Zugang zu Pressroom", "Your Pressroom access"), Text(
        "für Sie wurde ein Zugang zu Pressroom ({account}) eingerichtet.\n\nAnmeldename: {email}\n"
        "Einmal-Passwort: {otp}\n\nDas Einmal-Passwort gilt 7 Tage und nur für die erste Anmeldung; danach legen "
        "Sie Ihr eigenes Passwort fest.",
        "an account on Pressroom ({account}) has been set up for you.\n\nLogin: {email}\n"
        "One-time password: {otp}\n\nThe one-time password is valid for 7 days and only for your first login; "
        "you will then set your own password."), account=account_name, email=user.email, otp=one_time_password)


def reset(user: User, one_time_password: str) -> TransactionalMail:
    return _mail(user, "password", Text("Ihr Einmal-Passwort für Pressroom", "Your Pressroom one-time password"), Text(
        "Sie haben ein neues Passwort angefordert.\n\nEinmal-Passwort: {otp}\n\nEs gilt 15 Minuten und nur einmal. "
        "Nach der Anmeldung damit legen Sie ein neues Passwort fest. Wenn Sie nichts angefordert haben, können Sie "
        "diese Nachricht ignorieren; Ihr bisheriges Passwort gilt weiter.",
        "You asked for a new password.\n\nOne-time password: {otp}\n\nIt is valid for 15 minutes and once only. "
        "After logging in with it you will set a new password. If you did not ask for this, ignore this message; "
        "your current password stays valid."), otp=one_time_password)


def login_code(user: User, code: str) -> TransactionalMail:
    return _mail(user, "otp", Text("Ihr Anmeldecode: {code}", "Your login code: {code}"), Text(
        "Ihr Code für die Anmeldung bei Pressroom lautet:\n\n    {code}\n\nEr gilt 10 Minuten und nur einmal. "
        "Wenn Sie sich nicht gerade anmelden, ändern Sie bitte Ihr Passwort.",
        "Your code for logging in to Pressroom is:\n\n    {code}\n\nIt is valid for 10 minutes and once only. "
        "If you are not logging in right now, please change your password."), code=code)


def attack(user: User, failures: int) -> TransactionalMail:
    return _mail(user, "security", Text("Fehlgeschlagene Anmeldeversuche bei Ihrem Zugang",
                                        "Failed login attempts on your account"), Text(
        "in der letzten Stunde gab es {n} fehlgeschlagene Anmeldeversuche mit Ihrer E-Mail-Adresse. Weitere "
        "Versuche werden verzögert. Waren Sie das nicht, wählen Sie bitte ein starkes, neues Passwort und schalten "
        "Sie die Zwei-Faktor-Anmeldung ein.",
        "in the last hour there were {n} failed attempts to log in with your e-mail address. Further attempts "
        "are being slowed down. If this was not you, please choose a strong new password and turn on two-factor "
        "login."), n=failures)


def second_factor_locked(user: User, failures: int, minutes: int) -> TransactionalMail:
    return _mail(user, "security", Text("Zwei-Faktor-Anmeldung gesperrt", "Two-factor login locked"), Text(
        "bei der Anmeldung mit Ihrem Zugang wurde {n}-mal ein falscher Code eingegeben, nach dem richtigen "
        "Passwort. Die Zwei-Faktor-Anmeldung ist deshalb für {minutes} Minuten gesperrt. Waren Sie das nicht, kennt "
        "jemand Ihr Passwort: Bitte ändern Sie es sofort (\"Passwort vergessen\" auf der Anmeldeseite) und "
        "informieren Sie Ihren Administrator.",
        "while logging in to your account, a wrong code was entered {n} times after the correct password. "
        "Two-factor login is therefore locked for {minutes} minutes. If this was not you, someone knows your "
        "password: please change it at once (\"Forgot your password?\" on the login page) and tell your "
        "administrator."), n=failures, minutes=minutes)


def email_changed(user: User, old_email: str) -> TransactionalMail:
    """To the address the user had until now: if the change was not meant, they hear it where they can still read."""
    mail = _mail(user, "security", Text("Ihre Anmelde-Adresse wurde geändert", "Your login address was changed"), Text(
        "die E-Mail-Adresse Ihres Pressroom-Zugangs wurde von Ihrem Administrator von {old} in {new} geändert. "
        "Anmeldung und Einmal-Passwörter laufen ab jetzt über die neue Adresse. Haben Sie das nicht veranlasst, "
        "wenden Sie sich bitte sofort an Ihren Administrator.",
        "the e-mail address of your Pressroom account was changed by your administrator from {old} to {new}. "
        "Logins and one-time passwords now use the new address. If you did not ask for this, please contact your "
        "administrator at once."), old=old_email, new=user.email)
    return replace(mail, to=old_email)


def password_changed(user: User) -> TransactionalMail:
    return _mail(user, "security", Text("Ihr Passwort wurde geändert", "Your password was changed"), Text(
        "das Passwort Ihres Pressroom-Zugangs wurde soeben geändert; alle anderen Sitzungen wurden beendet. Waren "
        "Sie das nicht, wenden Sie sich bitte sofort an Ihren Administrator.",
        "the password of your Pressroom account was just changed; all other sessions were ended. If this was not "
        "you, please contact your administrator at once."))


def seats_exceeded(admin: User, seats: int, active: int) -> TransactionalMail:
    return _mail(admin, "notice", Text("Weniger Lizenzen als aktive Benutzer", "Fewer seats than active users"), Text(
        "Ihr Abonnement umfasst jetzt {seats} Lizenzen, aktiv sind {active} Benutzer. Niemand wurde deaktiviert, "
        "aber solange mehr Benutzer aktiv sind als Lizenzen vorhanden, kann kein weiterer Benutzer aktiviert "
        "werden. Deaktivieren Sie bitte {excess} Benutzer oder erweitern Sie das Abonnement.",
        "Your subscription now has {seats} seats and {active} users are active. Nobody was deactivated, but "
        "while more users are active than there are seats, no further user can be activated. Please deactivate "
        "{excess} users or extend the subscription."), seats=seats, active=active, excess=active - seats)
