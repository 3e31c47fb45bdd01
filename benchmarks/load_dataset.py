"""The dataset of ``load.py``: apps, forum posts with accepted answers, articles and customers.

Deflection (the request wizard's "these may answer your question") suggests only articles and
solved threads, so the dataset has both: a third of the threads have an accepted answer
(``accepted_reply`` in ``import-posts``), and ``--articles`` published knowledge articles.
``import-posts`` imports threads only, so the articles are written through the app's own
operation (``catalog.forum.articles.save_article``), as the customers are, before the index is
built. The text of the posts and articles comes from ``load_text`` (real Debian package
descriptions, or the synthetic words below with ``--text synthetic``).
"""

import json
import random
import subprocess
import sys
import time
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
SOLVED_SHARE = 1 / 3


def sentence(rng: random.Random, words: int) -> str:
    """A few support words."""
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _thread(rng: random.Random, n: int, app_slugs: list[str], corpus=None) -> dict:
    """One thread record: an opening post and three replies, a third with an accepted answer;
    its text from ``corpus`` (a ``load_text.Corpus``), or synthetic when there is none."""
    month, mday, hour = rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)
    day = f"2025-{month:02d}-{mday:02d}T{hour:02d}:00Z"
    in_app = app_slugs and rng.random() < 0.5
    where = {"app": rng.choice(app_slugs)} if in_app else {"section": rng.choice(GENERAL)}
    if corpus is not None:
        title, body, bodies = corpus.thread(n)
        replies = [
            {"author": f"Member {rng.randrange(5000)}", "created": day, "body": text}
            for text in bodies
        ]
        accepted = {"accepted_reply": rng.randrange(3)} if rng.random() < SOLVED_SHARE else {}
        author = f"Member {rng.randrange(5000)}"
        return {
            **where,
            "title": title,
            "author": author,
            "created": day,
            "body": body,
            "replies": replies,
            **accepted,
        }
    replies = [
        {
            "author": f"Member {rng.randrange(5000)}",
            "created": day,
            "body": f"{sentence(rng, 30)}. Try the {rng.choice(THINGS)} settings first.",
        }
        for _ in range(3)
    ]
    accepted = {"accepted_reply": rng.randrange(3)} if rng.random() < SOLVED_SHARE else {}
    return {
        **where,
        "title": f"{sentence(rng, 5).capitalize()} ({n})",
        "author": f"Member {rng.randrange(5000)}",
        "created": day,
        "body": f"{sentence(rng, 60)}.\n\n**{sentence(rng, 8)}**",
        "replies": replies,
        **accepted,
    }


def write_posts(path: Path, count: int, app_slugs: list[str], corpus=None) -> int:
    """Write ``count`` posts as threads of an opening post and three replies; return threads."""
    rng, threads = random.Random(7), count // 4
    with path.open("w", encoding="utf-8") as out:
        for n in range(threads):
            out.write(json.dumps(_thread(rng, n, app_slugs, corpus)) + "\n")
    return threads


def write_articles(path: Path, count: int, corpus=None) -> None:
    """Write ``count`` article records (title, body, visibility) as JSON Lines."""
    rng = random.Random(11)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            if corpus is not None:
                title, body = corpus.article(n)
            else:
                title = f"How to {sentence(rng, 4)} ({n})"
                body = "\n\n".join(sentence(rng, 40) + "." for _ in range(4))
            record = {
                "title": title,
                "body": body,
                "visibility": "customers" if rng.random() < 0.2 else "public",
            }
            out.write(json.dumps(record) + "\n")


SETUP = """import json, sys
from datetime import date, timedelta
from sqlalchemy import select
from catalog import create_app
from catalog.accounts import operations
from catalog.accounts.models import Organisation
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import articles
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
    now = utcnow()
    for line in open(sys.argv[3], encoding="utf-8"):
        values = {**json.loads(line), "status": "published", "source": "fresh"}
        articles.save_article(None, values, None, now)
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


def _setup(tmp: Path, env: dict, args, corpus=None) -> dict:
    """Add the customers and the articles through the app's operations; return the site's facts."""
    began = time.perf_counter()
    write_articles(tmp / "articles.jsonl", args.articles, corpus)
    done = subprocess.run(
        # one customer per load process, and one for the freshness probe (load_freshness)
        [
            sys.executable,
            "-c",
            SETUP,
            str(args.processes + 1),
            PASSWORD,
            str(tmp / "articles.jsonl"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    label = f"customers, {args.articles} articles"
    print(f"  {label:<28} {time.perf_counter() - began:7.1f} s", flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(tmp: Path, env: dict, args, corpus=None) -> tuple[dict, dict]:
    """Import apps and posts, add customers and articles, build the index; return (facts, times).

    With a ``corpus`` (``load_text.Corpus``) the posts and articles are its real text and the
    facts carry what the load processes draw their posts, searches and drafts from."""
    print(f"Building the dataset in {tmp} …", flush=True)
    if corpus is not None:
        print(f"  text: {corpus.summary()}", flush=True)
    records = write_apps(tmp / "apps.jsonl", args.apps)
    forum_apps = [
        r["slug"] for r in records if r["published"] and r["support"].get("dedicated_forum")
    ][:300]
    write_posts(tmp / "posts.jsonl", args.posts, forum_apps, corpus)
    times = {
        "init-db": timed("init-db", env, "init-db"),
        "import-apps": timed(
            f"import-apps ({args.apps})", env, "import-apps", str(tmp / "apps.jsonl")
        ),
        "sync-sections": timed("forum sync-sections", env, "forum", "sync-sections"),
        "import-posts": timed(
            f"import-posts ({args.posts} posts)", env, "import-posts", str(tmp / "posts.jsonl")
        ),
    }
    facts = _setup(tmp, env, args, corpus)
    if corpus is not None:
        facts["texts"] = corpus.client_texts()
    times["reindex"] = timed("search reindex", env, "search", "reindex")
    facts["pro_apps"] = [
        r["slug"]
        for r in records
        if r["published"] and r["support"].get("operator", {}).get("professional")
    ]
    if not facts["pro_apps"]:
        raise SystemExit("no published app offers professional support; tickets cannot be filed")
    return facts, times
