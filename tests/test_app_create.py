"""Creating an app in the browser, by staff for any vendor and by an ISV member for their own,
checked by the same rules as ``import-apps``."""

import html
import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import SupportTerms
from catalog.marketplace.models import Vendor
from catalog.search.indexing.models import SearchOutbox
from tests.conftest import APP_A
from tests.conftest import VENDOR_A
from tests.conftest import VENDOR_B
from tests.conftest import AuthActions

CHOOSE_CATEGORY = "Category is required: choose one from the list."
CHOOSE_VENDOR = "Vendor is required: choose one from the list."


def _vendor_id(app, slug: str) -> int:
    """A vendor's id."""
    with app.app_context():
        return db.session.scalar(select(Vendor.id).where(Vendor.slug == slug))


def _app_count(app) -> int:
    """How many apps are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count(App.id)))


def _stored(app, slug: str) -> App | None:
    """The stored app (detached, columns loaded), or None."""
    with app.app_context():
        found = db.session.scalar(select(App).where(App.slug == slug))
        if found is not None:
            db.session.expunge(found)
        return found


def _error(page: str, field: str) -> str:
    """The message shown next to a field ("" when there is none)."""
    match = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else ""


def _as(app, world, role) -> AuthActions:
    """Form actions of a client logged in as ``role``."""
    actions = AuthActions(app.test_client())
    actions.login(world[role])
    return actions


@pytest.fixture
def staff(app, world):
    """Operator staff."""
    return _as(app, world, "staff")


@pytest.fixture
def isv(app, world):
    """A member of vendor A."""
    return _as(app, world, "isv_a")


def _staff_form(app, **changes) -> dict:
    """A valid new app for vendor B, changed by ``changes``."""
    return {
        "vendor_id": str(_vendor_id(app, VENDOR_B)),
        "category": "mail",
        "name": "Backup Buddy",
        "slug": "",
        "summary": "Backs up your mail.",
        "description": "Keeps **copies**.",
        "version": "2.1",
        "website": "https://contoso.example/buddy",
        **changes,
    }


def test_staff_create_a_published_app_and_go_on_to_its_coverage(app, world, staff):
    response = staff.post("/operator/apps/new", _staff_form(app, published="y"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/apps/backup-buddy/coverage"
    created = _stored(app, "backup-buddy")
    assert created.published and created.vendor_id == _vendor_id(app, VENDOR_B)
    assert (created.homepage, created.version) == ("https://contoso.example/buddy", "2.1")
    with app.app_context():
        assert db.session.scalar(select(SupportTerms.id).where(SupportTerms.app_id == created.id))
        assert db.session.scalar(
            select(SearchOutbox.id).where(SearchOutbox.doc_id == f"app:{created.id}")
        )
    public = app.test_client().get("/apps/backup-buddy")
    assert public.status_code == 200 and "Backs up your mail." in public.get_data(as_text=True)


def test_staff_create_an_unpublished_app_by_default(app, world, staff):
    assert staff.post("/operator/apps/new", _staff_form(app, slug="buddy")).status_code == 302
    assert _stored(app, "buddy").published is False
    assert app.test_client().get("/apps/buddy").status_code == 404


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"slug": "Bad Slug!"}, "slug", "may hold only lower-case letters"),
        ({"slug": "-buddy"}, "slug", "must start with a lower-case letter or a digit"),
        ({"slug": APP_A}, "slug", f"“{APP_A}” is already taken"),
        ({"slug": "new"}, "slug", "“new” is reserved"),
        ({"name": "  MAIL   shield ", "slug": "shield"}, "name", "Another app is already called"),
        ({"name": ""}, "name", "Name is required."),
        ({"name": "x" * 121}, "name", "the limit is 120"),
        (
            {"category": "no-such-category"},
            "category",
            CHOOSE_CATEGORY,
        ),
        ({"category": ""}, "category", CHOOSE_CATEGORY),
        ({"vendor_id": "0"}, "vendor_id", CHOOSE_VENDOR),
        ({"vendor_id": "99999"}, "vendor_id", CHOOSE_VENDOR),
        (
            {"vendor_id": "99999999999999"},
            "vendor_id",
            CHOOSE_VENDOR,
        ),
        ({"website": "ftp://contoso.example"}, "website", "is not a web address"),
        ({"version": "v" * 41}, "version", "the limit is 40"),
        ({"summary": "bad \x07 bell"}, "summary", "control character"),
    ],
)
def test_staff_form_shows_import_rule_problems_next_to_the_field(
    app, world, staff, changes, field, message
):
    before = _app_count(app)
    response = staff.post("/operator/apps/new", _staff_form(app, **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in _error(page, field)
    assert 'value="Backs up your mail."' in page or "summary" in changes  # typed values kept
    assert _app_count(app) == before


def test_several_problems_are_shown_at_once(app, world, staff):
    response = staff.post(
        "/operator/apps/new", _staff_form(app, slug="Bad!", name="", category="nope")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error(page, "slug") and _error(page, "name") and _error(page, "category")


def test_slug_is_suggested_from_the_name_and_shown_when_taken(app, world, staff):
    response = staff.post("/operator/apps/new", _staff_form(app, name="Mail-Shield"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="mail-shield"' in page and "already taken" in _error(page, "slug")


def test_replayed_app_form_lands_on_the_first_app(app, world, staff):
    page = staff._client.get("/operator/apps/new").get_data(as_text=True)
    token = re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)
    data = _staff_form(app, submission=token)
    first = staff.post("/operator/apps/new", data)
    again = staff.post("/operator/apps/new", data)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert _app_count(app) == 3


def _isv_form(**changes) -> dict:
    """A valid new app of the member's vendor."""
    return {
        "category": "mail",
        "name": "Shield Reports",
        "summary": "Reports for Mail Shield.",
        **changes,
    }


