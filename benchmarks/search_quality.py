"""Search quality and latency on real text: the catalog's search API beside plain Whoosh and FTS5.

    nice -n 10 .venv/bin/python benchmarks/search_quality.py [--sets stdlib,debian]
        [--size N] [--targets N] [--engine] [--workdir DIR] [--reindex] [--out FILE]

For each known-item set of benchmarks/realtext.py (Python stdlib docstrings, Debian package
descriptions), in one run:

1. The documents become threads of an ``import-posts`` file (section ``getting-started``), put
   into a fresh SQLite database and index with ``flask --app catalog init-db``,
   ``forum sync-sections``, ``import-posts`` and ``search reindex`` (subprocesses with
   ``CATALOG_*`` variables pointing at the work dir); each known item is mapped to its thread
   id by title (titles are unique in a set).
2. gunicorn (``gunicorn.conf.py``, 2 workers) serves it and every query goes, once, through
   ``GET /api/v1/search?q=…&per_page=10`` as an anonymous user (all documents are public):
   the known item's rank in the top 10 gives MRR@10, recall@1 and recall@10; each request's
   time, p50/p95. A few warm-up requests with other text come first (so no measured query is
   answered from a cache); each query is then sent again at once (``api_repeated``: the result
   cache's effect; each worker has its own cache, so a repeat the other worker takes is a miss).
3. The baselines of benchmarks/quality_baselines.py on the same documents and queries, in
   process: plain Whoosh and SQLite FTS5 (with its latency p50/p95).

It prints a table per set for the **dev** half (for tuning) and the **test** half (for
reporting), and the API's p95 over HTTP as a ratio of FTS5's in-process p95 (target ≤ 2×).
``--engine`` skips HTTP and calls ``catalog.search.engine.search`` in this process on the built
index instead (quick tuning; its latency is then in-process too). ``--workdir DIR`` keeps the
database and indexes there and reuses them on the next run; ``--reindex`` rebuilds the
catalog's index there (after a schema or analyzer change).
"""

import argparse
import contextlib
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

import quality_baselines as base  # noqa: E402
import realtext  # noqa: E402
from catalog_bench import flask  # noqa: E402

SECTION = "getting-started"
CREATED = "2024-01-01T12:00:00Z"
# The arguments the API's handler passes to the engine for ?q=…&per_page=10 (see --engine).
ENGINE_ARGS = {"per_page": 10, "facets": False}
WARM_UP = 20


def write_posts(path: Path, documents) -> None:
    """The documents as import-posts threads (docs/import-posts.md), one per line."""
    with path.open("w", encoding="utf-8") as out:
        for doc in documents:
            thread = {"section": SECTION, "title": doc.title, "author": "Real text"}
            thread |= {"created": CREATED, "body": doc.body}
            out.write(json.dumps(thread, ensure_ascii=False) + "\n")


def environment(work: Path) -> dict:
    """The app's configuration for this run, as CATALOG_ environment variables."""
    return {
        **os.environ,
        "CATALOG_SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'catalog.sqlite'}",
        "CATALOG_SECRET_KEY": "search-quality-only",
        "CATALOG_SITE_URL": "http://127.0.0.1",
        "CATALOG_SEARCH_INDEX_DIR": str(work / "index"),
        "CATALOG_RATELIMIT_ENABLED": "false",
        "CATALOG_MAIL_BACKEND": "file",
        "CATALOG_MAIL_FILE_DIR": str(work / "mail"),
    }


def build(loaded, work: Path, env: dict, reindex: bool) -> dict:
    """Import the set into the catalog in ``work`` (unless already there); {title: doc id}."""
    stamp = work / "built.json"
    wanted = {"set": loaded.name, "keys": len(loaded.documents), "first": loaded.documents[0].key}
    if not (stamp.exists() and json.loads(stamp.read_text()) == wanted):
        for name in ("catalog.sqlite", "index", "built.json"):
            path = work / name
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        write_posts(work / "posts.jsonl", loaded.documents)
        for args in (["init-db"], ["forum", "sync-sections"]):
            flask(env, *args)
        began = time.perf_counter()
        flask(env, "import-posts", str(work / "posts.jsonl"))
        print(f"  import-posts: {time.perf_counter() - began:.1f} s", flush=True)
        reindex = True
    if reindex:
        began = time.perf_counter()
        flask(env, "search", "reindex")
        print(f"  search reindex: {time.perf_counter() - began:.1f} s", flush=True)
        stamp.write_text(json.dumps(wanted))
    with contextlib.closing(sqlite3.connect(work / "catalog.sqlite")) as db:
        rows = db.execute("SELECT id, title FROM forum_thread").fetchall()
    return {f"thread:{number}": title for number, title in rows}


