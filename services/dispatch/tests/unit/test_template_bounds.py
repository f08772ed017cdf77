"""Templates cannot stall a worker or fill its memory: huge numbers, huge texts, loops in loops and expanding filters
are refused with the part (subject, html, text) named, quickly; ordinary templates still work."""

from __future__ import annotations

import time

import pytest

from dispatch.domain.templates import TemplateProblem, compile_templates, context_for

RECIPIENT = {"first_name": "Anna", "last_name": "Adler", "custom": {"ressort": "Kultur", "tags": ["a", "b"]}}


def render(subject="x", html=None, text="x"):
    return compile_templates(subject, html, text).render(context_for(RECIPIENT, "de"))


BOMBS = [
    "{{ 10**5000 }}",
    "{{ 10**5000 > 1 }}",
    "{{ 2**4000 * 2**4000 * 2**4000 }}",
    "{{ " + "9" * 5000 + " }}",                                   # a literal Python cannot even turn into a number
    '{{ "x" * 10**9 }}',
    '{{ ["x"] * 10**8 }}',
    '{{ ("x" * 1000000) ~ ("x" * 1000000) ~ ("x" * 1000000) ~ ("x" * 1000000) ~ ("x" * 1000000) }}',
    '{% set s = "x" * 1000000 %}{{ s + s + s + s + s }}',
    '{% for a in "x" * 1000000 %}{% for b in "x" * 1000000 %}{% endfor %}{% endfor %}',
    '{{ "x"|center(1000000000) }}',
    '{{ "%0999999999d"|format(1) }}',
    '{{ "%0999999999d" % 1 }}',
    '{{ ("a" * 1000000)|replace("a", "b" * 1000) }}',
    '{{ ("x" * 1000000)|list|join("y" * 100) }}',
    '{{ [1, 2]|batch(1000000000)|list }}',
    "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
    "{{ 10.0**400 }}",
]


@pytest.mark.parametrize("field", ["subject", "html", "text"])
@pytest.mark.parametrize("source", BOMBS)
def test_bombs_are_refused_quickly_naming_the_part(field, source):
    parts = {"subject": "x", "html": None, "text": "x"}
    parts[field] = source
    started = time.monotonic()
    with pytest.raises(TemplateProblem) as exc:
        render(**parts)
    assert time.monotonic() - started < 3
    assert exc.value.field == field
    assert exc.value.de and exc.value.en


@pytest.mark.parametrize("source", [
    '{{ "x".ljust(1000000000) }}',
    '{{ "{:>999999999}".format(1) }}',
    "{{ (1).to_bytes(1000000000, 'big') }}",
    "{% set x %}abc{% endset %}",
    "{% filter upper %}abc{% endfilter %}",
    "{% block a %}{{ self.a() }}{% endblock %}",
    "{% for x in custom.tags recursive %}{{ loop(x) }}{% endfor %}",
    "{{ custom|_pr_steps }}",
])
def test_unbounded_methods_and_captured_output_are_not_allowed(source):
    with pytest.raises(TemplateProblem) as exc:
        render(text=source)
    assert exc.value.field == "text"


def test_the_output_is_cut_off_at_its_limit():
    many = "{{ custom.ressort * 10000 }}" * 200                     # 200 x 60,000 characters, each small enough
    with pytest.raises(TemplateProblem) as exc:
        render(html=many, text="x")
    assert exc.value.field == "html" and "too large" in exc.value.en
    with pytest.raises(TemplateProblem) as exc:
        render(subject='{{ "Betreff " * 1000 }}')
    assert exc.value.field == "subject"


def test_ordinary_templates_still_work():
    subject, html, text = render(
        subject="Neues für {{ first_name|upper }} ({{ custom.ressort }})",
        html='<p>{% for t in custom.tags %}{{ loop.index }}:{{ t }}{{ loop.cycle(",", ";") }}{% endfor %}'
             '{{ "%s-%d"|format(last_name, 2**10) }} {{ custom.get("ressort") }} {{ last_name ~ "!" }}'
             ' {{ "-" * 3 }} {{ "a,b".split(",")|join("+") }} {{ first_name.lower() }}</p>',
        text=None)
    assert subject == "Neues für ANNA (Kultur)"
    assert html == "<p>1:a,2:b;Adler-1024 Kultur Adler! --- a+b anna</p>"
    assert text.strip() == "1:a,2:b;Adler-1024 Kultur Adler! --- a+b anna"


def test_a_derived_text_names_the_html():
    # no text of its own: the text comes from the HTML, so a problem there is the HTML's
    with pytest.raises(TemplateProblem) as exc:
        render(html="<p>{{ 10**5000 }}</p>", text=None)
    assert exc.value.field == "html"



@pytest.mark.parametrize("source", [
    '{% for i in ("x"*190) %}{{ "" if ("ab "*3300)|urlize else "" }}{% endfor %}',
    '{% for i in ("x"*1900) %}{{ "" if ("x"*1000)|wordwrap(3) else "" }}{% endfor %}',
])
def test_slow_filters_in_a_loop_are_charged_at_their_cost(source):
    """urlize and wordwrap cost 100-1000x more CPU per character than copying: these two rendered for 0.8-1.7 s
    within the plain character budget (holding the service's event loop); charged at their cost they are refused."""
    with pytest.raises(TemplateProblem) as exc:
        render(subject="x", html=source, text="x")
    assert exc.value.field == "html"


def test_urlize_on_a_normal_body_still_renders():
    _, html, _ = render(subject="x", html='{{ ("Mehr unter https://example.org/presse ." * 1000)|urlize }}',
                        text="x")
    assert html.count('href="https://example.org/presse"') == 1000
