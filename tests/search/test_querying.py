"""Stemming, phrases, ranking, facets, pagination, sorting and did-you-mean."""

import datetime
from collections import Counter

from catalog.search.engine import apply
from catalog.search.engine import search
from tests.search.conftest import BASE
from tests.search.conftest import make_doc

EVERYONE = ("public", "customers", "staff")
PUBLIC = ("public",)


def ids(results):
    """Return the hit ids of a result page."""
    return [hit.id for hit in results.hits]


def test_stemming_matches_plural_and_singular(shared_index):
    assert "reply:2" in ids(search(shared_index, "refund", PUBLIC))
    assert "thread:1" in ids(search(shared_index, "refunds", PUBLIC))


def test_phrase_does_not_match_across_removed_stop_words(shared_index):
    found = ids(search(shared_index, '"refund request"', PUBLIC))
    assert "article:3" in found  # "refund request is reviewed"
    assert "thread:5" not in found  # "Refund is not a request"


def test_boolean_operators_and_field_filters(shared_index):
    assert set(ids(search(shared_index, "refund NOT billing", PUBLIC))) == {"thread:1", "reply:2"}
    assert set(ids(search(shared_index, "proxy OR calendar", PUBLIC))) == {"thread:4", "app:8"}
    assert ids(search(shared_index, "title:installation", PUBLIC)) == ["thread:4"]
    assert set(ids(search(shared_index, "refund type:article", PUBLIC))) == {"article:3"}
    assert set(ids(search(shared_index, "refund app:jira-sync", PUBLIC))) == {"thread:1", "reply:2"}


def test_title_match_ranks_above_body_match(index_folder):
    apply(
        index_folder,
        [
            make_doc("thread:20", "Printing labels", "Mention of gizmo once in the body only."),
            make_doc("thread:21", "Gizmo setup", "How to set things up quickly."),
        ],
    )
    assert ids(search(index_folder, "gizmo", EVERYONE))[:2] == ["thread:21", "thread:20"]


def test_articles_and_accepted_answers_rank_above_plain_posts(index_folder):
    text = "The widget export stalls at ninety percent."
    apply(
        index_folder,
        [
            make_doc("thread:30", "Widget export", text),
            make_doc("reply:31", "Widget export", text, accepted=True),
            make_doc("article:32", "Widget export", text),
        ],
    )
    ranked = ids(search(index_folder, "widget export", EVERYONE))
    assert ranked.index("thread:30") == 2


def test_facets_count_by_app_section_and_type(shared_index):
    results = search(shared_index, "refund", PUBLIC)
    assert results.facets["type"] == {"thread": 2, "reply": 1, "article": 1}
    assert results.facets["app"] == {"jira-sync": 2}
    assert results.facets["section"]["jira-sync"] == 2
    assert results.total == 4 and results.total_is_exact


def test_broad_searches_count_facets_over_the_best_matches(shared_index, monkeypatch):
    from catalog.search.engine import counting as engine

    monkeypatch.setattr(engine, "FACET_EXACT_LIMIT", 1)
    monkeypatch.setattr(engine, "FACET_SAMPLE", 2)
    results = search(shared_index, "refund", PUBLIC)
    assert results.facets_sampled
    assert sum(results.facets["type"].values()) == 2
    monkeypatch.setattr(engine, "FACET_EXACT_LIMIT", 5000)
    assert not search(shared_index, "refund", PUBLIC).facets_sampled


def test_sampled_facets_never_count_what_the_reader_may_not_see(shared_index, monkeypatch):
    from catalog.search.engine import counting as engine

    monkeypatch.setattr(engine, "FACET_EXACT_LIMIT", 0)
    results = search(shared_index, "refund", PUBLIC)  # public articles, and a staff runbook
    assert results.facets_sampled
    assert results.facets["type"] == dict(Counter(hit.type for hit in results.hits))
    assert "refund fraud" in search(shared_index, "zygomorphic", EVERYONE).hits[0].snippet
    # Only hidden documents match: nothing is counted, and the sampling says nothing either.
    hidden_only = search(shared_index, "quarantine", PUBLIC)
    assert hidden_only.total == 0 and not hidden_only.facets_sampled


def test_a_total_beyond_the_page_counts_only_what_the_reader_may_see(shared_index):
    visible = len(ids(search(shared_index, "refund", PUBLIC, per_page=50)))
    everyone = len(ids(search(shared_index, "refund", EVERYONE, per_page=50)))
    assert everyone > visible >= 2, "the staff runbook matches too"
    paged = search(shared_index, "refund", PUBLIC, per_page=1, facets=False)
    assert (paged.total, paged.total_is_exact) == (visible, True)


def test_filters_narrow_results(shared_index):
    results = search(shared_index, "refund", PUBLIC, filters={"section": "billing"})
    assert ids(results) == ["article:3"]


def test_pagination_returns_disjoint_pages(index_folder):
    apply(
        index_folder,
        [make_doc(f"thread:{n}", f"Pager topic {n}", "pagination body") for n in range(100, 125)],
    )
    pages = [
        ids(search(index_folder, "pagination", EVERYONE, page=p, per_page=10)) for p in (1, 2, 3)
    ]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert len(set(pages[0] + pages[1] + pages[2])) == 25
    assert search(index_folder, "pagination", EVERYONE, per_page=10).pages == 3


def test_a_broad_total_is_counted_ten_pages_ahead(index_folder):
    apply(
        index_folder,
        [make_doc(f"thread:{n}", f"Counted topic {n}", "counting body") for n in range(200, 235)],
    )
    first = search(index_folder, "counting", EVERYONE, per_page=2, facets=False)
    assert (first.total, first.total_is_exact) == (22, False), "shown as 22+: ten pages ahead"
    deep = search(index_folder, "counting", EVERYONE, page=10, per_page=2, facets=False)
    assert (deep.total, deep.total_is_exact) == (35, True), "near the end every match is counted"


def test_date_sort_puts_newest_first(index_folder):
    apply(
        index_folder,
        [
            make_doc(
                f"thread:{n}", "Dated", "chronology", created=BASE + datetime.timedelta(days=n)
            )
            for n in (40, 42, 41)
        ],
    )
    results = search(index_folder, "chronology", EVERYONE, sort="date")
    assert ids(results) == ["thread:42", "thread:41", "thread:40"]
    assert results.hits[0].created == BASE + datetime.timedelta(days=42)


def test_did_you_mean_uses_unstemmed_words(shared_index):
    results = search(shared_index, "subscripton", PUBLIC)
    assert results.total == 0
    assert results.did_you_mean == "subscription"


def test_no_suggestion_when_results_are_plentiful(shared_index):
    assert search(shared_index, "refund", PUBLIC).did_you_mean is None


def test_prefix_search_needs_four_letters(shared_index):
    assert "thread:4" in ids(search(shared_index, "insta*", PUBLIC))
    assert ids(search(shared_index, "in*", PUBLIC)) == []


def test_long_query_is_cut_with_a_notice(shared_index):
    results = search(shared_index, "refund " * 100, PUBLIC)
    assert results.truncated
    assert len(results.query) <= 256
    assert results.total == 4
