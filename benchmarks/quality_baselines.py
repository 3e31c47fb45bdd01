"""The baselines and measures of benchmarks/search_quality.py.

- ``PlainWhoosh``: what a first Whoosh integration would do — ``StemmingAnalyzer()`` on title
  and body, title ``field_boost=3``, the query parsed over both fields with ``OrGroup``, BM25F
  (Whoosh's default), in-process.
- ``Fts5``: SQLite FTS5 (``porter unicode61``), ranked by ``bm25(fts, 3.0, 1.0)`` (title weight
  3), the query's words each quoted (so none is FTS5 syntax) and OR-ed, in-process, on a file.
- ``rank_of``, ``scores`` and ``percentiles``: the measures (MRR@10, recall@1, recall@10,
  latency p50/p95).

Both baselines index the set's raw title and body; the catalog indexes them after import-posts
(Markdown rendered to plain text), which is part of what the API is measured on.
"""

import sqlite3
import time
from pathlib import Path

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID
from whoosh.fields import TEXT
from whoosh.fields import Schema
from whoosh.index import create_in
from whoosh.qparser import MultifieldParser
from whoosh.qparser import OrGroup

TOP = 10


class PlainWhoosh:
    """A plain Whoosh index of the documents in ``folder``; ``search(text)`` → top keys."""

    def __init__(self, documents, folder: Path):
        schema = Schema(
            key=ID(stored=True, unique=True),
            title=TEXT(analyzer=StemmingAnalyzer(), field_boost=3.0),
            body=TEXT(analyzer=StemmingAnalyzer()),
        )
        folder.mkdir(parents=True, exist_ok=True)
        index = create_in(str(folder), schema)
        writer = index.writer(limitmb=256)
        for doc in documents:
            writer.add_document(key=doc.key, title=doc.title, body=doc.body)
        writer.commit()
        self.searcher = index.searcher()
        self.parser = MultifieldParser(["title", "body"], schema, group=OrGroup)

    def search(self, text: str) -> list[str]:
        """The keys of the best TOP documents for ``text``."""
        hits = self.searcher.search(self.parser.parse(text), limit=TOP)
        return [hit["key"] for hit in hits]

    def close(self) -> None:
        """Close the searcher's files."""
        self.searcher.close()


class Fts5:
    """An FTS5 table of the documents in the SQLite file ``path``; ``search(text)`` → keys."""

    def __init__(self, documents, path: Path):
        self.keys = [doc.key for doc in documents]
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
            ((n, doc.title, doc.body) for n, doc in enumerate(documents)),
        )
        self.db.commit()

    def search(self, text: str) -> list[str]:
        """The keys of the best TOP documents for ``text`` (its words OR-ed)."""
        words = ['"' + word.replace('"', '""') + '"' for word in text.split()]
        if not words:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 3.0, 1.0) LIMIT ?",
            (" OR ".join(words), TOP),
        )
        return [self.keys[rowid] for (rowid,) in rows]

    def close(self) -> None:
        """Close the database."""
        self.db.close()


def timed(search, text: str) -> tuple[list[str], float]:
    """(search(text), seconds it took)."""
    began = time.perf_counter()
    found = search(text)
    return found, time.perf_counter() - began


def rank_of(found: list[str], key: str) -> int | None:
    """1-based rank of ``key`` among the first TOP of ``found``, None if absent."""
    try:
        rank = found.index(key) + 1
    except ValueError:
        return None
    return rank if rank <= TOP else None


def scores(ranks: list[int | None]) -> dict:
    """MRR@10, recall@1 and recall@10 of known-item ranks."""
    n = len(ranks) or 1
    return {
        "queries": len(ranks),
        "mrr10": sum(1 / r for r in ranks if r) / n,
        "r1": sum(1 for r in ranks if r == 1) / n,
        "r10": sum(1 for r in ranks if r) / n,
    }


def percentiles(seconds: list[float]) -> dict:
    """p50 and p95 in milliseconds (nearest rank)."""
    ordered = sorted(seconds)
    if not ordered:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "n": 0}

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] * 1000

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "n": len(ordered)}
