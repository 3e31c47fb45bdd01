"""The ISV portal: own apps only, ISV-owned fields only, validation, preview, versions, cache."""

import pytest

from catalog.extensions import db
from catalog.isv.forms import initial_data
from catalog.isv.models import ForumSectionRequest
from catalog.marketplace.models import App
from catalog.marketplace.models import TermsVersion
from tests.conftest import APP_A
from tests.conftest import APP_B


def _form(app, app_slug=APP_A, **changes):
    """The edit form as the browser would send it, with ``changes`` applied."""
    with app.app_context():
        data = initial_data(db.session.scalar(db.select(App).where(App.slug == app_slug)))
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


VALID_ISV = {
    "isv_offered": "y",
    "isv_contact_email": "help@northwind.example",
    "isv_scope": "Installation and defects.",
    "hours_timezone": "Europe/Prague",
    "hours_mon": "9:00-12:00, 13:00-17:00",
    "hours_tue": "09:00-17:00",
    "hours_holidays": "2026-12-24\n12-25",
    "response_1": "240",
    "response_2": "480",
    "languages": "English, Czech",
}


@pytest.fixture
def isv_a(world, auth):
    """Logged in as a member of ISV A."""
    auth.login(world["isv_a"])
    return auth


def test_dashboard_lists_only_the_members_own_apps(client, isv_a):
    html = client.get("/isv/").get_data(as_text=True)
    assert "Mail Shield" in html and "Contoso Backup" not in html


def test_isv_cannot_edit_another_vendors_app(app, client, isv_a):
    assert client.get(f"/isv/apps/{APP_B}").status_code == 404
    assert isv_a.post(f"/isv/apps/{APP_B}", _form(app, APP_B, name="Hacked")).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(App.name).where(App.slug == APP_B)) == "Contoso Backup"


def test_valid_save_is_versioned_and_visible_on_the_public_pages(app, client, isv_a):
    assert "Developer / ISV support" in client.get("/apps").get_data(as_text=True)
    client.get(f"/apps/{APP_A}")
    response = isv_a.post(
        f"/isv/apps/{APP_A}", _form(app, summary="Now with more shield.", **VALID_ISV)
    )
    assert response.status_code == 302
    page = client.get(f"/apps/{APP_A}").get_data(as_text=True)
    assert "help@northwind.example" in page and "Monday: 09:00–12:00, 13:00–17:00" in page
    assert "Severity 1: 4 h of business time" in page
    listing = client.get("/apps").get_data(as_text=True)
    assert "Now with more shield." in listing
    with app.app_context():
        app_row = db.session.scalar(db.select(App).where(App.slug == APP_A))
        versions = db.session.scalars(
            db.select(TermsVersion)
            .where(TermsVersion.app_id == app_row.id)
            .order_by(TermsVersion.id)
        ).all()
        assert [v.source for v in versions] == ["import", "isv"]
        assert versions[-1].author_id is not None
        assert {
            "isv_offered",
            "isv_contact_email",
            "isv_hours",
            "isv_response_minutes",
            "isv_languages",
        } <= set(versions[-1].changed)
        assert app_row.terms.isv_hours["holidays"] == ["2026-12-24"] and app_row.terms.isv_hours[
            "yearly_holidays"
        ] == ["12-25"]
        assert app_row.terms.updated_at == versions[-1].created_at


def test_change_is_visible_in_the_cached_catalog_list_on_the_next_request(app, client, isv_a):
    assert "Shield Deluxe" not in client.get("/apps").get_data(as_text=True)
    isv_a.post(f"/isv/apps/{APP_A}", _form(app, name="Shield Deluxe"))
    assert "Shield Deluxe" in client.get("/apps").get_data(as_text=True)
    assert "Shield Deluxe" in client.get(f"/apps/{APP_A}").get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"homepage": "javascript:alert(1)"}, "starting with https://"),
        ({"forum_casual_url": "not a url"}, "starting with https://"),
        ({"isv_contact_email": "nobody-at-example"}, "e-mail address like"),
        ({"hours_timezone": "Mars/Olympus", "hours_mon": "09:00-17:00"}, "not a time zone we know"),
        ({"hours_timezone": "Europe/Prague", "hours_mon": "17:00-09:00"}, "ends before it starts"),
        ({"hours_timezone": "Europe/Prague", "hours_mon": "09:00-13:00, 12:00-17:00"}, "overlap"),
        ({"hours_timezone": "Europe/Prague", "hours_mon": "9 to 5 ish"}, "like 09:00-17:00"),
        ({"hours_mon": "09:00-17:00"}, "which time zone"),
        (
            {
                "hours_timezone": "Europe/Prague",
                "hours_mon": "09:00-17:00",
                "hours_holidays": "2026-02-30",
            },
            "is not a date",
        ),
        ({"response_1": "0"}, "above zero"),
        ({"response_2": "-5"}, "above zero"),
        ({"response_3": "soon"}, "whole number of minutes"),
        ({"isv_scope": "x" * 4001}, "4,000 characters or fewer"),
        ({"name": ""}, "needs a name"),
        (
            {"isv_offered": "y", "isv_contact_url": "", "isv_contact_email": ""},
            "so customers can reach you",
        ),
    ],
)
def test_bad_input_is_rejected_with_400_its_message_and_the_typed_value(
    app, isv_a, changes, message
):
    response = isv_a.post(f"/isv/apps/{APP_A}", _form(app, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    typed = next(
        (value for value in changes.values() if value and len(value) < 100 and value != "y"), None
    )
    if typed:
        assert typed in html.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(TermsVersion.id))) == 2


