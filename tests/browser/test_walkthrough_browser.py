"""Issue 12's newcomer walkthrough in a browser: the header's Log out button sits on the line of
the other header links, and long member names show whole in the named-contact menus without
widening a phone's page."""

from datetime import timedelta

import pytest

from catalog.extensions import db
from tests.browser.test_wizard_browser import log_in
from tests.customers.conftest import TODAY
from tests.customers.conftest import make_organisation
from tests.customers.conftest import make_plan
from tests.customers.conftest import make_subscription
from tests.customers.conftest import user_by_email

SHOTS = "/tmp/wt"
ADMIN = "cy@acme.example"
LONG = "Maximiliana Konstantinopolous-Vanderbergh"
LONG_EMAIL = "maximiliana.vanderbergh@acme.example"


def _lines(page) -> dict:
    """The top and bottom of the text of each visible header link and button, by its words."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.nav a, .nav button')]
            .filter(e => e.offsetParent !== null)
            .map(e => { const r = document.createRange(); r.selectNodeContents(e);
                        const b = r.getBoundingClientRect();
                        return [e.textContent.trim(),
                                [Math.round(b.top), Math.round(b.bottom)]]; }))"""
    )


def _page_width(page) -> int:
    """How wide the page is, in CSS pixels (the viewport's width when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth")


def _fits(menu) -> bool:
    """Whether a select menu is wide enough for its chosen option's text (plus its arrow)."""
    return menu.evaluate(
        """m => { const style = getComputedStyle(m);
                  const context = document.createElement('canvas').getContext('2d');
                  context.font = `${style.fontSize} ${style.fontFamily}`;
                  const text = context.measureText(m.options[m.selectedIndex].text).width;
                  const inner = m.clientWidth - parseFloat(style.paddingLeft)
                      - parseFloat(style.paddingRight);
                  return text + 16 <= inner; }"""
    )


def _page_at(browser, width: int):
    """A fresh page of ``width`` CSS pixels."""
    return browser.new_context(viewport={"width": width, "height": 900}).new_page()


def _acme(app) -> int:
    """Acme (admin Cy, a member with a long name, Ann named on a 1-contact plan); returns the
    subscription's id."""
    acme = make_organisation(
        app,
        "Acme",
        ["acme.example"],
        [(ADMIN, "admin"), ("ann@acme.example", "member"), (LONG_EMAIL, "member")],
    )
    with app.app_context():
        user_by_email(LONG_EMAIL).name = LONG
        db.session.commit()
    return make_subscription(
        app,
        acme,
        make_plan(app, named_contacts=1),
        TODAY - timedelta(days=30),
        TODAY + timedelta(days=300),
        ["ann@acme.example"],
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_log_out_button_sits_on_the_line_of_the_header_links(
    app, world, live_server, browser, width
):
    make_organisation(app, "Acme", ["acme.example"], [(ADMIN, "admin")])
    page = _page_at(browser, width)
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/account/organisation")
    page.screenshot(path=f"{SHOTS}/header-{width}.png")
    lines = _lines(page)
    assert lines["Log out"] == lines["Cy"], lines
    if width == 1280:
        assert {tuple(line) for line in lines.values()} == {tuple(lines["Log out"])}, lines


@pytest.mark.parametrize("width", [1280, 390])
def test_long_member_names_show_whole_in_the_contact_menus(app, world, live_server, browser, width):
    subscription_id = _acme(app)
    page = _page_at(browser, width)
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/account/organisation")
    _check_menu(page, f"{SHOTS}/menu-{width}.png", width)
    staff = _page_at(browser, width)
    log_in(staff, live_server, world["staff"])
    staff.goto(f"{live_server}/operator/subscriptions/{subscription_id}")
    _check_menu(staff, f"{SHOTS}/staff-menu-{width}.png", width)


def _check_menu(page, shot: str, width: int) -> None:
    """The member menu offers the long name whole and shows it whole once chosen (a wider menu
    on a desktop, wrapped on a phone) without widening the page."""
    menu = page.locator("#user_id")
    label = f"{LONG} <{LONG_EMAIL}>"
    assert label in menu.inner_text()
    menu.select_option(label=label)
    page.screenshot(path=shot, full_page=True)
    assert _page_width(page) == width
    if width == 1280:
        assert _fits(menu), "the chosen member's label is cut"
    else:
        # The phone's menu wraps its label onto more lines instead of hiding the end.
        assert menu.evaluate(
            "m => m.scrollWidth <= m.clientWidth && m.scrollHeight <= m.clientHeight"
        )
        assert menu.bounding_box()["height"] > 80
