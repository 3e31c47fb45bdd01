"""Placeholders of the authorisation matrix for the organisations pages."""

from itertools import count

ORGANISATION_ADMIN = "orgadmin@other.example"
OTHER_MEMBER = "member@other.example"
MATRIX_CALENDAR = {"timezone": "UTC", "always_open": True}


def _plan(name: str):
    """A plan for the matrix's subscriptions (room for many named contacts)."""
    from catalog.extensions import db
    from catalog.support.plans.models import Plan

    plan = Plan(
        slug=f"{name.lower()}-organisations-matrix",
        name=name,
        calendar=MATRIX_CALENDAR,
        named_contacts=100,
    )
    db.session.add(plan)
    return plan


def placeholders(app) -> dict:
    """Symbolic URL arguments of the organisations endpoints, and the objects behind them.

    "Matrix Org" is the operator's object; "Other Org" (the org_admin's) gets a second member,
    a subscription and a pending request to join, so its admin's actions reach their view.
    """
    from datetime import date

    from catalog.accounts import operations as account_operations
    from catalog.accounts import tokens
    from catalog.accounts.models import JoinRequest
    from catalog.accounts.models import Organisation
    from catalog.customers import operations
    from catalog.db import utcnow
    from catalog.extensions import db
    from catalog.support.plans import subscriptions
    from tests.conftest import PASSWORD

    numbers = count()
    with app.app_context():
        now = utcnow()
        organisation = operations.create_organisation("Matrix Org", ["matrix.example"], now=now)
        member = account_operations.create_user(
            "member@matrix.example", "Mia Member", PASSWORD, "customer"
        )
        operations.add_member(organisation, member, "member", None, now)
        subscription = subscriptions.create_subscription(
            organisation,
            _plan("Matrix"),
            date(2026, 1, 1),
            date(2026, 12, 31),
            1,
            [member],
            None,
            now,
        )
        other = db.session.scalar(
            db.select(Organisation).where(Organisation.name == "Other Org")
        ) or operations.create_organisation("Other Org", ["other.example"], now=now)
        other_member = account_operations.create_user(
            OTHER_MEMBER, "Oscar Member", PASSWORD, "customer"
        )
        operations.add_member(other, other_member, "member", None, now)
        subscriptions.create_subscription(
            other, _plan("Other"), date(2026, 1, 1), None, 1, [other_member], None, now
        )
        asker = account_operations.create_user(
            "asker@other.example", "Ann Asker", PASSWORD, "customer"
        )
        join_request = JoinRequest(organisation=other, user=asker, created_at=now)
        db.session.add(join_request)
        newcomer = operations.create_invitation(
            organisation, "newcomer@matrix.example", "member", None, now
        )
        db.session.commit()
        ids = {
            "organisation_id": organisation.id,
            "member_id": member.id,
            "subscription_id": subscription.id,
            "other_member_id": other_member.id,
            "join_request_id": join_request.id,
            "other_id": other.id,
            "org_invite_token": tokens.organisation_invite_token(newcomer.id),
        }

    def fresh_contact() -> int:
        """A new member named as contact, for a request that removes a contact."""
        with app.app_context():
            user = account_operations.create_user(
                f"contact{next(numbers)}@matrix.example", "Cora Contact", PASSWORD, "customer"
            )
            row = db.session.get(type(subscription), ids["subscription_id"])
            operations.add_member(row.organisation, user, "member", None, utcnow())
            subscriptions.add_contact(row, user, None, utcnow())
            db.session.commit()
            return user.id

    def fresh_member() -> int:
        """A new member of Matrix Org, for a request that removes a member."""
        with app.app_context():
            user = account_operations.create_user(
                f"leaver{next(numbers)}@matrix.example", "Lee Leaver", PASSWORD, "customer"
            )
            organisation = db.session.get(Organisation, ids["organisation_id"])
            operations.add_member(organisation, user, "member", None, utcnow())
            db.session.commit()
            return user.id

    def fresh_other_member() -> int:
        """A new member of Other Org, for its admin's request that removes a member."""
        with app.app_context():
            user = account_operations.create_user(
                f"leaver{next(numbers)}@other.example", "Lou Leaver", PASSWORD, "customer"
            )
            organisation = db.session.get(Organisation, ids["other_id"])
            operations.add_member(organisation, user, "member", None, utcnow())
            db.session.commit()
            return user.id

    def fresh_invitation(organisation_key: str):
        """A pending invitation of a new address to an organisation, for a withdrawal."""

        def make() -> int:
            with app.app_context():
                organisation = db.session.get(Organisation, ids[organisation_key])
                invitation = operations.create_invitation(
                    organisation,
                    f"invitee{next(numbers)}@elsewhere.example",
                    "member",
                    None,
                    utcnow(),
                )
                db.session.commit()
                return invitation.id

        return make

    return {
        **ids,
        "fresh_invitation_id": fresh_invitation("organisation_id"),
        "fresh_other_invitation_id": fresh_invitation("other_id"),
        "fresh_contact_id": fresh_contact,
        "fresh_org_member_id": fresh_member,
        "fresh_other_member_id": fresh_other_member,
    }


def organisation_admin(app) -> str:
    """A customer who is the organisation admin of "Other Org"; returns the e-mail address."""
    from catalog.accounts import operations as account_operations
    from catalog.accounts.models import Organisation
    from catalog.extensions import db
    from tests.conftest import PASSWORD

    with app.app_context():
        organisation = Organisation(name="Other Org", domains=["other.example"])
        db.session.add(organisation)
        user = account_operations.create_user(
            ORGANISATION_ADMIN, "Olga Admin", PASSWORD, "customer", organisation=organisation
        )
        user.organisation_role = "admin"
        db.session.commit()
    return ORGANISATION_ADMIN
