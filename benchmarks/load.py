"""Mixed-load run of the Marketplace Support Catalog against a browse-only baseline, with a
check that no write was lost and, with ``--profile``, where the workers' time goes.

1. Builds the dataset in a temp dir (SQLite, or a fresh database on ``--postgres URL``; see
   ``load_dataset``): N apps, forum sections, M forum posts (a third of the threads solved),
   published articles, a few customers with a Level 3 subscription, then ``search reindex``.
   The posts, articles, searches and drafts are real text (``--text debian``, the default:
   Debian package descriptions) or the old synthetic words (``--text synthetic``); see
   ``load_text``.
2. Serves it with gunicorn (``gunicorn.conf.py``, 2 workers, 127.0.0.1) and runs
   ``search run-indexer`` beside it (``load_servers``).
3. Two phases on the same dataset and the same processes, each ``--duration`` seconds with
   ``--processes`` logged-in customers (``load_client``): **browse-only** (the baseline), then
   **mixed** (browse, search, post, ticket). ``--kill-worker`` kills one worker half-way through
   the mixed phase; ``--profile`` samples both workers with py-spy during it (``load_profile``).
4. Lets the indexer drain the outbox and verifies that every acknowledged thread, reply and
   ticket is in the database, and every post is found in the index by its marker.
5. Prints each phase's figures and the targets beside them (``load_report``).

Exit status 1 on any 5xx or any lost write. See benchmarks/README.md.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import load_profile
import load_report
import load_text
from catalog_bench import ROOT
from catalog_bench import flask
from load_client import STARTUP
from load_client import drive
from load_dataset import build
from load_servers import serving

TEXTS = {
    "debian": "real Debian package descriptions, queries from their synopses",
    "synthetic": "sentences of 31 support words, a worst case for search",
}

# --- checking -----------------------------------------------------------------------------

VERIFY = """import json, sys
from sqlalchemy import select
from catalog import create_app
from catalog.search import engine as search
from catalog.extensions import db
from catalog.forum.models import Post, Thread
from catalog.support.tickets.models import Ticket
writes = json.load(open(sys.argv[1]))
lost, EVERYONE = [], {"public", "customers", "staff"}
with create_app().app_context() as ctx:
    folder = ctx.app.config["SEARCH_INDEX_DIR"]
    for w in writes:
        if w["kind"] == "ticket":
            row = db.session.scalar(select(Ticket).where(Ticket.reference == w["id"]))
            ok = row is not None and w["marker"] in row.title
        elif w["kind"] == "thread":
            row = db.session.get(Thread, int(w["id"]))
            ok = row is not None and any(w["marker"] in p.body for p in row.posts if p.is_opening)
        else:
            row = db.session.get(Post, int(w["id"]))
            ok = row is not None and w["marker"] in row.body
        if not ok:
            lost.append({**w, "where": "database"})
        if w["kind"] != "ticket":
            doc = ("thread:" if w["kind"] == "thread" else "reply:") + w["id"]
            hits = search.search(folder, w["marker"], EVERYONE, per_page=50, facets=False).hits
            if doc not in {h.id for h in hits}:
                lost.append({**w, "where": "index"})
print(json.dumps(lost))
"""


def drain(env: dict, limit: float = 120) -> float:
    """Wait until the indexer's backlog is 0 (``search status``); return the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        backlog = re.search(r"backlog (\d+)", flask(env, "search", "status"))
        if backlog and int(backlog.group(1)) == 0:
            return time.monotonic() - began
        time.sleep(1)
    raise SystemExit(f"the indexer did not drain the outbox within {limit} s")


# --- main ---------------------------------------------------------------------------------


@contextlib.contextmanager
def database(tmp: Path, postgres: str | None):
    """A SQLite file in ``tmp``, or a fresh database on the ``postgres`` server, dropped after."""
    if not postgres:
        yield f"sqlite:///{tmp / 'catalog.sqlite'}"
        return
    from sqlalchemy import create_engine
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    server = create_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"catalog_load_{uuid.uuid4().hex[:8]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def options() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per phase")
    parser.add_argument(
        "--processes", type=int, default=6, help="load processes, one customer each"
    )
    parser.add_argument("--apps", type=int, default=20000, help="apps to generate")
    parser.add_argument(
        "--posts", type=int, default=100000, help="forum posts (a quarter are threads)"
    )
    parser.add_argument("--articles", type=int, default=300, help="published articles")
    parser.add_argument(
        "--text",
        choices=("debian", "synthetic"),
        default="debian",
        help="the forum's text: Debian package descriptions, or 31 synthetic words",
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server; a fresh database is made"
    )
    parser.add_argument(
        "--kill-worker", action="store_true", help="kill -9 one worker half-way (mixed phase)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="sample both workers with py-spy (mixed phase)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, records)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    return parser.parse_args()


def environment(url: str, tmp: Path) -> dict:
    """The app's configuration for this run, as CATALOG_ environment variables."""
    return {
        **os.environ,
        "CATALOG_SQLALCHEMY_DATABASE_URI": url,
        "CATALOG_SECRET_KEY": "load-test-only",
        "CATALOG_SEARCH_INDEX_DIR": str(tmp / "index"),
        "CATALOG_RATELIMIT_ENABLED": "false",
        "CATALOG_MAIL_BACKEND": "file",
        "CATALOG_MAIL_FILE_DIR": str(tmp / "mail"),
    }


