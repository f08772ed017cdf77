"""Personalisation: user-written templates in a sandboxed Jinja2, the recipient's fields, the salutation line.

Users write ``{{ letter_salutation }}``, ``{{ first_name }}``, ``{{ custom.ressort }}`` ... in subject, HTML and
text. The templates run in :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` without a loader: no attribute
tricks (``__class__``, ``__globals__``), no mutation, no ``include``/``import`` of files. A template that breaks the
rules is refused when it is saved (with the field and the reason) and, should one slip through, fails only its own
recipient at send time, never the worker.

Bounded work, so that no template can stall a worker or fill its memory (``{{ 10**5000 }}``,
``{{ "x" * 10**9 }}``, loops in loops over long text):

- numbers: ``**`` and ``*`` on whole numbers give at most :data:`MAX_INT_BITS` bits; number literals too long for
  Python are refused at save;
- text and lists built by ``*``, ``+``, ``~``, ``%`` and the expanding filters (``join``, ``replace``, ``indent``,
  ``format`` ...) count against :data:`MAX_WORK_CHARS` per rendering, loop iterations against :data:`MAX_STEPS`;
- widths and counts handed to filters (``center``, ``truncate``, ``batch`` ...) are at most :data:`MAX_WIDTH`;
- methods: only reading string and dict methods (``upper``, ``split``, ``get`` ...), no ``format``, ``ljust``,
  ``zfill``; no ``{% block %}``, ``{% set %}…{% endset %}``, ``{% filter %}``, macros or recursive loops, so all
  output is streamed, and the output stops at :data:`MAX_OUTPUT_CHARS` (subject: :data:`MAX_SUBJECT_CHARS`).

The Jinja compiler has no hook for loops and ``~``: :func:`_bound` rewrites the parsed template so that both go
through counting filters.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_document_state import HtmlDocumentState
from inscriptis.model.tag import CustomHtmlTagHandlerMapping
from jinja2 import Template, TemplateSyntaxError, Undefined, nodes, pass_context
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import Context, LoopContext, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from svckit.i18n import Text

from ..i18n import _

MAX_TEMPLATE_CHARS = 500_000
MAX_OUTPUT_CHARS = 2_000_000
MAX_SUBJECT_CHARS = 2_000
MAX_INT_BITS = 4_096          # about 1,233 decimal digits
MAX_WORK_CHARS = 4_000_000    # characters built by operators and expanding filters in one rendering
MAX_STEPS = 100_000           # loop iterations in one rendering
MAX_WIDTH = 10_000            # widths and counts handed to filters

FIELDS = ("email", "salutation", "letter_salutation", "title", "first_name", "last_name", "organisation",
          "position", "language", "custom")

TOO_BIG = _("The template produces numbers or texts that are too large, or works too long.")


class TemplateProblem(Exception):
    """A template that cannot be used; ``de``/``en`` say why, ``field`` (when known) which part."""

    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text
        self.de, self.en = text.de, text.en


class _Lenient(Undefined):
    """A field the recipient lacks renders as nothing (``custom.unknown`` too), but cannot be called."""

    def __getattr__(self, name: str) -> _Lenient:
        if name.startswith("__"):
            raise AttributeError(name)
        return self


# --- the work budget of one rendering --------------------------------------------------------------------------

class _TooBig(Exception):
    """A rendering went over one of the bounds (turned into a TemplateProblem by :func:`_render`)."""


class _Budget:
    __slots__ = ("chars", "steps")

    def __init__(self) -> None:
        self.chars = 0
        self.steps = 0


_budget: ContextVar[_Budget | None] = ContextVar("dispatch_template_budget", default=None)


def _charge(chars: int = 0, steps: int = 0) -> None:
    budget = _budget.get()
    if budget is None:   # compile-time constant folding: not now (the rendering does it, with a budget)
        raise _TooBig()
    budget.chars += chars
    budget.steps += steps
    if budget.chars > MAX_WORK_CHARS or budget.steps > MAX_STEPS:
        raise _TooBig()


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


@pass_context   # (never folded at compile time)
def _steps(context: Context, iterable: Any) -> Iterator[Any]:
    """The iterable of every ``{% for %}``: each iteration counts against MAX_STEPS."""
    for item in iterable:
        _charge(steps=1)
        yield item


@pass_context
def _concat(context: Context, items: list[Any]) -> str:
    """``a ~ b ~ c``, counted against MAX_WORK_CHARS before it is joined (as Jinja would join it)."""
    _charge(chars=sum(len(x) if isinstance(x, str) else len(str(x)) for x in items))
    return markup_join(items) if context.eval_ctx.autoescape else str_join(items)


_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_format(fmt: str, args: Any) -> None:
    """``"%5d" % x`` and ``|format``: no ``*`` widths, no width beyond MAX_WIDTH; the result is counted."""
    directives = 0
    for m in _FORMAT_SPEC.finditer(fmt):
        directives += 1
        for group in m.groups():
            if group == "*" or (group and (len(group) > 6 or int(group) > MAX_WIDTH)):
                raise _TooBig()
    values = list(args.values()) if isinstance(args, dict) else list(args) if isinstance(args, tuple) else [args]
    longest = max((len(v) if isinstance(v, str) else 64 for v in values), default=0)
    _charge(chars=len(fmt) + directives * (longest + 64))


# filters whose arguments may be large numbers on purpose; every other filter takes widths up to MAX_WIDTH
_FREE_INT_ARGS = {"default", "d", "format", "int", "float", "sum", "round"}
# filters whose output grows with their input: the input is counted
_COUNTED = {"center", "wordwrap", "truncate", "batch", "slice", "string", "list", "tojson", "urlize", "e", "escape",
            "forceescape", "striptags", "title", "upper", "lower", "capitalize", "trim", "urlencode", "sort",
            "unique", "reverse", "map", "select", "reject", "selectattr", "rejectattr", "groupby", "dictsort"}


#: filters that cost far more CPU per character than copying it (measured: urlize and wordwrap 100-1000x; sorting
#: and grouping compare every item): charged at this multiple, so a loop over them cannot hold the event loop
#: for a second within the character budget
_SLOW_FILTERS = {"urlize": 50, "wordwrap": 30, "sort": 10, "dictsort": 10, "groupby": 10, "unique": 5,
                 "title": 5, "striptags": 5}


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    pass_arg = getattr(func, "jinja_pass_arg", None)

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        head = 1 if pass_arg is not None else 0          # the context / eval context / environment
        value = args[head] if len(args) > head else None
        extra = list(args[head + 1:]) + list(kwargs.values())
        if name not in _FREE_INT_ARGS:
            for arg in extra:
                if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_WIDTH:
                    raise _TooBig()
        if name == "join":
            items = list(value) if value is not None else []
            sep = extra[0] if extra and isinstance(extra[0], str) else ""
            _charge(chars=len(sep) * len(items) + sum(len(x) for x in items if isinstance(x, str)),
                    steps=len(items))
            args = (*args[:head], items, *args[head + 1:])
        elif name == "replace" and isinstance(value, str):
            old = str(extra[0]) if extra else ""
            new = str(extra[1]) if len(extra) > 1 else ""
            count = (len(value) // len(old) + 1) if old else len(value) + 1
            _charge(chars=len(value) + count * len(new))
        elif name == "indent" and isinstance(value, str):
            width = extra[0] if extra else 4
            per_line = len(width) if isinstance(width, str) else width if isinstance(width, int) else 4
            _charge(chars=len(value) + (value.count("\n") + 1) * per_line)
        elif name == "format" and isinstance(value, str):
            _check_format(value, tuple(args[head + 1:]) or kwargs)
        elif name in _COUNTED:
            _charge(chars=_size(value) * _SLOW_FILTERS.get(name, 1))
        return func(*args, **kwargs)

    return bounded


# methods a template may call: reading ones, which return at most about as much as they get
_STR_METHODS = frozenset({
    "lower", "upper", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip", "rstrip", "startswith",
    "endswith", "split", "rsplit", "splitlines", "partition", "rpartition", "count", "find", "rfind", "index",
    "rindex", "removeprefix", "removesuffix", "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper",
    "istitle", "isnumeric", "isdecimal"})
_SAFE_METHODS: dict[type, frozenset[str]] = {
    str: _STR_METHODS,
    Markup: _STR_METHODS | {"striptags", "unescape"},
    dict: frozenset({"get", "keys", "values", "items"}),
    list: frozenset({"index", "count"}),
    tuple: frozenset({"index", "count"}),
    LoopContext: frozenset({"cycle", "changed"}),
}


class _Env(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        if callable(value) and not isinstance(value, Undefined) and attr not in _SAFE_METHODS.get(type(obj), ()):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        return None   # no str.format / format_map (their widths are unbounded): is_safe_attribute refuses them

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "**":
            if ints and right > 0 and abs(left) > 1 and (right > MAX_INT_BITS
                                                          or abs(left).bit_length() * right > MAX_INT_BITS + 64):
                raise _TooBig()
        elif operator == "*":
            if ints:
                if left.bit_length() + right.bit_length() > MAX_INT_BITS + 64:
                    raise _TooBig()
            elif isinstance(right, int) and _size(left) or isinstance(left, int) and _size(right):
                times, seq = (right, left) if isinstance(right, int) else (left, right)
                if times > MAX_WORK_CHARS:
                    raise _TooBig()
                _charge(chars=len(seq) * max(times, 0))
        elif operator == "+":
            if _size(left) or _size(right):
                _charge(chars=_size(left) + _size(right))
        elif operator == "%" and isinstance(left, str):
            _check_format(left, right)
        return super().call_binop(context, operator, left, right)


def _env(autoescape: bool) -> _Env:
    env = _Env(autoescape=autoescape, undefined=_Lenient, loader=None, auto_reload=False,
               trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.globals.clear()  # no range(), lipsum(), dict(), cycler ... : fields and filters are enough
    env.filters = {name: _bounded_filter(name, f) for name, f in env.filters.items() if name != "attr"}
    env.filters["_pr_steps"] = _steps
    env.filters["_pr_concat"] = _concat
    return env


_HTML_ENV = _env(True)
_TEXT_ENV = _env(False)


@dataclass
class CompiledTemplates:
    subject: Any
    html: Any | None
    text: Any
    #: the part the text comes from: its own, or derived from the HTML
    text_field: str = "text"

    def render(self, ctx: dict[str, Any]) -> tuple[str, str | None, str]:
        """Raises TemplateProblem with ``.field`` naming the part (subject, html, text)."""
        subject = " ".join(_render(self.subject, ctx, "subject", MAX_SUBJECT_CHARS).split())
        html = _render(self.html, ctx, "html") if self.html is not None else None
        text = _render(self.text, ctx, self.text_field)
        return subject, html, text


def _problem(field: str | None, text: Text) -> TemplateProblem:
    exc = TemplateProblem(text)
    if field:
        exc.field = field  # type: ignore[attr-defined]
    return exc


def _render(template: Template, ctx: dict[str, Any], field: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Streams the output (stopping at ``limit``) under a fresh work budget."""
    token = _budget.set(_Budget())
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(ctx):
            size += len(chunk)
            if size > limit:
                raise _problem(field, _("The filled-in template is too large."))
            out.append(chunk)
        return "".join(out)
    except TemplateProblem:
        raise
    except SecurityError:
        raise _problem(field, _("The template tries something that is not allowed.")) from None
    except (_TooBig, MemoryError, RecursionError, OverflowError):
        raise _problem(field, TOO_BIG) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        detail = str(exc)[:200]
        raise _problem(field, _("The template cannot be filled in: {detail}").format(detail=detail)) from None
    finally:
        _budget.reset(token)


_FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro, nodes.CallBlock)
# output that is captured instead of streamed (and blocks, which can call themselves): not in mail templates
_CAPTURING_NODES = (nodes.Block, nodes.AssignBlock, nodes.FilterBlock)
_NOT_ALLOWED = _("The template tries something that is not allowed.")


def _compile(env: _Env, source: str, field: str) -> Template:
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateProblem(_("The template is too long."))
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(_("Template error (line {line}): {message}").format(
            line=exc.lineno, message=exc.message)) from None
    except (ValueError, OverflowError, RecursionError, MemoryError):   # a 5,000-digit number, deep nesting
        raise TemplateProblem(TOO_BIG) from None
    for _node in ast.find_all(_FORBIDDEN_NODES):
        raise TemplateProblem(_("Templates may not load other templates or files, nor define macros."))
    for _node in ast.find_all(_CAPTURING_NODES):
        raise TemplateProblem(_("Blocks ({% block %}, {% set %}…{% endset %}, {% filter %}) are not "
                                "allowed in templates."))
    for node in ast.find_all(nodes.For):
        if node.recursive:
            raise TemplateProblem(_("Recursive loops are not allowed in templates."))
    for filter_node in ast.find_all(nodes.Filter):
        if filter_node.name == "attr":  # attribute access by string: the way around the Getattr check below
            raise TemplateProblem(_("The attr filter is not allowed in templates."))
        if filter_node.name.startswith("_"):
            raise TemplateProblem(_NOT_ALLOWED)
    for getattr_node in ast.find_all(nodes.Getattr):
        if getattr_node.attr.startswith("_"):
            raise TemplateProblem(_NOT_ALLOWED)
    _bound(env, ast)
    try:
        return env.from_string(ast)
    except TemplateSyntaxError as exc:   # an unknown filter or test
        raise TemplateProblem(_("Template error (line {line}): {message}").format(
            line=exc.lineno, message=exc.message)) from None
    except (ValueError, OverflowError, RecursionError, MemoryError):
        raise TemplateProblem(TOO_BIG) from None


