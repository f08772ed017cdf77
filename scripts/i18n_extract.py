"""Texts into gettext catalogues: convert inline pairs, add new msgids for the translator.

Usage (from the repository root, with the virtualenv's Python)::

    .venv/bin/python scripts/i18n_extract.py convert services/crm/crm     # Text("de", "en") -> _("en"), German to .po
    .venv/bin/python scripts/i18n_extract.py update                       # every package: new msgids into its .po

``convert`` rewrites each ``Text("<German literal>", "<English literal>")`` call of a package -- and the pairs
given to ``svckit.validation.invalid``, ``svckit.errors.field_error`` and dispatch's template problems -- into
``_("<English literal>")`` (or ``pgettext("<module>", ...)`` where one English text has two different German
translations in the package), imports ``_`` from the package's ``i18n`` module (created if missing) and writes the
German into ``<package>/locale/de/LC_MESSAGES/<package>.po``. Migrations are skipped (frozen history). Each file is
read, rewritten and written back in one quick step; only the pairs change (plus the import, and throwaway variables
named ``_`` that would shadow the function). Calls whose arguments are not two string literals (data: Texts built
from variables, f-strings) are left alone and listed. ``--skip-dirty`` leaves files with uncommitted changes alone
(someone else is editing them; run it again later); ``--only=<path>`` (repeatable) converts just those files.
Texts with a count are then turned into ``ngettext`` by hand (the script cannot know which number counts).

``update`` extracts the msgids of every package with Babel's extractor (keywords ``_``, ``ngettext``, ``pgettext``,
``npgettext``) and adds the missing ones to the package's catalogue with an empty German translation; the
translator fills them in (``tests/i18n`` fails until they do). Entries no longer used in the code are removed.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "services/svckit/svckit", "services/identity/identity", "services/crm/crm", "services/dispatch/dispatch",
    "services/pressbase/pressbase", "services/billing/billing", "gateway/gateway",
]
KEYWORDS = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
MAX_LINE = 120
I18N_MODULE = '''"""{name}'s texts: English msgids in the code, German in locale/de/LC_MESSAGES/{name}.po."""

from svckit.i18n import catalogue

