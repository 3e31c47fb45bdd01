"""Read queries of the operator console."""

from math import ceil

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from catalog.accounts.models import ADMIN
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from catalog.marketplace.queries import _like
from catalog.pagination import Page

APPS_PER_PAGE = 50
USERS_PER_PAGE = 50
# A search of more words than this is cut: each word is one more LIKE on every row.
MAX_WORDS = 6
APP_STATES = {"": "Published or not", "published": "Published", "unpublished": "Not published"}
USER_STATES = {"": "Active or deactivated", "active": "Active", "deactivated": "Deactivated"}


def _words_match(q: str, columns) -> list:
    """One condition per word of ``q``: the word appears in one of ``columns`` (any case)."""
    conditions = []
    for word in q.split()[:MAX_WORDS]:
        pattern = _like(word)
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return conditions


def _page(statement, count_statement, page: int, per_page: int) -> Page:
    """One page of ``statement`` (already ordered), counted and cut in SQL; a page past the
    end is the last page."""
    total = db.session.scalar(count_statement)
    page = min(page, max(1, ceil(total / per_page)))
    rows = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page))
    return Page(list(rows.unique()), page, per_page, total)


def app_page(q: str = "", state: str = "", page: int = 1) -> Page:
    """A page of apps, published or not, matching a search by name, slug or vendor."""
    conditions = _words_match(q, (App.name, App.slug, Vendor.name))
    if state:
        conditions.append(App.published.is_(state == "published"))
    statement = (
        select(App)
        .join(App.vendor)
        .options(joinedload(App.vendor), joinedload(App.terms), joinedload(App.coverage))
        .where(*conditions)
        .order_by(func.lower(App.name), App.id)
    )
    count = select(func.count(App.id)).join(App.vendor).where(*conditions)
    return _page(statement, count, page, APPS_PER_PAGE)


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


def user_page(q: str = "", role: str = "", state: str = "", page: int = 1) -> Page:
    """A page of users matching a search by name or e-mail, a role and a state, by address."""
    conditions = _words_match(q, (User.name, User.email))
    if role:
        conditions.append(User.role == role)
    if state:
        conditions.append(User.active.is_(state == "active"))
    statement = (
        select(User)
        .options(joinedload(User.vendor), joinedload(User.organisation))
        .where(*conditions)
        .order_by(User.email)
    )
    count = select(func.count(User.id)).where(*conditions)
    return _page(statement, count, page, USERS_PER_PAGE)


def other_active_admins(user_id: int) -> int:
    """How many active administrators there are besides this user.

    The rows of every active admin are locked (in id order) until the request ends, so two
    admins demoting each other at the same moment cannot both succeed and leave none.
    """
    statement = (
        select(User.id)
        .where(User.role == ADMIN, User.active.is_(True))
        .order_by(User.id)
        .with_for_update()
    )
    return sum(1 for admin_id in db.session.scalars(statement) if admin_id != user_id)


def organisations_named(text: str, limit: int = 2) -> list[Organisation]:
    """Organisations called ``text`` (any case), or the one numbered ``#id``; at most ``limit``."""
    if text.startswith("#") and text[1:].isdigit() and len(text) < 11:
        found = db.session.get(Organisation, int(text[1:]))
        return [found] if found else []
    statement = (
        select(Organisation)
        .where(func.lower(Organisation.name) == text.lower())
        .order_by(Organisation.id)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def category_choices() -> list[SelectChoice]:
    """Categories for a select menu, by slug, with a prompt first."""
    rows = db.session.execute(
        select(Category.slug, Category.name).order_by(func.lower(Category.name))
    ).all()
    return [SelectChoice("", "— choose —"), *(SelectChoice(row.slug, row.name) for row in rows)]


def vendor_choices() -> list[SelectChoice]:
    """Vendors for a select menu, with "none" first."""
    rows = db.session.execute(
        select(Vendor.id, Vendor.name).order_by(func.lower(Vendor.name))
    ).all()
    return [SelectChoice(0, "— none —"), *(SelectChoice(row.id, row.name) for row in rows)]


def by_slug(model, slug: str):
    """A vendor or category by its slug."""
    return db.session.scalar(select(model).where(model.slug == slug))
