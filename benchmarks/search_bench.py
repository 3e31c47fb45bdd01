"""Benchmark our Whoosh search core against SQLite FTS5 on the same synthetic corpus.

    python benchmarks/search_bench.py --posts 100000 --out benchmarks/out

Builds both indexes from the same seeded posts, runs the same fixed mix of 200
queries (single term, two terms, phrase, 4-letter prefix, term + app filter)
through ``catalog.search.engine.search`` (with and without highlights, then with
facets) and through FTS5 (bm25 order, with and without ``snippet()``), and
prints p50/p95/p99 per kind, the Whoosh/FTS5 ratios, the build times and the
resident memory of a fresh process that opened the index and ran the mix.
The Whoosh queries run in that separate process so its RSS is not inflated by
the corpus held here.  Results are written to ``OUT/results.json``.
"""

import argparse
import itertools
import json
import os
import pathlib
import resource
import sqlite3
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import Corpus  # noqa: E402

from catalog.search.engine import rebuild  # noqa: E402
from catalog.search.engine import search  # noqa: E402
from catalog.search.engine import suggest  # noqa: E402

VISIBLE = ("public", "customers")
KINDS = ("term", "two_terms", "phrase", "prefix", "term_app")


def percentiles(samples):
    """Return p50/p95/p99 of ``samples`` in milliseconds."""
    ordered = sorted(samples)

    def pick(q):
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    return {"p50": pick(0.50) * 1000, "p95": pick(0.95) * 1000, "p99": pick(0.99) * 1000}


def summarize(kinds, samples):
    """Return percentiles per query kind and for the whole mix."""
    out = {
        kind: percentiles([s for k, s in zip(kinds, samples, strict=True) if k == kind])
        for kind in KINDS
    }
    out["mix"] = percentiles(samples)
    return out


def cpu_seconds():
    """Return CPU seconds used by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rss_mb():
    """Return this process's resident set size in MB (VmRSS)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def whoosh_query_worker(out):
    """Open the index in this fresh process, time the mix, print JSON results."""
    queries = json.loads((out / "queries.json").read_text())
    drafts = json.loads((out / "drafts.json").read_text())
    folder = str(out / "whoosh")
    start = time.perf_counter()
    search(folder, "warmup", VISIBLE, facets=False)
    open_ms = (time.perf_counter() - start) * 1000
    results = {"open_ms": open_ms, "rss_after_open_mb": rss_mb()}
    modes = {
        "no_highlight": dict(highlight=False, facets=False),
        "highlight": dict(highlight=True, facets=False),
        "highlight_facets": dict(highlight=True, facets=True),
    }
    for name, options in modes.items():
        for _pass in ("warm-up", "measured"):  # the samples of the second pass are kept
            samples = []
            for _kind, text, app in queries:
                filters = {"app": app} if app else None
                begin = time.perf_counter()
                search(folder, text, VISIBLE, filters=filters, **options)
                samples.append(time.perf_counter() - begin)
        results[name] = summarize([q[0] for q in queries], samples)
    samples = []
    for title, text in drafts:
        begin = time.perf_counter()
        suggest(folder, title, text, VISIBLE)
        samples.append(time.perf_counter() - begin)
    results["suggest"] = percentiles(samples)
    results["rss_mb"] = rss_mb()
    print(json.dumps(results))


def build_fts5(path, docs):
    """Build the FTS5 baseline (porter tokenizer) and return its connection."""
    if path.exists():
        path.unlink()
    db = sqlite3.connect(str(path))
    db.execute(
        "CREATE VIRTUAL TABLE posts USING fts5(id UNINDEXED, app UNINDEXED, "
        "visibility UNINDEXED, title, body, tokenize='porter unicode61')"
    )
    with db:
        db.executemany(
            "INSERT INTO posts VALUES (?, ?, ?, ?, ?)",
            ((d.id, d.app, d.visibility, d.title, d.body) for d in docs),
        )
    return db


def fts5_match(kind, text):
    """Translate a mix query into FTS5 MATCH syntax."""
    if kind == "phrase":
        return text
    if kind == "prefix":
        return text
    return " ".join(f'"{word}"' for word in text.split())


