"""Mixed-load run of the Marketplace Support Catalog, with a check that no write was lost.

1. Builds the dataset in a temp dir (SQLite, or a fresh database on ``--postgres URL``): N apps
   (``import-apps``), forum sections, M forum posts (``import-posts``), ``search reindex``, and a
   few customers with a Level 3 subscription (through the app's own operations).
2. Serves it with gunicorn (``gunicorn.conf.py``, 2 workers, 127.0.0.1) and runs
   ``search run-indexer`` beside it.
3. Drives browse, search, post and ticket traffic from several processes for ``--duration``
   seconds, each a logged-in customer with its own cookies and real CSRF tokens; every
   acknowledged write is recorded with a unique marker. ``--kill-worker`` kills one gunicorn
   worker with SIGKILL half-way through.
4. Lets the indexer drain the outbox and verifies that every acknowledged thread, reply and
   ticket is in the database, and every post is found in the index by its marker.

Exit status 1 on any 5xx or any lost write. See benchmarks/README.md.
"""

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections import Counter
from collections import defaultdict
from pathlib import Path

from catalog_bench import ROOT
from catalog_bench import THINGS
from catalog_bench import flask
from catalog_bench import write_apps

PASSWORD = "load-test-password-2026"
# Word lists, many to a line: ruff format would give each word a line of its own.
# fmt: off
WORDS = [
    "account", "install", "upgrade", "invoice", "backup", "restore", "mailbox", "quota",
    "certificate", "renew", "domain", "migration", "export", "import", "password", "login",
    "licence", "plugin", "schedule", "report", "timeout", "error", "dashboard", "webhook",
    "cluster", "database", "refund", "trial", "setting", "permission", "sync",
]
# fmt: on
GENERAL = ["getting-started", "billing", "platform", "announcements"]
TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
STATE_RE = re.compile(r'name="state" value="([^"]+)"')
ACTIONS = {"browse": 45, "search": 25, "post": 20, "ticket": 10}


# --- the dataset ---------------------------------------------------------------------------


def sentence(rng: random.Random, words: int) -> str:
    """A few support words."""
    return " ".join(rng.choice(WORDS) for _ in range(words))


def write_posts(path: Path, count: int, app_slugs: list[str]) -> int:
    """Write ``count`` posts as threads of an opening post and three replies; return threads."""
    rng, threads = random.Random(7), count // 4
    with path.open("w", encoding="utf-8") as out:
        for n in range(threads):
            month, mday, hour = rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)
            day = f"2025-{month:02d}-{mday:02d}T{hour:02d}:00Z"
            in_app = app_slugs and rng.random() < 0.5
            where = {"app": rng.choice(app_slugs)} if in_app else {"section": rng.choice(GENERAL)}
            replies = [
                {
                    "author": f"Member {rng.randrange(5000)}",
                    "created": day,
                    "body": f"{sentence(rng, 30)}. Try the {rng.choice(THINGS)} settings first.",
                }
                for _ in range(3)
            ]
            out.write(
                json.dumps(
                    {
                        **where,
                        "title": f"{sentence(rng, 5).capitalize()} ({n})",
                        "author": f"Member {rng.randrange(5000)}",
                        "created": day,
                        "body": f"{sentence(rng, 60)}.\n\n**{sentence(rng, 8)}**",
                        "replies": replies,
                    }
                )
                + "\n"
            )
    return threads


