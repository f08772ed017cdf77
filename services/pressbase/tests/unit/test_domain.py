"""Pure rules: query parsing, licences, salutations, feed validation, cursors, the catalogue."""

from __future__ import annotations

import pytest

from pressbase.domain import catalog, feed, licence, query, salutation
from svckit.entitlements import Entitlements
from svckit.errors import Forbidden, InvalidInput


def ent(**kw) -> Entitlements:
    return Entitlements(account_id="a", **kw)


class TestLicence:
    def test_starting_phase_sees_dach_only_without_forward_features_or_export(self):
        lic = licence.licence_for(ent(phase="starting", datasets=("dach", "plus", "world"), forward_features=True,
                                      pressbase_export=True))
        assert lic.datasets == ("dach", "plus")
        assert not lic.forward_features and not lic.export
        with pytest.raises(Forbidden) as exc:
            lic.require_export()
        assert "Startphase" in exc.value.detail.de and "starting phase" in exc.value.detail.en
        with pytest.raises(Forbidden) as exc:
            lic.require_forward_features()
        assert "starting phase" in exc.value.detail.en

    def test_regular_phase_gets_what_was_licensed(self):
        lic = licence.licence_for(ent(phase="regular", datasets=("dach", "world"), forward_features=True,
                                      pressbase_export=True))
        assert lic.datasets == ("dach", "world")
        assert lic.forward_features and lic.export and not lic.plus_fields
        lic.require_export()

    def test_plus_only_counts_with_dach(self):
        assert licence.licence_for(ent(phase="regular", datasets=("plus", "world"))).datasets == ("world",)
        assert licence.licence_for(ent(phase="regular", datasets=("dach", "plus"))).plus_fields

    def test_export_needs_the_add_on(self):
        lic = licence.licence_for(ent(phase="regular", datasets=("dach",), pressbase_export=False))
        with pytest.raises(Forbidden) as exc:
            lic.require_export()
        assert "Zusatzmodul" in exc.value.detail.de and "add-on" in exc.value.detail.en
        assert exc.value.extra["reason"] == "pressbase_export_not_licensed"

    def test_the_licence_says_why_not_in_the_reader_s_language(self):
        starting = licence.licence_for(ent(phase="starting", datasets=("dach",), forward_features=True,
                                           pressbase_export=True))
        assert "reasons" not in starting.to_dict()
        assert starting.to_dict("en")["reasons"] == {
            "export": "The Excel export is not available in the starting phase.",
            "forward_features": "Editorial calendars (forward features) are not available in the starting phase."}
        no_addons = licence.licence_for(ent(phase="regular", datasets=("dach",)))
        assert no_addons.to_dict("de")["reasons"] == {
            "export": "Der Excel-Export ist nur mit dem Zusatzmodul „Pressbase-Export“ möglich.",
            "forward_features": "Themenpläne (Forward Features) sind in Ihrem Abonnement nicht enthalten."}
        full = licence.licence_for(ent(phase="regular", datasets=("dach",), forward_features=True,
                                       pressbase_export=True))
        assert full.to_dict("de")["reasons"] == {"export": None, "forward_features": None}

    def test_ended_subscription_sees_nothing(self):
        lic = licence.licence_for(ent(phase="ended", datasets=("dach",), pressbase_export=True))
        assert lic.datasets == () and not lic.export

    def test_unknown_accounts_get_the_starting_phase_with_dach(self):
        from svckit.entitlements import unknown

        lic = licence.licence_for(unknown("a"))
        assert lic.datasets == ("dach",) and not lic.forward_features and not lic.export


