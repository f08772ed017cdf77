"""How a page is found (search_sql.Size.few): read a tier's matches and sort them, or walk the index in page order.
Figures as the 1/256 sample gives them (x 256), for a table of 1,000,000 rows."""

from pressbase.db.search_sql import Size

ROWS = 1_000_000


def size(tiers, reads, sub0=None):
    return Size(sub0=sub0 if sub0 is not None else tiers[2], sample=None, tiers=tiers, reads=reads, rows=ROWS)


def test_a_name_with_a_few_thousand_matches_is_read_not_walked():
    # "Forster": ~2,600 rows in names (the walk read 12,600 rows for 21 of them; the bitmap 1,772)
    s = size(tiers=(10, 10, 15), reads=(10, 10, 15))
    assert s.few(0) and s.few(1) and s.few(2) and s.few()


def test_a_common_word_is_walked_where_it_is_common_and_read_where_it_is_rare():
    # "Redakteur": nowhere in names, in 400 of the sample's main fields, 800 anywhere
    s = size(tiers=(0, 400, 800), reads=(0, 400, 800))
    assert s.few(0)                         # the name tier has no rows to read
    assert not s.few(1) and not s.few(2)    # 21 of 100,000 turn up after a few hundred rows of the walk
    assert not s.few()


def test_a_licence_that_sees_few_of_many_matches():
    # DACH-only, "Kultur": 27,000 rows with the word in every dataset, 5,400 of them licensed: the bitmap would read
    # all 27,000, the walk about 4,000 rows for 21 licensed ones
    kultur = size(tiers=(0, 21, 21), reads=(0, 105, 105))
    assert not kultur.few(1)
    # DACH-only, a rare name that is common abroad: 10,000 rows to read beat a walk of ~80,000 for the one in DACH
    rare_here = size(tiers=(1, 1, 1), reads=(40, 40, 40))
    assert rare_here.few(0) and rare_here.few()
    # nothing licensed in the sample at all: reading is always the better bet
    assert size(tiers=(0, 0, 0), reads=(300, 300, 300)).few(0)


def test_without_words_the_estimate_decides():
    assert Size(sub0=2, sample=None).few()             # ~512 rows
    assert not Size(sub0=2_000, sample=None).few()     # ~512,000 rows
