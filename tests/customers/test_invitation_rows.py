"""Invitations as rows: a link works once, can be withdrawn, expires; re-inviting replaces it.
Organisation admins cannot leave their organisation without one; asking to join again."""

import re

from catalog.accounts import operations as account_operations
from catalog.accounts.models import Invitation
from catalog.accounts.models import JoinRequest
from catalog.accounts.models import Organisation
from catalog.customers import operations
from catalog.customers import queries
from catalog.db import utcnow
from catalog.extensions import db
from tests.conftest import PASSWORD
from tests.customers.conftest import letters
from tests.customers.conftest import make_organisation
from tests.customers.conftest import text
from tests.customers.conftest import user_by_email
from tests.customers.conftest import user_id

SITE = "https://support.example.org"
BOSS = "boss@acme.example"


def _invite(app, auth, email: str, role: str = "member", organisation_id: int | None = None):
    """Acme's admin invites ``email``; the response and the path of the newest letter's link."""
    app.config["SITE_URL"] = SITE
    auth.login(BOSS)
    response = auth.post("/account/organisation/invite", {"email": email, "role": role})
    auth.logout()
    sent = letters(app, "invitation")
    if not sent:
        return response, None
    link = re.search(r"(\S+/account/join/\S+)", sent[-1][2]).group(1)
    return response, link.removeprefix(SITE)


def _invitations(app) -> list[tuple[str, bool, bool]]:
    """(address, accepted, withdrawn) of every invitation, oldest first."""
    with app.app_context():
        rows = db.session.scalars(db.select(Invitation).order_by(Invitation.id))
        return [(r.email, r.accepted_at is not None, r.withdrawn_at is not None) for r in rows]


def _join_form(auth, path: str):
    """A new person's submit of the join form."""
    return auth.post(path, {"name": "Nina New", "password": PASSWORD, "confirm": PASSWORD})


def test_an_invitation_is_stored_lower_case_and_its_link_names_only_the_row(app, client, auth):
    make_organisation(app, members=[(BOSS, "admin")])
    response, path = _invite(app, auth, "Nina@Elsewhere.example", "admin")
    assert response.status_code == 302
    assert _invitations(app) == [("nina@elsewhere.example", False, False)]
    assert _join_form(auth, path).status_code == 302
    with app.app_context():
        row = db.session.scalar(db.select(Invitation))
        nina = user_by_email("nina@elsewhere.example")
        assert row.accepted_by_id == nina.id and nina.is_organisation_admin


def test_a_link_submitted_twice_in_parallel_joins_once_and_tells_the_second_it_was_used(
    app, client, auth
):
    """The second submit read the invitation as pending before the first committed its use:
    the conditional UPDATE finds it taken, and the person sees why, not a 500."""
    organisation_id = make_organisation(app, members=[(BOSS, "admin")])
    _, path = _invite(app, auth, "nina@elsewhere.example")
    with app.app_context():
        stale = db.session.scalar(db.select(Invitation))
        with db.engine.begin() as other:
            other.execute(
                db.update(Invitation).values(accepted_at=utcnow()).where(Invitation.id == stale.id)
            )
        try:
            operations.join_new_member(stale, "Nina New", PASSWORD, utcnow())
        except operations.OrganisationError as error:
            assert error.message == "This invitation was already used."
        else:
            raise AssertionError("the second use of the link was not refused")
        db.session.rollback()
        assert user_by_email("nina@elsewhere.example") is None
        organisation = db.session.get(Organisation, organisation_id)
        assert [m.email for m in organisation.members] == [BOSS]
    second = _join_form(auth, path)
    assert second.status_code == 400 and "This invitation was already used." in text(second)


def test_a_parallel_second_submit_through_the_page_sees_the_already_used_page(
    app, client, auth, monkeypatch
):
    make_organisation(app, members=[(BOSS, "admin")])
    _, path = _invite(app, auth, "nina@elsewhere.example")
    with app.app_context(), db.engine.begin() as other:
        other.execute(db.update(Invitation).values(accepted_at=utcnow()))
    # The page read the row before the other submit committed.
    monkeypatch.setattr(queries, "invitation_state", lambda invitation, now: None)
    response = _join_form(auth, path)
    assert response.status_code == 400
    assert "This invitation was already used." in text(response)
    with app.app_context():
        assert user_by_email("nina@elsewhere.example") is None