def get_json(port: int, path: str) -> dict:
    """GET ``path`` from the local server; its JSON (SystemExit unless 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return json.loads(body)


@contextlib.contextmanager
def serving(env: dict, work: Path):
    """gunicorn -c gunicorn.conf.py with 2 workers on a free port; yield the port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = work / "gunicorn.log"
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
    env |= {"GUNICORN_ACCESS_LOG": "-", "GUNICORN_ERROR_LOG": str(log)}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError, SystemExit, ValueError):
                get_json(port, "/api/v1/search?q=warm")
                break
            time.sleep(0.3)
        else:
            raise SystemExit(f"gunicorn did not start; see {log}")
        yield port
    finally:
        proc.terminate()  # SIGTERM: the master stops its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def api_searcher(port: int | None, index_dir: Path, titles: dict):
    """A function text → top titles, through the HTTP API or (``port`` None) the engine."""
    if port is None:
        from catalog.search import engine
        from catalog.search.engine.resultcache import ResultCache

        cache = ResultCache(256)  # as each API worker has (SEARCH_RESULT_CACHE_SIZE)

        def search(text):
            results = engine.search(str(index_dir), text, ("public",), cache=cache, **ENGINE_ARGS)
            return [titles.get(hit.id, hit.id) for hit in results.hits]

        return search

    def search(text):
        query = urllib.parse.urlencode({"q": text, "per_page": 10})
        items = get_json(port, f"/api/v1/search?{query}")["items"]
        return [titles.get(item["id"], item["id"]) for item in items]

    return search


def measure(loaded, searchers: dict) -> dict:
    """Run every query through every searcher: scores per half and latencies per searcher;
    the API is asked each query a second time at once (``api_repeated``)."""
    ranks = {name: {"dev": [], "test": []} for name in searchers}
    seconds = {name: [] for name in [*searchers, "api_repeated"]}
    keys = {doc.key: doc.title for doc in loaded.documents}
    for query in loaded.queries:
        for name, search in searchers.items():
            found, took = base.timed(search, query.text)
            ranks[name][query.half].append(base.rank_of(found, keys[query.key]))
            seconds[name].append(took)
        seconds["api_repeated"].append(base.timed(searchers["api"], query.text)[1])
    results = {
        name: {
            **{half: base.scores(r) for half, r in ranks[name].items()},
            "latency": base.percentiles(seconds[name]),
        }
        for name in searchers
    }
    results["api_repeated"] = {"latency": base.percentiles(seconds["api_repeated"])}
    return results


def run_set(name: str, args, work: Path) -> dict:
    """Build, search and score one set."""
    began = time.perf_counter()
    sizes = {"size": args.size} if args.size else {}
    loaded = realtext.LOADERS[name](targets=args.targets, seed=args.seed, **sizes)
    print(
        f"{name}: {len(loaded.documents)} documents, {len(loaded.queries)} queries "
        f"({len(loaded.half('dev'))} dev, {len(loaded.half('test'))} test); loaded in "
        f"{time.perf_counter() - began:.1f} s",
        flush=True,
    )
    work.mkdir(parents=True, exist_ok=True)
    env = environment(work)
    titles = build(loaded, work, env, args.reindex)
    whoosh = base.PlainWhoosh(loaded.documents, work / "plain_whoosh")
    fts5 = base.Fts5(loaded.documents, work / "fts5.sqlite")
    warm = [doc.title.replace(".", " ").replace("-", " ") for doc in loaded.documents[:WARM_UP]]
    try:
        with contextlib.ExitStack() as stack:
            port = None if args.engine else stack.enter_context(serving(env, work))
            api = api_searcher(port, work / "index", titles)
            for text in warm:
                api(text), fts5.search(text), whoosh.search(text)
            results = measure(loaded, {"api": api, "whoosh": whoosh.search, "fts5": fts5.search})
    finally:
        whoosh.close()
        fts5.close()
    results["mode"] = "engine in-process" if args.engine else "HTTP API"
    results["dropped"] = dict(loaded.dropped)
    results["sizes"] = {"documents": len(loaded.documents), "queries": len(loaded.queries)}
    return results


def report(name: str, r: dict) -> None:
    """Print one set's table."""
    print(
        f"\n{name} — {r['sizes']['documents']} documents, {r['sizes']['queries']} queries; "
        f"'api' = {r['mode']}"
    )
    print(f"{'half':<5} {'searcher':<8} {'queries':>7} {'MRR@10':>7} {'R@1':>6} {'R@10':>6}")
    for half in ("dev", "test"):
        for who in ("api", "whoosh", "fts5"):
            s = r[who][half]
            print(
                f"{half:<5} {who:<8} {s['queries']:>7} {s['mrr10']:7.3f} {s['r1']:6.3f} "
                f"{s['r10']:6.3f}"
            )
    api, fts5 = r["api"]["latency"], r["fts5"]["latency"]
    r["p95_ratio"] = api["p95_ms"] / fts5["p95_ms"]
    for who in ("api", "api_repeated", "whoosh", "fts5"):
        lat = r[who]["latency"]
        print(f"latency {who:<12} p50 {lat['p50_ms']:7.2f} ms  p95 {lat['p95_ms']:7.2f} ms")
    print(f"api p95 / fts5 p95 = {r['p95_ratio']:.2f}× (target ≤ 2×)")


def options() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="stdlib,debian", help="comma-separated set names")
    parser.add_argument("--size", type=int, default=0, help="documents per set (0: default)")
    parser.add_argument("--targets", type=int, default=600, help="queries per set")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--engine", action="store_true", help="search in process, no HTTP")
    parser.add_argument("--workdir", type=Path, help="keep and reuse the builds here")
    parser.add_argument("--reindex", action="store_true", help="rebuild the catalog's index")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    return parser.parse_args()


def main() -> int:
    """Run every set; print the tables; write --out."""
    args = options()
    top = args.workdir or Path(tempfile.mkdtemp(prefix="search-quality-"))
    results = {}
    try:
        for name in args.sets.split(","):
            results[name] = run_set(name, args, top / name)
            report(name, results[name])
    finally:
        if not args.workdir:
            shutil.rmtree(top, ignore_errors=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
