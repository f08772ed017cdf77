"""The contacts area's texts (gateway/web/src/areas/contacts): every message key its pages use exists in German and
English, both languages have the same keys, and the keys built at run time (`t(`contacts.kind.${kind}`)`) have a
text for every value the API can send. A missing key would show up on screen as the key itself."""

from __future__ import annotations

import re
from pathlib import Path

AREA = Path(__file__).resolve().parents[1] / "web" / "src" / "areas" / "contacts"
COMMON = AREA.parents[1] / "i18n" / "common.ts"
PREFIXES = ("contacts", "lists", "events", "dups", "fields", "mail", "accountExport", "imports")
KEY = re.compile(r'^\s*"([A-Za-z0-9_.]+)":', re.M)

#: keys the pages build from API values, with every value the crm service sends
DYNAMIC = {
    "contacts.emailState": ("valid", "invalid", "unverified"),
    "contacts.history.kind": ("note", "call", "meeting", "mailing", "email"),
    "contacts.job.state": ("queued", "running", "done", "failed"),
    "contacts.kind": ("person", "organisation"),
    "contacts.legal": ("legitimate_interest", "consent", "contract", "legal_obligation", "vital_interest",
                       "public_task"),
    "contacts.orgType": ("company", "media", "agency", "public", "other"),
    "contacts.source": ("manual", "import", "pressbase", "imap"),
    "dups.reason": ("same_email", "similar_name"),
    "events.kind": ("press_conference", "press_trip", "interview", "trade_fair", "background_talk", "other"),
    "events.state": ("invited", "registered", "declined", "attended"),
    "fields.type": ("text", "number", "date", "boolean", "choice"),
    "imports.outcome": ("created", "updated", "existing", "unchanged", "duplicate_in_file", "error"),
    "imports.state": ("analysed", "mapped", "dry_run", "dry_run_done", "importing", "done"),
    "imports.strategy": ("skip", "update", "create"),
}


def _messages() -> tuple[set[str], set[str]]:
    text = (AREA / "messages.ts").read_text(encoding="utf-8")
    de, en = text.split("export const en", 1)
    return set(KEY.findall(de)), set(KEY.findall(en))


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(AREA.glob("*.tsx")))


def test_both_languages_have_the_same_keys():
    de, en = _messages()
    assert de, "no German texts found"
    assert sorted(de - en) == [] and sorted(en - de) == []


def test_every_key_the_pages_use_exists():
    de, _ = _messages()
    common = set(re.findall(r'"(common\.[A-Za-z0-9_.]+)":', COMMON.read_text(encoding="utf-8")))
    used = set(re.findall(r'"((?:%s|common)\.[A-Za-z0-9_.]+)"' % "|".join(PREFIXES), _sources()))
    missing = sorted(k for k in used if k not in (common if k.startswith("common.") else de))
    assert missing == []


def test_keys_built_from_api_values_exist():
    de, _ = _messages()
    built = set(re.findall(r"t\(`([A-Za-z.]+)\.\$\{", _sources()))
    for prefix, values in DYNAMIC.items():
        assert prefix in built, f"{prefix} is no longer built at run time: update DYNAMIC"
        assert sorted(f"{prefix}.{v}" for v in values if f"{prefix}.{v}" not in de) == []
    # the import fields: every field crm's import wizard offers has a label
    fields = re.search(r"SYNONYMS: dict\[str, tuple\[str, \.\.\.\]\] = \{(.*?)\n\}", (
        AREA.parents[4] / "services" / "crm" / "crm" / "domain" / "importing.py").read_text(encoding="utf-8"), re.S)
    assert fields
    names = re.findall(r'^\s*"([a-z_0-9]+)":', fields.group(1), re.M)
    assert names
    assert sorted(f"imports.field.{n}" for n in names if f"imports.field.{n}" not in de) == []