def test_inviting_an_address_again_withdraws_the_pending_link_and_mails_a_new_one(
    app, client, auth
):
    make_organisation(app, members=[(BOSS, "admin")])
    _, first = _invite(app, auth, "nina@elsewhere.example", "admin")
    _, second = _invite(app, auth, "nina@elsewhere.example", "member")
    assert first != second and len(letters(app, "invitation")) == 2
    assert _invitations(app) == [
        ("nina@elsewhere.example", False, True),
        ("nina@elsewhere.example", False, False),
    ]
    old = client.get(first)
    assert old.status_code == 400 and "This invitation was withdrawn." in text(old)
    assert _join_form(auth, second).status_code == 302
    with app.app_context():
        assert not user_by_email("nina@elsewhere.example").is_organisation_admin


def test_inviting_someone_already_a_member_is_refused_next_to_the_field(app, client, auth):
    make_organisation(app, members=[(BOSS, "admin"), ("ann@acme.example", "member")])
    response, path = _invite(app, auth, "ann@acme.example")
    assert response.status_code == 400
    assert 'id="email-error">ann@acme.example is already a member of Acme.' in text(response)
    assert path is None and _invitations(app) == []


def test_the_organisation_admin_lists_and_withdraws_a_pending_invitation(app, client, auth):
    make_organisation(app, members=[(BOSS, "admin")])
    _, path = _invite(app, auth, "nina@elsewhere.example", "admin")
    auth.login(BOSS)
    page = text(client.get("/account/organisation"))
    assert "Invitations waiting for an answer" in page
    assert "nina@elsewhere.example" in page and "Withdraw" in page
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id))
    url = f"/account/organisation/invitations/{invitation_id}/withdraw"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Withdraw the invitation of nina@elsewhere.example?" in text(confirm)
    assert _invitations(app) == [("nina@elsewhere.example", False, False)]
    assert auth.post(url).status_code == 302
    assert _invitations(app) == [("nina@elsewhere.example", False, True)]
    assert "No invitation is waiting." in text(client.get("/account/organisation"))
    auth.logout()
    withdrawn = _join_form(auth, path)
    assert withdrawn.status_code == 400 and "This invitation was withdrawn." in text(withdrawn)
    with app.app_context():
        assert user_by_email("nina@elsewhere.example") is None


def test_an_organisation_admin_cannot_withdraw_another_organisations_invitation(
    app, world, client, auth
):
    make_organisation(app, members=[(BOSS, "admin")])
    rival_id = make_organisation(app, "Rival", ["rival.example"], [("eve@rival.example", "admin")])
    with app.app_context():
        rival = db.session.get(Organisation, rival_id)
        invitation = operations.create_invitation(
            rival, "x@elsewhere.example", "member", None, utcnow()
        )
        db.session.commit()
        invitation_id = invitation.id
    auth.login(BOSS)
    url = f"/account/organisation/invitations/{invitation_id}/withdraw"
    assert client.get(url).status_code == 404
    assert auth.post(url).status_code == 404
    assert _invitations(app) == [("x@elsewhere.example", False, False)]


def test_staff_list_and_withdraw_invitations_on_the_organisation_page(app, world, client, auth):
    organisation_id = make_organisation(app)
    auth.login(world["staff"])
    sent = auth.post(
        f"/operator/organisations/{organisation_id}/invite",
        {"email": "nina@elsewhere.example", "role": "member"},
    )
    assert sent.status_code == 302
    page = text(client.get(f"/operator/organisations/{organisation_id}"))
    assert "nina@elsewhere.example" in page and "Withdraw" in page
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id))
    url = f"/operator/organisations/{organisation_id}/invitations/{invitation_id}/withdraw"
    assert auth.post(url).status_code == 302
    assert _invitations(app) == [("nina@elsewhere.example", False, True)]
    again = auth.post(url, follow_redirects=True)
    assert "This invitation was withdrawn." in text(again)
    other_id = make_organisation(app, "Rival", ["rival.example"])
    wrong = f"/operator/organisations/{other_id}/invitations/{invitation_id}/withdraw"
    assert auth.post(wrong).status_code == 404


def _two_admins(app):
    """Acme with the admins Ann and Bob."""
    return make_organisation(app, members=[("ann@acme.example", "admin"), (BOSS, "admin")])


