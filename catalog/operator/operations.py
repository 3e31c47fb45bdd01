"""Writes of the operator console. They flush; the request commits."""

from datetime import datetime

from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.marketplace.history import COVERAGE_FIELDS
from catalog.marketplace.history import snapshot
from catalog.marketplace.identifiers import slugify
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import OperatorCoverage
from catalog.marketplace.models import TermsVersion
from catalog.marketplace.models import Vendor
from catalog.marketplace.operations import record_terms_version

COVERAGE_KEYS = frozenset(COVERAGE_FIELDS)


def decide_coverage(app: App, values: dict, user_id: int, now: datetime) -> TermsVersion | None:
    """Set the operator's channels and factors for an app; version the change."""
    if set(values) - COVERAGE_KEYS:
        raise ValueError(f"not a coverage field: {sorted(set(values) - COVERAGE_KEYS)}")
    before = snapshot(app.terms, app.coverage)
    row = app.coverage or OperatorCoverage(app=app)
    db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    version = record_terms_version(app, before, "operator", user_id, now)
    if version is not None:
        row.decided_at = now
        if app.terms is not None:
            app.terms.updated_at = now
    return version


def set_published(app: App, published: bool, now: datetime) -> None:
    """Show or hide an app in the catalog."""
    if app.published != published:
        app.published = published
        app.updated_at = now
    db.session.flush()


def create_vendor(name: str, slug: str | None, website: str | None, description: str) -> Vendor:
    """Add a vendor."""
    vendor = Vendor(
        name=name,
        slug=slug or slugify(name),
        website=website or None,
        description=description or "",
    )
    db.session.add(vendor)
    db.session.flush()
    return vendor


def update_vendor(vendor: Vendor, name: str, website: str | None, description: str) -> None:
    """Change a vendor's name, web site and description (its slug stays: links use it)."""
    vendor.name, vendor.website, vendor.description = name, website or None, description or ""
    db.session.flush()


def remove_member(user: User) -> None:
    """Take a person out of their vendor; they keep an ordinary account."""
    user.role = CUSTOMER
    user.vendor = None
    db.session.flush()


def create_category(name: str, slug: str | None) -> Category:
    """Add a category."""
    category = Category(name=name, slug=slug or slugify(name))
    db.session.add(category)
    db.session.flush()
    return category


def rename_category(category: Category, name: str) -> None:
    """Rename a category (its slug stays)."""
    category.name = name
    db.session.flush()