SETUP = """import json, sys
from datetime import date, timedelta
from sqlalchemy import select
from catalog import create_app
from catalog.accounts import operations
from catalog.accounts.models import Organisation
from catalog.extensions import db
from catalog.forum.models import Section, Thread
from catalog.marketplace.models import App, Category
from catalog.support.demo import ensure_plans
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import Subscription
with create_app().app_context():
    plans = ensure_plans()
    for n in range(int(sys.argv[1])):
        user = operations.create_user(
            f"load{n}@example.com", f"Load Customer {n}", sys.argv[2], "customer"
        )
        user.organisation = Organisation(name=f"Load Customer {n} Ltd")
        sub = Subscription(
            organisation=user.organisation,
            plan=plans["level-3"],
            starts_on=date.today() - timedelta(days=30),
            ends_on=date.today() + timedelta(days=365),
        )
        sub.contacts.append(NamedContact(user=user))
        db.session.add(sub)
    db.session.commit()
    print(json.dumps({
        "apps": list(db.session.scalars(select(App.slug).where(App.published.is_(True)))),
        "categories": list(db.session.scalars(select(Category.slug))),
        "sections": list(db.session.scalars(select(Section.slug))),
        "max_thread": db.session.scalar(select(db.func.max(Thread.id))),
    }))
"""


def timed(label: str, env: dict, *args: str) -> float:
    """Run one flask command; print and return its wall-clock seconds."""
    began = time.perf_counter()
    flask(env, *args)
    seconds = time.perf_counter() - began
    print(f"  {label:<28} {seconds:7.1f} s", flush=True)
    return seconds


