"""Deflection searches the answers index, which follows apply and rebuild; visibility holds."""

import dataclasses
import os
import random

import pytest

from catalog.search.engine import apply
from catalog.search.engine import deflection
from catalog.search.engine import health
from catalog.search.engine import rebuild
from catalog.search.engine import suggest
from catalog.search.engine.deflection import MIN_TERMS
from catalog.search.engine.deflection import SUGGEST_TERMS
from catalog.search.engine.deflection import draft_query
from catalog.search.engine.index import open_answers
from catalog.search.engine.searcher import get_searcher
from tests.search.conftest import CORPUS
from tests.search.conftest import make_doc

PUBLIC = ("public",)
CUSTOMERS = ("public", "customers")
STAFF = ("public", "customers", "staff")


def suggested(folder, title, text="", allowed=STAFF):
    """The ids suggest() returns for a draft."""
    return [hit.id for hit in suggest(folder, title, text, allowed)]


def answer_ids(folder):
    """Every id stored in the answers index of the current build."""
    answers = open_answers(health(folder).path)
    with answers.searcher() as searcher:
        return sorted(fields["id"] for fields in searcher.all_stored_fields())


def test_rebuild_puts_only_articles_and_solved_threads_in_the_answers_index(tmp_path):
    folder = str(tmp_path / "ix")
    solved = make_doc("thread:9", "Solved wombat question", "wombat", accepted=True)
    rebuild(folder, [*CORPUS, solved], procs=1)
    # reply:2 is an accepted answer but a reply; thread:1 and thread:4 are unsolved.
    assert answer_ids(folder) == ["article:3", "article:6", "article:7", "thread:9"]


def test_accepting_an_answer_makes_a_thread_suggestable_and_unaccepting_removes_it(index_folder):
    thread = next(doc for doc in CORPUS if doc.id == "thread:4")
    assert "thread:4" not in suggested(index_folder, "installer proxy authentication")
    apply(index_folder, upserts=[dataclasses.replace(thread, accepted=True)])
    assert suggested(index_folder, "installer proxy authentication") == ["thread:4"]
    apply(index_folder, upserts=[thread])
    assert "thread:4" not in suggested(index_folder, "installer proxy authentication")
    assert "thread:4" not in answer_ids(index_folder)


def test_deleting_a_document_removes_it_from_both_indexes_idempotently(index_folder):
    assert "article:3" in suggested(index_folder, "refund request reviewed billing")
    apply(index_folder, deletes=["article:3"])
    apply(index_folder, deletes=["article:3"])
    assert "article:3" not in suggested(index_folder, "refund request reviewed billing")
    assert "article:3" not in answer_ids(index_folder)
    assert health(index_folder).doc_count == len(CORPUS) - 1


def test_applying_the_same_upsert_twice_keeps_one_copy(index_folder):
    article = make_doc("article:20", "Pangolin licence transfer", "Transfer a pangolin licence.")
    apply(index_folder, upserts=[article])
    apply(index_folder, upserts=[article])
    assert answer_ids(index_folder).count("article:20") == 1
    assert suggested(index_folder, "pangolin transfer") == ["article:20"]


def test_suggestions_never_show_an_answer_above_the_readers_visibility(shared_index):
    staff_draft = "quarantine procedure zygomorphic"
    assert "article:6" not in suggested(shared_index, staff_draft, allowed=PUBLIC)
    assert "article:6" not in suggested(shared_index, staff_draft, allowed=CUSTOMERS)
    assert "article:6" in suggested(shared_index, staff_draft, allowed=STAFF)
    renewal = "customer licence renewal invoice"
    assert "article:7" not in suggested(shared_index, renewal, allowed=PUBLIC)
    assert "article:7" in suggested(shared_index, renewal, allowed=CUSTOMERS)
    assert suggested(shared_index, renewal, allowed=()) == []


def test_a_build_without_an_answers_index_suggests_nothing_and_says_so(index_folder, caplog):
    path = health(index_folder).path
    for name in os.listdir(path):
        if name.startswith(("_answers_", "answers_")):
            os.remove(os.path.join(path, name))
    assert health(index_folder).ok and not health(index_folder).answers
    assert suggested(index_folder, "refund request reviewed billing") == []
    assert "search reindex" in caplog.text
    # Writes still work on such a build (only the main index is written).
    apply(index_folder, upserts=[make_doc("article:21", "Okapi guide", "okapi")])
    assert health(index_folder).doc_count == len(CORPUS) + 1


def test_a_draft_of_unknown_words_makes_no_query(shared_index):
    reader = get_searcher(shared_index).answers.reader()
    assert draft_query(reader, "qwertyuiop", "asdfghjkl") is None
    assert suggested(shared_index, "qwertyuiop", "asdfghjkl") == []


def test_the_query_keeps_a_few_terms_preferring_rare_title_words(shared_index):
    reader = get_searcher(shared_index).answers.reader()
    text = "refund licence renewal customer invoice marketplace page billing working days"
    query = draft_query(reader, "quarantine", text)
    stems = {term.text for term in query.subqueries}
    assert len(stems) == SUGGEST_TERMS and "quarantin" in stems
    title_clause = next(q for q in query.subqueries if q.text == "quarantin")
    assert draft_query(reader, "", text, terms=2).subqueries[0].text != "quarantin"
    assert title_clause.boost > next(q for q in query.subqueries if q.text != "quarantin").boost


@pytest.fixture(scope="module")
def larger_index(tmp_path_factory):
    """2,000 answers over a small vocabulary: many postings blocks per term for the skipping."""
    rng = random.Random(14)
    words = [f"w{n}" for n in range(60)]
    docs = [
        make_doc(
            f"article:{n}",
            " ".join(rng.choices(words, k=5)),
            " ".join(rng.choices(words, weights=range(60, 0, -1), k=rng.randint(5, 40))),
            visibility=rng.choice(("public", "public", "customers", "staff")),
        )
        for n in range(2000)
    ]
    folder = str(tmp_path_factory.mktemp("larger") / "ix")
    rebuild(folder, docs, procs=1)
    return folder


@pytest.mark.parametrize("allowed", [PUBLIC, STAFF])
def test_the_early_terminating_top_k_equals_exhaustive_scoring(larger_index, allowed):
    rng = random.Random(5)
    entry = get_searcher(larger_index)
    searcher = entry.answers
    for _ in range(30):
        title = " ".join(f"w{rng.randrange(60)}" for _ in range(3))
        text = " ".join(f"w{rng.randrange(60)}" for _ in range(12))
        fast = suggest(larger_index, title, text, allowed)
        query = draft_query(searcher.reader(), title, text)
        every = searcher.search(query, limit=None, optimize=False)
        visible = [hit for hit in every if hit["visibility"] in allowed][:5]
        assert [round(h.score, 6) for h in fast] == [round(h.score, 6) for h in visible]
        assert {h.id for h in fast} == {hit["id"] for hit in visible} or _ties(fast, visible)


def _ties(fast, visible):
    """True when the two top-5 lists differ only among documents of equal score."""
    return sorted(round(h.score, 6) for h in fast) == sorted(round(h.score, 6) for h in visible)


def test_common_words_beyond_the_first_few_are_left_out_of_the_query(larger_index, monkeypatch):
    reader = get_searcher(larger_index).answers.reader()
    every_word = " ".join(f"w{n}" for n in range(60))
    assert len({q.text for q in draft_query(reader, "", every_word).subqueries}) == SUGGEST_TERMS
    monkeypatch.setattr(deflection, "MAX_POSTINGS", 0)
    assert len({q.text for q in draft_query(reader, "", every_word).subqueries}) == MIN_TERMS