def test_crafted_operator_fields_have_no_effect(app, isv_a):
    crafted = _form(
        app,
        professional="y",
        consulting="y",
        knowledge="expert",
        justification="Trust me",
        rate_min="1",
        rate_max="2",
        vendor_id="2",
        published="",
        slug="stolen",
        app_id="2",
        updated_at="2000-01-01",
    )
    assert isv_a.post(f"/isv/apps/{APP_A}", crafted).status_code == 302
    with app.app_context():
        row = db.session.scalar(db.select(App).where(App.slug == APP_A))
        assert row.coverage is None and row.published and row.vendor.slug == "northwind-software"
        assert db.session.scalar(db.select(App.id).where(App.slug == "stolen")) is None


def test_preview_renders_the_legend_without_saving(app, client, isv_a):
    response = isv_a.post(
        f"/isv/apps/{APP_A}",
        _form(app, preview="Preview the legend", forum_dedicated="y", **VALID_ISV),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview — not saved yet" in html
    assert 'title="Developer / ISV support: offered"' in html
    assert 'value="help@northwind.example"' in html
    with app.app_context():
        terms = db.session.scalar(db.select(App).where(App.slug == APP_A)).terms
        assert not terms.isv_offered and not terms.forum_dedicated


def test_edit_page_loads_the_live_preview_script_from_our_own_origin(client, isv_a):
    html = client.get(f"/isv/apps/{APP_A}").get_data(as_text=True)
    assert '<script src="/static/js/legend-preview.js" defer></script>' in html
    assert 'data-channel="isv"' in html and "<script>" not in html
    with client.get("/static/js/legend-preview.js") as script:
        assert script.status_code == 200 and "data-channel" in script.get_data(as_text=True)


def test_turning_on_the_dedicated_forum_records_the_section_to_create(app, isv_a):
    isv_a.post(f"/isv/apps/{APP_A}", _form(app, forum_dedicated="y"))
    isv_a.post(f"/isv/apps/{APP_A}", _form(app, forum_dedicated=False))
    isv_a.post(f"/isv/apps/{APP_A}", _form(app, forum_dedicated="y"))
    with app.app_context():
        requests = db.session.scalars(db.select(ForumSectionRequest)).all()
        # The forum creates the section at once and marks the request fulfilled.
        assert len(requests) == 1 and requests[0].fulfilled_at is not None


def test_saving_without_changes_writes_no_version(app, isv_a):
    isv_a.post(f"/isv/apps/{APP_A}", _form(app))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(TermsVersion.id))) == 2


def test_a_rejected_save_previews_the_legend_as_typed(app, client, world, auth):
    auth.login(world["isv_a"])
    response = auth.post(
        f"/isv/apps/{APP_A}",
        {
            "name": "Mail Shield",
            "forum_casual_url": "",
            "forum_dedicated": "y",
            "isv_offered": "y",
            "isv_contact_email": "help@northwind.example",
            "hours_timezone": "Mars/Base",
            "save": "Save",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Preview — not saved yet" in html
    preview = html[
        html.index('id="legend-preview"') : html.index(
            "</section>", html.index('id="legend-preview"')
        )
    ]
    assert 'class="chip chip--isv"' in preview and 'class="chip chip--forum_dedicated"' in preview
    assert 'class="chip chip--forum_casual chip--off"' in preview


def test_languages_are_kept_once_each():
    from catalog.isv.forms import split_list

    assert split_list("English, Czech, english ,, CZECH") == ["English", "Czech"]
