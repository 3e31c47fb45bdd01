"""Search as you type, in a real browser on a real index: the wizard's describe step and the
search box list articles and solved threads while the user types, announce them, are keyboard
operable, fit a phone, pass axe, and without JavaScript everything works as before."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.models import Thread
from tests.browser.test_accessibility import AXE
from tests.browser.test_accessibility import axe
from tests.browser.test_wizard_browser import log_in
from tests.conftest import build_index
from tests.support.conftest import PRO_APP

SOLVED = "Quarantine digest never arrives"
PUBLIC = "Runbook public zebrafinch"
CUSTOMERS = "Runbook customers zebrafinch"


@pytest.fixture
def solved(app, apps, forum):
    """The forum fixture's thread solved by its reply, and the index built; the accounts."""
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        forum_operations.toggle_accepted(thread, thread.posts[1])
        db.session.commit()
    build_index(app)
    return apps


def describe_step(page, base: str, email: str) -> None:
    """Sign in and open the wizard at its describe step for the professional app."""
    log_in(page, base, email)
    page.goto(f"{base}/support/new?app={PRO_APP}")
    expect(page.locator("main")).to_contain_text("Step 2 of 5")


def test_the_describe_step_lists_what_may_answer_the_draft_as_the_customer_types(
    solved, live_server, page
):
    describe_step(page, live_server, solved["customer"])
    panel = page.get_by_role("region", name="May answer your question")
    page.get_by_label("Title").press_sequentially("Digest from quarantine", delay=20)

    expect(panel.get_by_role("link", name=re.compile(SOLVED))).to_be_visible()
    expect(panel.get_by_role("status")).to_have_text("1 solved thread may answer this.")
    assert "Step 2 of 5" in page.locator("main").inner_text(), "nothing was submitted"

    page.get_by_label("What happened?").press_sequentially(
        "The zebrafinch runbook says nothing about it.", delay=10
    )
    page.get_by_label("Title").fill("Zebrafinch runbook")
    expect(panel.get_by_role("link")).to_have_count(2)
    expect(panel.get_by_role("link", name=re.compile(PUBLIC))).to_be_visible()
    expect(panel.get_by_role("link", name=re.compile(CUSTOMERS))).to_be_visible()
    expect(panel.get_by_role("link", name=re.compile(SOLVED))).to_have_count(0)
    expect(panel.get_by_role("status")).to_have_text("2 articles may answer this.")

    with page.context.expect_page() as opened:
        panel.get_by_role("link", name=re.compile(PUBLIC)).click()
    opened.value.wait_for_load_state()
    expect(opened.value.get_by_role("heading", level=1)).to_have_text(PUBLIC)
    expect(page.get_by_label("Title")).to_have_value("Zebrafinch runbook")  # the draft stays

    page.get_by_label("Title").fill("")
    page.get_by_label("What happened?").fill("")
    expect(panel.get_by_role("link")).to_have_count(0)


def test_the_search_box_is_a_combobox_that_never_shows_a_customers_only_article_to_anonymous(
    solved, live_server, page
):
    page.goto(f"{live_server}/apps")
    box = page.get_by_role("combobox", name="Search the forum and articles")
    box.press_sequentially("zebrafinch runbook", delay=20)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(listbox.get_by_role("option").first).to_contain_text(PUBLIC)
    expect(listbox.get_by_role("option").last).to_have_text("Search for «zebrafinch runbook»")
    expect(listbox).not_to_contain_text("customers")
    expect(page.locator("header [data-suggest-status]")).to_have_text(
        "1 article found; use the arrow keys to choose one."
    )

    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("zebrafinch runbook")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/forum/articles/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PUBLIC)

    box = page.get_by_role("combobox", name="Search the forum and articles")
    box.press_sequentially("quarantine digest", delay=20)
    expect(page.get_by_role("option", name=re.compile(SOLVED))).to_be_visible()
    box.press("ArrowUp")  # the last entry: the normal search
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=quarantine\+digest$"))


def test_a_customer_sees_customers_only_articles_in_the_search_box(solved, live_server, page):
    log_in(page, live_server, solved["customer"])
    page.get_by_role("combobox", name="Search the forum and articles").fill("zebrafinch")
    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    expect(options).to_have_count(3)
    expect(options.filter(has_text=CUSTOMERS)).to_have_count(1)
    expect(options.filter(has_text="staff")).to_have_count(0)


