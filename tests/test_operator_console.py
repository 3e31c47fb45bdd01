"""The operator console: coverage decisions, publishing, vendors, invitations, categories, users."""

import pytest

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from tests.conftest import APP_A
from tests.conftest import VENDOR_A
from tests.conftest import AuthActions
from tests.conftest import link_in
from tests.conftest import read_mail

DECISION = {
    "professional": "y",
    "consulting": "y",
    "knowledge": "expert",
    "stability": "stable",
    "agreement": "partner",
    "justification": "We run it ourselves and have a partner agreement.",
    "rate_min": "100",
    "rate_max": "250",
}


@pytest.fixture
def staff(world, auth):
    """Logged in as operator staff."""
    auth.login(world["staff"])
    return auth


def test_coverage_decision_is_shown_on_the_app_page_with_its_justification(app, client, staff):
    assert staff.post(f"/operator/apps/{APP_A}/coverage", DECISION).status_code == 302
    page = client.get(f"/apps/{APP_A}").get_data(as_text=True)
    assert "We run it ourselves and have a partner agreement." in page
    assert 'title="Professional support: offered"' in page and "Rate €100–€250 per hour" in page
    history = client.get(f"/apps/{APP_A}/history").get_data(as_text=True)
    assert "changed by the operator" in history and "Professional support" in history


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"justification": ""}, "Explain the decision"),
        ({"rate_min": "", "rate_max": ""}, "needs the hourly rate range"),
        ({"rate_min": "300", "rate_max": "100"}, "must not be below"),
        ({"rate_min": "-1"}, "above zero"),
        ({"knowledge": "omniscient"}, "Not a valid choice"),
        ({"rate_min": "NaN"}, "Enter an hourly rate above zero"),
        ({"rate_max": "sNaN"}, "Enter an hourly rate above zero"),
        ({"rate_min": "Infinity"}, "Enter an hourly rate above zero"),
    ],
)
def test_bad_coverage_input_is_rejected_with_400(app, staff, changes, message):
    response = staff.post(f"/operator/apps/{APP_A}/coverage", {**DECISION, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_rates_are_stored_as_cents_and_saving_again_adds_no_version(app, client, staff):
    decision = {**DECISION, "rate_min": "99.999", "rate_max": "100.555"}
    assert staff.post(f"/operator/apps/{APP_A}/coverage", decision).status_code == 302
    body = client.get(f"/api/v1/apps/{APP_A}").get_json()
    assert body["operator"]["consulting_rate"] == {"min": "100.00", "max": "100.56"}
    assert "100.56" in client.get(f"/apps/{APP_A}/history").get_data(as_text=True)
    with app.app_context():
        versions = db.session.scalar(
            db.select(db.func.count()).select_from(db.Model.metadata.tables["terms_version"])
        )
    again = staff.post(f"/operator/apps/{APP_A}/coverage", decision, follow_redirects=True)
    assert "Nothing changed." in again.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(db.Model.metadata.tables["terms_version"])
            )
            == versions
        )
    assert "Rate €100–€100.56 per hour" in client.get(f"/apps/{APP_A}").get_data(as_text=True)


def test_unpublish_hides_the_app_and_publish_brings_it_back(app, client, staff):
    visitor = app.test_client()  # staff themselves may preview an unpublished app
    staff.post(f"/operator/apps/{APP_A}/publish")
    assert visitor.get(f"/apps/{APP_A}").status_code == 404
    assert "Mail Shield" not in visitor.get("/apps").get_data(as_text=True)
    staff.post(f"/operator/apps/{APP_A}/publish", {"published": "y"})
    assert visitor.get(f"/apps/{APP_A}").status_code == 200


