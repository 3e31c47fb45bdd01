"""Writes on customer organisations: create and edit them, add and remove members, roles.

Every function flushes and never commits. A refusal is an ``OrganisationError`` whose ``field``
names the form field its message belongs next to.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta

from flask import current_app
from flask import render_template
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from catalog.accounts import operations as account_operations
from catalog.accounts import tokens
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import MEMBER
from catalog.accounts.models import ORGANISATION_ADMIN
from catalog.accounts.models import ORGANISATION_ROLES
from catalog.accounts.models import Invitation
from catalog.accounts.models import JoinRequest
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.customers import queries
from catalog.customers.domains import is_domain
from catalog.db import utcnow
from catalog.extensions import db
from catalog.links import external_url
from catalog.marketplace.calendars import is_known_zone
from catalog.support.plans import subscriptions
from catalog.support.plans.models import Subscription
from catalog.ticketmail.letters import queue_letter

DECLINED = "Your request was declined; ask an organisation admin to invite you."
NEEDS_AN_ADMIN = "The organisation needs at least one admin."
INVITATION_PROBLEMS = {
    "used": "This invitation was already used.",
    "withdrawn": "This invitation was withdrawn.",
    "expired": "This invitation has expired — ask for a new one.",
}


class OrganisationError(ValueError):
    """A change refused, with the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        """Keep the field and the message."""
        super().__init__(message)
        self.field = field
        self.message = message


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
        if (owner := queries.domain_owner(domain, except_id)) is not None:
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


def _keep_an_admin(organisation: Organisation, user: User, actor, field: str) -> None:
    """Refuse an organisation admin's change that would leave the organisation without one.

    The admin rows are locked and read again, so two admins demoting or removing each other at
    the same moment cannot both succeed. The operator may leave an organisation without an
    admin (one it creates starts without any).
    """
    if actor is None or actor.is_operator:
        return
    admins = queries.locked_admin_ids(organisation)
    if user.id in admins and not set(admins) - {user.id}:
        raise OrganisationError(field, NEEDS_AN_ADMIN)


def set_member_role(organisation: Organisation, user: User, role: str, actor=None) -> None:
    """Change a member's role in their organisation."""
    if user.organisation_id != organisation.id:
        raise OrganisationError("user_id", f"{user.name} is not a member of {organisation.name}.")
    if role not in ORGANISATION_ROLES:
        raise OrganisationError("role", "Choose member or organisation admin.")
    if role != ORGANISATION_ADMIN:
        _keep_an_admin(organisation, user, actor, "role")
    user.organisation_role = role
    db.session.flush()


def remove_member(organisation: Organisation, user: User, actor, now: datetime) -> None:
    """Take a member out of the organisation; they stop being a named contact."""
    if user.organisation_id != organisation.id:
        raise OrganisationError("user_id", f"{user.name} is not a member of {organisation.name}.")
    _keep_an_admin(organisation, user, actor, "user_id")
    subscriptions.drop_member_contacts(user, actor, now)
    user.organisation = None
    user.organisation_role = MEMBER
    db.session.flush()


def invitation_problem(organisation: Organisation, email: str) -> str | None:
    """Why ``email`` cannot be invited to the organisation (None when it can)."""
    user = account_operations.user_by_email(email)
    if user is None:
        return None
    if user.organisation_id == organisation.id:
        return f"{email} is already a member of {organisation.name}."
    if user.role != CUSTOMER:
        return f"{email} has an account that is not a customer account."
    if user.organisation_id is not None:
        return f"{email} belongs to another organisation."
    return None


def create_invitation(
    organisation: Organisation, email: str, role: str, inviter, now: datetime
) -> Invitation:
    """A pending invitation of ``email`` with a role; one still pending for the same address is
    withdrawn, so only the newest link works."""
    email = email.strip().lower()
    if role not in ORGANISATION_ROLES:
        raise OrganisationError("role", "Choose member or organisation admin.")
    if problem := invitation_problem(organisation, email):
        raise OrganisationError("email", problem)
    for earlier in queries.open_invitations_to(organisation, email):
        earlier.withdrawn_at = now
    max_age = current_app.config.get(
        "ORGANISATION_INVITE_MAX_AGE", tokens.ORGANISATION_INVITE_MAX_AGE
    )
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        invited_by_id=inviter.id if inviter is not None else None,
        created_at=now,
        expires_at=now + timedelta(seconds=max_age),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


def invite_member(organisation: Organisation, email: str, role: str, inviter, now: datetime):
    """Mail an invitation link (through the outbox) to join the organisation with a role.

    Inviting an address again while its invitation is pending sends a new link and withdraws
    the old one.
    """
    invitation = create_invitation(organisation, email, role, inviter, now)
    text = render_template(
        "customers/mail/invitation.txt",
        organisation=organisation,
        role=ORGANISATION_ROLES[role],
        inviter=inviter,
        link=external_url("customers.join", token=tokens.organisation_invite_token(invitation.id)),
    )
    return queue_letter(
        "invitation",
        invitation.email,
        f"Join {organisation.name} on the Support Catalog",
        text,
        now,
    )


