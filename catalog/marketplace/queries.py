"""Read queries of the marketplace, each a fixed number of SQL statements whatever the size.

Lists select plain columns (no ORM entities to hydrate) and join the support terms and the
operator's coverage in the same statement, so a page of apps with their legends is one query
plus one count.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalog.extensions import db
from catalog.legend import LegendEntry
from catalog.legend import build_legend
from catalog.marketplace.filters import CatalogFilter
from catalog.marketplace.identifiers import is_slug
from catalog.marketplace.identifiers import name_key
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import OperatorCoverage
from catalog.marketplace.models import SupportTerms
from catalog.marketplace.models import TermsVersion
from catalog.marketplace.models import Vendor
from catalog.pagination import Page

CHANNEL_CONDITIONS = {
    "forum_casual": and_(
        SupportTerms.forum_casual_url.is_not(None), SupportTerms.forum_casual_url != ""
    ),
    "forum_dedicated": SupportTerms.forum_dedicated.is_(True),
    "isv": SupportTerms.isv_offered.is_(True),
    "professional": OperatorCoverage.professional.is_(True),
    "consulting": OperatorCoverage.consulting.is_(True),
}


def _offers(key: str):
    """A semi-join "this app offers channel ``key``", so filters need no outer join."""
    condition = CHANNEL_CONDITIONS[key]
    owner = SupportTerms if key in ("forum_casual", "forum_dedicated", "isv") else OperatorCoverage
    return App.id.in_(select(owner.app_id).where(condition))


ROW_COLUMNS = (
    App.id,
    App.slug,
    App.name,
    App.summary,
    App.version,
    App.updated_at,
    Vendor.slug.label("vendor_slug"),
    Vendor.name.label("vendor_name"),
    Category.slug.label("category_slug"),
    Category.name.label("category_name"),
    SupportTerms.forum_casual_url,
    SupportTerms.forum_dedicated,
    SupportTerms.isv_offered,
    OperatorCoverage.professional,
    OperatorCoverage.consulting,
)


@dataclass(frozen=True)
class AppRow:
    """One app as a list shows it."""

    id: int
    slug: str
    name: str
    summary: str
    version: str
    updated_at: datetime
    vendor_slug: str
    vendor_name: str
    category_slug: str
    category_name: str
    offered: frozenset[str]

    @property
    def legend(self) -> tuple[LegendEntry, ...]:
        """The app's five legend entries."""
        return build_legend(self.offered)


def _row(row) -> AppRow:
    """Turn a result row into an ``AppRow``."""
    offered = {
        key
        for key, on in (
            ("forum_casual", bool(row.forum_casual_url)),
            ("forum_dedicated", row.forum_dedicated),
            ("isv", row.isv_offered),
            ("professional", row.professional),
            ("consulting", row.consulting),
        )
        if on
    }
    return AppRow(
        id=row.id,
        slug=row.slug,
        name=row.name,
        summary=row.summary,
        version=row.version,
        updated_at=row.updated_at,
        vendor_slug=row.vendor_slug,
        vendor_name=row.vendor_name,
        category_slug=row.category_slug,
        category_name=row.category_name,
        offered=frozenset(offered),
    )


def _like(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(f: CatalogFilter) -> list:
    """The WHERE conditions of a filter (vendor and category by slug need their joins)."""
    conditions = [App.published.is_(True)]
    if f.category:
        conditions.append(Category.slug == f.category)
    if f.vendor:
        conditions.append(Vendor.slug == f.vendor)
    conditions.extend(_offers(key) for key in f.channels)
    for word in f.q.split():
        pattern = _like(word)
        conditions.append(
            or_(App.name.ilike(pattern, escape="\\"), App.summary.ilike(pattern, escape="\\"))
        )
    return conditions


def _joined(statement):
    """Join the tables a catalog row needs."""
    return (
        statement.join(Vendor, App.vendor_id == Vendor.id)
        .join(Category, App.category_id == Category.id)
        .outerjoin(SupportTerms, SupportTerms.app_id == App.id)
        .outerjoin(OperatorCoverage, OperatorCoverage.app_id == App.id)
    )


def _count(f: CatalogFilter, conditions: list) -> int:
    """How many apps match: joins only what the filter needs."""
    statement = select(func.count(App.id)).select_from(App)
    if f.vendor:
        statement = statement.join(Vendor, App.vendor_id == Vendor.id)
    if f.category:
        statement = statement.join(Category, App.category_id == Category.id)
    return db.session.scalar(statement.where(*conditions)) or 0


def catalog_page(f: CatalogFilter) -> Page:
    """One page of published apps matching the filter: exactly two queries."""
    conditions = _conditions(f)
    total = _count(f, conditions)
    order = (
        (App.updated_at.desc(), App.id.desc())
        if f.sort == "updated"
        else (func.lower(App.name), App.id)
    )
    statement = (
        _joined(select(*ROW_COLUMNS).select_from(App))
        .where(*conditions)
        .order_by(*order)
        .limit(f.per_page)
        .offset((f.page - 1) * f.per_page)
    )
    items = [_row(row) for row in db.session.execute(statement)]
    return Page(items=items, page=f.page, per_page=f.per_page, total=total)


def filter_choices() -> tuple[list, list]:
    """Categories and vendors for the filter menus: two queries."""
    categories = db.session.execute(
        select(Category.slug, Category.name).order_by(Category.name)
    ).all()
    vendors = db.session.execute(
        select(Vendor.slug, Vendor.name).order_by(Vendor.name).limit(500)
    ).all()
    return categories, vendors


def app_by_slug(slug: str, include_unpublished: bool = False) -> App | None:
    """An app with its vendor, category, terms and coverage, in one query.

    None at once, without a query, for text that is not a slug: the page, legend, badge, API and
    operator routes all look apps up here, so an id no app can have is a 404 everywhere.
    """
    if not is_slug(slug):
        return None
    statement = (
        select(App)
        .options(
            joinedload(App.vendor),
            joinedload(App.category),
            joinedload(App.terms),
            joinedload(App.coverage),
        )
        .where(App.slug == slug)
    )
    if not include_unpublished:
        statement = statement.where(App.published.is_(True))
    return db.session.scalar(statement)


def app_called(name: str) -> str | None:
    """The slug of the app whose name compares equal to ``name`` (by ``name_key``), if any."""
    return db.session.scalar(select(App.slug).where(App.name_key == name_key(name)))


def vendor_by_slug(slug: str) -> Vendor | None:
    """A vendor by its slug."""
    return db.session.scalar(select(Vendor).where(Vendor.slug == slug))


def home_counts() -> dict[str, int]:
    """How many published apps offer each channel, and how many there are: one query."""
    columns = [
        func.count(App.id).label("total"),
        *(
            func.sum(case((condition, 1), else_=0)).label(key)
            for key, condition in CHANNEL_CONDITIONS.items()
        ),
    ]
    row = db.session.execute(
        _joined(select(*columns).select_from(App)).where(App.published.is_(True))
    ).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def versions_of(app_id: int) -> list[TermsVersion]:
    """Every recorded version of an app's support terms, oldest first."""
    statement = select(TermsVersion).where(TermsVersion.app_id == app_id).order_by(TermsVersion.id)
    return list(db.session.scalars(statement))
