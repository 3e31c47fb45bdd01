"""Writes on customer organisations: create and edit them, add and remove members, roles.

Every function flushes and never commits. A refusal is an ``OrganisationError`` whose ``field``
names the form field its message belongs next to.
"""

from datetime import datetime

from sqlalchemy import select

from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import MEMBER
from catalog.accounts.models import ORGANISATION_ROLES
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.customers.domains import is_domain
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.calendars import is_known_zone
from catalog.support.plans import subscriptions


class OrganisationError(ValueError):
    """A change refused, with the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        """Keep the field and the message."""
        super().__init__(message)
        self.field = field
        self.message = message


def domain_owner(domain: str, except_id: int | None = None) -> Organisation | None:
    """The organisation (other than ``except_id``) that already claims an e-mail domain."""
    for organisation in db.session.scalars(select(Organisation)):
        if organisation.id != except_id and domain in (organisation.domains or []):
            return organisation
    return None


def _check(name: str, domains, timezone: str, except_id: int | None) -> list[str]:
    """The cleaned domain list, or an ``OrganisationError`` naming the first problem."""
    if not name.strip():
        raise OrganisationError("name", "Give the organisation a name.")
    if not is_known_zone(timezone):
        raise OrganisationError("timezone", f"{timezone} is not a known time zone.")
    cleaned = []
    for domain in domains:
        domain = domain.strip().lower()
        if not is_domain(domain):
            raise OrganisationError("domains", f"{domain} is not a domain name.")
        if (owner := domain_owner(domain, except_id)) is not None:
            raise OrganisationError("domains", f"{domain} already belongs to {owner.name}.")
        if domain not in cleaned:
            cleaned.append(domain)
    return cleaned


def create_organisation(
    name: str, domains=(), timezone: str = "UTC", notes: str = "", now: datetime | None = None
) -> Organisation:
    """A new customer organisation; a domain already claimed by another one is refused."""
    cleaned = _check(name, domains, timezone, None)
    organisation = Organisation(
        name=name.strip(),
        domains=cleaned,
        timezone=timezone,
        notes=notes,
        created_at=now or utcnow(),
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(
    organisation: Organisation, name: str, domains, timezone: str, notes: str
) -> None:
    """Change an organisation's name, domains, time zone and notes."""
    cleaned = _check(name, domains, timezone, organisation.id)
    organisation.name = name.strip()
    organisation.domains = cleaned
    organisation.timezone = timezone
    organisation.notes = notes
    db.session.flush()


def add_member(organisation: Organisation, user: User, role: str, actor, now: datetime) -> None:
    """Make a customer a member of the organisation with a role ("member" or "admin").

    A customer of another organisation, or someone who is not a customer, is refused.
    """
    if role not in ORGANISATION_ROLES:
        raise OrganisationError("role", "Choose member or organisation admin.")
    if user.role != CUSTOMER:
        raise OrganisationError("email", f"{user.email} is not a customer account.")
    if user.organisation_id not in (None, organisation.id):
        raise OrganisationError("email", f"{user.email} belongs to another organisation.")
    user.organisation = organisation
    user.organisation_role = role
    db.session.flush()


def set_member_role(organisation: Organisation, user: User, role: str) -> None:
    """Change a member's role in their organisation."""
    if user.organisation_id != organisation.id:
        raise OrganisationError("user_id", f"{user.name} is not a member of {organisation.name}.")
    if role not in ORGANISATION_ROLES:
        raise OrganisationError("role", "Choose member or organisation admin.")
    user.organisation_role = role
    db.session.flush()


def remove_member(organisation: Organisation, user: User, actor, now: datetime) -> None:
    """Take a member out of the organisation; they stop being a named contact."""
    if user.organisation_id != organisation.id:
        raise OrganisationError("user_id", f"{user.name} is not a member of {organisation.name}.")
    subscriptions.drop_member_contacts(user, actor, now)
    user.organisation = None
    user.organisation_role = MEMBER
    db.session.flush()