def build(tmp: Path, env: dict, args) -> tuple[dict, dict]:
    """Import apps and posts, build the index, add the customers; return (facts, build times)."""
    print(f"Building the dataset in {tmp} …", flush=True)
    records = write_apps(tmp / "apps.jsonl", args.apps)
    forum_apps = [
        r["slug"] for r in records if r["published"] and r["support"].get("dedicated_forum")
    ][:300]
    write_posts(tmp / "posts.jsonl", args.posts, forum_apps)
    times = {
        "init-db": timed("init-db", env, "init-db"),
        "import-apps": timed(
            f"import-apps ({args.apps})", env, "import-apps", str(tmp / "apps.jsonl")
        ),
        "sync-sections": timed("forum sync-sections", env, "forum", "sync-sections"),
        "import-posts": timed(
            f"import-posts ({args.posts} posts)", env, "import-posts", str(tmp / "posts.jsonl")
        ),
        "reindex": timed("search reindex", env, "search", "reindex"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SETUP, str(args.processes), PASSWORD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    facts["pro_apps"] = [
        r["slug"]
        for r in records
        if r["published"] and r["support"].get("operator", {}).get("professional")
    ]
    if not facts["pro_apps"]:
        raise SystemExit("no published app offers professional support; tickets cannot be filed")
    return facts, times


# --- the servers ---------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, proc: subprocess.Popen, log: Path) -> None:
    """Wait (at most 60 s) for /healthz to answer 200."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    """Stop a process we started and wait for it (SIGKILL after 20 s)."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def serving(env: dict, tmp: Path):
    """gunicorn -c gunicorn.conf.py (2 workers) and the search indexer; yield (port, master)."""
    port = free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(tmp / "access.log"),
        "GUNICORN_ERROR_LOG": str(tmp / "gunicorn.log"),
    }
    with (tmp / "indexer.log").open("a") as out:
        indexer = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "catalog", "search", "run-indexer"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(port, gunicorn, tmp / "gunicorn.log")
        yield port, gunicorn, indexer
    finally:
        stop(gunicorn)
        stop(indexer, signal.SIGINT)


def workers_of(master: int) -> list[int]:
    """The pids whose parent is ``master`` (gunicorn's workers), from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
    return sorted(pids)


# --- the load generator --------------------------------------------------------------------


class Browser:
    """One customer: a cookie jar and a keep-alive connection; redirects are not followed."""

    def __init__(self, port: int):
        self.port, self.conn, self.cookies = port, None, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """Send one request; return (status, Location, body). Connection errors propagate."""
        headers = (
            {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            if self.cookies
            else {}
        )
        body = urllib.parse.urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";")[0]
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, response.headers.get("Location", ""), text


def wizard_form(html: str, step: str, data: dict) -> dict:
    """The form of a wizard step: its CSRF token and signed state from the page, and the answers."""
    return {
        "csrf_token": TOKEN_RE.search(html).group(1),
        "state": STATE_RE.search(html).group(1),
        "step": step,
        **data,
    }


class Run:
    """One process's share of the load: its requests (label, status, seconds) and its writes."""

    def __init__(self, port: int, facts: dict, number: int, deadline: float, run_id: str):
        self.browser, self.facts, self.deadline = Browser(port), facts, deadline
        self.rng, self.run_id, self.number, self.seq = random.Random(number), run_id, number, 0
        self.requests, self.writes, self.unknown = [], [], []
        self.threads: list[int] = []

    def call(self, label: str, method: str, path: str, form: dict | None = None):
        """Time and record one request: (status, location, body), or None on a connection error."""
        began = time.perf_counter()
        try:
            status, location, body = self.browser.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self.requests.append(
                (label, f"connection error ({type(error).__name__})", time.perf_counter() - began)
            )
            return None
        self.requests.append((label, status, time.perf_counter() - began))
        return status, location, body

    def page(self, path: str) -> str | None:
        """GET a page as browsing; its body if it answered 200."""
        answer = self.call("browse", "GET", path)
        return answer[2] if answer and answer[0] == 200 else None

    def marker(self) -> str:
        """A unique word for one write, found by search afterwards."""
        self.seq += 1
        return f"lw{self.run_id}p{self.number}n{self.seq}"

    def login(self) -> None:
        """Log in through the form with its CSRF token."""
        token = TOKEN_RE.search(self.page("/account/login") or "").group(1)
        answer = self.call(
            "login",
            "POST",
            "/account/login",
            {"csrf_token": token, "email": f"load{self.number}@example.com", "password": PASSWORD},
        )
        if not answer or answer[0] != 302:
            raise SystemExit(f"login of load{self.number} failed: {answer and answer[0]}")

    def browse(self) -> None:
        """A catalog page with filters, an app page, a thread or a section."""
        f, rng = self.facts, self.rng
        choice = rng.randrange(6)
        if choice == 0:
            self.page(f"/apps?category={rng.choice(f['categories'])}&page={rng.randint(1, 5)}")
        elif choice == 1:
            channel = rng.choice(["isv", "professional", "consulting"])
            self.page(f"/apps?channel={channel}&sort=updated&page={rng.randint(1, 20)}")
        elif choice == 2:
            self.page(f"/apps?q={rng.choice(WORDS)}")
        elif choice == 3:
            self.page(f"/apps/{rng.choice(f['apps'])}")
        elif choice == 4:
            self.page(f"/forum/t/{rng.randint(1, f['max_thread'])}")
        else:
            self.page(f"/forum/s/{rng.choice(f['sections'])}")

    def search(self) -> None:
        """The search page or the search API, sometimes with a filter or a prefix."""
        q = " ".join(self.rng.sample(WORDS, self.rng.randint(1, 2)))
        if self.rng.random() < 0.2:
            q += " type:thread" if self.rng.random() < 0.5 else f" {self.rng.choice(WORDS)[:5]}*"
        quoted = urllib.parse.quote_plus(q)
        if self.rng.random() < 0.5:
            self.call("search", "GET", f"/search?q={quoted}")
        else:
            self.call("search-api", "GET", f"/api/v1/search?q={quoted}")

    def written(self, kind: str, marker: str, answer, pattern: str) -> None:
        """Record an acknowledged write (its id from the redirect) and follow the redirect."""
        if answer is None:
            self.unknown.append({"kind": kind, "marker": marker})
            return
        status, location, _ = answer
        found = re.search(pattern, location) if status in (302, 303) else None
        if found is None:
            return
        self.writes.append({"kind": kind, "marker": marker, "id": found.group(1)})
        self.page(
            urllib.parse.urlsplit(location)._replace(fragment="", scheme="", netloc="").geturl()
        )

    def post(self) -> None:
        """Start a thread (from the new-thread form) or reply (from the thread page)."""
        marker, text = self.marker(), sentence(self.rng, 20)
        if self.rng.random() < 0.4 or not self.threads:
            slug = self.rng.choice(self.facts["sections"])
            html = self.page(f"/forum/s/{slug}/new")
            if html:
                answer = self.call(
                    "post",
                    "POST",
                    f"/forum/s/{slug}/new",
                    {
                        "csrf_token": TOKEN_RE.search(html).group(1),
                        "title": f"Load test question {self.seq}",
                        "body": f"{text} {marker}",
                    },
                )
                self.written("thread", marker, answer, r"/forum/t/(\d+)$")
                if self.writes and self.writes[-1]["marker"] == marker:
                    self.threads.append(int(self.writes[-1]["id"]))
            return
        mine = self.rng.random() < 0.5
        thread = (
            self.rng.choice(self.threads) if mine else self.rng.randint(1, self.facts["max_thread"])
        )
        html = self.page(f"/forum/t/{thread}")
        if html:
            answer = self.call(
                "post",
                "POST",
                f"/forum/t/{thread}/reply",
                {"csrf_token": TOKEN_RE.search(html).group(1), "body": f"{text} {marker}"},
            )
            self.written("reply", marker, answer, r"#post-(\d+)$")

    def ticket(self) -> None:
        """File a ticket through every step of the request wizard, as a browser does."""
        marker = self.marker()
        answer = self.call(
            "ticket-step", "GET", f"/support/new?app={self.rng.choice(self.facts['pro_apps'])}"
        )
        steps = [
            ("describe", {"title": f"Load test ticket {marker}", "text": sentence(self.rng, 30)}),
            (
                "classify",
                {
                    "severity": str(self.rng.randint(1, 3)),
                    "kind": self.rng.choice(["incident", "question"]),
                },
            ),
            ("deflect", {}),
        ]
        for step, data in steps:
            if not answer or answer[0] != 200:
                return
            html = answer[2]
            answer = self.call("ticket-step", "POST", "/support/new", wizard_form(html, step, data))
        if not answer or answer[0] != 200:
            return
        answer = self.call(
            "ticket-submit", "POST", "/support/new", wizard_form(answer[2], "review", {})
        )
        self.written("ticket", marker, answer, r"/support/tickets/([A-Z]+-\d+)$")

    def loop(self) -> dict:
        """Log in, then act until the deadline."""
        self.login()
        actions, weights = list(ACTIONS), list(ACTIONS.values())
        while time.time() < self.deadline:
            getattr(self, self.rng.choices(actions, weights)[0])()
        return {"requests": self.requests, "writes": self.writes, "unknown": self.unknown}


def load_process(port: int, facts: dict, number: int, deadline: float, run_id: str) -> dict:
    """Entry point of one load process."""
    return Run(port, facts, number, deadline, run_id).loop()


def drive(
    port: int, master: subprocess.Popen, facts: dict, args
) -> tuple[list[dict], float, dict | None]:
    """Run the load processes for ``args.duration`` s (killing one worker half-way if asked)."""
    run_id = uuid.uuid4().hex[:6]
    began = time.time()
    deadline = began + args.duration
    killed = None
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        jobs = [(port, facts, n, deadline, run_id) for n in range(args.processes)]
        pending = pool.starmap_async(load_process, jobs)
        if args.kill_worker:
            time.sleep(args.duration / 2)
            workers = workers_of(master.pid)
            if workers:
                victim = random.choice(workers)
                os.kill(victim, signal.SIGKILL)
                killed = {
                    "pid": victim,
                    "at_second": round(time.time() - began, 1),
                    "workers_before": workers,
                }
                print(f"  kill -9 worker {victim} at {killed['at_second']} s", flush=True)
                time.sleep(3)
                killed["workers_after"] = workers_of(master.pid)
        results = pending.get(timeout=args.duration + 120)
    return results, time.time() - began, killed


# --- checking and reporting ----------------------------------------------------------------

VERIFY = """import json, sys
from sqlalchemy import select
from catalog import create_app, search
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


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` in milliseconds (nearest rank)."""
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000
        if ordered
        else float("nan")
    )


