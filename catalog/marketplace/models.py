"""Marketplace models: vendors, categories, apps and each app's support offer.

An app's offer is split by who owns it: ``SupportTerms`` holds what the ISV sets (forum link,
dedicated forum, its own support terms); ``OperatorCoverage`` holds what only the operator
decides (professional support and consulting, with the factors behind the decision). Keeping
them apart makes "an ISV can never set an operator channel" a matter of which row a form writes.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import func
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.identifiers import name_key

SLUG_LENGTH = 80
# Case folding can lengthen a name (ß → ss): room for three times the 120 characters.
NAME_KEY_LENGTH = 360


class Vendor(db.Model):
    """An independent software vendor (ISV) that publishes apps."""

    __tablename__ = "vendor"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    apps: Mapped[list["App"]] = relationship(back_populates="vendor")


class Category(db.Model):
    """A category of apps (mail, security, backup …)."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class App(db.Model):
    """An app listed in the marketplace."""

    __tablename__ = "app"
    __table_args__ = (
        # The catalog's default order is case-insensitive by name; this index serves it.
        Index("ix_app_published_lower_name", "published", func.lower(text("name")), "id"),
        Index("ix_app_published_updated", "published", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # ``identifiers.name_key(name)``: unique, so no two apps carry names a reader could confuse.
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str] = mapped_column(String(40), default="")
    homepage: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    vendor: Mapped[Vendor] = relationship(back_populates="apps")
    category: Mapped[Category] = relationship()

    def search_doc_ids(self) -> set[str]:
        """The search documents this app's changes touch (see ``catalog.search.indexing``)."""
        return {f"app:{self.id}"}

    @validates("name")
    def _keep_name_key(self, key: str, value: str) -> str:
        """Keep ``name_key`` in step with every change of the name made through the ORM."""
        self.name_key = name_key(value)
        return value

    terms: Mapped["SupportTerms"] = relationship(back_populates="app", uselist=False)
    coverage: Mapped["OperatorCoverage"] = relationship(back_populates="app", uselist=False)


class SupportTerms(db.Model):
    """The support an app's ISV offers: forum link, dedicated forum and its own support."""

    __tablename__ = "support_terms"
    # Covering indexes for the catalog's "offers channel X" filters (semi-joins on app_id).
    __table_args__ = (
        Index("ix_support_terms_isv_offered", "isv_offered", "app_id"),
        Index("ix_support_terms_forum_dedicated", "forum_dedicated", "app_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), unique=True)
    forum_casual_url: Mapped[str | None] = mapped_column(String(300))
    forum_dedicated: Mapped[bool] = mapped_column(Boolean, default=False)
    isv_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    isv_contact_url: Mapped[str | None] = mapped_column(String(300))
    isv_contact_email: Mapped[str | None] = mapped_column(String(254))
    isv_scope: Mapped[str] = mapped_column(Text, default="")
    isv_conditions: Mapped[str] = mapped_column(Text, default="")
    # A business calendar as a plain dict: {"timezone", "windows": {"mon": [["09:00", "17:00"]]},
    # "holidays": [...]}; the business-time engine reads the same shape.
    isv_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # First-response target per severity in minutes of business time: {"1": 240, "2": 480, ...}.
    isv_response_minutes: Mapped[dict[str, int] | None] = mapped_column(JSON)
    isv_languages: Mapped[list[str] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    app: Mapped[App] = relationship(back_populates="terms")


class OperatorCoverage(db.Model):
    """The operator's decision on professional support and consulting for one app."""

    __tablename__ = "operator_coverage"
    __table_args__ = (
        Index("ix_operator_coverage_professional", "professional", "app_id"),
        Index("ix_operator_coverage_consulting", "consulting", "app_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), unique=True)
    professional: Mapped[bool] = mapped_column(Boolean, default=False)
    consulting: Mapped[bool] = mapped_column(Boolean, default=False)
    # The recorded factors: how well we know the software, how stable the app has been, and
    # what is agreed with the vendor. Each is one of FACTOR_LEVELS.
    knowledge: Mapped[str] = mapped_column(String(20), default="unknown")
    stability: Mapped[str] = mapped_column(String(20), default="unknown")
    agreement: Mapped[str] = mapped_column(String(20), default="none")
    justification: Mapped[str] = mapped_column(Text, default="")
    rate_min: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    rate_max: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    app: Mapped[App] = relationship(back_populates="coverage")


class TermsVersion(db.Model):
    """One saved state of an app's support terms and the operator's coverage.

    ``snapshot`` holds every field of both rows (see ``catalog.marketplace.history``);
    ``changed`` names the fields that differ from the version before. ``source`` says who made
    the change: the developer ("isv"), the operator, an import, or "baseline" for the state an
    app had before its first recorded change.
    """

    __tablename__ = "terms_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)


class CatalogState(db.Model):
    """A single row whose version moves on every catalog change (``catalog.marketplace.cache``)."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
