"""Database rows → the search engine's documents.

``load(doc_ids)`` answers, for a batch of outbox ids such as "thread:12", which documents to
upsert and which to delete: a row that is missing, hidden, unpublished or a draft is a delete.
``all_documents()`` streams every indexable row for a full rebuild: it reads columns, not ORM
objects (a rebuild of 100,000 posts built and joined 100,000 objects), and skips Markdown
rendering for text that has no Markdown in it (``_plain``), with the same result.
"""

import re
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalog.extensions import db
from catalog.forum.models import Article
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.markdown import plain_text
from catalog.marketplace.models import App
from catalog.search.engine import Document

CHUNK = 500


def split_ids(doc_ids) -> dict[str, list[int]]:
    """Group "type:id" strings by type; malformed ids are ignored."""
    grouped = defaultdict(list)
    for doc_id in doc_ids:
        kind, _, number = doc_id.partition(":")
        if number.isdigit():
            grouped[kind].append(int(number))
    return grouped


def _where(section: Section) -> dict:
    """The section and app slugs of a section."""
    return {"section": section.slug, "app": section.app.slug if section.app else ""}


def thread_document(thread: Thread, opening: Post | None) -> Document:
    """A thread: its title and opening post; "accepted" means solved."""
    return Document(
        id=f"thread:{thread.id}",
        type="thread",
        title=thread.title,
        body=plain_text(opening.body if opening else ""),
        accepted=thread.accepted_post_id is not None,
        created=thread.created_at,
        **_where(thread.section),
    )


def reply_document(post: Post) -> Document:
    """A reply, titled after its thread and linked to it."""
    thread = post.thread
    return Document(
        id=f"reply:{post.id}",
        type="reply",
        title=f"Re: {thread.title}",
        body=plain_text(post.body),
        accepted=thread.accepted_post_id == post.id,
        created=post.created_at,
        parent=f"thread:{thread.id}",
        **_where(thread.section),
    )


def article_document(article: Article) -> Document:
    """A published knowledge article with its visibility."""
    return Document(
        id=f"article:{article.id}",
        type="article",
        title=article.title,
        body=plain_text(article.body),
        section=article.section.slug if article.section else "",
        app=article.app.slug if article.app else "",
        visibility=article.visibility,
        created=article.created_at,
    )


def app_document(app: App) -> Document:
    """A published app, found by its name."""
    body = f"{app.summary}\n\n{plain_text(app.description)}"
    return Document(
        id=f"app:{app.id}",
        type="app",
        title=app.name,
        body=body,
        app=app.slug,
        created=app.created_at,
    )


def _threads(ids) -> Iterator[Document]:
    """Documents of the visible threads among ``ids``."""
    statement = (
        select(Thread, Post)
        .join(Post, (Post.thread_id == Thread.id) & Post.is_opening.is_(True), isouter=True)
        .options(joinedload(Thread.section).joinedload(Section.app))
        .where(Thread.hidden.is_(False))
    )
    if ids is not None:
        statement = statement.where(Thread.id.in_(ids))
    for thread, opening in db.session.execute(statement.order_by(Thread.id)):
        yield thread_document(thread, opening)


def _replies(ids) -> Iterator[Document]:
    """Documents of the visible replies among ``ids`` (their thread visible too)."""
    statement = (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .options(joinedload(Post.thread).joinedload(Thread.section).joinedload(Section.app))
        .where(Post.is_opening.is_(False), Post.hidden.is_(False), Thread.hidden.is_(False))
    )
    if ids is not None:
        statement = statement.where(Post.id.in_(ids))
    for post in db.session.scalars(statement.order_by(Post.id)):
        yield reply_document(post)


def _articles(ids) -> Iterator[Document]:
    """Documents of the published articles among ``ids``."""
    statement = (
        select(Article)
        .options(joinedload(Article.app), joinedload(Article.section))
        .where(Article.status == "published")
    )
    if ids is not None:
        statement = statement.where(Article.id.in_(ids))
    for article in db.session.scalars(statement.order_by(Article.id)):
        yield article_document(article)


def _apps(ids) -> Iterator[Document]:
    """Documents of the published apps among ``ids``."""
    statement = select(App).where(App.published.is_(True))
    if ids is not None:
        statement = statement.where(App.id.in_(ids))
    for app in db.session.scalars(statement.order_by(App.id)):
        yield app_document(app)


LOADERS = {"thread": _threads, "reply": _replies, "article": _articles, "app": _apps}


