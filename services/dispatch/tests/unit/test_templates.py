"""Personalisation in a sandbox: fields, salutation, derived text, and attempts to escape."""

from __future__ import annotations

import pytest

from dispatch.domain.templates import (
    TemplateProblem,
    compile_templates,
    context_for,
    html_to_text,
    letter_salutation,
    rewrite_links,
)


def render(subject="", html=None, text=None, recipient=None):
    return compile_templates(subject, html, text).render(context_for(recipient or {}, "de"))


def test_fields_custom_fields_and_missing_values():
    s, h, t = render("Hallo {{ first_name }}", "<p>{{ custom.ressort }} {{ custom.nope }}|{{ nothing }}</p>",
                     None, {"first_name": "Anna", "custom": {"ressort": "Kultur"}})
    assert s == "Hallo Anna"
    assert h == "<p>Kultur |</p>"
    assert t == "Kultur |\n"  # derived from the HTML


def test_html_is_escaped_in_html_but_not_in_text():
    _, h, t = render("", "<p>{{ organisation }}</p>", "{{ organisation }}", {"organisation": "<b>A&B</b>"})
    assert h == "<p>&lt;b&gt;A&amp;B&lt;/b&gt;</p>"
    assert t == "<b>A&B</b>"


@pytest.mark.parametrize("recipient,lang,expected", [
    ({"salutation": "Frau", "title": "Dr.", "last_name": "Müller"}, "de", "Sehr geehrte Frau Dr. Müller,"),
    ({"salutation": "Herr", "title": "Prof. Dr.", "last_name": "Weber"}, "de", "Sehr geehrter Herr Prof. Dr. Weber,"),
    ({"salutation": "Frau", "last_name": "von Arx"}, "de", "Sehr geehrte Frau von Arx,"),
    ({"first_name": "Kim", "last_name": "Berger"}, "de", "Guten Tag Kim Berger,"),
    ({}, "de", "Sehr geehrte Damen und Herren,"),
    ({"salutation": "Frau", "last_name": "Müller"}, "en", "Dear Ms Müller,"),
    ({"salutation": "Herr", "title": "Dr", "last_name": "Weber"}, "en", "Dear Dr Weber,"),
])
def test_letter_salutation(recipient, lang, expected):
    assert letter_salutation(recipient, lang) == expected


def test_given_letter_salutation_wins_and_language_of_recipient_counts():
    assert context_for({"letter_salutation": "Liebe Anna,"})["letter_salutation"] == "Liebe Anna,"
    assert context_for({"salutation": "Herr", "last_name": "Huber", "language": "en"})["letter_salutation"] == \
        "Dear Mr Huber,"


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ first_name.__class__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'] }}",
    "{% include '/etc/passwd' %}",
    "{% import 'x' as y %}",
    "{% extends '/etc/passwd' %}",
    "{{ custom.__class__.__base__ }}",
    "{{ custom|attr('__class__') }}",
    "{% macro x() %}{% endmacro %}",
    "{{ self.__init__ }}",
])
def test_escapes_are_refused(source):
    with pytest.raises(TemplateProblem) as exc:
        render("", source, "x", {"custom": {}})
    assert exc.value.de and exc.value.en


def test_no_globals_and_no_file_access():
    with pytest.raises(TemplateProblem):
        render("", "{{ range(10**9)|list }}", "x")   # no range(): nothing to build huge outputs from
    out = render("", None, "{{ config }}{{ request }}{{ os }}")[2]
    assert out == ""


def test_syntax_error_names_the_line():
    with pytest.raises(TemplateProblem) as exc:
        compile_templates("ok", "<p>\n{{ first_name </p>", None)
    assert "2" in exc.value.en and exc.value.field == "html"


def test_html_to_text_keeps_links_and_structure():
    text = html_to_text("<html><head><style>p{}</style></head><body><h1>Titel</h1><p>Erster &amp; zweiter</p>"
                        "<ul><li>eins</li><li>zwei</li></ul><a href='https://x.example/a'>Mehr</a></body></html>")
    assert "Titel\n\nErster & zweiter\n\n" in text and "* eins\n" in text and "* zwei\n" in text
    assert "Mehr (https://x.example/a)" in text and "p{}" not in text


def test_html_to_text_keeps_paragraphs_and_line_breaks():
    """Issue 16: the salutation no longer runs into the first sentence."""
    html = ('<p>{{ letter_salutation }}</p><p>wir laden Sie ein.<br>Beginn: 10 Uhr</p>'
            '<p><a href="https://x.example/pk?a=1&amp;b=2">Programm</a> <a href="https://x.example">'
            'https://x.example</a></p>')
    _, _, text = render("", html, None, {"salutation": "Herr", "title": "Mag.", "last_name": "Strauß"})
    assert text == ("Sehr geehrter Herr Mag. Strauß,\n\nwir laden Sie ein.\nBeginn: 10 Uhr\n\n"
                    "Programm (https://x.example/pk?a=1&b=2) https://x.example\n")


def test_rewrite_links_only_http():
    html = '<a href="https://a.example/?x=1&amp;y=2">A</a> <a href="mailto:x@y">M</a> <a href=\'http://b\'>B</a>'
    seen = []
    out = rewrite_links(html, lambda u: seen.append(u) or f"https://t/{len(seen)}")
    assert seen == ["https://a.example/?x=1&y=2", "http://b"]
    assert 'href="https://t/1"' in out and "mailto:x@y" in out and "href='https://t/2'" in out