def test_a_stale_answer_is_cancelled_and_never_replaces_a_newer_one(solved, live_server, page):
    held, failed = [], []
    page.goto(f"{live_server}/apps")
    page.on("requestfailed", lambda request: failed.append(request.url))

    def hold_the_first(route):
        """Keep the first question unanswered; let the others through."""
        if "quarantine" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/search/suggest?*", hold_the_first)
    box = page.get_by_role("combobox", name="Search the forum and articles")
    box.fill("quarantine digest")
    page.wait_for_timeout(600)  # past the 250 ms pause: the first question is on its way
    assert len(held) == 1
    box.fill("zebrafinch runbook")
    expect(page.get_by_role("option", name=re.compile(PUBLIC))).to_be_visible()
    assert any("quarantine" in url for url in failed), "the stale question was aborted"
    with contextlib.suppress(PlaywrightError):  # the browser may have dropped it already
        held[0].fulfill(
            status=200,
            content_type="application/json",
            body='{"items": [{"type": "thread", "title": "Stale", "url": "/forum/"}]}',
        )
    page.wait_for_timeout(300)
    expect(page.get_by_role("option", name=re.compile(PUBLIC))).to_be_visible()
    expect(page.get_by_role("option", name=re.compile("Stale"))).to_have_count(0)


def test_a_fast_typist_sends_one_request_per_pause_not_per_key(solved, live_server, page):
    asked = []
    page.goto(f"{live_server}/apps")
    page.on("request", lambda r: asked.append(r.url) if "/search/suggest" in r.url else None)
    box = page.get_by_role("combobox", name="Search the forum and articles")
    box.press_sequentially("quarantine digest never arrives", delay=40)  # 31 keys
    expect(page.get_by_role("option", name=re.compile(SOLVED))).to_be_visible()
    box.press("End")  # no change in the text: nothing asked
    box.type(" ")  # only trailing space: the same question, not asked again
    page.wait_for_timeout(500)
    assert 1 <= len(asked) < 8, asked
    assert "arrives" in asked[-1]


def test_a_failing_endpoint_shows_nothing(solved, app, live_server, page):
    page.goto(f"{live_server}/apps")
    page.route("**/api/v1/search/suggest?*", lambda route: route.fulfill(status=503, body="{}"))
    box = page.get_by_role("combobox", name="Search the forum and articles")
    box.fill("zebrafinch")
    expect(page.locator("header [data-suggest-status]")).to_have_text(
        "No suggestions; press Enter to search."
    )
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()
    expect(page.get_by_role("alert")).to_have_count(0)


def test_without_javascript_the_box_searches_and_the_wizard_suggests_on_its_own_step(
    solved, live_server, browser
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/apps")
        box = page.get_by_role("searchbox", name="Search the forum and articles")
        box.fill("zebrafinch runbook")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search\?q=zebrafinch\+runbook$"))
        expect(page.locator(".search-hits")).to_contain_text(PUBLIC)

        describe_step(page, live_server, solved["customer"])
        expect(page.get_by_role("region", name="May answer your question")).to_have_count(0)
        page.get_by_label("Title").fill("Digest from quarantine")
        page.get_by_label("What happened?").fill("The quarantine digest stopped.")
        page.get_by_role("button", name="Continue").click()
        page.get_by_label(re.compile(r"^3 — ")).check()
        page.get_by_label(re.compile(r"^A question")).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("link", name=SOLVED)).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_open_suggestions_fit_the_screen_and_pass_axe(solved, live_server, browser, width):
    assert AXE.exists(), "axe-core is missing: run `make axe`"
    context = browser.new_context(viewport={"width": width, "height": 844}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/apps")
        page.get_by_role("combobox", name="Search the forum and articles").fill(
            "quarantine digest zebrafinch"
        )
        expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.documentElement.scrollWidth") == width
        edges = page.get_by_role("listbox", name="Suggestions").evaluate(
            "list => [list.getBoundingClientRect().left, list.getBoundingClientRect().right]"
        )
        assert edges[0] >= 0 and edges[1] <= width, f"the list sticks out: {edges}"
        assert axe(page) == []

        describe_step(page, live_server, solved["customer"])
        page.get_by_label("Title").fill("Quarantine digest and the zebrafinch runbook")
        expect(
            page.get_by_role("region", name="May answer your question").get_by_role("link")
        ).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") == width
        assert axe(page) == []
    finally:
        context.close()
