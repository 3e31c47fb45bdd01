"""Reads for the organisation pages: lists with their pages, members, subscriptions, usage."""

from dataclasses import dataclass
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ORGANISATION_ADMIN
from catalog.accounts.models import Invitation
from catalog.accounts.models import JoinRequest
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.customers.domains import email_domain
from catalog.extensions import db
from catalog.inputguard import MAX_ID
from catalog.inputguard import page_number
from catalog.pagination import Page
from catalog.support.plans.entitlement import current_subscription
from catalog.support.plans.entitlement import month_bounds
from catalog.support.plans.models import NamedContactChange
from catalog.support.plans.models import Plan
from catalog.support.plans.models import Subscription
from catalog.support.tickets.models import Ticket

PER_PAGE = 25
# Choices in a select menu, and rows of short lists, are bounded too.
MAX_CHOICES = 500
MAX_ROWS = 100
USAGE_MONTHS = 12


def _like(q: str) -> str:
    """A LIKE pattern for a substring (LIKE's own wildcards taken literally)."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _page(statement, count, page: str | None, per_page: int = PER_PAGE) -> Page:
    """One page of ``statement``'s rows; ``count`` counts all of them."""
    total = db.session.scalar(count) or 0
    number = min(page_number(page), max(1, -(-total // per_page)))
    rows = db.session.scalars(statement.limit(per_page).offset((number - 1) * per_page))
    return Page(list(rows), number, per_page, total)


def organisations(q: str, page: str | None) -> Page:
    """Organisations whose name or domains contain ``q``, by name."""
    statement = select(Organisation)
    if q:
        pattern = _like(q)
        statement = statement.where(
            or_(
                func.lower(Organisation.name).like(pattern, escape="\\"),
                func.lower(func.cast(Organisation.domains, db.String)).like(pattern, escape="\\"),
            )
        )
    count = select(func.count()).select_from(statement.subquery())
    return _page(statement.order_by(Organisation.name, Organisation.id), count, page)


def organisation(organisation_id: int) -> Organisation | None:
    """An organisation by id."""
    return db.session.get(Organisation, organisation_id)


def members(organisation_id: int, q: str, page: str | None) -> Page:
    """Members of an organisation whose name or address contains ``q``, by name."""
    statement = select(User).where(User.organisation_id == organisation_id)
    if q:
        pattern = _like(q)
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    count = select(func.count()).select_from(statement.subquery())
    return _page(statement.order_by(User.name, User.id), count, page)


def member(organisation: Organisation, user_id: int) -> User | None:
    """A member of this organisation by id (None for anyone else)."""
    # Menus post any number; one beyond an id column would reach the driver (a 500).
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None or user.organisation_id != organisation.id:
        return None
    return user


def member_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """(id, label) of the organisation's customers, for select menus."""
    statement = (
        select(User)
        .where(User.organisation_id == organisation.id, User.role == CUSTOMER, User.active)
        .order_by(User.name, User.id)
        .limit(MAX_CHOICES)
    )
    return [(user.id, _label(user)) for user in db.session.scalars(statement)]


def _label(user: User) -> str:
    """A member as a menu shows them, whole: the menu, not the label, is fitted to a phone."""
    return f"{user.name} <{user.email}>"


def admins(organisation: Organisation) -> list[User]:
    """The organisation's active admins."""
    statement = select(User).where(
        User.organisation_id == organisation.id,
        User.organisation_role == ORGANISATION_ADMIN,
        User.active,
    )
    return list(db.session.scalars(statement.order_by(User.id).limit(MAX_ROWS)))


def subscriptions(organisation: Organisation) -> list[Subscription]:
    """The organisation's subscriptions, latest first (at most ``MAX_ROWS``)."""
    statement = (
        select(Subscription)
        .where(Subscription.organisation_id == organisation.id)
        .order_by(Subscription.starts_on.desc(), Subscription.id.desc())
        .limit(MAX_ROWS)
    )
    return list(db.session.scalars(statement))


def subscription(subscription_id: int) -> Subscription | None:
    """A subscription by id."""
    return db.session.get(Subscription, subscription_id)


def current(organisation: Organisation, now: datetime) -> Subscription | None:
    """The subscription that runs today, else the latest one."""
    return current_subscription(organisation.id, now)


def current_plans(rows: list[Organisation], now: datetime) -> dict[int, Subscription | None]:
    """The current subscription of each organisation on a page."""
    return {row.id: current_subscription(row.id, now) for row in rows}


def plan_choices() -> list[tuple[int, str]]:
    """(id, name) of the plans that take new subscriptions."""
    statement = select(Plan).where(Plan.retired_at.is_(None)).order_by(Plan.name).limit(MAX_ROWS)
    return [(plan.id, plan.name) for plan in db.session.scalars(statement)]


def plan(plan_id: int | None) -> Plan | None:
    """A plan by id."""
    return db.session.get(Plan, plan_id) if plan_id and 0 < plan_id <= MAX_ID else None


def contact_changes(subscription: Subscription) -> list[NamedContactChange]:
    """The latest changes of a subscription's named contacts, newest first."""
    statement = (
        select(NamedContactChange)
        .where(NamedContactChange.subscription_id == subscription.id)
        .order_by(NamedContactChange.at.desc(), NamedContactChange.id.desc())
        .limit(MAX_ROWS)
    )
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class MonthUsage:
    """Professional incidents opened under a subscription in one month of its plan's zone."""

    month: str
    used: int
    limit: int | None
    current: bool = False


def usage_history(
    subscription: Subscription, now: datetime, months: int = USAGE_MONTHS
) -> list[MonthUsage]:
    """This month's usage and the months before it (within the subscription), newest first;
    for a lapsed subscription, from its last month."""
    zone = subscription.plan.calendar["timezone"]
    rows = []
    this_month = month_bounds(now, zone)
    last_day = subscription.ends_on
    if last_day is not None and last_day < now.astimezone(ZoneInfo(zone)).date():
        start, end = month_bounds(datetime.combine(last_day, time(12), ZoneInfo(zone)), zone)
    else:
        start, end = this_month
    for _ in range(months):
        if end.date() <= subscription.starts_on:
            break
        used = db.session.scalar(
            select(func.count(Ticket.id)).where(
                Ticket.subscription_id == subscription.id,
                Ticket.channel == "professional",
                Ticket.counts_as_incident.is_(True),  # staff may return one (issue 13)
                Ticket.created_at >= start,
                Ticket.created_at < end,
            )
        )
        limit = subscription.plan.incidents_per_month
        current = (start, end) == this_month
        rows.append(MonthUsage(start.strftime("%Y-%m"), used or 0, limit, current))
        start, end = month_bounds(start - timedelta(days=1), zone)
    return rows


def pending_join_requests(organisation: Organisation) -> list[JoinRequest]:
    """Requests to join the organisation that no admin has decided yet, oldest first."""
    statement = (
        select(JoinRequest)
        .where(JoinRequest.organisation_id == organisation.id, JoinRequest.approved.is_(None))
        .order_by(JoinRequest.created_at, JoinRequest.id)
        .limit(MAX_ROWS)
    )
    return list(db.session.scalars(statement))


def join_request(organisation: Organisation, request_id: int) -> JoinRequest | None:
    """A request to join this organisation by id (None for another organisation's)."""
    row = db.session.get(JoinRequest, request_id)
    return row if row is not None and row.organisation_id == organisation.id else None


def organisation_for_address(email: str) -> Organisation | None:
    """The organisation whose domains include the address's domain."""
    domain = email_domain(email)
    return domain_owner(domain) if domain else None


def domain_owner(domain: str, except_id: int | None = None) -> Organisation | None:
    """The organisation (other than ``except_id``) that claims an e-mail domain."""
    pattern = _like(f'"{domain}"')
    statement = select(Organisation).where(
        func.lower(func.cast(Organisation.domains, db.String)).like(pattern, escape="\\")
    )
    for row in db.session.scalars(statement.limit(MAX_ROWS)):
        if row.id != except_id and domain in (row.domains or []):
            return row
    return None


def join_request_for(organisation: Organisation, user: User) -> JoinRequest | None:
    """The user's request to join this organisation (one per person and organisation)."""
    statement = select(JoinRequest).where(
        JoinRequest.organisation_id == organisation.id, JoinRequest.user_id == user.id
    )
    return db.session.scalars(statement.limit(1)).first()


def join_request_of(user: User) -> JoinRequest | None:
    """The user's latest request to join an organisation."""
    statement = (
        select(JoinRequest)
        .where(JoinRequest.user_id == user.id)
        .order_by(JoinRequest.created_at.desc(), JoinRequest.id.desc())
    )
    return db.session.scalars(statement.limit(1)).first()


def locked_admin_ids(organisation: Organisation) -> list[int]:
    """Ids of the organisation's active admins, their rows locked (in id order) until the
    request ends, so two admins demoting each other cannot both succeed and leave none."""
    statement = (
        select(User.id)
        .where(
            User.organisation_id == organisation.id,
            User.organisation_role == ORGANISATION_ADMIN,
            User.active.is_(True),
        )
        .order_by(User.id)
        .with_for_update()
    )
    return list(db.session.scalars(statement))


def invitation(invitation_id: int) -> Invitation | None:
    """An invitation by id (None for an id beyond the column's range)."""
    return db.session.get(Invitation, invitation_id) if 0 < invitation_id <= MAX_ID else None


def organisation_invitation(organisation: Organisation, invitation_id: int) -> Invitation | None:
    """An invitation to this organisation by id (None for another organisation's)."""
    row = invitation(invitation_id)
    return row if row is not None and row.organisation_id == organisation.id else None


def invitation_state(invitation: Invitation, now: datetime) -> str | None:
    """ "used", "withdrawn" or "expired"; None while the invitation's link works."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.withdrawn_at is not None:
        return "withdrawn"
    if invitation.expires_at <= now:
        return "expired"
    return None


def open_invitations_to(organisation: Organisation, email: str) -> list[Invitation]:
    """The organisation's invitations of an address that were neither used nor withdrawn."""
    statement = select(Invitation).where(
        Invitation.organisation_id == organisation.id,
        Invitation.email == email,
        Invitation.accepted_at.is_(None),
        Invitation.withdrawn_at.is_(None),
    )
    return list(db.session.scalars(statement.order_by(Invitation.id).limit(MAX_ROWS)))


def pending_invitations(organisation: Organisation, now: datetime) -> list[Invitation]:
    """Invitations whose links still work, newest first (at most ``MAX_ROWS``)."""
    statement = (
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(MAX_ROWS)
    )
    return list(db.session.scalars(statement))