def time_fts5(db, queries, snippets):
    """Run the mix on FTS5, bm25 order with the title weighted 3x; return samples."""
    columns = (
        (
            "id, title, snippet(posts, 4, '<mark>', '</mark>', '…', 24), "
            "highlight(posts, 3, '<mark>', '</mark>')"
        )
        if snippets
        else "id, title"
    )
    samples = []
    for kind, text, app in queries:
        sql = (
            f"SELECT {columns} FROM posts WHERE posts MATCH ? AND visibility IN (?, ?)"
            + (" AND app = ?" if app else "")
            + " ORDER BY bm25(posts, 0, 0, 0, 3.0, 1.0) LIMIT 10"
        )
        params = [fts5_match(kind, text), *VISIBLE] + ([app] if app else [])
        begin = time.perf_counter()
        db.execute(sql, params).fetchall()
        samples.append(time.perf_counter() - begin)
    return samples


def drafts_for(corpus, count=50):
    """Return (title, text) drafts for the request wizard, from corpus words."""
    docs = corpus.documents()
    return [(d.title, d.body[:400]) for d in itertools.islice(docs, count)]


def fmt_row(name, whoosh, fts):
    """Format one table row with ratios."""
    return (
        f"{name:<11} {whoosh['p50']:8.1f} {whoosh['p95']:8.1f} {whoosh['p99']:8.1f}   "
        f"{fts['p50']:7.2f} {fts['p95']:7.2f} {fts['p99']:7.2f}   "
        f"{whoosh['p50'] / fts['p50']:6.1f}x {whoosh['p95'] / fts['p95']:6.1f}x"
    )


def main():
    """Run the whole benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    parser.add_argument("--procs", type=int, default=os.cpu_count())
    parser.add_argument("--query-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = pathlib.Path(args.out).resolve()
    if args.query_worker:
        return whoosh_query_worker(out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(args.posts)
    begin = time.perf_counter()
    docs = list(corpus.documents())
    print(f"generated {len(docs)} posts in {time.perf_counter() - begin:.1f}s", flush=True)
    queries = corpus.queries(200)
    (out / "queries.json").write_text(json.dumps(queries))
    (out / "drafts.json").write_text(json.dumps(drafts_for(corpus)))

    begin, cpu = time.perf_counter(), cpu_seconds()
    rebuild(str(out / "whoosh"), docs, total=len(docs), procs=args.procs)
    whoosh_build, build_cpu = time.perf_counter() - begin, cpu_seconds() - cpu
    print(
        f"whoosh build {whoosh_build:.1f}s wall, {build_cpu:.1f}s CPU (procs={args.procs}, "
        f"load avg {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    begin = time.perf_counter()
    db = build_fts5(out / "fts5.db", docs)
    fts_build = time.perf_counter() - begin
    print(f"fts5 build {fts_build:.1f}s", flush=True)
    del docs
    load = os.getloadavg()

    worker = subprocess.run(
        [sys.executable, __file__, "--query-worker", "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    whoosh = json.loads(worker.stdout.strip().splitlines()[-1])
    kinds = [q[0] for q in queries]
    fts = {}
    for name, snippets in (("no_highlight", False), ("highlight", True)):
        time_fts5(db, queries, snippets)  # warm-up pass, as for Whoosh
        fts[name] = summarize(kinds, time_fts5(db, queries, snippets))

    report = {
        "posts": args.posts,
        "whoosh_build_s": whoosh_build,
        "whoosh_build_cpu_s": build_cpu,
        "fts5_build_s": fts_build,
        "loadavg_before_queries": load,
        "whoosh": whoosh,
        "fts5": fts,
    }
    (out / "results.json").write_text(json.dumps(report, indent=2))
    lines = [
        f"posts={args.posts}  whoosh build {whoosh_build:.1f}s (CPU {build_cpu:.1f}s)  "
        f"fts5 build {fts_build:.1f}s  "
        f"load avg {load[0]:.1f}",
        f"whoosh searcher open {whoosh['open_ms']:.0f} ms; RSS after open "
        f"{whoosh['rss_after_open_mb']:.0f} MB, after the mix {whoosh['rss_mb']:.0f} MB",
        f"suggest p50/p95/p99 ms: {whoosh['suggest']['p50']:.1f} / "
        f"{whoosh['suggest']['p95']:.1f} / {whoosh['suggest']['p99']:.1f}",
    ]
    for name, fts_name in (
        ("no_highlight", "no_highlight"),
        ("highlight", "highlight"),
        ("highlight_facets", "highlight"),
    ):
        lines.append(f"\n[{name}]  (ms)   whoosh p50/p95/p99 | fts5 p50/p95/p99 | ratio p50 p95")
        for kind in KINDS + ("mix",):
            lines.append(fmt_row(kind, whoosh[name][kind], fts[fts_name][kind]))
    text = "\n".join(lines)
    (out / "results.txt").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