class TestQueryParsing:
    def test_words_phrases_negation_prefix(self):
        q = query.parse_text('Müller "freie journalistin" -sport wirt*', prefix_last=False)
        assert [(t.words, t.negated, t.prefix) for t in q.terms] == [
            (["Müller"], False, False), (["freie", "journalistin"], False, False), (["sport"], True, False),
            (["wirt"], False, True)]

    def test_last_word_is_a_prefix_while_typing(self):
        assert query.parse_text("Anna Mül").terms[-1].prefix
        assert not query.parse_text("Anna Müller ").terms[-1].prefix
        assert not query.parse_text("Anna Mül", prefix_last=False).terms[-1].prefix

    def test_hyphenated_words_are_anded(self):
        q = query.parse_text("Baden-Württemberg", prefix_last=False)
        assert [t.words for t in q.terms] == [["Baden"], ["Württemberg"]]

    def test_tsquery_restricts_weights_but_never_negations(self):
        q = query.parse_text("müller -sport", prefix_last=False)
        forms = {"müller": query.WordForms(["mull", "muller"], "muller"),
                 "sport": query.WordForms(["sport"], "sport")}
        assert query.to_tsquery(q, forms, "A") == "('mull':A | 'muller':A) & !(('sport'))"
        assert query.to_tsquery(q, forms, None) == "('mull' | 'muller') & !(('sport'))"

    def test_prefix_and_quotes_in_lexemes_are_escaped(self):
        q = query.parse_text("neil", prefix_last=True)
        forms = {"neil": query.WordForms(["o'neil", "back\\slash"], "o'neil")}
        assert query.to_tsquery(q, forms, None) == "('o''neil' | 'back\\\\slash' | 'o''neil':*)"

    def test_only_stop_words_or_negations_give_no_text_query(self):
        q = query.parse_text("der -sport", prefix_last=False)
        forms = {"der": query.WordForms([], "der"), "sport": query.WordForms(["sport"], "sport")}
        assert query.to_tsquery(q, forms, None) is None

    def test_cursor_round_trip_and_tampering(self):
        c = query.encode_cursor({"s": "name", "k": "muller anna", "id": 5})
        assert query.decode_cursor(c, "name")["id"] == 5
        with pytest.raises(InvalidInput) as exc:
            query.decode_cursor(c, "reach")
        assert "cursor" in exc.value.fields
        with pytest.raises(InvalidInput):
            query.decode_cursor("not-a-cursor!!", "name")


class TestSalutation:
    @pytest.mark.parametrize("gender,title,first,last,lang,expected", [
        ("f", "Dr.", "Anna", "Müller", "de", "Sehr geehrte Frau Dr. Müller,"),
        ("m", "Prof. Dr.", "Hans", "Weber", "de", "Sehr geehrter Herr Prof. Dr. Weber,"),
        ("f", "Mag.", "Eva", "Huber", "de", "Sehr geehrte Frau Mag. Huber,"),
        ("f", None, "Ida", "von Arx", "de", "Sehr geehrte Frau von Arx,"),
        ("d", None, "Mia", "Schneider", "de", "Guten Tag Mia Schneider,"),
        (None, None, "Kim", "Lee", "de", "Guten Tag Kim Lee,"),
        ("f", "Dr.", "Anna", "Müller", "en", "Dear Dr Müller,"),
        ("m", "Prof. Dr.", "Hans", "Weber", "en", "Dear Professor Weber,"),
        ("f", None, "Ida", "Müller", "en", "Dear Ms Müller,"),
        ("m", None, "Tom", "Weber", "en", "Dear Mr Weber,"),
        ("d", None, "Mia", "Schneider", "en", "Dear Mia Schneider,"),
    ])
    def test_letter_salutations(self, gender, title, first, last, lang, expected):
        assert salutation.letter_salutation(gender, title, first, last, lang) == expected

    def test_correspondence_language(self):
        assert salutation.correspondence_language(["fr", "de"]) == "de"
        assert salutation.correspondence_language(["fr"]) == "en"
        assert salutation.correspondence_language([]) == "de"


