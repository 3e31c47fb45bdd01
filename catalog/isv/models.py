"""What the ISV portal records beyond the marketplace's own tables."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db


class ForumSectionRequest(db.Model):
    """An app whose developer turned on the dedicated forum: its section must be created.

    The forum feature creates the section and sets ``fulfilled_at``; one row per app, ever.
    """

    __tablename__ = "forum_section_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
