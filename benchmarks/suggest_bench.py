"""Benchmark the request wizard's suggestions: answers index vs. the old path vs. SQLite FTS5.

    nice -n 10 python benchmarks/suggest_bench.py --posts 100000 --drafts 300

One seeded corpus in the style of corpus.py (threads, replies, articles; a third of the threads
solved), one Whoosh build (main + answers index, ``catalog.search.engine.rebuild``), and in the
same run, per draft:

* ``suggest`` — ``catalog.search.engine.suggest`` (the answers index, early-terminating top-5);
* ``old path`` — the suggest code before issue 14 (:func:`old_suggest`, kept here as the
  baseline): an OR of the draft's 12 rarest stems over the whole index, then a doc-set filter;
* ``fts5 all`` — an FTS5 table of every post with an answer flag: MATCH an OR of the same chosen
  words, restricted to answers and the visibilities, ``ORDER BY bm25 LIMIT 5``;
* ``fts5 answers`` — the same query on an FTS5 table of the answers only.

Drafts are solved threads' questions (title + the first 40 body words, 30 % of the words
dropped, seeded). It prints p50/p95 of each with ratios to FTS5, the synthetic top-5 rate, the
RSS of a fresh process that opened the index and ran searches and suggestions, and the real-text
quality of suggest_quality.py. Targets: suggest p95 ≤ 30 ms and ≤ 2× fts5-all's p95.
"""

import argparse
import dataclasses
import json
import pathlib
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import Corpus  # noqa: E402
from search_bench import percentiles  # noqa: E402
from search_bench import rss_mb  # noqa: E402
from whoosh import query as wq  # noqa: E402

from catalog.search.engine import health  # noqa: E402
from catalog.search.engine import rebuild  # noqa: E402
from catalog.search.engine import search  # noqa: E402
from catalog.search.engine import suggest  # noqa: E402
from catalog.search.engine.deflection import draft_query  # noqa: E402
from catalog.search.engine.results import to_hit  # noqa: E402
from catalog.search.engine.schema import TEXT_ANALYZER  # noqa: E402
from catalog.search.engine.schema import VISIBILITIES  # noqa: E402
from catalog.search.engine.schema import is_answer  # noqa: E402
from catalog.search.engine.searcher import get_searcher  # noqa: E402

VISIBLE = ("public", "customers")
SOLVED_SHARE = 1 / 3
RSS_SEARCHES = 20


def corpus_documents(posts, seed=20250101):
    """corpus.py's posts with a third of the threads solved (replies never count as answers)."""
    rng = random.Random(seed + 14)
    for doc in Corpus(posts, seed=seed).documents():
        solved = doc.type == "thread" and rng.random() < SOLVED_SHARE
        yield dataclasses.replace(doc, accepted=solved)


def reword(words, rng, drop=0.3):
    """Drop ``drop`` of ``words`` at random (seeded), keeping at least one."""
    kept = [w for w in words if rng.random() >= drop]
    return kept or words[:1]


def make_draft(doc, rng, body_words=40):
    """A draft from a question: its title and first ``body_words`` words, 30 % dropped."""
    title = " ".join(reword(doc.title.split(), rng))
    return title, " ".join(reword(doc.body.split()[:body_words], rng))


def old_suggest(folder, title, text, allowed, limit=5):
    """The suggest code before issue 14, verbatim but for names: the baseline."""
    entry = get_searcher(folder)
    reader = entry.searcher.reader()
    draft = f"{title or ''} {title or ''} {text or ''}"[:4000]
    stems = {t.text for t in TEXT_ANALYZER(draft)}
    frequencies = (
        (reader.doc_frequency("body", s) + reader.doc_frequency("title", s), s) for s in stems
    )
    chosen = sorted((df, s) for df, s in frequencies if df)[:12]
    if not chosen:
        return []
    query = wq.Or([wq.Term(field, s) for _, s in chosen for field in ("title", "body")])
    answers = wq.Or(
        [wq.Term("type", "article"), wq.And([wq.Term("type", "thread"), wq.Term("accepted", True)])]
    )
    allow = entry.docs("answers", answers)
    visible = _visible_filter(entry, allowed)
    if visible is not None:
        allow = allow & visible
    results = entry.searcher.search(query, limit=limit, filter=allow)
    return [to_hit(hit, highlight=False) for hit in results]


def _visible_filter(entry, allowed):
    """The old path's visibility filter: the set of every visible document (None: all)."""
    allowed = frozenset(allowed) & frozenset(VISIBILITIES)
    if allowed == frozenset(VISIBILITIES):
        return None
    query = wq.Or([wq.Term("visibility", v) for v in sorted(allowed)])
    return entry.docs(("visibility", allowed), query)


def fts5_match(reader, title, text):
    """The FTS5 MATCH string for the words ``draft_query`` chose (original words, quoted)."""
    query = draft_query(reader, title, text)
    if query is None:
        return None
    stems = {clause.text for clause in query.subqueries}
    words = {}
    for token in TEXT_ANALYZER(f"{title} {text}", keeporiginal=True):
        if token.text in stems:
            words.setdefault(token.text, token.original.lower())
    return " OR ".join(f'"{word}"' for word in words.values())


def build_fts5(path, docs, answers_only):
    """An FTS5 table (porter) of ``docs`` with id, answer flag and visibility columns."""
    db = sqlite3.connect(str(path))
    db.execute(
        "CREATE VIRTUAL TABLE posts USING fts5(id UNINDEXED, answer UNINDEXED, "
        "visibility UNINDEXED, title, body, tokenize='porter unicode61')"
    )
    rows = (
        (d.id, int(is_answer(d)), d.visibility, d.title, d.body)
        for d in docs
        if is_answer(d) or not answers_only
    )
    with db:
        db.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?)", rows)
    return db


