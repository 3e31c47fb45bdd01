"""Writing imported (or demo) threads: resolve where each goes, then add them. Flush only."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from catalog.extensions import db
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.forum.sections import ensure_app_section
from catalog.jsonlines import Problem
from catalog.marketplace.models import App


def resolve(records: list[dict]) -> list[Problem]:
    """Problems with the sections and apps the records name (nothing is created here)."""
    sections = set(
        db.session.scalars(
            select(Section.slug).where(
                Section.slug.in_({r["section"] for r in records if r["section"]})
            )
        )
    )
    apps = set(
        db.session.scalars(
            select(App.slug).where(App.slug.in_({r["app"] for r in records if r["app"]}))
        )
    )
    problems = []
    for record in records:
        if record["section"] and record["section"] not in sections:
            problems.append(
                Problem(
                    record["line"], "section", f"there is no forum section “{record['section']}”"
                )
            )
        if record["app"] and record["app"] not in apps:
            problems.append(Problem(record["line"], "app", f"there is no app “{record['app']}”"))
    return problems


def _destinations(records: list[dict], now: datetime) -> dict[tuple[str, str], Section]:
    """Each record's section by ("section"|"app", slug); missing app sections are created."""
    found = {("section", s.slug): s for s in db.session.scalars(select(Section))}
    for app in db.session.scalars(
        select(App).where(App.slug.in_({r["app"] for r in records if r["app"]}))
    ):
        found[("app", app.slug)] = ensure_app_section(app, now)
    return found


def _key(record: dict) -> tuple[str, str]:
    """Where a record goes, as a key of ``_destinations``."""
    return ("app", record["app"]) if record["app"] else ("section", record["section"])


def _existing_titles() -> set[tuple[int, str]]:
    """(section id, title) of every thread, to skip threads already imported."""
    return {
        (section_id, title)
        for section_id, title in db.session.execute(select(Thread.section_id, Thread.title))
    }


def add_thread(section: Section, record: dict) -> Thread:
    """Add one thread with its opening post, replies and accepted answer."""
    replies = record["replies"]
    last = max([record["created"], *(r["created"] for r in replies)])
    thread = Thread(
        section=section,
        title=record["title"],
        author_name=record["author"],
        created_at=record["created"],
        last_activity_at=last,
        locked=record["locked"],
        reply_count=len(replies),
    )
    db.session.add(thread)
    db.session.flush()
    db.session.add(
        Post(
            thread_id=thread.id,
            author_name=record["author"],
            body=record["body"],
            is_opening=True,
            created_at=record["created"],
        )
    )
    posts = [
        Post(thread_id=thread.id, author_name=r["author"], body=r["body"], created_at=r["created"])
        for r in replies
    ]
    db.session.add_all(posts)
    db.session.flush()
    if record["accepted_reply"] is not None:
        thread.accepted_post_id = posts[record["accepted_reply"]].id
    return thread


def write_threads(
    records: list[dict],
    now: datetime,
    skip_existing: bool = False,
    progress: Callable[[int], None] = lambda n: None,
) -> list[Thread]:
    """Add every record's thread.

    With ``skip_existing``, a thread whose title is already in its section is left out.
    """
    destinations = _destinations(records, now)
    existing = _existing_titles() if skip_existing else set()
    created = []
    for record in records:
        section = destinations[_key(record)]
        if (section.id, record["title"]) not in existing:
            created.append(add_thread(section, record))
            existing.add((section.id, record["title"]))
        progress(1)
    db.session.flush()
    return created