def _claim(invitation: Invitation, user_id: int | None, now: datetime) -> None:
    """Mark the invitation used with one conditional UPDATE, so a link works once: of two
    parallel submits the second finds it taken and is refused."""
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now, accepted_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invitation)
    if claimed.rowcount != 1:
        state = queries.invitation_state(invitation, now) or "used"
        raise OrganisationError("invitation", INVITATION_PROBLEMS[state])


def join_new_member(invitation: Invitation, name: str, password: str, now: datetime) -> User:
    """A new customer account from an invitation (the link proved the address), as a member."""
    _claim(invitation, None, now)
    user = account_operations.create_user(invitation.email, name, password, CUSTOMER)
    add_member(invitation.organisation, user, invitation.role, None, now)
    invitation.accepted_by_id = user.id
    db.session.flush()
    return user


def accept_invitation(invitation: Invitation, user: User, now: datetime) -> None:
    """An existing customer with the invited address joins with the invited role."""
    if problem := invitation_problem(invitation.organisation, user.email):
        raise OrganisationError("invitation", problem)
    _claim(invitation, user.id, now)
    add_member(invitation.organisation, user, invitation.role, None, now)
    # The link came to the address, so using it confirms it.
    account_operations.confirm_email(user, user.email, now)


def withdraw_invitation(invitation: Invitation, now: datetime) -> None:
    """Withdraw a pending invitation: its link stops working."""
    withdrawn = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invitation)
    if withdrawn.rowcount != 1:
        state = queries.invitation_state(invitation, now) or "used"
        raise OrganisationError("invitation", INVITATION_PROBLEMS[state])


def ask_to_join(organisation: Organisation, user: User, now: datetime) -> JoinRequest:
    """Ask the organisation's admins to let a confirmed customer on its domain join it."""
    if user.role != CUSTOMER or user.organisation_id is not None:
        raise OrganisationError("organisation", "Only a customer outside any organisation can ask.")
    if not user.is_verified:
        raise OrganisationError("organisation", "Confirm your e-mail address first.")
    request = _open_join_request(organisation, user, now)
    if request is None:
        return queries.join_request_for(organisation, user)
    for admin in queries.admins(organisation):
        text = render_template(
            "customers/mail/join_request.txt",
            organisation=organisation,
            user=user,
            admin=admin,
            link=external_url("customers.my_organisation"),
        )
        queue_letter(
            "join-request", admin.email, f"{user.name} asks to join {organisation.name}", text, now
        )
    return request


def _open_join_request(organisation: Organisation, user: User, now: datetime):
    """A new undecided request to join, or None when one is already waiting.

    An approved request of someone later removed is reopened (one row per person and
    organisation); a declined one stays declined, so a refused person cannot keep mailing the
    admins: an invitation brings them in. Of two parallel submits, the one that meets the
    unique constraint finds the other's request instead of failing.
    """
    earlier = queries.join_request_for(organisation, user)
    if earlier is not None:
        if earlier.approved is False:
            raise OrganisationError(
                "organisation",
                "Your request was declined; ask an organisation admin to invite you.",
            )
        reopened = db.session.execute(
            update(JoinRequest)
            .where(JoinRequest.id == earlier.id, JoinRequest.approved.is_(True))
            .values(approved=None, created_at=now, decided_at=None, decided_by_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(earlier)
        return earlier if reopened.rowcount == 1 else None
    request = JoinRequest(organisation=organisation, user=user, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:
        return None
    return request


def decide_join_request(request: JoinRequest, approve: bool, actor, now: datetime) -> None:
    """Approve (the requester becomes a member) or decline a request to join; tell them.

    The decision claims the request with one conditional UPDATE (undecided → decided), so two
    admins deciding at the same moment cannot both succeed: the second is refused.
    """
    claimed = db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == request.id, JoinRequest.approved.is_(None))
        .values(approved=approve, decided_at=now, decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(request)
    if claimed.rowcount != 1:
        raise OrganisationError("decision", "This request was already decided.")
    if approve:
        add_member(request.organisation, request.user, MEMBER, actor, now)
    text = render_template(
        "customers/mail/join_decision.txt",
        organisation=request.organisation,
        user=request.user,
        approved=approve,
        link=external_url("customers.my_organisation"),
    )
    verdict = "approved" if approve else "declined"
    queue_letter(
        "join-decision",
        request.user.email,
        f"Your request to join {request.organisation.name} was {verdict}",
        text,
        now,
    )
    db.session.flush()


def update_subscription(
    subscription: Subscription, ends_on: date | None, environments: int
) -> None:
    """Change a subscription's end date and environments."""
    if problem := subscriptions.period_problem(subscription.starts_on, ends_on):
        raise subscriptions.SubscriptionError("ends_on", problem)
    if not 1 <= environments <= subscriptions.MAX_ENVIRONMENTS:
        raise subscriptions.SubscriptionError(
            "environments", f"Cover between 1 and {subscriptions.MAX_ENVIRONMENTS} environments."
        )
    subscription.ends_on = ends_on
    subscription.environments = environments
    db.session.flush()
