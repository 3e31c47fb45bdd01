"""How questions are ranked: coordination, the title phrase boost, stop words and operators.

Each test builds its own small index in a temporary folder (real Whoosh, no
mocks).  Where a rule is about ranking, the test also shows that without the
rule the order would be the other way, so it cannot pass by accident.
"""

import dataclasses
import random

import pytest
from whoosh import collectors

from catalog.search.engine import rebuild
from catalog.search.engine import search
from catalog.search.engine import searcher
from catalog.search.engine.query import bound_prefixes
from catalog.search.engine.query import parse
from catalog.search.engine.ranking import SETTINGS
from tests.search.conftest import make_doc

EVERYONE = ("public", "customers", "staff")
FILLER = "Routine notes about the forum, kept for the record."


def build(tmp_path, docs):
    """Return the folder of a fresh index holding ``docs`` plus filler threads."""
    filler = [
        make_doc(f"thread:{900 + n}", f"Forum note {n}", f"{FILLER} Entry {n}.") for n in range(20)
    ]
    folder = str(tmp_path / "search_index")
    rebuild(folder, list(docs) + filler, procs=1)
    return folder


def ranked(folder, q):
    """Return the ids found for ``q``, best first."""
    return [hit.id for hit in search(folder, q, EVERYONE, per_page=50).hits]


@pytest.fixture
def settings(monkeypatch):
    """Return a function that swaps the ranking settings for the rest of the test."""
    from catalog.search.engine import ranking

    def use(**changes):
        monkeypatch.setattr(ranking, "SETTINGS", dataclasses.replace(SETTINGS, **changes))
        searcher._local.__dict__.pop("cache", None)  # reopen with the new weighting

    yield use
    searcher._local.__dict__.pop("cache", None)


COORDINATION_DOCS = [
    make_doc(
        "thread:1",
        "Zephyr outage",
        "The zephyr relay dropped every zephyr packet; zephyr restarted, zephyr again.",
    ),
    make_doc(
        "thread:2",
        "A long report from the weekend on-call rotation",
        "During the weekend the on-call engineer noticed that the zephyr relay, which "
        "carries widget traffic between the two data centres, stalled whenever a gadget "
        "sync job ran at the same time as the nightly backup; moving the job fixed it.",
    ),
]


def test_a_document_with_every_word_beats_one_repeating_a_single_word(tmp_path, settings):
    folder = build(tmp_path, COORDINATION_DOCS)
    assert ranked(folder, "zephyr widget gadget")[:1] == ["thread:2"]
    settings(coordination=0.0)  # plain OR: the short, repetitive document wins
    assert ranked(folder, "zephyr widget gadget")[:1] == ["thread:1"]


def test_documents_with_only_some_words_are_still_found(tmp_path):
    folder = build(tmp_path, COORDINATION_DOCS)
    found = ranked(folder, "zephyr outage postmortem")
    assert found[:2] == ["thread:1", "thread:2"]


def test_question_words_earn_no_coordination_credit(tmp_path, settings):
    folder = build(
        tmp_path,
        [
            make_doc("thread:1", "Export invoices to CSV", "Use the billing page."),
            make_doc(
                "thread:2",
                "How do I change my avatar",
                "How do you do it? My export of settings did not keep it.",
            ),
        ],
    )
    question = "how do I export my invoices"
    assert ranked(folder, question)[:2] == ["thread:1", "thread:2"]
    settings(drop_question_words=False)  # "how do my export" would outweigh "export invoices"
    assert ranked(folder, question)[:2] == ["thread:2", "thread:1"]


PHRASE_DOCS = [
    make_doc("thread:1", "Reset password for every admin console account", "Steps below."),
    make_doc("thread:2", "Password rules reset", "Steps below."),
]


def test_words_together_in_the_title_rank_above_scattered_ones(tmp_path, settings):
    folder = build(tmp_path, PHRASE_DOCS)
    assert ranked(folder, "reset password")[:2] == ["thread:1", "thread:2"]
    settings(phrase_boost=0.0)  # without the boost the shorter title wins
    assert ranked(folder, "reset password")[:2] == ["thread:2", "thread:1"]


def test_the_title_phrase_bonus_reorders_without_changing_what_is_found(tmp_path, settings):
    folder = build(tmp_path, PHRASE_DOCS + COORDINATION_DOCS)
    boosted = search(folder, "reset password", EVERYONE, per_page=1)
    settings(phrase_boost=0.0)
    plain = search(folder, "reset password", EVERYONE, per_page=1)
    assert [h.id for h in boosted.hits] == ["thread:1"]
    assert [h.id for h in plain.hits] == ["thread:2"]
    assert (
        (boosted.total, boosted.total_is_exact) == (plain.total, plain.total_is_exact) == (2, True)
    )
    assert boosted.hits[0].score > plain.hits[0].score