_catalogue = catalogue("{name}")
_ = _catalogue.gettext
ngettext = _catalogue.ngettext
pgettext = _catalogue.pgettext
npgettext = _catalogue.npgettext
'''


def po_file(package_dir: Path) -> Path:
    return package_dir / "locale" / "de" / "LC_MESSAGES" / f"{package_dir.name}.po"


def load_catalog(package_dir: Path) -> Catalog:
    path = po_file(package_dir)
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale="de", domain=package_dir.name)
    now = datetime.now(timezone.utc)
    return Catalog(locale="de", domain=package_dir.name, project="Pressroom", version="1",
                   creation_date=now, revision_date=now, fuzzy=False,
                   language_team="Pressroom <pressroom@example.org>",
                   last_translator="Pressroom <pressroom@example.org>",
                   header_comment=f"# German texts of {package_dir.name} (msgids: the English in the code).\n"
                                  "# Edit msgstr only; see docs/architecture.md, \"Texts and translations\".")


def save_catalog(package_dir: Path, catalog: Catalog) -> None:
    path = po_file(package_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True, omit_header=False, ignore_obsolete=True)


def source_files(package_dir: Path) -> list[Path]:
    return sorted(p for p in package_dir.rglob("*.py")
                  if "migrations" not in p.relative_to(package_dir).parts and "locale" not in p.parts)


# calls that take a German/English pair of literals, and the position of the German one (dispatch's template
# problems too)
PAIR_CALLS = {"Text": 0, "invalid": 0, "field_error": 1, "TemplateProblem": 0, "_problem": 1}


def is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def text_calls(tree: ast.AST) -> list[tuple[ast.Call, int, str, str]]:
    """(call, position of the German argument, German, English) of every inline pair of literals."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PAIR_CALLS):
            continue
        at = PAIR_CALLS[node.func.id]
        if node.func.id == "Text" and (node.keywords or len(node.args) != 2):
            continue
        if len(node.args) < at + 2 or not is_str(node.args[at]) or not is_str(node.args[at + 1]):
            continue
        de, en = node.args[at], node.args[at + 1]
        assert isinstance(de, ast.Constant) and isinstance(en, ast.Constant)
        found.append((node, at, de.value, en.value))
    return found


def span(call: ast.Call, at: int) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) to replace: the whole Text(...) call, or the pair of arguments."""
    if isinstance(call.func, ast.Name) and call.func.id == "Text":
        return call.lineno, call.col_offset, call.end_lineno or 0, call.end_col_offset or 0
    de, en = call.args[at], call.args[at + 1]
    return de.lineno, de.col_offset, en.end_lineno or 0, en.end_col_offset or 0


def quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def wrap_literal(value: str, width: int) -> list[str]:
    """Split a string into quoted pieces of at most ``width`` characters each (at spaces where possible)."""
    pieces: list[str] = []
    rest = value
    while rest:
        if len(quote(rest)) <= width:
            pieces.append(quote(rest))
            break
        cut = max(width - 2, 20)
        while cut > 20 and len(quote(rest[:cut])) > width:
            cut -= 1
        space = rest.rfind(" ", 0, cut)
        if space > width // 3:
            cut = space + 1
        pieces.append(quote(rest[:cut]))
        rest = rest[cut:]
    return pieces


def render(call: ast.Call, at: int, lines: list[str], head: str, en_value: str) -> tuple[str, str]:
    """The replacement for one pair: (the line up to it, its new text)."""
    line, col, end_line, end_col = span(call, at)
    prefix = lines[line - 1].encode()[:col].decode()
    suffix = lines[end_line - 1].encode()[end_col:].decode()
    segment = ast.get_source_segment("\n".join(lines), call.args[at + 1]) or quote(en_value)
    indent = " " * (len(prefix) + len(head))
    if "\n" not in segment and len(prefix) + len(head) + len(segment) + 1 + len(suffix) <= MAX_LINE:
        return prefix, head + segment + ")"
    seg_lines = segment.split("\n")
    candidate = [seg_lines[0]] + [indent + s.lstrip() for s in seg_lines[1:]]
    full = [prefix + head + candidate[0]] + candidate[1:]
    full[-1] += ")" + suffix
    if all(len(x) <= MAX_LINE for x in full):
        return prefix, head + "\n".join(candidate) + ")"
    if len(indent) <= MAX_LINE // 2:
        pieces = wrap_literal(en_value, MAX_LINE - len(indent) - 2 - len(suffix))
        return prefix, head + ("\n" + indent).join(pieces) + ")"
    # far to the right: the literal goes on its own lines below, four spaces in from the statement
    hang = " " * (len(prefix) - len(prefix.lstrip()) + 4)
    candidate = [hang + s.lstrip() for s in seg_lines]
    candidate[-1] += ")" + suffix
    if all(len(x) <= MAX_LINE for x in candidate) and len(prefix + head) <= MAX_LINE:
        return prefix, head + "\n" + "\n".join(hang + s.lstrip() for s in seg_lines) + ")"
    pieces = wrap_literal(en_value, MAX_LINE - len(hang) - 2 - len(suffix))
    return prefix, head + "\n" + hang + ("\n" + hang).join(pieces) + ")"


def relative_import(package_dir: Path, path: Path) -> str:
    depth = len(path.relative_to(package_dir).parts) - 1
    return "." * (depth + 1) + "i18n"


def module_name(package_dir: Path, path: Path) -> str:
    rel = path.relative_to(package_dir).with_suffix("")
    return ".".join((package_dir.name, *rel.parts))


def rename_throwaways(tree: ast.AST, lines: list[str]) -> list[str]:
    """Rename variables and arguments called ``_`` (throwaways) to ``_unused`` so they don't shadow gettext."""
    spots: list[tuple[int, int]] = []
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, (ast.Store, ast.Del)):
            spots.append((node.lineno, node.col_offset))
        elif isinstance(node, ast.arg) and node.arg == "_":
            spots.append((node.lineno, node.col_offset))
        elif isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Load) \
                and id(node) not in called:
            raise SystemExit(f"reads a variable named _ at line {node.lineno}; rename it by hand first")
    for lineno, col in sorted(spots, reverse=True):
        raw = lines[lineno - 1].encode()
        assert raw[col:col + 1] == b"_"
        lines[lineno - 1] = (raw[:col] + b"_unused" + raw[col + 1:]).decode()
    return lines


def add_import(source: str, tree: ast.Module, statement: str) -> str:
    last = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            last = node.end_lineno or node.lineno
        elif last:
            break
    lines = source.split("\n")
    if last == 0:  # no imports: after the docstring
        first = tree.body[0]
        docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        last = (first.end_lineno or 0) if docstring else 0
    lines.insert(last, statement)
    return "\n".join(lines)


def ensure_i18n_module(package_dir: Path) -> None:
    if package_dir.name == "svckit":  # svckit.i18n itself binds svckit's catalogue
        return
    path = package_dir / "i18n.py"
    if not path.exists():
        path.write_text(I18N_MODULE.format(name=package_dir.name), encoding="utf-8")


def convert(package_dir: Path, skip_dirty: bool = False, only: set[Path] | None = None) -> None:
    package_dir = package_dir.resolve()
    ensure_i18n_module(package_dir)
    files = [p for p in source_files(package_dir) if p.name != "i18n.py"]
    pairs: dict[str, set[str]] = {}
    for path in files:
        for _call, _at, de, en in text_calls(ast.parse(path.read_text(encoding="utf-8"))):
            pairs.setdefault(en, set()).add(de)
    catalog = load_catalog(package_dir)
    for path in files:
        if only and path not in only:
            continue
        if skip_dirty and subprocess.run(["git", "diff", "--quiet", "HEAD", "--", str(path)], cwd=ROOT).returncode:
            print(f"skipped (uncommitted changes): {path.relative_to(ROOT)}")
            continue
        original = path.read_text(encoding="utf-8")
        tree = ast.parse(original)
        calls = text_calls(tree)
        if not calls:
            continue
        lines = original.split("\n")
        used = set()
        replacements = []
        for call, at, de, en in calls:
            context = module_name(package_dir, path) if len(pairs[en]) > 1 else None
            head = f"pgettext({quote(context)}, " if context else "_("
            used.add("pgettext" if context else "_")
            prefix, text = render(call, at, lines, head, en)
            replacements.append((span(call, at), prefix, text))
            existing = catalog.get(en, context=context)
            if existing is not None and existing.string and existing.string != de:
                raise SystemExit(f"{path}:{call.lineno}: {en!r} is already translated as {existing.string!r}")
            catalog.add(en, de, context=context)
        for (line, _col, end_line, end_col), prefix, text in sorted(replacements, reverse=True):
            suffix = lines[end_line - 1].encode()[end_col:].decode()
            lines[line - 1:end_line] = (prefix + text + suffix).split("\n")
        new_tree = ast.parse("\n".join(lines))
        if "_" in used:
            lines = rename_throwaways(new_tree, lines)
        source = "\n".join(lines)
        statement = f"from {relative_import(package_dir, path)} import {', '.join(sorted(used))}"
        source = add_import(source, ast.parse(source), statement)
        ast.parse(source)
        if path.read_text(encoding="utf-8") != original:
            raise SystemExit(f"{path} changed while converting; run again")
        path.write_text(source, encoding="utf-8")
        subprocess.run([str(ROOT / ".venv/bin/ruff"), "check", "--quiet", "--fix", "--select", "I,F401", str(path)],
                       check=False)
        print(f"{path.relative_to(ROOT)}: {len(calls)} texts")
    save_catalog(package_dir, catalog)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Text":
                print(f"  left as data: {path.relative_to(ROOT)}:{node.lineno}")


def extracted(package_dir: Path) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """msgids used in a package's code: (context, msgid) -> (msgid,) or (msgid, msgid_plural)."""
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(package_dir), method_map=[("**/migrations/**.py", "ignore"), ("**.py", "python")],
            keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True):
        ids = tuple(message) if isinstance(message, (list, tuple)) else (message,)
        if not ids or not ids[0]:
            continue
        found[(context, ids[0])] = ids
    return found


def update() -> None:
    for name in PACKAGES:
        package_dir = ROOT / name
        catalog = load_catalog(package_dir)
        used = extracted(package_dir)
        added = 0
        for (context, msgid), ids in used.items():
            if catalog.get(msgid, context=context) is None:
                catalog.add(ids if len(ids) > 1 else msgid, ("", "") if len(ids) > 1 else "", context=context)
                added += 1
        unused = [(m.context, m.id) for m in catalog
                  if m.id and (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in used]
        for context, msgid in unused:
            catalog.delete(msgid, context=context)
        if added or unused:
            save_catalog(package_dir, catalog)
        print(f"{name}: {added} new msgids" + (f"; removed, no longer used: {unused}" if unused else ""))


def main(argv: list[str]) -> None:
    if argv[:1] == ["convert"] and len(argv) > 1:
        skip_dirty = "--skip-dirty" in argv
        only = {(ROOT / a.split("=", 1)[1]).resolve() for a in argv if a.startswith("--only=")}
        for package in [a for a in argv[1:] if not a.startswith("--")]:
            convert(Path(package), skip_dirty, only)
    elif argv[:1] == ["update"]:
        update()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
