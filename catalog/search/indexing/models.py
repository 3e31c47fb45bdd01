"""The search outbox: an append-only log of documents to (re)index."""

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db


class SearchOutbox(db.Model):
    """One "document X changed" entry. Entries are a log with retention, never renumbered.

    Each index folder keeps its own cursor (the last entry it applied), so several machines can
    follow the same log; ``sqlite_autoincrement`` keeps SQLite from reusing ids after a purge.
    """

    __tablename__ = "search_outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