def _bound(env: _Env, ast: nodes.Template) -> None:
    """Every loop counts its steps, every ``~`` its characters: both are rewritten into the counting filters."""
    for loop in list(ast.find_all(nodes.For)):
        loop.iter = nodes.Filter(loop.iter, "_pr_steps", [], [], None, None, lineno=loop.lineno)
    for parent in [ast, *ast.find_all(nodes.Node)]:
        for name in parent.fields:
            value = getattr(parent, name, None)
            if isinstance(value, nodes.Concat):
                setattr(parent, name, _counted(value))
            elif isinstance(value, list) and any(isinstance(v, nodes.Concat) for v in value):
                value[:] = [_counted(v) if isinstance(v, nodes.Concat) else v for v in value]   # lists are shared
    ast.set_environment(env)


def _counted(node: nodes.Concat) -> nodes.Filter:
    return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "_pr_concat", [], [], None, None,
                        lineno=node.lineno)


def compile_templates(subject: str, html: str | None, text: str | None) -> CompiledTemplates:
    """Compile the three parts; raises TemplateProblem with ``.field`` set to the part that is wrong."""
    parts: dict[str, Template | None] = {}
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
    text_field = "text"
    if parts["text"] is None:
        derived = html_to_text(html or "")
        text_field = "html"
        try:
            parts["text"] = _compile(_TEXT_ENV, derived, "text")
        except TemplateProblem as exc:
            exc.field = "html"  # type: ignore[attr-defined]
            raise
    return CompiledTemplates(parts["subject"], parts["html"], parts["text"], text_field)


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

