"""Rebuild swaps, broken folders and concurrent writers."""

import multiprocessing
import os

import pytest

from catalog.search.engine import SearchUnavailable
from catalog.search.engine import apply
from catalog.search.engine import create
from catalog.search.engine import health
from catalog.search.engine import rebuild
from catalog.search.engine import search
from catalog.search.engine import suggest
from tests.search.conftest import CORPUS
from tests.search.conftest import make_doc

EVERYONE = ("public", "customers", "staff")


def test_rebuild_swaps_in_a_new_searchable_index(index_folder):
    before = health(index_folder)
    assert search(index_folder, "proxy", EVERYONE).total == 1  # caches a searcher
    rebuild(index_folder, CORPUS[:3] + [make_doc("thread:60", "Rebuilt", "phoenix")], procs=1)
    assert search(index_folder, "phoenix", EVERYONE).total == 1
    assert search(index_folder, "proxy", EVERYONE).total == 0
    rebuild(index_folder, CORPUS, procs=1)
    after = health(index_folder)
    assert after.ok and after.doc_count == len(CORPUS) and after.path != before.path
    assert search(index_folder, "proxy", EVERYONE).total == 1
    builds = [n for n in os.listdir(index_folder) if n.startswith("build-")]
    assert len(builds) == 2  # the current build and the previous one


def test_rebuild_with_two_processes_reports_progress(tmp_path):
    seen = []
    count = rebuild(
        str(tmp_path / "ix"),
        CORPUS * 1,
        total=len(CORPUS),
        procs=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert count == len(CORPUS) and seen[-1] == (len(CORPUS), len(CORPUS))
    assert search(str(tmp_path / "ix"), "refund", EVERYONE).total == 5


def test_missing_index_is_unavailable(tmp_path):
    folder = str(tmp_path / "nothing")
    assert health(folder).state == "missing"
    with pytest.raises(SearchUnavailable):
        search(folder, "refund", EVERYONE)
    with pytest.raises(SearchUnavailable):
        suggest(folder, "refund", "", EVERYONE)
    with pytest.raises(SearchUnavailable):
        apply(folder, [CORPUS[0]])


def test_damaged_index_is_unavailable(index_folder):
    path = health(index_folder).path
    for name in os.listdir(path):
        if name.endswith(".toc"):
            with open(os.path.join(path, name), "wb") as toc:
                toc.write(b"garbage")
    assert health(index_folder).state == "damaged"
    with pytest.raises(SearchUnavailable):
        search(index_folder, "refund", EVERYONE)


def test_create_makes_an_empty_usable_index(tmp_path):
    folder = str(tmp_path / "ix")
    create(folder)
    assert health(folder).ok and health(folder).doc_count == 0
    apply(folder, [CORPUS[0]])
    assert search(folder, "refund", EVERYONE).total == 1


def _post_many(folder, worker, count):
    """Apply ``count`` single-document batches, as one gunicorn worker would."""
    for n in range(count):
        apply(
            folder,
            [make_doc(f"thread:{worker}{n:03d}", f"Concurrent {worker} {n}", "racing writers")],
            timeout=60,
        )


def test_concurrent_writers_lose_nothing(index_folder):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_post_many, args=(index_folder, w, 20)) for w in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    assert [p.exitcode for p in workers] == [0, 0]
    assert search(index_folder, "racing", EVERYONE, per_page=50).total == 40
