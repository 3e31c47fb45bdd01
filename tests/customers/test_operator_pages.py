"""The operator's organisation pages: create, edit, members (search, pages, roles, removal)."""

from catalog.accounts.models import Organisation
from catalog.customers.queries import PER_PAGE
from catalog.extensions import db
from catalog.support.plans.models import NamedContact
from tests.customers.conftest import TODAY
from tests.customers.conftest import make_organisation
from tests.customers.conftest import make_plan
from tests.customers.conftest import make_subscription
from tests.customers.conftest import submission
from tests.customers.conftest import text
from tests.customers.conftest import user_by_email
from tests.customers.conftest import user_id


def _organisation(app, name: str) -> dict | None:
    """An organisation's stored fields by name."""
    with app.app_context():
        row = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
        return row and dict(id=row.id, domains=row.domains, timezone=row.timezone, notes=row.notes)


def test_staff_create_an_organisation_with_domains_lower_cased(app, world, client, auth):
    auth.login(world["staff"])
    html = client.get("/operator/organisations/new").get_data(as_text=True)
    response = auth.post(
        "/operator/organisations/new",
        {
            "submission": submission(html),
            "name": "Acme Corp",
            "domains": "Acme.Example\n\n@mail.acme.example\nacme.example",
            "timezone": "Europe/Berlin",
            "notes": "Signed at the fair.",
        },
    )
    assert response.status_code == 302
    stored = _organisation(app, "Acme Corp")
    assert stored["domains"] == ["acme.example", "mail.acme.example"]
    assert stored["timezone"] == "Europe/Berlin"
    assert response.headers["Location"].endswith(f"/operator/organisations/{stored['id']}")
    listing = text(client.get("/operator/organisations?q=acme.example"))
    assert "Acme Corp" in listing and "No subscription" in listing


def test_a_bad_domain_or_zone_is_refused_next_to_the_field_keeping_what_was_typed(
    app, world, client, auth
):
    organisation_id = make_organisation(app, "Acme", ["acme.example", "acme.test"])
    make_organisation(app, "Rival", ["rival.example"])
    auth.login(world["staff"])
    url = f"/operator/organisations/{organisation_id}"
    assert "acme.example\nacme.test</textarea>" in text(client.get(url))
    response = auth.post(
        url,
        {"name": "Acme Renamed", "domains": "acme.example\nnot a domain", "timezone": "Mars/Base"},
    )
    html = text(response)
    assert response.status_code == 400
    assert "Not a domain name: not a domain." in html
    assert "Mars/Base is not a known time zone" in html
    assert 'value="Acme Renamed"' in html and 'value="Mars/Base"' in html
    taken = auth.post(url, {"name": "Acme", "domains": "RIVAL.example", "timezone": "UTC"})
    assert taken.status_code == 400
    assert "rival.example already belongs to Rival." in text(taken)
    assert _organisation(app, "Acme")["domains"] == ["acme.example", "acme.test"]


def test_members_are_searched_and_paginated(app, world, client, auth):
    members = [(f"person{n:02d}@acme.example", "member") for n in range(PER_PAGE + 5)]
    organisation_id = make_organisation(app, "Acme", members=members)
    auth.login(world["staff"])
    url = f"/operator/organisations/{organisation_id}"
    first = text(client.get(url))
    assert f"{PER_PAGE + 5} members, 1–{PER_PAGE} shown" in first
    assert 'rel="next"' in first
    second = text(client.get(f"{url}?page=2"))
    assert "person29@acme.example" in second and "person00@acme.example" not in second
    found = text(client.get(f"{url}?q=person07"))
    assert "1 member" in found and "person07@acme.example" in found
    assert "person08@acme.example" not in found
    assert client.get(f"{url}?page=abc").status_code == 200


def test_removing_a_member_asks_first_and_drops_them_as_named_contact(app, world, client, auth):
    organisation_id = make_organisation(
        app, members=[("ann@acme.example", "member"), ("bob@acme.example", "member")]
    )
    plan_id = make_plan(app)
    make_subscription(app, organisation_id, plan_id, TODAY, None, ["ann@acme.example"])
    ann = user_id(app, "ann@acme.example")
    auth.login(world["staff"])
    url = f"/operator/organisations/{organisation_id}/members/{ann}/remove"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove Ann from Acme?" in text(confirm)
    assert auth.post(url).status_code == 302
    with app.app_context():
        assert user_by_email("ann@acme.example").organisation_id is None
        assert db.session.scalar(db.select(NamedContact)) is None
    assert auth.post(url).status_code == 404


def test_staff_make_a_member_an_organisation_admin(app, world, client, auth):
    organisation_id = make_organisation(app, members=[("ann@acme.example", "member")])
    ann = user_id(app, "ann@acme.example")
    auth.login(world["staff"])
    url = f"/operator/organisations/{organisation_id}/members/{ann}/role"
    assert auth.post(url, {"role": "admin"}).status_code == 302
    with app.app_context():
        assert user_by_email("ann@acme.example").is_organisation_admin
    other_id = make_organisation(app, "Other", ["other-co.example"])
    assert (
        auth.post(f"/operator/organisations/{other_id}/members/{ann}/role", {"role": "member"})
    ).status_code == 404
