"""Quoted phrases match their own text, stop words and all, and nothing looser.

The index keeps the positions of dropped stop words, so a phrase must too.
Each test builds a small index in a temporary folder (real Whoosh, no mocks).
"""

import pytest

from catalog.search.engine import rebuild
from catalog.search.engine import search
from catalog.search.engine.phrases import offsets_hold
from tests.search.conftest import make_doc

EVERYONE = ("public", "customers", "staff")

DOCS = [
    make_doc("thread:1", "Reset your password", "Open the account page first."),
    make_doc("thread:2", "Reset password rules", "Admins reset passwords for you."),
    make_doc("thread:3", "Refund request for an invoice", "Billing will answer the request."),
    make_doc("thread:4", "Refund is not a request we handle", "Ask billing."),
    make_doc("thread:5", "Export of the data", "The export of the data takes a minute."),
    make_doc("thread:6", "Export data nightly", "Schedule the export data job."),
    make_doc("article:7", "Proxy settings", "Turn off the proxy and then try it again."),
    make_doc("thread:8", "Proxy again", "Turn the proxy off, try again."),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A fresh index of DOCS."""
    path = str(tmp_path_factory.mktemp("phrases") / "search_index")
    rebuild(path, DOCS, procs=1)
    return path


def found(folder, q):
    """Return the set of ids found for ``q``."""
    return {hit.id for hit in search(folder, q, EVERYONE, per_page=50).hits}


def test_a_stop_word_inside_a_phrase_keeps_its_place(folder):
    assert found(folder, '"reset your password"') == {"thread:1"}


def test_a_phrase_without_the_stop_word_needs_the_words_adjacent(folder):
    assert found(folder, '"reset password"') == {"thread:2"}


def test_a_phrase_does_not_match_across_other_words(folder):
    assert found(folder, '"refund request"') == {"thread:3"}


def test_two_stop_words_inside_a_phrase(folder):
    assert found(folder, '"export of the data"') == {"thread:5"}
    assert found(folder, '"export data"') == {"thread:6"}


def test_stop_words_at_the_start_and_end_do_not_constrain_the_rest(folder):
    assert found(folder, '"the proxy and then"') == {"article:7"}
    assert found(folder, '"off the proxy"') == {"article:7"}


def test_a_stop_word_at_the_end_keeps_the_words_before_it_together(folder):
    assert found(folder, '"try it again"') == {"article:7"}
    assert found(folder, '"try again"') == {"thread:8"}


def test_any_stop_word_fills_the_gap_since_stop_words_are_not_indexed(folder):
    assert found(folder, '"reset the password"') == {"thread:1"}


def test_a_phrase_in_the_title_field_only(folder):
    assert found(folder, 'title:"reset your password"') == {"thread:1"}
    assert found(folder, 'title:"reset password"') == {"thread:2"}
    assert found(folder, 'title:"data takes a minute"') == set()


def test_a_phrase_in_the_body_field_only(folder):
    assert found(folder, 'body:"data takes a minute"') == {"thread:5"}
    assert found(folder, 'body:"reset passwords for you"') == {"thread:2"}
    assert found(folder, 'body:"reset your password"') == set()


def test_a_phrase_with_slop_allows_that_many_extra_positions(folder):
    assert found(folder, '"refund request"~3') == {"thread:3"}
    assert found(folder, '"refund request"~4') == {"thread:3", "thread:4"}


def test_a_phrase_hit_is_highlighted_and_escaped(tmp_path):
    path = str(tmp_path / "search_index")
    rebuild(path, [make_doc("thread:1", "Reset your <b>password</b>", "Reset your password.")])
    [hit] = search(path, '"reset your password"', EVERYONE).hits
    assert hit.title_html == "<mark>Reset</mark> your &lt;b&gt;<mark>password</mark>&lt;/b&gt;"
    assert "<mark>Reset</mark> your <mark>password</mark>" in hit.snippet


def test_offsets_are_checked_exactly_or_within_the_slop():
    assert offsets_hold([[3, 9], [5]], [0, 2])
    assert not offsets_hold([[3], [4]], [0, 2])
    assert offsets_hold([[3], [4], [6]], [0, 1, 3])
    assert not offsets_hold([[3], [6]], [0, 1], slop=2)
    assert offsets_hold([[3], [5]], [0, 1], slop=2)