def verify(env: dict, tmp: Path, writes: list[dict]) -> list[dict]:
    """The acknowledged writes missing from the database or the index."""
    (tmp / "writes.json").write_text(json.dumps(writes))
    done = subprocess.run(
        [sys.executable, "-c", VERIFY, str(tmp / "writes.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def header(args) -> str:
    """The run's report header: its text, dataset, database and load."""
    text = TEXTS[args.text]
    database_name = "PostgreSQL" if args.postgres else "SQLite"
    return (
        f"Load run — text: {args.text} ({text}); {args.posts} posts, {args.apps} apps, "
        f"{args.articles} articles; {database_name}; {args.processes} processes × "
        f"{args.duration} s per phase"
    )


def run(args, tmp: Path) -> dict:
    """Build, serve, run both phases, drain, verify, report; return the results."""
    # Imported here, not at the top: the load processes are spawned and re-import this module,
    # and the probe imports the search engine (Whoosh, the catalog package), seconds of start-up
    # per load process on a busy machine that would eat into each phase.
    from load_freshness import Probe

    print(header(args), flush=True)
    if args.profile:
        load_profile.py_spy()  # fail before the build, not after it
    corpus = None
    if args.text == "debian":  # also before the build: missing apt lists stop the run here
        began = time.perf_counter()
        corpus = load_text.Corpus(load_text.packages(), args.posts // 4, args.articles)
        print(f"Read apt's package descriptions in {time.perf_counter() - began:.1f} s")
    with database(tmp, args.postgres) as url:
        env = environment(url, tmp)
        facts, times = build(tmp, env, args, corpus)
        with serving(env, tmp) as (port, master, indexer):
            phases = {}
            for phase in ("browse", "mixed"):
                extras = [
                    label
                    for label, on in (
                        ("kill -9 of one worker", args.kill_worker),
                        ("py-spy", args.profile),
                    )
                    if on and phase == "mixed"
                ]
                print(
                    f"{phase} phase: {args.processes} processes for {args.duration} s on "
                    f"127.0.0.1:{port} {' and '.join(extras)} …",
                    flush=True,
                )
                mixed = phase == "mixed"
                probe = (
                    Probe(
                        port,
                        env["CATALOG_SEARCH_INDEX_DIR"],
                        facts,
                        args.processes,
                        time.time() + STARTUP + args.duration,
                    )
                    if mixed
                    else None
                )
                phases[phase] = drive(
                    port,
                    master,
                    indexer,
                    facts,
                    args,
                    phase,
                    profile_dir=tmp if args.profile and mixed else None,
                    probe=probe,
                )
            drained = drain(env)
        flask(env, "search", "sync")  # the indexer is stopped: anything left is applied now
        mixed = phases["mixed"]
        fresh = mixed["freshness"]
        writes = [w for r in mixed["results"] for w in r["writes"]] + fresh["writes"]
        unknown = [w for r in mixed["results"] for w in r["unknown"]]
        lost = verify(env, tmp, writes)
    print(f"Indexer drained the outbox {drained:.1f} s after the load stopped.")
    print(f"\n{header(args)}")
    summaries = {
        name: load_report.summarise(p["results"], p["seconds"]) for name, p in phases.items()
    }
    for name, title in (("browse", "Browse-only (baseline)"), ("mixed", "Mixed")):
        load_report.phase_table(
            title, summaries[name], phases[name]["cpu"], phases[name]["results"]
        )
    profile = None
    if mixed["stacks"] is not None:
        profile = load_profile.summarise(mixed["stacks"])
        load_profile.report(profile, mixed["samples_per_pid"])
    load_report.print_writes(writes, unknown, lost, mixed["killed"])
    load_report.print_freshness(fresh)
    rows = load_report.targets(summaries["browse"], summaries["mixed"], lost, profile, fresh)
    load_report.print_targets(rows)
    return {
        "database": "postgresql" if args.postgres else "sqlite",
        "text": args.text,
        "posts": args.posts,
        "build_seconds": times,
        "processes": args.processes,
        "phases": {name: {**summaries[name], "cpu": phases[name]["cpu"]} for name in summaries},
        "mix_ratio": summaries["mixed"]["rps"] / summaries["browse"]["rps"],
        "profile": profile,
        "freshness": {k: v for k, v in fresh.items() if k != "requests"},
        "targets": [list(row) for row in rows],
        "writes": {
            kind: sum(1 for w in writes if w["kind"] == kind)
            for kind in {w["kind"] for w in writes}
        },
        "unknown_writes": len(unknown),
        "lost": lost,
        "killed": mixed["killed"],
        "server_errors": summaries["browse"]["server_errors"] + summaries["mixed"]["server_errors"],
    }


def main() -> None:
    """Run once in a temp dir; exit 1 on any 5xx or lost write."""
    args = options()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally blocks run on kill
    tmp = Path(tempfile.mkdtemp(prefix="catalog-load-"))
    try:
        results = run(args, tmp)
        if args.out:
            args.out.write_text(json.dumps(results, indent=2))
        if results["server_errors"] or results["lost"]:
            raise SystemExit(1)
    finally:
        if args.keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
