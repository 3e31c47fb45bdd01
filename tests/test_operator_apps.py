"""The operator's app list at scale (search, state filter, pages in SQL) and the preview of an
unpublished app for staff and its own vendor."""

import re

import pytest
from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App
from tests.conftest import APP_A
from tests.conftest import APP_B
from tests.conftest import VENDOR_B
from tests.conftest import AuthActions
from tests.conftest import add_apps
from tests.conftest import app_record


@pytest.fixture
def staff(world, auth):
    """Logged in as operator staff."""
    auth.login(world["staff"])
    return auth


def _many_apps(app, count: int = 150) -> None:
    """``count`` apps of vendor B named "Tool 000" …; every third one unpublished."""
    add_apps(
        app,
        *(
            app_record(
                f"tool-{n:03}",
                name=f"Tool {n:03}",
                vendor={"name": "Contoso", "slug": VENDOR_B},
                published=n % 3 != 0,
            )
            for n in range(count)
        ),
    )


def _names(page: str) -> list[str]:
    """The app names listed on the console page, in order."""
    return re.findall(r'<h2 class="app-row__name">([^<]+)</h2>', page)


def test_app_list_counts_searches_and_pages_through_150_apps(app, client, staff):
    _many_apps(app)
    everything = client.get("/operator/").get_data(as_text=True)
    assert "152 apps, 1–50 shown" in everything  # and the world's two
    tools = client.get("/operator/?q=tool").get_data(as_text=True)
    assert "150 apps" in tools and _names(tools)[:2] == ["Tool 000", "Tool 001"]
    last = client.get("/operator/?q=tool&page=3").get_data(as_text=True)
    assert _names(last) == [f"Tool {n:03}" for n in range(100, 150)]
    assert 'href="/operator/?q=tool&amp;page=2"' in last
    by_vendor = client.get("/operator/?q=contoso+149").get_data(as_text=True)
    assert _names(by_vendor) == ["Tool 149"]
    by_slug = client.get(f"/operator/?q={APP_A}").get_data(as_text=True)
    assert _names(by_slug) == ["Mail Shield"]


def test_app_list_filters_by_publishing_state(app, client, staff):
    _many_apps(app, 30)
    hidden = client.get("/operator/?q=tool&state=unpublished").get_data(as_text=True)
    assert "10 apps" in hidden
    assert _names(hidden) == [f"Tool {n:03}" for n in range(0, 30, 3)]
    shown = client.get("/operator/?q=tool&state=published").get_data(as_text=True)
    assert "20 apps" in shown
    assert client.get("/operator/?state=bogus&page=-1&q=" + "x" * 300).status_code == 200


def test_empty_app_list_says_what_to_do(app, client, staff):
    page = client.get("/operator/?q=no-such-app").get_data(as_text=True)
    assert "0 apps" in page and "No app matches" in page and "show all apps" in page


def test_publishing_returns_to_the_same_search_and_page(app, client, staff):
    _many_apps(app)
    response = staff.post(
        "/operator/apps/tool-120/publish?q=tool&state=unpublished&page=2", {"published": "y"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/?q=tool&state=unpublished&page=2"
    with app.app_context():
        assert db.session.scalar(select(App.published).where(App.slug == "tool-120")) is True
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tool 120 is published." in page
    # A forged return address cannot take the operator elsewhere.
    forged = staff.post(f"/operator/apps/{APP_A}/publish?q=x&state=http://evil.example&page=zz")
    assert forged.headers["Location"] == "/operator/?q=x&page=1"


@pytest.fixture
def unpublished(world, staff):
    """APP_A (vendor A's) taken out of the catalog by the operator."""
    staff.post(f"/operator/apps/{APP_A}/publish")
    return APP_A


def _as(app, world, role):
    """A client logged in as ``role`` (anonymous: not logged in)."""
    client = app.test_client()
    if role != "anonymous":
        AuthActions(client).login(world[role])
    return client


@pytest.mark.parametrize("role", ["staff", "admin", "isv_a"])
def test_staff_and_the_apps_own_vendor_preview_an_unpublished_app(app, world, unpublished, role):
    client = _as(app, world, role)
    response = client.get(f"/apps/{unpublished}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview — not published." in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "Get support for" not in page
    assert client.get(f"/apps/{unpublished}/history").status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "customer", "isv_b"])
def test_everyone_else_gets_404_for_an_unpublished_app(app, world, unpublished, role):
    client = _as(app, world, role)
    assert client.get(f"/apps/{unpublished}").status_code == 404
    assert client.get(f"/apps/{unpublished}/history").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "staff", "isv_a"])
def test_badge_fragment_and_api_stay_404_for_an_unpublished_app(app, world, unpublished, role):
    client = _as(app, world, role)
    assert client.get(f"/apps/{unpublished}/badge.svg").status_code == 404
    assert client.get(f"/apps/{unpublished}/legend").status_code == 404
    assert client.get(f"/api/v1/apps/{unpublished}").status_code == 404


def test_published_app_page_has_no_preview_banner(app, world):
    page = _as(app, world, "staff").get(f"/apps/{APP_B}")
    assert page.status_code == 200 and "X-Robots-Tag" not in page.headers
    assert "Preview — not published" not in page.get_data(as_text=True)