class TestFeedValidation:
    def parse(self, lines, fmt="jsonl", record_type=None):
        report = feed.ParseReport()
        records = list(feed.parse(iter(lines), fmt, report, record_type))
        return records, report

    def test_every_error_names_line_field_and_reason_in_both_languages(self):
        lines = [
            '{"type":"outlet","id":"O-1","dataset":"dach","name":"X","media_type":"zine","country":"DE",'
            '"state":"AT-9","language":"de","circulation":-5}',
            'not json',
            '{"type":"journalist","id":"J 1","dataset":"dach","last_name":"A"}',
            '{"type":"journalist","id":"J-2","dataset":"mars","last_name":"B","email":"nope"}',
            '{"type":"forward_feature","id":"F-1","outlet":"O-1","title":"T","deadline":"31.02.2026"}',
            '{"type":"gazette","id":"G-1"}',
        ]
        records, report = self.parse(lines)
        assert records == []
        errors = {(e.line, e.field): e.message for e in report.errors}
        assert errors[(1, "media_type")].de.startswith("Unbekannter Wert „zine“")
        assert errors[(1, "media_type")].en.startswith('Unknown value "zine"')
        assert errors[(1, "state")].en == "The state does not belong to this country."
        assert errors[(1, "circulation")].de == "Muss mindestens 0 sein."
        assert errors[(2, "line")].en == "Not valid JSON."
        assert (3, "id") in errors
        assert (4, "dataset") in errors and errors[(4, "email")].en == "Invalid e-mail address."
        assert "TT.MM.JJJJ" in errors[(5, "deadline")].de
        assert (6, "type") in errors
        assert report.error_count == len(report.errors)

    def test_duplicate_ids_in_one_file(self):
        lines = ['{"type":"outlet","op":"delete","id":"O-1"}', '{"type":"outlet","op":"delete","id":"O-1"}']
        records, report = self.parse(lines)
        assert len(records) == 1
        assert report.errors[0].line == 2 and "more than once" in report.errors[0].message.en

    def test_csv_with_semicolons_lists_links_plus_fields_and_german_dates(self):
        text = ("\ufeffid;dataset;first_name;last_name;desks;outlets;freelance;last_verified;plus.mobile\n"
                "J-5;dach;Anna;Huber;politik|sport;O-1:editor|O-2;ja;01.10.2025;+43 1\n")
        records, report = self.parse(feed.lines_of(text), "csv", "journalist")
        assert report.ok, report.errors
        r = records[0].record
        assert r.desks == ["politik", "sport"] and r.freelance is True
        assert [(o.id, o.role) for o in r.outlets] == [("O-1", "editor"), ("O-2", "editor")]
        assert r.plus == {"mobile": "+43 1"} and r.last_verified.isoformat() == "2025-10-01"

    def test_csv_with_a_wrong_number_of_columns(self):
        records, report = self.parse(feed.lines_of("id,dataset,name\nO-1,dach\n"), "csv", "outlet")
        assert records == [] and report.errors[0].field == "line" and "columns" in report.errors[0].message.en

    def test_decode_lines_handles_chunks_bom_and_windows_1252(self):
        chunks = [b"\xef\xbb\xbfab", b"c\r\nM\xfcller\n", b"last"]
        assert list(feed.decode_lines(chunks)) == ["abc\n", "Müller\n", "last"]


class TestCatalog:
    def test_every_topic_has_its_parent(self):
        for code in catalog.TOPICS:
            parent = catalog.topic_parent(code)
            assert parent is None or parent in catalog.TOPICS, code

    def test_topic_ancestors(self):
        assert catalog.topic_ancestors("wirtschaft.finanzen.banken") == [
            "wirtschaft", "wirtschaft.finanzen", "wirtschaft.finanzen.banken"]

    def test_all_dach_states_are_regions(self):
        assert len(catalog.STATES["DE"]) == 16 and len(catalog.STATES["AT"]) == 9 and len(catalog.STATES["CH"]) == 26
        assert all(code in catalog.REGIONS for states in catalog.STATES.values() for code in states)

    def test_reference_is_in_the_readers_language(self):
        de, en = catalog.reference("de"), catalog.reference("en")
        assert {"code": "radio", "label": "Hörfunk"} in de["media_types"]
        assert {"code": "radio", "label": "Radio"} in en["media_types"]