def summarise(results: list[dict], seconds: float) -> dict:
    """Throughput and p50/p99 per label, and the outcomes that were not 2xx/3xx."""
    latencies, outcomes = defaultdict(list), Counter()
    for result in results:
        for label, status, elapsed in result["requests"]:
            latencies[label].append(elapsed)
            if not isinstance(status, int) or status >= 400:
                outcomes[f"{label}: {status}"] += 1
    kinds = {
        label: {
            "requests": len(v),
            "rps": len(v) / seconds,
            "p50_ms": percentile(v, 0.5),
            "p99_ms": percentile(v, 0.99),
        }
        for label, v in sorted(latencies.items())
    }
    return {
        "seconds": seconds,
        "kinds": kinds,
        "errors": dict(outcomes),
        "server_errors": sum(
            n for key, n in outcomes.items() if key.split(": ")[1].startswith("5")
        ),
        "connection_errors": sum(n for key, n in outcomes.items() if "connection error" in key),
    }


def report(
    summary: dict, writes: list[dict], unknown: list[dict], lost: list[dict], killed
) -> None:
    """Print the figures; shout about 5xx and lost writes."""
    print(f"\n{'kind':<14} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, k in summary["kinds"].items():
        print(
            f"{label:<14} {k['requests']:8d} {k['rps']:8.1f} {k['p50_ms']:8.1f} {k['p99_ms']:8.1f}"
        )
    total = sum(k["requests"] for k in summary["kinds"].values())
    print(f"{'all':<14} {total:8d} {total / summary['seconds']:8.1f}")
    print(
        f"Writes acknowledged: {dict(Counter(w['kind'] for w in writes))}; "
        f"outcome unknown (connection error): {len(unknown)}"
    )
    print(f"Not 2xx/3xx: {summary['errors'] or 'none'}")
    if killed:
        print(
            f"Killed worker {killed['pid']} at {killed['at_second']} s; "
            f"workers before {killed['workers_before']}, 3 s after {killed['workers_after']}; "
            f"connection errors: {summary['connection_errors']}"
        )
    if summary["server_errors"]:
        print(
            f"!!! {summary['server_errors']} SERVER ERRORS (5xx) "
            "— see access.log and gunicorn.log !!!"
        )
    if lost:
        print(f"!!! LOST WRITES: {len(lost)} !!! {lost[:10]}")
    else:
        print(
            "Lost writes: 0 (every acknowledged write is in the database, every post in the index)"
        )


# --- main ------------------------------------------------------------------------------------


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
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument(
        "--processes", type=int, default=6, help="load processes, one customer each"
    )
    parser.add_argument("--apps", type=int, default=20000, help="apps to generate")
    parser.add_argument(
        "--posts", type=int, default=100000, help="forum posts (a quarter are threads)"
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server; a fresh database is made"
    )
    parser.add_argument("--kill-worker", action="store_true", help="kill -9 one worker half-way")
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


def run(args, tmp: Path) -> dict:
    """Build, serve, load, drain, verify; return the results."""
    with database(tmp, args.postgres) as url:
        env = environment(url, tmp)
        facts, times = build(tmp, env, args)
        with serving(env, tmp) as (port, master, _indexer):
            print(
                f"Load: {args.processes} processes for {args.duration} s on 127.0.0.1:{port}"
                f"{' with kill -9 of one worker' if args.kill_worker else ''} …",
                flush=True,
            )
            results, seconds, killed = drive(port, master, facts, args)
            drained = drain(env)
        flask(env, "search", "sync")  # the indexer is stopped: anything left is applied now
        writes = [w for r in results for w in r["writes"]]
        unknown = [w for r in results for w in r["unknown"]]
        lost = verify(env, tmp, writes)
    print(f"Indexer drained the outbox {drained:.1f} s after the load stopped.")
    summary = summarise(results, seconds)
    report(summary, writes, unknown, lost, killed)
    return {
        "database": "postgresql" if args.postgres else "sqlite",
        "build_seconds": times,
        "processes": args.processes,
        **summary,
        "writes": dict(Counter(w["kind"] for w in writes)),
        "unknown_writes": len(unknown),
        "lost": lost,
        "killed": killed,
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
