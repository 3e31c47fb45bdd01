"""Read queries of the forum. Hidden content is left out unless the caller may moderate it."""

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalog.extensions import db
from catalog.forum.models import Article
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.forum.models import Vote
from catalog.marketplace.models import App
from catalog.pagination import Page


def sections_with_counts() -> list[tuple[Section, int]]:
    """Every section with its number of visible threads: general ones first, then apps by name."""
    counts = (
        select(Thread.section_id, func.count(Thread.id).label("n"))
        .where(Thread.hidden.is_(False))
        .group_by(Thread.section_id)
        .subquery()
    )
    statement = (
        select(Section, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.section_id == Section.id)
        .options(joinedload(Section.app))
        .order_by(Section.app_id.is_not(None), Section.position, Section.name)
    )
    return [(section, n) for section, n in db.session.execute(statement)]


def section_by_slug(slug: str) -> Section | None:
    """A section with its app loaded."""
    return db.session.scalar(
        select(Section).options(joinedload(Section.app)).where(Section.slug == slug)
    )


def section_of_app(app_id: int) -> Section | None:
    """The app's dedicated section, if it has one."""
    return db.session.scalar(select(Section).where(Section.app_id == app_id))


def _page_of(statement, page: int, per_page: int) -> Page:
    """One page of ``statement``'s rows, with the total."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique()
    return Page(list(rows), page, per_page, total)


def threads_page(section: Section, page: int, per_page: int, include_hidden: bool) -> Page:
    """A section's threads, most recently active first."""
    statement = select(Thread).where(Thread.section_id == section.id)
    if not include_hidden:
        statement = statement.where(Thread.hidden.is_(False))
    return _page_of(
        statement.order_by(Thread.last_activity_at.desc(), Thread.id.desc()), page, per_page
    )


def thread_by_id(thread_id: int) -> Thread | None:
    """A thread with its section and app."""
    return db.session.scalar(
        select(Thread)
        .options(joinedload(Thread.section).joinedload(Section.app))
        .where(Thread.id == thread_id)
    )


def posts_page(thread: Thread, page: int, per_page: int, include_hidden: bool) -> Page:
    """A thread's posts in order, the opening post first."""
    statement = select(Post).where(Post.thread_id == thread.id)
    if not include_hidden:
        statement = statement.where(Post.hidden.is_(False))
    return _page_of(statement.order_by(Post.id), page, per_page)


def post_position(post: Post, include_hidden: bool) -> int:
    """The 1-based position of ``post`` among its thread's listed posts."""
    statement = select(func.count(Post.id)).where(
        Post.thread_id == post.thread_id, Post.id <= post.id
    )
    if not include_hidden:
        statement = statement.where(Post.hidden.is_(False))
    return db.session.scalar(statement) or 1


def post_by_id(post_id: int) -> Post | None:
    """A post with its thread and section."""
    return db.session.scalar(
        select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.section).joinedload(Section.app))
        .where(Post.id == post_id)
    )


def voted_posts(user_id: int | None, post_ids: list[int]) -> set[int]:
    """Which of ``post_ids`` the user marked as helpful."""
    if not user_id or not post_ids:
        return set()
    return set(
        db.session.scalars(
            select(Vote.post_id).where(Vote.user_id == user_id, Vote.post_id.in_(post_ids))
        )
    )


def move_targets(thread: Thread, staff: bool, vendor_id: int | None) -> list[Section]:
    """Sections a moderator may move ``thread`` to: all for staff; general and own for an ISV."""
    statement = (
        select(Section)
        .outerjoin(App, App.id == Section.app_id)
        .where(Section.id != thread.section_id)
    )
    if not staff:
        statement = statement.where(or_(Section.app_id.is_(None), App.vendor_id == vendor_id))
    return list(db.session.scalars(statement.order_by(Section.app_id.is_not(None), Section.name)))


def articles_page(
    visibilities: tuple[str, ...], include_drafts: bool, page: int, per_page: int
) -> Page:
    """Knowledge articles the reader may see, newest change first."""
    statement = select(Article).where(Article.visibility.in_(visibilities))
    if not include_drafts:
        statement = statement.where(Article.status == "published")
    return _page_of(
        statement.order_by(Article.updated_at.desc(), Article.id.desc()), page, per_page
    )


def article_by_id(article_id: int) -> Article | None:
    """An article with its app and section."""
    return db.session.get(Article, article_id)


def names_by_slug(model, slugs) -> dict[str, str]:
    """Display names of sections or apps by slug (for search facets)."""
    slugs = [s for s in slugs if s]
    if not slugs:
        return {}
    return dict(
        db.session.execute(select(model.slug, model.name).where(model.slug.in_(slugs))).all()
    )


def section_choices() -> list[tuple[int, str]]:
    """(id, name) of every section, for article forms."""
    return list(
        db.session.execute(
            select(Section.id, Section.name).order_by(Section.app_id.is_not(None), Section.name)
        ).all()
    )


def app_choices() -> list[tuple[int, str]]:
    """(id, name) of every app, for article forms."""
    return list(db.session.execute(select(App.id, App.name).order_by(App.name)).all())
