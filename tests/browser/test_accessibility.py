"""Automated accessibility checks: axe-core finds no serious or critical violation on main pages.

axe-core comes from the npm registry (``tests/browser/axe``, installed by ``make test`` with
``npm ci``) and is injected into each page. The site's Content-Security-Policy forbids scripts it
did not serve, so these pages run in a context that bypasses CSP; nothing else does.
"""

from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.wizard.forumroute import post_request_thread
from tests.browser.test_wizard_browser import log_in
from tests.conftest import APP_A
from tests.conftest import VENDOR_A
from tests.conftest import build_index
from tests.conftest import user_id
from tests.support.conftest import EXTERNAL_APP
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe
from tests.support.tickets import make_ticket

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture
def axe_page(browser):
    """A desktop-sized page whose context lets the injected axe-core run despite the CSP."""
    assert AXE.exists(), (
        f"axe-core is missing: run `make axe` (npm ci --prefix tests/browser/axe) — {AXE}"
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def violations(page, url: str) -> list[str]:
    """Serious and critical axe violations on ``url``, one readable line each."""
    response = page.goto(url)
    assert response.ok, f"{url}: {response.status}"
    return axe(page)


def axe(page) -> list[str]:
    """Serious and critical axe violations on the page as it is now, with up to five places each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {_places(v['nodes'][:5])}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def _places(nodes: list[dict]) -> str:
    """The CSS selectors of axe's nodes, comma-separated."""
    return ", ".join(" ".join(node["target"]) for node in nodes)


@pytest.fixture
def site(app, apps, forum):
    """The world, its apps and forum, a search index, a subscription and a ticket; URLs by role."""
    subscribe(app, apps["customer"], plan="level-2")
    reference = make_ticket(app, user_id(app, apps["customer"]))
    build_index(app)
    return {
        "anonymous": [
            "/",
            "/apps",
            f"/apps/{APP_A}",
            f"/vendors/{VENDOR_A}",
            "/support-channels",
            "/forum",
            f"/forum/t/{forum['thread_id']}",
            "/search?q=digest",
            "/search?q=zzqqxx",
            "/account/login",
            "/account/sign-up",
        ],
        "customer": ["/support/new", f"/support/tickets/{reference}", "/support/tickets"],
        "isv_a": [f"/isv/apps/{APP_A}"],
        "staff": ["/operator", f"/operator/apps/{APP_A}/coverage"],
    }


@pytest.mark.parametrize("role", ["anonymous", "customer", "isv_a", "staff"])
def test_main_pages_have_no_serious_accessibility_violations(
    site, apps, live_server, axe_page, role
):
    if role != "anonymous":
        log_in(axe_page, live_server, apps[role])
    found = []
    for path in site[role]:
        found += violations(axe_page, live_server + path)
    assert found == [], "\n".join(found)


def test_the_check_does_find_violations(axe_page, live_server):
    """The harness itself: a page with an unlabelled image and an unnamed button fails."""
    axe_page.goto(f"{live_server}/")
    axe_page.evaluate("""() => { document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src="/static/none.png"><button></button>'); }""")
    found = " ".join(axe(axe_page))
    assert "image-alt (critical)" in found and "button-name (critical)" in found


def test_every_wizard_step_and_the_phone_layout_pass_too(
    site, apps, live_server, axe_page, browser
):
    log_in(axe_page, live_server, apps["customer"])
    axe_page.goto(f"{live_server}/support/new?app={PRO_APP}")
    found = axe(axe_page)
    axe_page.get_by_label("Title").fill("Export stops")
    axe_page.get_by_label("What happened?").fill("It stops halfway.")
    axe_page.get_by_role("button", name="Continue").click()
    found += axe(axe_page)
    axe_page.get_by_role("button", name="Continue").click()  # nothing chosen: the errors are shown
    found += axe(axe_page)
    axe_page.get_by_label("2 — Major", exact=False).check()
    axe_page.get_by_label("Something is broken", exact=False).check()
    axe_page.get_by_role("button", name="Continue").click()
    found += axe(axe_page)
    axe_page.get_by_role("button", name="Continue").click()
    found += axe(axe_page)
    assert axe_page.get_by_role("button", name="Submit the request").is_visible()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True
    ).new_page()
    for path in ("/", f"/apps/{APP_A}", "/apps"):
        phone.goto(live_server + path)
        found += axe(phone)
    phone.context.close()
    assert found == [], "\n".join(found)


@pytest.fixture
def desk_pages(app, site, apps):
    """Issue 13's pages with content: an ISV ticket the customer may move to professional
    support, a thread the wizard's dedicated-forum route opened and a notification; URLs by role."""
    customer = user_id(app, apps["customer"])
    reference = make_ticket(app, customer, channel="isv", app_slug=PRO_APP)
    with app.app_context():
        app_with_forum = db.session.scalar(select(App).where(App.slug == EXTERNAL_APP))
        thread = post_request_thread(
            app_with_forum,
            db.session.get(User, customer),
            "Sync stops at night",
            "The nightly sync stops.",
            utcnow(),
            "SUP",
        )
        db.session.add(
            UserNotification(
                user_id=customer,
                kind="replied",
                title=f"A reply on {reference}",
                link=f"/support/tickets/{reference}",
                created_at=utcnow(),
            )
        )
        db.session.commit()
        thread_path = f"/forum/t/{thread.id}"
    queue = "/support/tickets?status=any&severity=2&sort=newest"
    return {
        "customer": [
            "/account/profile",
            "/account/notifications",
            f"/support/tickets/{reference}/move/professional",
            thread_path,
        ],
        "isv_a": [queue, f"/support/tickets/{reference}", "/account/notifications"],
        "staff": [f"{queue}&channel=any", f"/support/tickets/{reference}", "/account/profile"],
    }


@pytest.mark.parametrize("role", ["customer", "isv_a", "staff"])
def test_the_desk_profile_and_hand_off_pages_have_no_serious_accessibility_violations(
    desk_pages, apps, live_server, axe_page, role
):
    log_in(axe_page, live_server, apps[role])
    found = []
    for path in desk_pages[role]:
        found += violations(axe_page, live_server + path)
    assert found == [], "\n".join(found)
