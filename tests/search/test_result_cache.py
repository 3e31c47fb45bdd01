"""The result cache: keyed by visibility and by the index generation, bounded, optional."""

from catalog.search.engine import apply
from catalog.search.engine import rebuild
from catalog.search.engine import search
from catalog.search.engine.resultcache import ResultCache
from tests.search.conftest import CORPUS
from tests.search.conftest import make_doc

PUBLIC = ("public",)
STAFF = ("public", "customers", "staff")


def ids(results):
    """The hit ids of a result page."""
    return [hit.id for hit in results.hits]


def test_a_cached_staff_page_is_never_served_to_an_anonymous_visitor(index_folder):
    cache = ResultCache(16)
    staff = search(index_folder, "quarantine", STAFF, cache=cache)
    assert ids(staff) == ["article:6"]
    assert search(index_folder, "quarantine", STAFF, cache=cache) is staff  # from the cache
    anonymous = search(index_folder, "quarantine", PUBLIC, cache=cache)
    assert ids(anonymous) == [] and anonymous.did_you_mean is None
    assert anonymous.total == 0 and "runbook" not in str(anonymous).lower()
    assert (
        search(index_folder, "  quarantine ", ("staff", "customers", "public"), cache=cache)
        is staff
    )


def test_a_commit_to_the_index_makes_cached_pages_unreachable(index_folder):
    cache = ResultCache(16)
    before = search(index_folder, "gecko", PUBLIC, cache=cache)
    assert ids(before) == [] and search(index_folder, "gecko", PUBLIC, cache=cache) is before
    apply(index_folder, upserts=[make_doc("thread:40", "Gecko driver crashes", "gecko")])
    assert ids(search(index_folder, "gecko", PUBLIC, cache=cache)) == ["thread:40"]
    apply(index_folder, deletes=["thread:40"])
    assert ids(search(index_folder, "gecko", PUBLIC, cache=cache)) == []


def test_a_swapped_in_rebuild_makes_cached_pages_unreachable(index_folder):
    cache = ResultCache(16)
    assert ids(search(index_folder, "proxy", PUBLIC, cache=cache)) == ["thread:4"]
    rebuild(index_folder, [doc for doc in CORPUS if doc.id != "thread:4"], procs=1)
    assert ids(search(index_folder, "proxy", PUBLIC, cache=cache)) == []


def test_every_asked_detail_is_part_of_the_key(shared_index):
    cache = ResultCache(64)
    first = search(shared_index, "refund", STAFF, cache=cache)
    assert (
        search(shared_index, "refund", STAFF, filters={"type": "thread"}, cache=cache) is not first
    )
    assert search(shared_index, "refund", STAFF, sort="date", cache=cache) is not first
    assert search(shared_index, "refund", STAFF, per_page=2, cache=cache) is not first
    assert search(shared_index, "refund", STAFF, facets=False, cache=cache).facets == {}
    assert search(shared_index, "refund", STAFF, highlight=False, cache=cache) is not first
    assert search(shared_index, "Refund", STAFF, cache=cache) is not first


def test_the_cache_is_bounded_and_size_zero_turns_it_off(shared_index):
    cache = ResultCache(2)
    for word in ("refund", "proxy", "licence", "refund"):
        search(shared_index, word, STAFF, cache=cache)
    assert len(cache) == 2 and cache.hits == 0
    off = ResultCache(0)
    assert search(shared_index, "refund", STAFF, cache=off) is not search(
        shared_index, "refund", STAFF, cache=off
    )
    assert len(off) == 0
