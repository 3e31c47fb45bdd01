"""Creating forum sections: the general ones and one per app offering the dedicated forum.

Run by ``load-demo``, by ``flask --app catalog forum sync-sections`` and right after an ISV turns
the dedicated forum on. Operations flush; the caller commits.
"""

from datetime import datetime

from sqlalchemy import select

from catalog.extensions import db
from catalog.forum.models import Section
from catalog.isv.models import ForumSectionRequest
from catalog.marketplace.models import App
from catalog.marketplace.models import SupportTerms

SECTION_SLUG_MAX = Section.slug.type.length

GENERAL_SECTIONS = (
    (
        "getting-started",
        "Getting started",
        "Installing apps, first steps and finding your way around the marketplace.",
    ),
    (
        "billing",
        "Billing & subscriptions",
        "Invoices, plans, renewals, refunds and licence questions.",
    ),
    (
        "platform",
        "Platform & integrations",
        "Questions about the platform itself and how apps work together.",
    ),
    (
        "announcements",
        "Announcements",
        "News from the operator: maintenance windows, new plans, policy changes.",
    ),
)


def ensure_general_sections() -> int:
    """Create the general sections that do not exist yet; return how many were created."""
    existing = set(db.session.scalars(select(Section.slug)))
    created = 0
    for position, (slug, name, description) in enumerate(GENERAL_SECTIONS):
        if slug not in existing:
            db.session.add(
                Section(slug=slug, name=name, description=description, position=position)
            )
            created += 1
    db.session.flush()
    return created


def _free_slug(wanted: str) -> str:
    """``wanted``, or ``wanted-app``/``wanted-app-2`` … if a section already uses it.

    ``wanted`` is an app slug, so any id the catalog accepts (``g++``, ``ms-python.python``)
    names its section as it is. A suffix never makes the slug longer than the column: the end
    of ``wanted`` is cut to make room (``_`` is matched literally, not as a LIKE wildcard).
    """
    common = wanted[: SECTION_SLUG_MAX // 2]  # every candidate below begins with it
    taken = set(
        db.session.scalars(
            select(Section.slug).where(Section.slug.startswith(common, autoescape=True))
        )
    )
    slug, n = wanted[:SECTION_SLUG_MAX], 1
    while slug in taken:
        suffix = "-app" if n == 1 else f"-app-{n}"
        slug = wanted[: SECTION_SLUG_MAX - len(suffix)] + suffix
        n += 1
    return slug


def ensure_app_section(app: App, now: datetime) -> Section:
    """The app's dedicated section, created if missing; its pending request is fulfilled."""
    section = db.session.scalar(select(Section).where(Section.app_id == app.id))
    if section is None:
        section = Section(
            slug=_free_slug(app.slug),
            name=app.name,
            app=app,
            position=100,
            description=f"Questions and answers about {app.name}; its developer reads along.",
        )
        db.session.add(section)
    request = db.session.scalar(
        select(ForumSectionRequest).where(ForumSectionRequest.app_id == app.id)
    )
    if request is not None and request.fulfilled_at is None:
        request.fulfilled_at = now
    db.session.flush()
    return section


def apps_needing_sections() -> list[App]:
    """Apps with a pending section request, or the dedicated forum on and no section yet."""
    pending = select(ForumSectionRequest.app_id).where(ForumSectionRequest.fulfilled_at.is_(None))
    dedicated = select(SupportTerms.app_id).where(SupportTerms.forum_dedicated.is_(True))
    with_section = select(Section.app_id).where(Section.app_id.is_not(None))
    return _merge(
        select(App).where(App.id.in_(pending)),
        select(App).where(App.id.in_(dedicated), App.id.not_in(with_section)),
    )


def _merge(*statements) -> list[App]:
    """Apps selected by any of ``statements``, each once, by name."""
    apps = {}
    for statement in statements:
        for app in db.session.scalars(statement):
            apps[app.id] = app
    return sorted(apps.values(), key=lambda app: app.name)


def sync_sections(now: datetime) -> list[Section]:
    """Create missing general and app sections; return the app sections created or fulfilled."""
    ensure_general_sections()
    return [ensure_app_section(app, now) for app in apps_needing_sections()]