FTS5_SQL = (
    "SELECT id FROM posts WHERE posts MATCH ? AND answer = 1 AND visibility IN (?, ?) "
    "ORDER BY bm25(posts, 0, 0, 0, 3.0, 1.0) LIMIT 5"
)


def timed(function, items):
    """Run ``function`` on every item twice (warm-up, measured); return (samples, last results)."""
    for item in items:
        function(item)
    samples, answers = [], []
    for item in items:
        begin = time.perf_counter()
        answers.append(function(item))
        samples.append(time.perf_counter() - begin)
    return samples, answers


def top5_rate(expected, answers):
    """Share of drafts whose own thread is among their five results."""
    return sum(key in found for key, found in zip(expected, answers, strict=True)) / len(expected)


def rss_worker(folder, drafts):
    """In a fresh process: open the index, run searches and suggestions, print the RSS (MB)."""
    for n, (title, text) in enumerate(drafts):
        if n < RSS_SEARCHES:
            search(folder, title, VISIBLE, facets=True)
        suggest(folder, title, text, VISIBLE)
    print(json.dumps({"rss_mb": rss_mb()}))


def measure(folder, docs, drafts, expected, tmp, old_drafts):
    """Time the four ways on the same drafts; return {name: {p50, p95, top5}}.

    The old path, a second or more per draft at 100k posts, runs on the first ``old_drafts``.
    """
    reader = get_searcher(folder).answers.reader()
    matches = [fts5_match(reader, title, text) for title, text in drafts]
    out = {}
    ways = {
        "suggest": lambda d: [h.id for h in suggest(folder, *d, VISIBLE)],
        "old path": lambda d: [h.id for h in old_suggest(folder, *d, VISIBLE)],
    }
    for name, function in ways.items():
        count = old_drafts if name == "old path" else len(drafts)
        samples, answers = timed(function, drafts[:count])
        out[name] = {**percentiles(samples), "top5": top5_rate(expected[:count], answers)}
        out[name]["drafts"] = count
    for name, answers_only in (("fts5 all", False), ("fts5 answers", True)):
        db = build_fts5(tmp / f"{name.replace(' ', '_')}.db", docs, answers_only)

        def run(match, db=db):
            rows = db.execute(FTS5_SQL, (match, *VISIBLE)).fetchall() if match else []
            return [row[0] for row in rows]

        samples, answers = timed(run, matches)
        out[name] = {**percentiles(samples), "top5": top5_rate(expected, answers)}
        out[name]["drafts"] = len(drafts)
        db.close()
    return out


def main():
    """Build, measure and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--drafts", type=int, default=300)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--old-drafts", type=int, default=60, help="drafts for the (slow) old path")
    parser.add_argument("--no-quality", action="store_true", help="skip the real-text quality")
    parser.add_argument("--out", help="also write the results as JSON to this file")
    parser.add_argument(
        "--index", help="keep the Whoosh build in this folder and reuse it next time (same --posts)"
    )
    parser.add_argument("--rss-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_worker:
        return rss_worker(
            args.rss_worker[0], json.loads(pathlib.Path(args.rss_worker[1]).read_text())
        )
    with tempfile.TemporaryDirectory(prefix="suggest-bench-") as name:
        tmp = pathlib.Path(name)
        docs = list(corpus_documents(args.posts))
        folder = args.index or str(tmp / "index")
        build_s = None
        if not (args.index and health(folder).ok):
            begin = time.perf_counter()
            rebuild(folder, docs, total=len(docs), procs=args.procs)
            build_s = time.perf_counter() - begin
        solved = [d for d in docs if d.type == "thread" and d.accepted]
        rng = random.Random(7)
        questions = rng.sample(solved, min(args.drafts, len(solved)))
        drafts = [make_draft(d, rng) for d in questions]
        answers = sum(map(is_answer, docs))
        built = "reused" if build_s is None else f"{build_s:.1f} s"
        print(f"{len(docs)} posts, {answers} answers; Whoosh build {built}", flush=True)
        expected = [d.id for d in questions]
        result = measure(folder, docs, drafts, expected, tmp, args.old_drafts)
        (tmp / "drafts.json").write_text(json.dumps(drafts[:100]))
        worker = subprocess.run(
            [sys.executable, __file__, "--rss-worker", folder, str(tmp / "drafts.json")],
            check=True,
            capture_output=True,
            text=True,
        )
        rss = json.loads(worker.stdout.strip().splitlines()[-1])["rss_mb"]
    report(result, rss)
    quality = {} if args.no_quality else real_text_quality()
    if args.out:
        data = {"posts": args.posts, "build_s": build_s, "rss_mb": rss, "timings": result}
        pathlib.Path(args.out).write_text(json.dumps({**data, "quality": quality}, indent=2))


def report(result, rss):
    """Print the timing table with ratios to fts5 all."""
    base = result["fts5 all"]
    print(f"\n{'ms':<14} {'drafts':>6} {'p50':>8} {'p95':>8}   p95/fts5-all   top-5 (synthetic)")
    for name, row in result.items():
        ratio = row["p95"] / base["p95"] if base["p95"] else float("inf")
        print(
            f"{name:<14} {row['drafts']:6d} {row['p50']:8.2f} {row['p95']:8.2f} "
            f"{ratio:10.2f}x {row['top5']:12.1%}"
        )
    print(f"RSS of a fresh process after searches and suggestions: {rss:.0f} MB")


def real_text_quality():
    """The real-text quality figures of suggest_quality.py (printed there)."""
    from suggest_quality import run_all

    return run_all()


if __name__ == "__main__":
    main()
