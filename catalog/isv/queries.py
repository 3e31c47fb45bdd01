"""Read queries of the ISV portal: always scoped to the member's own vendor."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalog.extensions import db
from catalog.marketplace.models import App


def _with_terms(statement):
    """Load the app's terms and coverage in the same query."""
    return statement.options(joinedload(App.terms), joinedload(App.coverage))


def apps_of_vendor(vendor_id: int) -> list[App]:
    """Every app of the vendor, published or not, by name."""
    statement = _with_terms(select(App)).where(App.vendor_id == vendor_id).order_by(App.name)
    return list(db.session.scalars(statement).unique())


def own_app(vendor_id: int, slug: str) -> App | None:
    """The vendor's app with this slug; None for any other vendor's app."""
    statement = _with_terms(select(App)).where(App.slug == slug, App.vendor_id == vendor_id)
    return db.session.scalar(statement)