def test_invited_person_sets_a_password_and_becomes_an_isv_member(app, client, staff):
    assert (
        staff.post(
            f"/operator/vendors/{VENDOR_A}/invite", {"email": "New.Dev@Northwind.example"}
        ).status_code
        == 302
    )
    staff.logout()
    link = link_in(read_mail(app)[-1])
    assert "Northwind Software" in client.get(link).get_data(as_text=True)
    bad = staff.post(link, {"name": "New Dev", "password": "short", "confirm": "short"})
    assert bad.status_code == 400 and 'value="New Dev"' in bad.get_data(as_text=True)
    response = staff.post(
        link, {"name": "New Dev", "password": "a long password", "confirm": "a long password"}
    )
    assert response.headers["Location"] == "/isv/"
    assert "Mail Shield" in client.get("/isv/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "new.dev@northwind.example"))
        assert user.role == "isv" and user.vendor.slug == VENDOR_A
    assert client.get(link).status_code == 400


def test_invite_to_an_existing_account_is_refused(app, world, staff):
    response = staff.post(f"/operator/vendors/{VENDOR_A}/invite", {"email": world["customer"]})
    assert response.status_code == 400 and "already has an account" in response.get_data(
        as_text=True
    )


def test_forged_invitation_is_refused(client, world):
    assert client.get("/account/invite/not-a-token").status_code == 400


def test_vendors_and_categories_are_created_and_renamed(app, client, staff):
    assert (
        staff.post(
            "/operator/vendors/new",
            {"name": "Fabrikam Labs", "website": "https://fabrikam.example"},
        ).status_code
        == 302
    )
    assert staff.post("/operator/vendors/new", {"name": "Fabrikam Labs"}).status_code == 400
    assert (
        staff.post(
            "/operator/vendors/fabrikam-labs", {"name": "Fabrikam", "website": "ftp://x"}
        ).status_code
        == 400
    )
    assert (
        staff.post(
            "/operator/vendors/fabrikam-labs", {"name": "Fabrikam", "website": ""}
        ).status_code
        == 302
    )
    assert staff.post("/operator/categories", {"name": "Security"}).status_code == 302
    assert (
        staff.post("/operator/categories/security", {"name": "Security & privacy"}).status_code
        == 302
    )
    with app.app_context():
        assert (
            db.session.scalar(db.select(Vendor.name).where(Vendor.slug == "fabrikam-labs"))
            == "Fabrikam"
        )
        assert (
            db.session.scalar(db.select(Category.name).where(Category.slug == "security"))
            == "Security & privacy"
        )


def test_member_can_be_removed_from_a_vendor(app, world, client, staff):
    with app.app_context():
        member_id = db.session.scalar(db.select(User.id).where(User.email == world["isv_a"]))
    assert staff.post(f"/operator/vendors/{VENDOR_A}/members/{member_id}/remove").status_code == 302
    staff.logout()
    staff.login(world["isv_a"])
    assert client.get("/isv/").status_code == 403


def test_admin_changes_a_users_role(app, world, client, auth):
    auth.login(world["admin"])
    with app.app_context():
        customer_id = db.session.scalar(db.select(User.id).where(User.email == world["customer"]))
        vendor_id = db.session.scalar(db.select(Vendor.id).where(Vendor.slug == VENDOR_A))
    assert (
        auth.post(
            f"/operator/users/{customer_id}", {"role": "isv", "vendor_id": "0", "active": "y"}
        ).status_code
        == 400
    )
    assert (
        auth.post(
            f"/operator/users/{customer_id}",
            {"role": "isv", "vendor_id": str(vendor_id), "active": "y"},
        ).status_code
        == 302
    )
    other = app.test_client()
    AuthActions(other).login(world["customer"])
    assert other.get(f"/isv/apps/{APP_A}").status_code == 200


def test_operator_decision_and_isv_edit_leave_each_others_fields_alone(app, world, client, staff):
    staff.post(f"/operator/apps/{APP_A}/coverage", DECISION)
    with app.app_context():
        terms = db.session.scalar(db.select(App).where(App.slug == APP_A)).terms
        assert terms.forum_casual_url == "https://forum.example.org/c/shield"
