"""gateway's texts: English msgids in the code, German in locale/de/LC_MESSAGES/gateway.po."""

from svckit.i18n import catalogue

_catalogue = catalogue("gateway")
_ = _catalogue.gettext
ngettext = _catalogue.ngettext
pgettext = _catalogue.pgettext
npgettext = _catalogue.npgettext
