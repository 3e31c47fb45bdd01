"""/account/organisation: what members see, what only its admin may change, and only its own."""

from datetime import timedelta

from catalog.extensions import db
from catalog.support.plans.models import NamedContactChange
from tests.conftest import make_user
from tests.customers.conftest import TODAY
from tests.customers.conftest import letters
from tests.customers.conftest import make_organisation
from tests.customers.conftest import make_plan
from tests.customers.conftest import make_subscription
from tests.customers.conftest import text
from tests.customers.conftest import user_by_email
from tests.customers.conftest import user_id

ADMIN, ANN, BOB = "cy@acme.example", "ann@acme.example", "bob@acme.example"
RIVAL_ADMIN, EVE = "rex@rival.example", "eve@rival.example"


def _world(app) -> int:
    """Acme (admin Cy, members Ann and Bob; Ann named on a 1-contact plan) and Rival; returns
    Acme's subscription id."""
    acme = make_organisation(
        app, "Acme", ["acme.example"], [(ADMIN, "admin"), (ANN, "member"), (BOB, "member")]
    )
    make_organisation(app, "Rival", ["rival.example"], [(RIVAL_ADMIN, "admin"), (EVE, "member")])
    plan_id = make_plan(app, named_contacts=1, incidents_per_month=3)
    return make_subscription(
        app, acme, plan_id, TODAY - timedelta(days=30), TODAY + timedelta(days=300), [ANN]
    )


def test_a_member_sees_the_subscription_usage_and_contacts_but_no_controls(
    app, world, client, auth
):
    _world(app)
    auth.login(BOB)
    page = text(client.get("/account/organisation"))
    assert "You are a member of Acme." in page
    assert "Gold" in page and "<strong>active</strong>" in page
    assert "Ann <ann@acme.example>" in page
    assert "Incidents by month" in page and "(this month)</td><td>0</td><td>3</td>" in page
    assert "Invite a member" not in page and "Requests to join" not in page
    assert 'href="/account/organisation"' in page


def test_a_plain_member_cannot_change_anything(app, world, client, auth):
    _world(app)
    ann = user_id(app, ANN)
    auth.login(BOB)
    for url, data in [
        ("/account/organisation/invite", {"email": "x@acme.example", "role": "member"}),
        (f"/account/organisation/members/{ann}/role", {"role": "admin"}),
        (f"/account/organisation/members/{ann}/remove", {}),
        ("/account/organisation/contacts/swap", {"leaving": ann, "user_id": ann}),
    ]:
        assert auth.post(url, data).status_code == 403, url
    with app.app_context():
        assert user_by_email(ANN).organisation.name == "Acme"
        assert not user_by_email(ANN).is_organisation_admin


def test_the_admin_invites_through_the_outbox(app, world, client, auth):
    _world(app)
    auth.login(ADMIN)
    response = auth.post(
        "/account/organisation/invite", {"email": "dan@acme.example", "role": "member"}
    )
    assert response.status_code == 302
    [(recipients, subject, body)] = letters(app, "invitation")
    assert recipients == ["dan@acme.example"] and "Cy invites you to join Acme" in body


def test_the_admin_swaps_a_named_contact_and_the_change_is_logged(app, world, client, auth):
    subscription_id = _world(app)
    ann, bob, cy = (user_id(app, e) for e in (ANN, BOB, ADMIN))
    auth.login(ADMIN)
    page = text(client.get("/account/organisation"))
    assert "Name or swap a contact" in page and "Nobody (add a contact)" not in page
    response = auth.post("/account/organisation/contacts/swap", {"leaving": ann, "user_id": bob})
    assert response.status_code == 302
    with app.app_context():
        log = db.session.scalars(
            db.select(NamedContactChange)
            .where(NamedContactChange.subscription_id == subscription_id)
            .order_by(NamedContactChange.id)
        )
        assert [(c.user_id, c.action, c.actor_id) for c in log][-2:] == [
            (ann, "removed", cy),
            (bob, "added", cy),
        ]
    assert "Ann removed by Cy" in text(client.get("/account/organisation"))
    over = auth.post("/account/organisation/contacts/swap", {"leaving": "0", "user_id": ann})
    assert over.status_code == 400 and "Gold allows 1 named contact;" in text(over)


def test_the_admin_changes_roles_and_removes_members_of_their_own_organisation(
    app, world, client, auth
):
    _world(app)
    ann, cy = user_id(app, ANN), user_id(app, ADMIN)
    auth.login(ADMIN)
    assert (
        auth.post(f"/account/organisation/members/{ann}/role", {"role": "admin"}).status_code == 302
    )
    assert (
        auth.post(f"/account/organisation/members/{cy}/role", {"role": "member"}).status_code == 403
    )
    confirm = client.get(f"/account/organisation/members/{ann}/remove")
    assert "Remove Ann from Acme?" in text(confirm)
    assert auth.post(f"/account/organisation/members/{ann}/remove").status_code == 302
    with app.app_context():
        assert user_by_email(ANN).organisation_id is None
        assert user_by_email(ADMIN).is_organisation_admin


def test_another_organisations_admin_cannot_touch_its_members(app, world, client, auth):
    subscription_id = _world(app)
    ann, eve = user_id(app, ANN), user_id(app, EVE)
    auth.login(RIVAL_ADMIN)
    page = text(client.get("/account/organisation"))
    assert "Rival" in page and "Acme" not in page and "ann@acme.example" not in page
    assert (
        auth.post(f"/account/organisation/members/{ann}/role", {"role": "member"}).status_code
        == 404
    )
    assert client.get(f"/account/organisation/members/{ann}/remove").status_code == 404
    assert auth.post(f"/account/organisation/members/{ann}/remove").status_code == 404
    assert (
        auth.post(
            "/account/organisation/contacts/swap", {"leaving": ann, "user_id": eve}
        ).status_code
        == 404
    )
    with app.app_context():
        assert user_by_email(ANN).organisation.name == "Acme"
        changes = db.session.scalars(
            db.select(NamedContactChange).where(
                NamedContactChange.subscription_id == subscription_id
            )
        )
        assert len(list(changes)) == 1


def test_a_customer_in_no_organisation_gets_not_found_and_staff_forbidden(app, world, client, auth):
    make_user(app, "alone@nowhere.example")
    auth.login("alone@nowhere.example")
    assert client.get("/account/organisation").status_code == 404
    auth.logout()
    auth.login(world["staff"])
    assert client.get("/account/organisation").status_code == 403


def test_an_organisation_without_a_subscription_is_led_to_the_plan_comparison(
    app, world, client, auth
):
    make_organisation(app, "Acme", ["acme.example"], [(ADMIN, "admin")])
    auth.login(ADMIN)
    page = text(client.get("/account/organisation"))
    assert "has no support subscription yet" in page
    assert '<a href="/plans">Compare the support plans</a>' in page
