"""Every product text has its German translation in its package's catalogue, and no inline pair creeps back.

The msgids are extracted from the code with Babel's own extractor (keywords ``_``, ``ngettext``, ``pgettext``,
``npgettext``), so a text added in the code without a translation fails here; so does a catalogue entry that is
fuzzy, empty, obsolete (no longer in the code), lacks a plural form, or whose ``{placeholders}`` differ from the
msgid's. ``Text(de, en)`` built directly is allowed only where ``direct_texts.txt`` lists it (data, not product
texts): a new inline pair fails.
"""

from __future__ import annotations

import ast
import importlib
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from svckit.i18n import Catalogue, Text, catalogue

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {
    "svckit": ROOT / "services/svckit/svckit",
    "identity": ROOT / "services/identity/identity",
    "crm": ROOT / "services/crm/crm",
    "dispatch": ROOT / "services/dispatch/dispatch",
    "pressbase": ROOT / "services/pressbase/pressbase",
    "billing": ROOT / "services/billing/billing",
    "gateway": ROOT / "gateway/gateway",
}
KEYWORDS = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
ALLOW_LIST = Path(__file__).with_name("direct_texts.txt")


def used_msgids(package_dir: Path) -> dict[tuple[str | None, str], tuple[str, ...]]:
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(package_dir), method_map=[("**/migrations/**.py", "ignore"), ("**.py", "python")],
            keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True):
        ids = tuple(message) if isinstance(message, (list, tuple)) else (message,)
        assert ids[0], f"{package_dir.name}: an empty msgid in {_filename}:{_lineno}"
        found[(context, ids[0])] = ids
    return found


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def po_path(package_dir: Path) -> Path:
    return package_dir / "locale" / "de" / "LC_MESSAGES" / f"{package_dir.name}.po"


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_msgid_in_the_code_has_a_complete_german_translation(name: str) -> None:
    package_dir = PACKAGES[name]
    used = used_msgids(package_dir)
    path = po_path(package_dir)
    assert used and path.exists(), f"{name}: no msgids in the code or no catalogue at {path.relative_to(ROOT)}"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="de", domain=name)
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert not catalog.obsolete, f"{name}: obsolete entries {list(catalog.obsolete)}"
    problems: list[str] = []
    entries = {}
    for message in catalog:
        if not message.id:
            continue
        key = (message.context, message.id[0] if isinstance(message.id, (list, tuple)) else message.id)
        entries[key] = message
        ids = tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {key}")
        if key not in used:
            problems.append(f"not used in the code (obsolete): {key}")
        elif used[key] != ids:
            problems.append(f"singular/plural differ from the code: {key}: {ids} vs {used[key]}")
        if len(ids) > 1 and len(strings) != 2:
            problems.append(f"plural entry without both German forms: {key}")
        if any(not s for s in strings):
            problems.append(f"empty translation: {key}")
        wanted = placeholders(ids[0])
        for other in ids[1:]:
            if placeholders(other) != wanted:
                problems.append(f"msgid and msgid_plural have different placeholders: {key}")
        for s in strings:
            if s and placeholders(s) != wanted:
                problems.append(f"placeholders differ: {key}: {sorted(wanted)} vs {s!r}")
    for key in used:
        if key not in entries:
            problems.append(f"no German translation: {key}")
    assert not problems, f"{name} ({path.relative_to(ROOT)}):\n" + "\n".join(problems)


def direct_text_calls() -> dict[str, int]:
    counts: dict[str, int] = {}
    for package_dir in PACKAGES.values():
        for path in sorted(package_dir.rglob("*.py")):
            if "migrations" in path.relative_to(package_dir).parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            n = sum(1 for node in ast.walk(tree)
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Text")
            if n:
                counts[str(path.relative_to(ROOT))] = n
    return counts


def allowed_direct_texts() -> dict[str, int]:
    allowed: dict[str, int] = {}
    for line in ALLOW_LIST.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            path, _sep, count = line.rpartition(" ")
            allowed[path.strip()] = int(count)
    return allowed


def test_no_new_inline_text_pairs() -> None:
    allowed = allowed_direct_texts()
    found = direct_text_calls()
    extra = {path: n for path, n in found.items() if n > allowed.get(path, 0)}
    assert not extra, ("Text(de, en) built directly (a product text belongs in the catalogue: _('English') and "
                       f"its German in the package's .po; data only goes into {ALLOW_LIST.name}): {extra}")


def test_catalogue_picks_german_plural_forms_and_english_by_its_own_rule() -> None:
    po = "\n".join([
        'msgid ""', 'msgstr ""', r'"Language: de\n"', r'"Plural-Forms: nplurals=2; plural=(n != 1);\n"', "",
        'msgid "in {n} day"', 'msgid_plural "in {n} days"', 'msgstr[0] "in {n} Tag"', 'msgstr[1] "in {n} Tagen"', "",
        'msgctxt "tab"', 'msgid "Open"', 'msgstr "Offen"', "",
        'msgid "Open"', 'msgstr "Öffnen"', "",
        '#, fuzzy', 'msgid "Draft"', 'msgstr "Entwurf?"', "",
    ])
    cat = Catalogue("demo", po)
    assert cat.ngettext("in {n} day", "in {n} days", 1).format(n=1) == Text("in 1 Tag", "in 1 day")
    assert cat.ngettext("in {n} day", "in {n} days", 2).format(n=2) == Text("in 2 Tagen", "in 2 days")
    assert cat.ngettext("in {n} day", "in {n} days", 0).format(n=0) == Text("in 0 Tagen", "in 0 days")
    assert cat.gettext("Open") == Text("Öffnen", "Open")
    assert cat.pgettext("tab", "Open") == Text("Offen", "Open")
    assert cat.gettext("Draft") == Text("Draft", "Draft"), "a fuzzy entry is not a translation"
    assert cat.gettext("Missing").to_wire() == {"de": "Missing", "en": "Missing"}


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_package_reads_its_own_catalogue(name: str) -> None:
    path = po_path(PACKAGES[name])
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="de", domain=name)
    loaded = catalogue(name)
    for message in catalog:
        if message.id and isinstance(message.id, str):
            text = loaded.pgettext(message.context, message.id) if message.context else loaded.gettext(message.id)
            assert text.de == message.string


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_package_i18n_module_is_bound_to_its_own_catalogue(name: str) -> None:
    module = importlib.import_module("svckit.i18n" if name == "svckit" else f"{name}.i18n")
    for function in ("_", "ngettext", "pgettext", "npgettext"):
        assert getattr(module, function).__self__ is catalogue(name), f"{name}.i18n.{function}"
