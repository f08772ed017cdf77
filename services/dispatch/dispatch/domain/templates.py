"""Personalisation: user-written templates in a sandboxed Jinja2, the recipient's fields, the salutation line.

Users write ``{{ letter_salutation }}``, ``{{ first_name }}``, ``{{ custom.ressort }}`` ... in subject, HTML and
text. The templates run in :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` without a loader: no attribute
tricks (``__class__``, ``__globals__``), no mutation, no ``include``/``import`` of files, bounded output. A template
that breaks the rules is refused when it is saved (with the field and the reason) and, should one slip through,
fails only its own recipient at send time, never the worker.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEMPLATE_CHARS = 500_000
MAX_OUTPUT_CHARS = 2_000_000

FIELDS = ("email", "salutation", "letter_salutation", "title", "first_name", "last_name", "organisation",
          "position", "language", "custom")


class TemplateProblem(Exception):
    """A template that cannot be used; ``de``/``en`` say why."""

    def __init__(self, de: str, en: str):
        super().__init__(en)
        self.de, self.en = de, en


class _Lenient(Undefined):
    """A field the recipient lacks renders as nothing (``custom.unknown`` too), but cannot be called."""

    def __getattr__(self, name: str) -> _Lenient:
        if name.startswith("__"):
            raise AttributeError(name)
        return self


class _Env(ImmutableSandboxedEnvironment):
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        return super().is_safe_attribute(obj, attr, value)


def _env(autoescape: bool) -> _Env:
    env = _Env(autoescape=autoescape, undefined=_Lenient, loader=None, auto_reload=False,
               trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.globals.clear()  # no range(), lipsum(), dict(), cycler ... : fields and filters are enough
    return env


_HTML_ENV = _env(True)
_TEXT_ENV = _env(False)


@dataclass
class CompiledTemplates:
    subject: Any
    html: Any | None
    text: Any

    def render(self, ctx: dict[str, Any]) -> tuple[str, str | None, str]:
        subject = _render(self.subject, ctx).replace("\r", " ").replace("\n", " ").strip()
        html = _render(self.html, ctx) if self.html is not None else None
        text = _render(self.text, ctx)
        return subject, html, text


def _render(template, ctx: dict[str, Any]) -> str:
    try:
        out = template.render(ctx)
    except SecurityError:
        raise TemplateProblem("Die Vorlage versucht etwas Unerlaubtes.",
                              "The template tries something that is not allowed.") from None
    except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise TemplateProblem(f"Die Vorlage lässt sich nicht ausfüllen: {exc}",
                              f"The template cannot be filled in: {exc}") from None
    if len(out) > MAX_OUTPUT_CHARS:
        raise TemplateProblem("Die ausgefüllte Vorlage ist zu groß.", "The filled-in template is too large.")
    return out


_FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro, nodes.CallBlock)


def _compile(env: _Env, source: str, field: str):
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateProblem("Die Vorlage ist zu lang.", "The template is too long.")
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"Fehler in der Vorlage (Zeile {exc.lineno}): {exc.message}",
                              f"Template error (line {exc.lineno}): {exc.message}") from None
    for node in ast.find_all(_FORBIDDEN_NODES):
        raise TemplateProblem("Vorlagen dürfen keine anderen Vorlagen oder Dateien laden und keine Makros "
                              "definieren.", "Templates may not load other templates or files, nor define macros.")
    for node in ast.find_all(nodes.Filter):
        if node.name == "attr":  # attribute access by string: the way around the Getattr check below
            raise TemplateProblem("Der Filter attr ist in Vorlagen nicht erlaubt.",
                                  "The attr filter is not allowed in templates.")
    for node in ast.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            raise TemplateProblem("Die Vorlage versucht etwas Unerlaubtes.",
                                  "The template tries something that is not allowed.")
    return env.from_string(source)


def compile_templates(subject: str, html: str | None, text: str | None) -> CompiledTemplates:
    """Compile the three parts; raises TemplateProblem with ``.field`` set to the part that is wrong."""
    parts = {}
    for field, env, source in (("subject", _TEXT_ENV, subject), ("html", _HTML_ENV, html),
                               ("text", _TEXT_ENV, text if text else None)):
        if source is None:
            parts[field] = None
            continue
        try:
            parts[field] = _compile(env, source, field)
        except TemplateProblem as exc:
            exc.field = field  # type: ignore[attr-defined]
            raise
    if parts["text"] is None:
        derived = html_to_text(html or "")
        try:
            parts["text"] = _compile(_TEXT_ENV, derived, "text")
        except TemplateProblem as exc:
            exc.field = "html"  # type: ignore[attr-defined]
            raise
    return CompiledTemplates(parts["subject"], parts["html"], parts["text"])


# --- the salutation line --------------------------------------------------------------------------------------------

_FEMALE = {"frau", "ms", "mrs", "miss", "madame", "mme", "female", "f", "w"}
_MALE = {"herr", "mr", "monsieur", "male", "m"}


def _gender(salutation: str | None) -> str | None:
    key = (salutation or "").strip().lower().rstrip(".")
    if key in _FEMALE:
        return "f"
    if key in _MALE:
        return "m"
    return None


def letter_salutation(r: dict[str, Any], language: str = "de") -> str:
    """"Sehr geehrte Frau Dr. Müller," / "Dear Dr Müller," / "Guten Tag Anna Müller," from the fields."""
    title = (r.get("title") or "").strip()
    last = (r.get("last_name") or "").strip()
    first = (r.get("first_name") or "").strip()
    gender = _gender(r.get("salutation"))
    if language == "en":
        if title and last:
            return f"Dear {title} {last},"
        if gender and last:
            return f"Dear {'Ms' if gender == 'f' else 'Mr'} {last},"
        name = " ".join(p for p in (first, last) if p)
        return f"Dear {name}," if name else "Dear Sir or Madam,"
    if gender and last:
        head = "Sehr geehrte Frau" if gender == "f" else "Sehr geehrter Herr"
        return " ".join(p for p in (head, title, last) if p) + ","
    name = " ".join(p for p in (first, last) if p)
    return f"Guten Tag {name}," if name else "Sehr geehrte Damen und Herren,"


def context_for(recipient: dict[str, Any], language: str = "de") -> dict[str, Any]:
    """The variables a template sees for one recipient (contract shape of crm.resolve_recipients)."""
    ctx = {name: (recipient.get(name) if recipient.get(name) is not None else "") for name in FIELDS}
    ctx["custom"] = dict(recipient.get("custom") or {})
    lang = recipient.get("language") or language
    if not ctx["letter_salutation"]:
        ctx["letter_salutation"] = letter_salutation(recipient, "en" if lang == "en" else "de")
    return ctx


SAMPLE_RECIPIENT = {
    "email": "anna.mueller@example.com", "salutation": "Frau", "title": "Dr.", "first_name": "Anna",
    "last_name": "Müller", "organisation": "Beispiel Zeitung", "position": "Redakteurin", "language": "de",
    "custom": {},
}


# --- HTML -> text ---------------------------------------------------------------------------------------------------

_BLOCK = re.compile(r"(?is)<\s*(br|/p|/div|/h[1-6]|/li|/tr|/table|hr)\b[^>]*>")
_LI = re.compile(r"(?is)<\s*li\b[^>]*>")
_LINK = re.compile(r"(?is)<a\b[^>]*\bhref\s*=\s*([\"'])(.*?)\1[^>]*>(.*?)</a\s*>")
_DROP = re.compile(r"(?is)<(script|style|head)\b.*?</\1\s*>")
_TAG = re.compile(r"(?s)<[^>]+>")


def html_to_text(html: str) -> str:
    """A readable plain-text twin of an HTML body (links kept as "text (url)"); template tags survive."""
    text = _DROP.sub("", html)

    def link(m: re.Match) -> str:
        label = _TAG.sub("", m.group(3)).strip()
        url = m.group(2).strip()
        return f"{label} ({url})" if label and label != url else url

    text = _LINK.sub(link, text)
    text = _LI.sub("\n- ", text)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html_lib.unescape(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


# --- links ------------------------------------------------------------------------------------------------------------

_HREF = re.compile(r"""(?i)(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"']+)\2""")


def rewrite_links(html: str, wrap) -> str:
    """Replace every http(s) link with ``wrap(url)`` (the signed click redirect)."""
    return _HREF.sub(lambda m: f"{m.group(1)}{m.group(2)}{html_lib.escape(wrap(html_lib.unescape(m.group(3))))}"
                     f"{m.group(2)}", html)