def test_two_admins_demoting_each_other_at_once_leave_the_organisation_one_admin(app):
    organisation_id = _two_admins(app)
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        ann, boss = user_by_email("ann@acme.example"), user_by_email(BOSS)
        # Bob demoted Ann a moment ago; Ann's request still believes she is an admin.
        with db.engine.begin() as other:
            other.execute(
                db.update(type(ann))
                .values(organisation_role="member")
                .where(type(ann).id == ann.id)
            )
        try:
            operations.set_member_role(organisation, boss, "member", ann)
        except operations.OrganisationError as error:
            assert error.message == "The organisation needs at least one admin."
        else:
            raise AssertionError("the last admin was demoted")
        db.session.rollback()
        assert [u.email for u in queries.admins(organisation)] == [BOSS]


def test_two_admins_removing_each_other_at_once_leave_the_organisation_one_admin(app):
    organisation_id = _two_admins(app)
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        ann, boss = user_by_email("ann@acme.example"), user_by_email(BOSS)
        with db.engine.begin() as other:
            other.execute(
                db.update(type(ann))
                .values(organisation_id=None, organisation_role="member")
                .where(type(ann).id == ann.id)
            )
        try:
            operations.remove_member(organisation, boss, ann, utcnow())
        except operations.OrganisationError as error:
            assert error.message == "The organisation needs at least one admin."
        else:
            raise AssertionError("the last admin was removed")
        db.session.rollback()
        assert [u.email for u in queries.admins(organisation)] == [BOSS]


def test_an_admin_may_still_demote_another_admin_when_one_remains(app, client, auth):
    _two_admins(app)
    auth.login(BOSS)
    ann = user_id(app, "ann@acme.example")
    response = auth.post(f"/account/organisation/members/{ann}/role", {"role": "member"})
    assert response.status_code == 302
    with app.app_context():
        assert not user_by_email("ann@acme.example").is_organisation_admin


def _asker(app, organisation_id: int) -> None:
    """A confirmed customer on Acme's domain, in no organisation."""
    with app.app_context():
        account_operations.create_user("ann@acme.example", "Ann Asker", PASSWORD, "customer")
        db.session.commit()


def test_a_parallel_second_ask_to_join_finds_the_first_request_instead_of_failing(app, monkeypatch):
    organisation_id = make_organisation(app, members=[(BOSS, "admin")])
    _asker(app, organisation_id)
    looked = queries.join_request_for

    def meanwhile(organisation, user):
        """The other submit commits its request right after this one looked."""
        found = looked(organisation, user)
        with db.engine.begin() as other:
            other.execute(
                db.insert(JoinRequest).values(
                    organisation_id=organisation.id, user_id=user.id, created_at=utcnow()
                )
            )
        monkeypatch.setattr(queries, "join_request_for", looked)
        return found

    monkeypatch.setattr(queries, "join_request_for", meanwhile)
    with app.test_request_context():
        organisation = db.session.get(Organisation, organisation_id)
        ann = user_by_email("ann@acme.example")
        request = operations.ask_to_join(organisation, ann, utcnow())
        db.session.commit()
        assert request.approved is None
        assert db.session.scalar(db.select(db.func.count(JoinRequest.id))) == 1
    assert letters(app, "join-request") == []


def test_a_member_removed_after_approval_can_ask_to_join_again(app, client, auth):
    organisation_id = make_organisation(app, members=[(BOSS, "admin")])
    _asker(app, organisation_id)
    auth.login("ann@acme.example")
    assert auth.post("/account/organisation/join").status_code == 302
    auth.logout()
    auth.login(BOSS)
    with app.app_context():
        request_id = db.session.scalar(db.select(JoinRequest.id))
    decided = auth.post(
        f"/account/organisation/join-requests/{request_id}", {"decision": "approve"}
    )
    assert decided.status_code == 302
    ann = user_id(app, "ann@acme.example")
    assert auth.post(f"/account/organisation/members/{ann}/remove", {}).status_code == 302
    auth.logout()
    auth.login("ann@acme.example")
    assert "Ask to join Acme" in text(client.get("/account/organisation"))
    assert auth.post("/account/organisation/join").status_code == 302
    assert "Waiting for Acme" in text(client.get("/account/organisation"))
    with app.app_context():
        rows = db.session.scalars(db.select(JoinRequest)).all()
        assert [(row.id, row.approved, row.decided_at) for row in rows] == [
            (request_id, None, None)
        ]
    assert len(letters(app, "join-request")) == 2
