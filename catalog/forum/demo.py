"""Demo forum content for ``load-demo``: believable threads, answers, votes and articles.

Generated from the question templates in ``demo_data`` keyed by each app's category, with a
random generator seeded by the app's slug, so every run produces the same content. Running it
again adds nothing: threads are matched by section and title, articles by title.
"""

import random
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.forum import articles
from catalog.forum import importing
from catalog.forum.demo_data.articles import ARTICLES
from catalog.forum.demo_data.questions import AUTHORS
from catalog.forum.demo_data.questions import CATEGORY_QUESTIONS
from catalog.forum.demo_data.questions import GENERAL_QUESTIONS
from catalog.forum.demo_data.questions import GENERIC_QUESTIONS
from catalog.forum.demo_data.questions import HELPERS
from catalog.forum.models import Article
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Vote
from catalog.forum.sections import sync_sections
from catalog.marketplace.identifiers import slugify
from catalog.marketplace.models import App

BASE = datetime(2026, 6, 30, 9, 0, tzinfo=UTC)
VOTERS = ("customer@example.com", "staff@example.com")


def _record(rng: random.Random, where: dict, template: tuple, names: dict, helper: str) -> dict:
    """A thread record in import format from a (title, question, answer, follow-up) template."""
    title, question, answer, follow_up = (part.format(**names) for part in template)
    opened = BASE - timedelta(days=rng.randint(1, 240), minutes=rng.randint(0, 600))
    author = rng.choice(AUTHORS)
    replies = [
        {"author": helper, "body": answer, "created": opened + timedelta(hours=rng.randint(1, 30))}
    ]
    if follow_up:
        replies.append(
            {
                "author": author,
                "body": follow_up,
                "created": replies[0]["created"] + timedelta(hours=rng.randint(1, 48)),
            }
        )
    return {
        **where,
        "title": title,
        "author": author,
        "created": opened,
        "body": question,
        "replies": replies,
        "accepted_reply": 0 if follow_up else None,
        "locked": False,
        "line": 0,
    }


def app_records(app: App) -> list[dict]:
    """The demo threads of one app's dedicated section."""
    rng = random.Random(f"demo-forum:{app.slug}")
    names = {"app": app.name, "vendor": app.vendor.name}
    templates = CATEGORY_QUESTIONS.get(app.category.slug, []) + GENERIC_QUESTIONS
    helpers = [f"{app.vendor.name} support", *HELPERS]
    return [
        _record(rng, {"app": app.slug, "section": None}, t, names, rng.choice(helpers))
        for t in templates
    ]


def general_records() -> list[dict]:
    """The demo threads of the general sections."""
    rng = random.Random("demo-forum:general")
    return [
        _record(rng, {"section": slug, "app": None}, template, {}, rng.choice(HELPERS))
        for slug, templates in GENERAL_QUESTIONS.items()
        for template in templates
    ]


def _add_votes(threads) -> int:
    """Demo members mark accepted answers as helpful (once each)."""
    voters = list(db.session.scalars(select(User.id).where(User.email.in_(VOTERS))))
    added = 0
    for thread in threads:
        if thread.accepted_post_id is None:
            continue
        for user_id in voters:
            db.session.add(Vote(post_id=thread.accepted_post_id, user_id=user_id))
            added += 1
        db.session.get(Post, thread.accepted_post_id).helpful_count += len(voters)
    db.session.flush()
    return added


def _article_place(where: str) -> dict:
    """The section or app columns of a demo article."""
    kind, _, slug = where.partition(":")
    if kind == "app":
        return {"app_id": db.session.scalar(select(App.id).where(App.slug == slug))}
    return {"section_id": db.session.scalar(select(Section.id).where(Section.slug == slug))}


def _add_articles(now: datetime) -> int:
    """The demo knowledge articles that do not exist yet."""
    existing = set(db.session.scalars(select(Article.slug)))
    added = 0
    for title, body, visibility, status, source, where in ARTICLES:
        if slugify(title) in existing:
            continue
        values = {
            "title": title,
            "body": body,
            "visibility": visibility,
            "status": status,
            "source": source,
        }
        articles.save_article(None, values | _article_place(where), None, now)
        added += 1
    return added


def load_forum_demo(now: datetime) -> dict[str, int]:
    """Create sections, threads, votes and articles that are missing; return what was added."""
    sync_sections(now)
    apps = db.session.scalars(
        select(App).join(Section, Section.app_id == App.id).order_by(App.slug)
    )
    records = [r for app in apps for r in app_records(app)] + general_records()
    threads = importing.write_threads(records, now, skip_existing=True)
    return {"threads": len(threads), "votes": _add_votes(threads), "articles": _add_articles(now)}
