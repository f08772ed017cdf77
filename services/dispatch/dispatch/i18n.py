"""dispatch's texts: English msgids in the code, German in locale/de/LC_MESSAGES/dispatch.po."""

from svckit.i18n import catalogue

_catalogue = catalogue("dispatch")
_ = _catalogue.gettext
ngettext = _catalogue.ngettext
pgettext = _catalogue.pgettext
npgettext = _catalogue.npgettext
