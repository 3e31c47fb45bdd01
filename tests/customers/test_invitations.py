"""Invitations to an organisation: a letter through the outbox, joining through its link."""

import re
from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer

from catalog.accounts import tokens
from catalog.accounts.models import Invitation
from catalog.accounts.models import Organisation
from catalog.customers import operations
from catalog.db import utcnow
from catalog.extensions import db
from tests.conftest import PASSWORD
from tests.conftest import make_user
from tests.customers.conftest import letters
from tests.customers.conftest import make_organisation
from tests.customers.conftest import text
from tests.customers.conftest import user_by_email

SITE = "https://support.example.org"


def _invite(app, client, auth, world, email: str, role: str = "member") -> str:
    """Staff invite ``email`` to Acme; returns the path of the link in the letter."""
    app.config["SITE_URL"] = SITE
    organisation_id = make_organisation(app)
    auth.login(world["staff"])
    response = auth.post(
        f"/operator/organisations/{organisation_id}/invite", {"email": email, "role": role}
    )
    assert response.status_code == 302
    auth.logout()
    recipients, subject, body = letters(app, "invitation")[-1]
    assert recipients == [email] and subject == "Join Acme on the Support Catalog"
    link = re.search(r"(\S+/account/join/\S+)", body).group(1)
    assert link.startswith(f"{SITE}/account/join/")
    return link.removeprefix(SITE)


def _token(app, organisation_id: int, email: str, role: str = "member") -> str:
    """The link token of an invitation of ``email`` to the organisation, made as if before the
    address's account changed (so without the checks of inviting)."""
    with app.test_request_context():
        now = utcnow()
        invitation = Invitation(
            organisation_id=organisation_id,
            email=email,
            role=role,
            created_at=now,
            expires_at=now + timedelta(days=7),
        )
        db.session.add(invitation)
        db.session.commit()
        return tokens.organisation_invite_token(invitation.id)


def test_a_new_person_signs_up_through_the_invitation_and_becomes_a_member(
    app, world, client, auth
):
    path = _invite(app, client, auth, world, "newbie@elsewhere.example", role="admin")
    page = client.get(path)
    assert page.status_code == 200 and "newbie@elsewhere.example" in text(page)
    response = auth.post(path, {"name": "Nina New", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        user = user_by_email("newbie@elsewhere.example")
        assert user.organisation.name == "Acme" and user.is_organisation_admin
        assert user.is_verified
    assert "You are an organisation admin of Acme" in text(client.get("/account/organisation"))
    used = client.get(path)
    assert used.status_code == 400 and "This invitation was already used." in text(used)


def test_a_signed_in_customer_with_the_invited_address_joins(app, world, client, auth):
    path = _invite(app, client, auth, world, "loner@example.org")
    make_user(app, "loner@example.org")
    assert client.get(path).headers["Location"].startswith("/account/login?next=")
    auth.login("loner@example.org")
    assert "Join Acme" in text(client.get(path))
    assert auth.post(path).status_code == 302
    with app.app_context():
        assert user_by_email("loner@example.org").organisation.name == "Acme"


def test_someone_of_another_role_or_organisation_is_refused_clearly(app, world, client, auth):
    organisation_id = make_organisation(app)
    make_organisation(app, "Rival", ["rival.example"], [("eve@rival.example", "member")])
    for_isv = _token(app, organisation_id, world["isv_a"])
    for_eve = _token(app, organisation_id, "eve@rival.example")
    auth.login(world["isv_a"])
    refused = client.get(f"/account/join/{for_isv}")
    assert refused.status_code == 403
    assert "dev@northwind.example has an account that is not a customer account." in text(refused)
    auth.logout()
    auth.login("eve@rival.example")
    refused = auth.post(f"/account/join/{for_eve}")
    assert refused.status_code == 403
    assert "eve@rival.example belongs to another organisation." in text(refused)
    other = client.get(f"/account/join/{for_isv}")
    assert other.status_code == 403 and "This invitation is for dev@northwind.example" in text(
        other
    )
    with app.app_context():
        assert user_by_email(world["isv_a"]).organisation_id is None
        assert user_by_email("eve@rival.example").organisation.name == "Rival"


def test_inviting_a_member_of_another_organisation_is_refused_next_to_the_field(
    app, world, client, auth
):
    make_organisation(app, "Rival", ["rival.example"], [("eve@rival.example", "member")])
    organisation_id = make_organisation(app)
    auth.login(world["staff"])
    response = auth.post(
        f"/operator/organisations/{organisation_id}/invite",
        {"email": "eve@rival.example", "role": "member"},
    )
    assert response.status_code == 400
    assert 'id="email-error">eve@rival.example belongs to another organisation.' in text(response)
    assert letters(app, "invitation") == []


def test_a_tampered_or_expired_invitation_shows_the_invalid_link_page(app, world, client):
    organisation_id = make_organisation(app)
    good = _token(app, organisation_id, "x@acme.example")
    forged = URLSafeTimedSerializer("not the key", salt=tokens.ORGANISATION_INVITE_SALT).dumps(
        {"invitation": 1}
    )
    with app.test_request_context():
        missing = tokens.organisation_invite_token(999)
    for token in (good[:-3] + "abc", forged, "nonsense", missing):
        response = client.get(f"/account/join/{token}")
        assert response.status_code == 400
        assert "This invitation no longer works" in text(response)
    assert client.get(f"/account/join/{good}").status_code == 200
    with app.app_context():
        row = db.session.scalar(db.select(Invitation))
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = client.get(f"/account/join/{good}")
    assert expired.status_code == 400
    assert "This invitation has expired — ask for a new one." in text(expired)


def test_the_invitation_operation_writes_the_letter_in_the_transaction(app, world):
    organisation_id = make_organisation(app)
    with app.test_request_context():
        organisation = db.session.get(Organisation, organisation_id)
        operations.invite_member(organisation, "later@acme.example", "member", None, utcnow())
        db.session.rollback()
    assert letters(app, "invitation") == []