def load(doc_ids) -> tuple[list[Document], list[str]]:
    """(documents to upsert, ids to delete) for a batch of doc ids."""
    upserts, wanted = [], set()
    for kind, ids in split_ids(doc_ids).items():
        loader = LOADERS.get(kind)
        if loader is None:
            continue
        for start in range(0, len(ids), CHUNK):
            upserts.extend(loader(ids[start : start + CHUNK]))
        wanted |= {f"{kind}:{i}" for i in ids}
    found = {doc.id for doc in upserts}
    return upserts, sorted(wanted - found)


def all_documents() -> Iterator[Document]:
    """Every indexable document, for a full rebuild (the same documents ``load`` makes)."""
    places = _places()
    yield from _all_threads(places)
    yield from _all_replies(places)
    yield from _articles(None)
    yield from _apps(None)


STREAM = {"yield_per": 2000}
# Text of these characters only, each line starting with a letter, is one or more plain
# paragraphs: Markdown renders it as <p> elements and plain_text gives back its stripped
# non-blank lines. Anything else (any punctuation Markdown or HTML treats specially, a line
# starting with a digit, a space, a dash …) goes through the renderer.
_PLAIN_LINE = re.compile(r"[^\W\d_][^\W_]*(?:[ .,;:?!'\"()/%@$-]+[^\W_]+)*[ .,;:?!'\"()/%@$-]*")


def _plain(text: str | None) -> str:
    """``plain_text(text)``, without rendering text that has no Markdown in it."""
    lines = [line for line in (text or "").split("\n") if line.strip()]
    if all(_PLAIN_LINE.fullmatch(line.rstrip(" ")) and not line.endswith("  ") for line in lines):
        return "\n".join(line.rstrip(" ") for line in lines)
    return plain_text(text)


def _places() -> dict[int, dict]:
    """Section id → its section and app slugs (a few hundred rows)."""
    statement = select(Section.id, Section.slug, App.slug).join(
        App, App.id == Section.app_id, isouter=True
    )
    return {
        section_id: {"section": slug, "app": app_slug or ""}
        for section_id, slug, app_slug in db.session.execute(statement)
    }


def _all_threads(places) -> Iterator[Document]:
    """Every visible thread, from columns (see ``thread_document``)."""
    statement = (
        select(
            Thread.id,
            Thread.title,
            Thread.accepted_post_id,
            Thread.created_at,
            Thread.section_id,
            Post.body,
        )
        .join(Post, (Post.thread_id == Thread.id) & Post.is_opening.is_(True), isouter=True)
        .where(Thread.hidden.is_(False))
        .order_by(Thread.id)
        .execution_options(**STREAM)
    )
    for thread_id, title, accepted, created, section_id, body in db.session.execute(statement):
        yield Document(
            id=f"thread:{thread_id}",
            type="thread",
            title=title,
            body=_plain(body),
            accepted=accepted is not None,
            created=created,
            **places[section_id],
        )


def _all_replies(places) -> Iterator[Document]:
    """Every visible reply of a visible thread, from columns (see ``reply_document``)."""
    statement = (
        select(
            Post.id,
            Post.body,
            Post.created_at,
            Thread.id,
            Thread.title,
            Thread.accepted_post_id,
            Thread.section_id,
        )
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.is_opening.is_(False), Post.hidden.is_(False), Thread.hidden.is_(False))
        .order_by(Post.id)
        .execution_options(**STREAM)
    )
    for post_id, body, created, thread_id, title, accepted, section_id in db.session.execute(
        statement
    ):
        yield Document(
            id=f"reply:{post_id}",
            type="reply",
            title=f"Re: {title}",
            body=_plain(body),
            accepted=accepted == post_id,
            created=created,
            parent=f"thread:{thread_id}",
            **places[section_id],
        )


def database_counts() -> dict[str, int]:
    """How many documents of each type the database holds (for ``search status``)."""
    visible_thread = Thread.hidden.is_(False)
    return {
        "thread": db.session.scalar(select(func.count(Thread.id)).where(visible_thread)),
        "reply": db.session.scalar(
            select(func.count(Post.id))
            .join(Thread, Thread.id == Post.thread_id)
            .where(Post.is_opening.is_(False), Post.hidden.is_(False), visible_thread)
        ),
        "article": db.session.scalar(
            select(func.count(Article.id)).where(Article.status == "published")
        ),
        "app": db.session.scalar(select(func.count(App.id)).where(App.published.is_(True))),
    }
