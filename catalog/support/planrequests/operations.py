"""Writes on plan requests: a customer asks for a plan, staff accept or decline it.

Every function flushes and never commits. A decision claims the request with one conditional
UPDATE (pending → decided), so two staff deciding at the same moment cannot both succeed: the
second finds nothing pending and gets ``AlreadyDecided``, and no second subscription is made.
"""

from datetime import date
from datetime import datetime

from sqlalchemy import update

from catalog.accounts.models import ORGANISATION_ADMIN
from catalog.customers.operations import OrganisationError
from catalog.customers.operations import add_member
from catalog.customers.operations import create_organisation
from catalog.customers.queries import organisation_for_address
from catalog.extensions import db
from catalog.links import external_url
from catalog.support.planrequests import queries
from catalog.support.plans.models import Plan
from catalog.support.plans.models import SubscriptionRequest
from catalog.support.plans.subscriptions import SubscriptionError
from catalog.support.plans.subscriptions import create_subscription
from catalog.ticketmail.letters import queue_letter


class AlreadyDecided(ValueError):
    """The request was accepted or declined before this decision."""


def request_plan(
    user, plan: Plan, organisation_name: str, message: str, app, now: datetime
) -> SubscriptionRequest:
    """File a customer's request for a plan and confirm it to them by mail."""
    organisation = user.organisation
    request = SubscriptionRequest(
        user=user,
        organisation=organisation,
        organisation_name=organisation.name if organisation else organisation_name,
        plan=plan,
        app=app,
        message=message,
        status="pending",
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    queue_letter(
        "plan-request",
        user.email,
        f"We received your request for {plan.name}",
        f"Hello {user.name},\n\n"
        f"we received your request for the support plan {plan.name}. Our staff will look at it "
        "and write to you when they have decided.\n\n"
        f"Your plan requests: {external_url('planrequests.my_requests')}\n",
        now,
    )
    return request


def _claim(request: SubscriptionRequest, status: str, actor, now: datetime, reason: str = ""):
    """Move a pending request to ``status`` in one conditional UPDATE, or raise AlreadyDecided."""
    claimed = db.session.execute(
        update(SubscriptionRequest)
        .where(SubscriptionRequest.id == request.id, SubscriptionRequest.status == "pending")
        .values(status=status, reason=reason, decided_at=now, decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(request)
        raise AlreadyDecided(f"This request was already {request.status}; nothing was changed.")
    db.session.refresh(request)


def accept(
    request: SubscriptionRequest,
    starts_on: date,
    ends_on: date | None,
    environments: int,
    actor,
    now: datetime,
):
    """Accept a request: the organisation (made if the customer has none), the subscription with
    the requester as named contact, and a letter to the customer. Returns the subscription.

    Raises ``AlreadyDecided``, or ``SubscriptionError`` / ``OrganisationError`` naming a field;
    the caller discards the unit of work on either.
    """
    _claim(request, "accepted", actor, now)
    user = request.user
    organisation = user.organisation
    if organisation is None:
        _refuse_claimed_domain(user)
        organisation = create_organisation(request.organisation_name or user.name, now=now)
        add_member(organisation, user, ORGANISATION_ADMIN, actor, now)
    else:
        _refuse_overlap(organisation, starts_on, ends_on)
    subscription = create_subscription(
        organisation, request.plan, starts_on, ends_on, environments, [user], actor, now
    )
    request.organisation = organisation
    request.subscription = subscription
    db.session.flush()
    period = f"from {starts_on.isoformat()}" + (f" to {ends_on.isoformat()}" if ends_on else "")
    _tell(
        request,
        f"Your request for {request.plan.name} was accepted",
        f"your request for the support plan {request.plan.name} was accepted. {organisation.name} "
        f"is subscribed {period}, and you are one of its named support contacts. From "
        f"{starts_on.isoformat()}, professional requests you file in the support wizard about "
        "the apps the plan covers go to our support staff, under the plan's terms.",
        now,
    )
    return subscription


def _refuse_claimed_domain(user) -> None:
    """An address on an organisation's domain joins that one when its admins approve; a plan
    request must not found a second organisation around that approval."""
    claimed = organisation_for_address(user.email)
    if claimed is not None:
        raise OrganisationError(
            "organisation",
            f"{user.email} is on {claimed.name}'s e-mail domain: they ask to join {claimed.name} "
            f"on their organisation page (its admins approve), then {claimed.name} gets the plan.",
        )


def _refuse_overlap(organisation, starts_on: date, ends_on: date | None) -> None:
    """A second subscription for the same days would become the current one and leave the named
    contacts the organisation's admins chose without professional support."""
    running = queries.overlapping_subscription(organisation.id, starts_on, ends_on)
    if running is not None:
        until = f"to {running.ends_on.isoformat()}" if running.ends_on else "with no end"
        raise SubscriptionError(
            "starts_on",
            f"{organisation.name} is already subscribed to {running.plan.name} from "
            f"{running.starts_on.isoformat()} {until}: change that subscription instead, or "
            "start this one after it ends.",
        )


def decline(request: SubscriptionRequest, reason: str, actor, now: datetime) -> None:
    """Decline a request with a reason, and tell the customer why."""
    _claim(request, "declined", actor, now, reason)
    _tell(
        request,
        f"Your request for {request.plan.name} was declined",
        f"your request for the support plan {request.plan.name} was declined.\n\n"
        f"The reason our staff gave:\n{reason}",
        now,
    )


def _tell(request: SubscriptionRequest, subject: str, sentence: str, now: datetime) -> None:
    """Write the customer a letter about the decision, with a link to their requests."""
    user = request.user
    queue_letter(
        "plan-decision",
        user.email,
        subject,
        f"Hello {user.name},\n\n{sentence}\n\n"
        f"Your plan requests: {external_url('planrequests.my_requests')}\n",
        now,
    )