def test_isv_member_adds_an_unpublished_app_of_their_own_vendor(app, world, isv):
    response = isv.post("/isv/apps/new", _isv_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/isv/apps/shield-reports"
    created = _stored(app, "shield-reports")
    assert created.vendor_id == _vendor_id(app, VENDOR_A) and created.published is False
    assert isv._client.get("/isv/apps/shield-reports").status_code == 200
    assert isv._client.get("/apps/shield-reports").status_code == 200  # a preview
    assert app.test_client().get("/apps/shield-reports").status_code == 404


def test_isv_cannot_choose_another_vendor_or_publish_even_by_forging_the_form(app, world, isv):
    forged = _isv_form(
        vendor_id=str(_vendor_id(app, VENDOR_B)), vendor=VENDOR_B, published="y", slug="forged"
    )
    assert isv.post("/isv/apps/new", forged).status_code == 302
    created = _stored(app, "forged")
    assert created.vendor_id == _vendor_id(app, VENDOR_A) and created.published is False


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"slug": "Not OK"}, "slug", "may hold only"),
        ({"name": "contoso backup", "slug": "cb"}, "name", "Another app is already called"),
        ({"category": "evil"}, "category", CHOOSE_CATEGORY),
    ],
)
def test_isv_form_shows_problems_next_to_the_field(app, world, isv, changes, field, message):
    response = isv.post("/isv/apps/new", _isv_form(**changes))
    assert response.status_code == 400
    assert message in _error(response.get_data(as_text=True), field)
    assert _app_count(app) == 2


def test_app_forms_are_closed_to_other_roles(app, world):
    assert _as(app, world, "customer")._client.get("/isv/apps/new").status_code == 403
    assert _as(app, world, "staff")._client.get("/isv/apps/new").status_code == 403
    assert _as(app, world, "isv_a")._client.get("/operator/apps/new").status_code == 403
    assert app.test_client().get("/operator/apps/new").status_code == 302