def test_stop_words_add_no_score(tmp_path):
    folder = build(tmp_path, COORDINATION_DOCS + PHRASE_DOCS)
    assert parse("the zephyr of the widget").query == parse("zephyr widget").query
    plain = search(folder, "zephyr widget", EVERYONE).hits
    stopped = search(folder, "the zephyr of the widget", EVERYONE).hits
    assert [(h.id, h.score) for h in plain] == [(h.id, h.score) for h in stopped]


def test_a_quoted_phrase_does_not_match_across_stop_words(tmp_path):
    folder = build(
        tmp_path,
        [
            make_doc("thread:1", "Refund request for an invoice", "Billing will answer."),
            make_doc("thread:2", "Refund is not a request we handle", "Ask billing."),
        ],
    )
    assert ranked(folder, '"refund request"') == ["thread:1"]
    assert set(ranked(folder, "refund request")) == {"thread:1", "thread:2"}


OPERATOR_DOCS = [
    make_doc("thread:1", "Proxy timeout", "The installer times out behind a proxy.", app="a1"),
    make_doc("thread:2", "Proxy login", "Authentication fails at the proxy.", app="a2"),
    make_doc("thread:3", "Installer crash", "The installer crashes on start.", app="a1"),
    make_doc("article:4", "Proxy settings", "Configure the proxy for the installer.", app="a1"),
]


@pytest.fixture
def operators(tmp_path):
    """An index of OPERATOR_DOCS."""
    return build(tmp_path, OPERATOR_DOCS)


def test_and_requires_every_word(operators):
    assert set(ranked(operators, "proxy AND installer")) == {"thread:1", "article:4"}
    assert set(ranked(operators, "proxy installer")) == {doc.id for doc in OPERATOR_DOCS}


def test_not_excludes(operators):
    assert set(ranked(operators, "proxy NOT installer")) == {"thread:2"}
    assert set(ranked(operators, "proxy installer NOT timeout")) == {
        "thread:2",
        "thread:3",
        "article:4",
    }


def test_or_means_either(operators):
    assert set(ranked(operators, "authentication OR crashes")) == {"thread:2", "thread:3"}


def test_a_quoted_phrase_is_required_and_exact(operators):
    assert ranked(operators, '"proxy timeout" installer') == ["thread:1"]
    assert ranked(operators, '"timeout proxy"') == []


def test_field_filters_are_required_and_words_are_or_ed_within_them(operators):
    assert set(ranked(operators, "app:a1 proxy")) == {"thread:1", "article:4"}
    assert ranked(operators, "app:a1 proxy timeout")[0] == "thread:1"
    assert set(ranked(operators, "type:article installer crash")) == {"article:4"}
    assert set(ranked(operators, "title:installer proxy crashes")) == {"thread:3"}
    assert ranked(operators, "app:a2 crashes") == []


def test_a_prefix_counts_as_one_word_for_coordination(operators):
    found = ranked(operators, "insta* timeout")
    assert found[0] == "thread:1"
    assert set(found) == {"thread:1", "thread:3", "article:4"}


def test_skipping_and_intersecting_find_the_same_top_ten_as_scoring_everything(tmp_path):
    """The coordination factor is ≤ 1, words become required only when they must be, and
    minor words lead no search only when no document holding just them could reach the top."""
    rng = random.Random(14)
    vocabulary = [f"w{n}" for n in range(60)]
    docs = [
        make_doc(
            f"thread:{n}",
            " ".join(rng.choices(vocabulary[:30], k=4)),
            " ".join(rng.choices(vocabulary, weights=range(60, 0, -1), k=rng.randint(5, 80))),
        )
        for n in range(1, 1500)
    ]
    folder = str(tmp_path / "search_index")
    rebuild(folder, docs, procs=1)
    entry = searcher.get_searcher(folder)
    reader = entry.searcher.reader()
    for text in ("w1 w7 w33", "w2 w3 w4 w5 w50", "w59 w0", "w12 w13 w14 w15 w16 w17 w18"):
        query = bound_prefixes(parse(text).query, reader)
        fast = collectors.TopCollector(limit=10)
        every = collectors.TopCollector(limit=len(docs), usequality=False)  # nothing skipped
        entry.searcher.search_with_collector(query, fast)
        entry.searcher.search_with_collector(query, every)
        best = [(round(h.score, 9), h.docnum) for h in fast.results()]
        assert best == [(round(h.score, 9), h.docnum) for h in every.results()][:10], text
        # It did narrow down: required words intersected, or minor words only added where present.
        narrowed = repr(fast.matcher)
        assert "IntersectionMatcher" in narrowed or "minor=[]" not in narrowed, text
