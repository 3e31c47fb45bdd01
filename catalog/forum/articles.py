"""Writes of knowledge articles: write fresh, promote from a thread, edit. Flush only."""

from datetime import datetime

from sqlalchemy import select

from catalog.extensions import db
from catalog.forum.models import Article
from catalog.forum.models import Thread
from catalog.marketplace.identifiers import slugify

ARTICLE_FIELDS = ("title", "body", "app_id", "section_id", "visibility", "status", "source")


def _unique_slug(title: str, article_id: int | None = None) -> str:
    """A slug from the title that no other article uses."""
    base = slugify(title)[:100]
    taken = set(
        db.session.scalars(
            select(Article.slug).where(
                Article.slug.startswith(base), Article.id != (article_id or 0)
            )
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_article(article: Article | None, values: dict, author_id: int, now: datetime) -> Article:
    """Create an article (``article`` None) or update one from form ``values``."""
    if article is None:
        article = Article(author_id=author_id, created_at=now)
    if "title" in values:
        with db.session.no_autoflush:
            article.slug = _unique_slug(values["title"], article.id)
    for key in ARTICLE_FIELDS:
        if key in values:
            setattr(article, key, values[key])
    article.updated_at = now
    db.session.add(article)
    db.session.flush()
    return article


def promote_thread(thread: Thread, author_id: int, now: datetime) -> Article:
    """A draft article distilled from a thread: its question and its accepted answer."""
    opening = next((p for p in thread.posts if p.is_opening), None)
    accepted = next((p for p in thread.posts if p.id == thread.accepted_post_id), None)
    parts = ["## The question", opening.body if opening else ""]
    if accepted is not None:
        parts += ["## The answer", accepted.body]
    values = {
        "title": thread.title,
        "body": "\n\n".join(parts),
        "section_id": thread.section_id,
        "app_id": thread.section.app_id,
        "visibility": "public",
        "status": "draft",
        "source": "thread",
    }
    article = save_article(None, values, author_id, now)
    article.source_thread_id = thread.id
    db.session.flush()
    return article
