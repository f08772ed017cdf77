"""Letter salutations and address blocks, German and English (rules: /work/shared/DOMAIN.md)."""

import pytest

from crm.domain.salutation import Person, address_block, letter_salutation, particles_lower, salutation_titles


@pytest.mark.parametrize("person,expected", [
    (Person("female", "Dr.", "Anna", "Müller"), "Sehr geehrte Frau Dr. Müller,"),
    (Person("male", "Prof. Dr.", "Max", "Weber"), "Sehr geehrter Herr Prof. Dr. Weber,"),
    (Person("female", "", "Ursula", "von Arx"), "Sehr geehrte Frau von Arx,"),
    (Person("female", "", "Ursula", "Von Arx"), "Sehr geehrte Frau von Arx,"),
    (Person("male", "", "Jan", "van der Berg"), "Sehr geehrter Herr van der Berg,"),
    (Person("unknown", "", "Anna", "Müller"), "Guten Tag Anna Müller,"),
    (Person("diverse", "Dr.", "Kim", "Schmidt"), "Guten Tag Kim Schmidt,"),
    (Person("unknown", "", "", "Müller"), "Guten Tag Müller,"),
    (Person("female", "", "", ""), "Sehr geehrte Damen und Herren,"),
    (Person(kind="organisation"), "Sehr geehrte Damen und Herren,"),
    (Person("male", "Dr. rer. nat.", "Max", "Weber"), "Sehr geehrter Herr Dr. Weber,"),
    (Person("male", "Dr. med. Dr. phil.", "Max", "Weber"), "Sehr geehrter Herr Dr. Weber,"),
    (Person("male", "Dr Prof", "Max", "Weber"), "Sehr geehrter Herr Prof. Dr. Weber,"),
    (Person("male", "Dipl.-Ing.", "Max", "Weber", country="DE"), "Sehr geehrter Herr Weber,"),
    # Austria keeps its professional titles
    (Person("female", "Mag.", "Eva", "Huber", country="AT"), "Sehr geehrte Frau Mag. Huber,"),
    (Person("male", "Dipl.-Ing.", "Karl", "Gruber", country="AT"), "Sehr geehrter Herr Dipl.-Ing. Gruber,"),
    (Person("male", "DI", "Karl", "Gruber", country="AT"), "Sehr geehrter Herr DI Gruber,"),
    (Person("male", "Ing.", "Karl", "Gruber", country="AT"), "Sehr geehrter Herr Ing. Gruber,"),
    (Person("female", "Mag.", "Eva", "Huber", country="DE"), "Sehr geehrte Frau Huber,"),
    # Switzerland writes ss for ß
    (Person("male", "", "Peter", "Weiß", country="CH"), "Sehr geehrter Herr Weiss,"),
    (Person("male", "", "Peter", "Weiß", country="DE"), "Sehr geehrter Herr Weiß,"),
    # informal
    (Person("female", "", "Anna", "Müller", informal=True), "Liebe Frau Müller,"),
    (Person("male", "Dr.", "Max", "Weber", informal=True), "Lieber Herr Dr. Weber,"),
    (Person("unknown", "", "Anna", "Müller", informal=True), "Hallo Anna,"),
    # English, British by default, American for the US
    (Person("female", "Dr.", "Anna", "Müller", language="en"), "Dear Dr Müller,"),
    (Person("female", "Dr.", "Anna", "Müller", language="en", country="US"), "Dear Dr. Müller,"),
    (Person("female", "", "Anna", "Müller", language="en"), "Dear Ms Müller,"),
    (Person("male", "", "Max", "Weber", language="en"), "Dear Mr Weber,"),
    (Person("male", "", "Max", "Weber", language="en", country="US"), "Dear Mr. Weber,"),
    (Person("male", "Prof. Dr.", "Max", "Weber", language="en"), "Dear Professor Weber,"),
    (Person("unknown", "", "Anna", "Müller", language="en"), "Dear Anna Müller,"),
    (Person("female", "Mag.", "Eva", "Huber", language="en", country="AT"), "Dear Ms Huber,"),
    (Person("female", "", "Anna", "Müller", language="en", informal=True), "Dear Anna,"),
    (Person(kind="organisation", language="en"), "Dear Sir or Madam,"),
    # the override wins
    (Person("female", "Dr.", "Anna", "Müller", override="Liebe Anna,"), "Liebe Anna,"),
    (Person("female", "Dr.", "Anna", "Müller", override="   "), "Sehr geehrte Frau Dr. Müller,"),
])
def test_letter_salutation(person, expected):
    assert letter_salutation(person) == expected


def test_particles_only_at_the_start():
    assert particles_lower("Von Arx") == "von Arx"
    assert particles_lower("Vonderheide") == "Vonderheide"
    assert particles_lower("Zuckerberg") == "Zuckerberg"
    assert particles_lower("Von") == "Von"


def test_title_reduction():
    assert salutation_titles("Prof. Dr. Dr. h.c.") == "Prof. Dr."
    assert salutation_titles("Mag. Dr.", "AT") == "Dr. Mag."


def test_address_block_din_5008():
    assert address_block(gender="female", title="Dr.", first_name="Anna", last_name="Müller",
                         organisation="Beispiel GmbH", street="Musterstraße 1", postal_code="01067",
                         city="Dresden") == ["Beispiel GmbH", "Frau Dr. Anna Müller", "Musterstraße 1", "01067 Dresden"]
    assert address_block(gender="male", first_name="Karl", last_name="Gruber", street="Ring 3", postal_code="1010",
                         city="Wien", country="AT") == ["Herrn Karl Gruber", "Ring 3", "1010 Wien", "ÖSTERREICH"]
    assert address_block(gender="male", first_name="Karl", last_name="Gruber", street="Ring 3", postal_code="1010",
                         city="Wien", country="AT", language="en") == ["Mr Karl Gruber", "Ring 3", "1010 Wien",
                                                                       "AUSTRIA"]
    assert address_block(kind="organisation", organisation="ORF", postal_code="8000", city="Zürich",
                         country="CH") == ["ORF", "8000 Zürich", "SCHWEIZ"]
