"""Signing up on an organisation's domain: no second organisation, a request its admin decides."""

from catalog.accounts.models import JoinRequest
from catalog.accounts.models import Organisation
from catalog.extensions import db
from tests.conftest import PASSWORD
from tests.conftest import link_in
from tests.conftest import read_mail
from tests.customers.conftest import letters
from tests.customers.conftest import make_organisation
from tests.customers.conftest import text
from tests.customers.conftest import user_by_email

ADMIN = "cy@acme.example"


def _sign_up(auth, email: str, organisation: str = "My Own Acme"):
    """Send the sign-up form."""
    return auth.post(
        "/account/sign-up",
        {
            "name": "Ann Asker",
            "email": email,
            "organisation": organisation,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
        follow_redirects=True,
    )


def _organisation_names(app) -> list[str]:
    """Every organisation's name."""
    with app.app_context():
        return sorted(db.session.scalars(db.select(Organisation.name)))


def test_sign_up_on_a_known_domain_makes_no_second_organisation_and_offers_to_join(
    app, world, client, auth
):
    make_organisation(app, "Acme", ["acme.example"], [(ADMIN, "admin")])
    page = text(_sign_up(auth, "Ann@Acme.example"))
    assert "Addresses at acme.example belong to an organisation on the catalog" in page
    assert _organisation_names(app) == ["Acme"]
    with app.app_context():
        assert user_by_email("ann@acme.example").organisation_id is None
    verify = client.get(link_in(read_mail(app)[-1]))
    assert verify.headers["Location"] == "/account/organisation"
    auth.login("ann@acme.example")
    offer = text(client.get("/account/organisation"))
    assert "Ask to join Acme" in offer


def test_a_request_to_join_letters_the_admins_who_approve_it(app, world, client, auth):
    make_organisation(app, "Acme", ["acme.example"], [(ADMIN, "admin")])
    _sign_up(auth, "ann@acme.example")
    client.get(link_in(read_mail(app)[-1]))
    auth.login("ann@acme.example")
    assert auth.post("/account/organisation/join").status_code == 302
    assert "Waiting for Acme" in text(client.get("/account/organisation"))
    [(recipients, subject, body)] = letters(app, "join-request")
    assert recipients == [ADMIN] and subject == "Ann Asker asks to join Acme"
    assert "/account/organisation" in body
    auth.logout()

    auth.login(ADMIN)
    page = text(client.get("/account/organisation"))
    assert "Ann Asker <ann@acme.example>, asked" in page
    with app.app_context():
        request_id = db.session.scalar(db.select(JoinRequest.id))
    response = auth.post(
        f"/account/organisation/join-requests/{request_id}", {"decision": "approve"}
    )
    assert response.status_code == 302
    with app.app_context():
        user = user_by_email("ann@acme.example")
        assert user.organisation.name == "Acme" and not user.is_organisation_admin
        assert db.session.get(JoinRequest, request_id).decided_by_id == user_by_email(ADMIN).id
    [(recipients, subject, _)] = letters(app, "join-decision")
    assert recipients == ["ann@acme.example"] and subject.endswith("was approved")
    again = auth.post(
        f"/account/organisation/join-requests/{request_id}",
        {"decision": "decline"},
        follow_redirects=True,
    )
    assert "This request was already decided." in text(again)


def test_an_unconfirmed_address_cannot_ask_to_join(app, world, client, auth):
    make_organisation(app, "Acme", ["acme.example"], [(ADMIN, "admin")])
    _sign_up(auth, "ann@acme.example")
    auth.login("ann@acme.example")
    assert "First confirm your e-mail address" in text(client.get("/account/organisation"))
    refused = auth.post("/account/organisation/join")
    assert refused.status_code == 400
    assert "Confirm your e-mail address first." in text(refused)
    assert letters(app, "join-request") == []


def test_sign_up_on_an_unknown_domain_still_creates_the_organisation_it_names(
    app, world, client, auth
):
    make_organisation(app, "Acme", ["acme.example"])
    page = text(_sign_up(auth, "solo@fresh.example", "Fresh Ideas"))
    assert "belong to an organisation on the catalog" not in page
    assert _organisation_names(app) == ["Acme", "Fresh Ideas"]
    with app.app_context():
        assert user_by_email("solo@fresh.example").is_organisation_admin


def test_sign_up_on_a_known_domain_needs_no_organisation_name_but_elsewhere_it_does(
    app, world, client, auth
):
    make_organisation(app, "Acme", ["acme.example"], [(ADMIN, "admin")])
    known = _sign_up(auth, "ann@acme.example", organisation="")
    assert "Addresses at acme.example belong to an organisation" in text(known)
    with app.app_context():
        assert user_by_email("ann@acme.example").organisation_id is None
    unknown = _sign_up(auth, "solo@fresh.example", organisation="")
    assert unknown.status_code == 400 and "Name your organisation." in text(unknown)
    assert _organisation_names(app) == ["Acme"]