def _link_start(state: HtmlDocumentState, attrs: dict[str, str]) -> None:
    state.link_target = (attrs.get("href") or "").strip()


def _link_end(state: HtmlDocumentState) -> None:
    if state.link_target:
        state.tags[-1].write(f" ({state.link_target})")
    state.link_target = ""


_TEXT_CONFIG = ParserConfig(
    css=CSS_PROFILES["strict"],   # no indentation of blocks; paragraphs and headings get their blank lines
    custom_html_tag_handler_mapping=CustomHtmlTagHandlerMapping(start_tag_mapping={"a": _link_start},
                                                                end_tag_mapping={"a": _link_end}))
_SAME_LINK = re.compile(r"(\S+) \(\1\)")   # a link whose text is its address: the address once
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """The plain-text twin of an HTML body, by inscriptis (a maintained HTML renderer on lxml): paragraphs and
    headings separated by a blank line, ``<br>`` a line break, list items bulleted, links kept as "text (url)";
    script, style and head dropped; template tags survive as text."""
    if not html.strip():
        return "\n"
    text = get_text(html, _TEXT_CONFIG)
    text = _SAME_LINK.sub(r"\1", text)
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


# --- links ------------------------------------------------------------------------------------------------------------

_HREF = re.compile(r"""(?i)(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"']+)\2""")


def rewrite_links(html: str, wrap: Callable[[str], str]) -> str:
    """Replace every http(s) link with ``wrap(url)`` (the signed click redirect)."""
    return _HREF.sub(lambda m: f"{m.group(1)}{m.group(2)}{html_lib.escape(wrap(html_lib.unescape(m.group(3))))}"
                     f"{m.group(2)}", html)
