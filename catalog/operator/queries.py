"""Read queries of the operator console."""

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from catalog.marketplace.queries import _like

APP_LIMIT = 100


def apps(q: str = "") -> list[App]:
    """Apps, published or not, matching a search by name, slug or vendor (first 100)."""
    statement = (
        select(App)
        .join(App.vendor)
        .options(joinedload(App.vendor), joinedload(App.terms), joinedload(App.coverage))
        .order_by(func.lower(App.name))
        .limit(APP_LIMIT)
    )
    for word in q.split():
        pattern = _like(word)
        statement = statement.where(
            or_(
                App.name.ilike(pattern, escape="\\"),
                App.slug.ilike(pattern, escape="\\"),
                Vendor.name.ilike(pattern, escape="\\"),
            )
        )
    return list(db.session.scalars(statement).unique())


def vendors() -> list[tuple[Vendor, int]]:
    """Every vendor with its number of apps."""
    statement = (
        select(Vendor, func.count(App.id))
        .outerjoin(App, App.vendor_id == Vendor.id)
        .group_by(Vendor.id)
        .order_by(func.lower(Vendor.name))
    )
    return [(vendor, count) for vendor, count in db.session.execute(statement)]


def members(vendor_id: int) -> list[User]:
    """The ISV members of a vendor."""
    return list(
        db.session.scalars(select(User).where(User.vendor_id == vendor_id).order_by(User.name))
    )


def categories() -> list[tuple[Category, int]]:
    """Every category with its number of apps."""
    statement = (
        select(Category, func.count(App.id))
        .outerjoin(App, App.category_id == Category.id)
        .group_by(Category.id)
        .order_by(func.lower(Category.name))
    )
    return [(category, count) for category, count in db.session.execute(statement)]


def users() -> list[User]:
    """Every user, operator staff first."""
    return list(
        db.session.scalars(
            select(User).options(joinedload(User.vendor)).order_by(User.role, User.email)
        )
    )


def vendor_choices() -> list[SelectChoice]:
    """Vendors for a select menu, with "none" first."""
    rows = db.session.execute(
        select(Vendor.id, Vendor.name).order_by(func.lower(Vendor.name))
    ).all()
    return [SelectChoice(0, "— none —"), *(SelectChoice(row.id, row.name) for row in rows)]


def by_slug(model, slug: str):
    """A vendor or category by its slug."""
    return db.session.scalar(select(model).where(model.slug == slug))
