"""Pages on a 390 px phone: the page itself never scrolls sideways (wide tables scroll in their
own box; issue 12), and the catalog's first screen shows apps, its filters folded (issue 13)."""

from catalog.extensions import db
from catalog.support.demo import ensure_plans
from tests.browser.test_wizard_browser import log_in
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.conftest import make_user


def _page_width(phone) -> int:
    """How wide the page is, in CSS pixels (390 when nothing sticks out)."""
    return phone.evaluate("document.documentElement.scrollWidth")


def test_the_plan_comparison_with_request_buttons_fits_a_phone(app, world, live_server, phone):
    with app.app_context():
        ensure_plans()
        db.session.commit()
    log_in(phone, live_server, world["customer"])
    phone.goto(f"{live_server}/plans")
    assert phone.get_by_role("link", name="Request Level 3").count() == 1
    assert _page_width(phone) == 390


def test_a_user_page_with_a_long_address_fits_a_phone(app, world, live_server, phone):
    user_id = make_user(app, "someone.with.a.long.name@a-rather-long-domain.example")
    log_in(phone, live_server, world["admin"])
    phone.goto(f"{live_server}/operator/users/{user_id}")
    assert "a-rather-long-domain.example" in phone.locator("h1").inner_text()
    assert _page_width(phone) == 390


def test_an_app_page_with_its_legend_badge_fits_a_phone(app, live_server, phone):
    # The badge grows with the channels offered: with all five it is wider than a phone.
    every_channel = {
        "forum_url": "https://forum.example.org/c/mailguard",
        "dedicated_forum": True,
        "isv": {"contact_email": "help@vendor.example"},
        "operator": {"professional": True, "consulting": True, "rate_min": 100, "rate_max": 200},
    }
    add_apps(app, app_record("mailguard-antispam", support=every_channel))
    phone.goto(f"{live_server}/apps/mailguard-antispam")
    assert phone.locator("img[src$='badge.svg']").count() == 1
    assert _page_width(phone) == 390


def test_the_catalog_shows_its_first_apps_on_a_phones_first_screen(app, world, live_server, phone):
    add_apps(app, *(app_record(f"app-{n}", name=f"App number {n}") for n in range(3)))
    log_in(phone, live_server, world["customer"])  # a customer's header has the most links
    phone.goto(f"{live_server}/apps")
    first = phone.locator(".app-row").first.bounding_box()
    assert first["y"] + first["height"] <= 844, "the first app is below the first screen"
    vendor = phone.get_by_label("Vendor")
    assert not vendor.is_visible(), "the filters are folded on a phone"
    phone.get_by_text("Filter and sort").click()
    vendor.select_option(label=vendor.locator("option").nth(1).inner_text())
    phone.get_by_role("button", name="Apply filters").click()
    phone.wait_for_url("**vendor=*")
    assert "1 in use" in phone.locator(".filter-panel summary").inner_text()
    assert _page_width(phone) == 390


def test_the_catalog_filters_stay_unfolded_on_a_wide_screen(app, world, live_server, page):
    add_apps(app, app_record("app-0", name="App number 0"))
    page.goto(f"{live_server}/apps")
    assert page.get_by_label("Vendor").is_visible()
    assert not page.get_by_text("Filter and sort").is_visible()


def test_the_terms_history_with_a_long_address_fits_a_phone(app, live_server, phone):
    long_address = "https://forum.example.org/c/" + "averylongsectionname" * 4
    add_apps(app, app_record("mailguard-antispam"))
    add_apps(app, app_record("mailguard-antispam", support={"forum_url": long_address}))
    phone.goto(f"{live_server}/apps/mailguard-antispam/history")
    assert phone.locator(".history__changes ins").count() >= 1
    assert _page_width(phone) == 390
