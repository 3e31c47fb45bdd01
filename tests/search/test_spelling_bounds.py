"""'Did you mean' is bounded: a few words corrected, long words and first letters kept."""

from catalog.search.engine import search
from catalog.search.engine import spelling

STAFF = ("public", "customers", "staff")


def test_at_most_three_unknown_words_are_corrected(shared_index):
    """The fourth misspelt word stays as typed; the first three are corrected."""
    typed = "refnud subscriptoin cancelld invoce"
    assert spelling.MAX_CORRECTED == 3
    suggestion = search(shared_index, typed, STAFF).did_you_mean
    assert suggestion == "refund subscription cancelled invoce"


def test_a_very_long_word_is_never_corrected(shared_index):
    """No one mistypes a word of more than MAX_WORD_CHARS letters into a real one."""
    long_word = "subscriptionsubscriptionx"
    assert len(long_word) > spelling.MAX_WORD_CHARS
    assert search(shared_index, long_word, STAFF).did_you_mean is None


def test_a_typo_in_the_first_two_letters_is_not_looked_for(shared_index):
    """The first PREFIX letters are taken as typed (the word-list walk stays small)."""
    assert search(shared_index, "sbuscription", STAFF).did_you_mean is None
    assert search(shared_index, "subscriptoin", STAFF).did_you_mean == "subscription"
