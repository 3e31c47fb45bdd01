"""Forum models. Threads and replies are Markdown posts; articles are curated by staff."""

from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db

VISIBILITIES = {
    "public": "Everyone",
    "customers": "Signed-in customers, ISVs and staff",
    "staff": "Operator staff only",
}
ARTICLE_STATUSES = {"draft": "Draft", "published": "Published"}
ARTICLE_SOURCES = {
    "fresh": "Written by our support team",
    "thread": "Distilled from a forum thread",
    "mailing_list": "Distilled from a mailing-list discussion",
    "professional_services": "From our professional-services work",
}


class Section(db.Model):
    """A forum section: general, or dedicated to one app."""

    __tablename__ = "forum_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    app_id: Mapped[int | None] = mapped_column(ForeignKey("app.id"), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    app = relationship("App")


class Thread(db.Model):
    """A question or discussion; its first post is the opening post."""

    __tablename__ = "forum_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("forum_section.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_post.id", use_alter=True, name="fk_forum_thread_accepted_post")
    )
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    # A support reference (``SUP-000123``) when the thread was opened as a support request by
    # the request wizard's dedicated-forum route; a ticket escalated from it keeps the same one.
    support_number: Mapped[int | None] = mapped_column(ForeignKey("ticket_number.id"), unique=True)
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)

    section: Mapped[Section] = relationship()

    def search_doc_ids(self) -> set[str]:
        """The thread document (its title and opening post)."""
        return {f"thread:{self.id}"}

    posts: Mapped[list["Post"]] = relationship(
        back_populates="thread", foreign_keys="Post.thread_id", order_by="Post.id"
    )


class Post(db.Model):
    """One post of a thread (the opening post or a reply)."""

    __tablename__ = "forum_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    is_opening: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(back_populates="posts", foreign_keys=[thread_id])

    def search_doc_ids(self) -> set[str]:
        """The opening post is part of its thread's document; a reply is its own."""
        return {f"thread:{self.thread_id}"} if self.is_opening else {f"reply:{self.id}"}


class Vote(db.Model):
    """A member's "this helped" on a post; one per member and post."""

    __tablename__ = "forum_vote"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_forum_vote_post_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_post.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Article(db.Model):
    """A knowledge article curated by staff, fresh or promoted from a thread."""

    __tablename__ = "knowledge_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    app_id: Mapped[int | None] = mapped_column(ForeignKey("app.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("forum_section.id"))
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    source: Mapped[str] = mapped_column(String(30), default="fresh")
    source_thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_thread.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    app = relationship("App")
    section = relationship("Section")

    def search_doc_ids(self) -> set[str]:
        """The article's own document."""
        return {f"article:{self.id}"}
