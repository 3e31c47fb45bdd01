"""benchmarks/realtext.py: the known-item sets are deterministic, unambiguous and fair."""

import importlib.util
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "realtext.py"
SPEC = importlib.util.spec_from_file_location("realtext", PATH)
realtext = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("realtext", realtext)
SPEC.loader.exec_module(realtext)


def test_stdlib_set_is_deterministic_and_its_queries_are_fair():
    """Same set twice; every query points at a corpus document, holds none of its name's
    words, keeps 3 content words, is unique; dev and test halves split the targets evenly."""
    first = realtext.stdlib_set(size=400, targets=60)
    assert first == realtext.stdlib_set(size=400, targets=60)
    by_key = {doc.key: doc for doc in first.documents}
    assert len(by_key) == 400 and len(first.queries) == 60
    assert len({q.text for q in first.queries}) == 60
    assert len(first.half("dev")) == len(first.half("test")) == 30
    for query in first.queries:
        words = query.text.split()
        assert query.key in by_key and not set(words) & realtext.name_words(query.key)
        assert len([w for w in words if w not in realtext.STOP_WORDS]) >= 3


def test_a_query_text_shared_by_two_documents_is_dropped_for_both():
    """The de-duplication rule, not a hand-made list, drops 'transitional package' twins."""
    doc = realtext.Document
    line = "transitional dummy package for upgrades"
    candidates = [
        (doc("foo-old", "foo-old", line + " of foo, long enough text"), line, "foo-old"),
        (doc("bar-old", "bar-old", line + " of bar, long enough text"), line, "bar-old"),
        (
            doc("bazzer", "bazzer", "Parse tidy calendars quickly, at length"),
            "Parse tidy calendars quickly",
            "bazzer",
        ),
    ]
    built = realtext.build_set("toy", candidates, size=3, targets=1, seed=1)
    assert [q.key for q in built.queries] == ["bazzer"]
    assert built.dropped["ambiguous query (same text for several documents)"] == 2
    with pytest.raises(realtext.DataUnavailable, match="only 3 documents and 1 queries"):
        realtext.build_set("toy", candidates, size=3, targets=2, seed=1)
