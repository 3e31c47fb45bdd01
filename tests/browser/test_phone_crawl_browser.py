"""Phone first (issue 13): no page scrolls sideways at 390 px, for any role.

For each role the crawl starts at the role's start page and opens, in one phone-sized context,
every same-site page linked from it and from the pages those link to (two levels), at most
``PER_ENDPOINT`` addresses per view (the 39 app pages share one layout) and ``MAX_PAGES`` in all.
On each page, with every ``<details>`` fold opened, ``document.documentElement.scrollWidth``
must not exceed the viewport; a failure names the page and the elements that stick out (tag,
class, width). A link that answers an error (a dead end such as a 403) is reported too.
The world is the demo (``load-demo``) plus a ticket of every channel, a thread the wizard's
dedicated-forum route opened, a notification for everyone and a proposed hand-off, so the
linked pages have content.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urldefrag
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from catalog.accounts.cli import DEMO_PASSWORD
from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.tickets import quotes
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.forumroute import post_request_thread
from catalog.support.wizard.intake import assess

WIDTH = 390
MAX_PAGES = 150
PER_ENDPOINT = 5
# role → (demo login, start page); every role starts at the forum too, so that its threads (two
# levels down: forum → section → thread) are visited.
ROLES = {
    "anonymous": (None, "/"),
    "customer": ("busy@example.com", "/support/tickets"),
    "organisation admin": ("customer@example.com", "/support/tickets"),
    "isv": ("isv@anantha.example.com", "/isv"),
    "staff": ("staff@example.com", "/operator/"),
    "admin": ("admin@example.com", "/operator/"),
}
ALSO_FROM = "/forum"
# Views each role's crawl must reach (so that a change of links cannot quietly shrink it): the
# issue's new pages among them.
_EVERYONE = frozenset({"forum.thread", "marketplace.app_detail"})
_SIGNED_IN = _EVERYONE | {"support.ticket", "accounts.profile", "accounts.notifications_list"}
MUST_REACH = {
    "anonymous": _EVERYONE,
    "customer": _SIGNED_IN,
    "organisation admin": _SIGNED_IN | {"support.handoff"},
    "isv": _SIGNED_IN,
    "staff": _SIGNED_IN,
    "admin": _SIGNED_IN,
}
DISK = "/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T123456"
LOG_LINK = "https://files.example.com/share/8f2c41d0e7b94a5f9c3e2b1a/restore-log-2026-12-01.tar.gz"
# Not pages: downloads, feeds, the API, style sheets and images.
SKIPPED_PREFIXES = ("/static/", "/api/")
SKIPPED_SUFFIXES = (".svg", ".css", ".csv", ".json", ".txt", ".xml", ".png", ".ico")
SKIPPED_WORDS = ("logout", "/attachments/", "/download")

LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
# The page's width with every fold open (a closed <details> hides what it would widen).
WIDTH_OPEN = """() => {
  document.querySelectorAll('details').forEach(fold => { fold.open = true; });
  return document.documentElement.scrollWidth;
}"""
# The elements that stick out past the viewport and are not inside a box that scrolls or clips
# them, rightmost first and, at one right edge, innermost first.
OFFENDERS = """(width) => {
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase()
    + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return [...document.body.querySelectorAll('*')]
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.right > width + 0.5 && box.width > 0 && !clipped(el))
    .sort((a, b) => (b[1].right - a[1].right) || (a[1].width - b[1].width))
    .slice(0, 5)
    .map(([el, box]) => `${name(el)} (${Math.round(box.width)} px, to ${Math.round(box.right)})`);
}"""


def _user(email: str) -> User:
    """The demo user with this address."""
    return db.session.scalar(select(User).where(User.email == email))


def add_requests() -> str:
    """Add to the demo (which has a professional ticket by busy@example.com): an ISV ticket and a
    quoted consulting ticket of its organisation admin, a thread the wizard's dedicated-forum
    route opened, and a notification for each signed-in role; return the ISV ticket's reference.
    Runs in an app context."""
    now = utcnow()
    requester = _user("customer@example.com")
    staff = _user("staff@example.com")
    # Customers paste device paths and links: long words that must wrap on a phone.
    requests = [
        ("bare-metal-restore", 3, "question", f"Can a restore skip {DISK}?"),
        ("bare-metal-restore", 2, "custom", "Restore our RAID 10 servers onto new hardware"),
    ]
    opened = []
    for slug, severity, kind, title in requests:
        app = db.session.scalar(select(App).where(App.slug == slug))
        intake = assess(app, requester, severity, kind, now)
        text = f"{title} The log: {LOG_LINK}"
        opened.append(open_ticket(intake, requester, title, text, now, "SUP"))
    isv_ticket, consulting_ticket = opened
    db.session.flush()
    quotes.propose(
        consulting_ticket,
        staff,
        Decimal("150"),
        Decimal("12"),
        date.today() + timedelta(days=30),
        "",
        now,
    )
    wiki = db.session.scalar(select(App).where(App.slug == "anantha-wiki"))
    thread = post_request_thread(
        wiki,
        requester,
        "Page history lost after the import",
        "Imported pages show no history.",
        now,
        "SUP",
    )
    for email, _ in ROLES.values():
        if email:
            db.session.add(
                UserNotification(
                    user_id=_user(email).id,
                    kind="forum_reply",
                    title=f"A reply in “{thread.title}”",
                    link=f"/forum/t/{thread.id}",
                    thread_id=thread.id,
                    created_at=now,
                )
            )
    return isv_ticket.reference


@pytest.fixture
def demo(app, runner):
    """The demo world, a ticket of every channel, a thread with a support reference; returns the
    ISV ticket's reference."""
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        reference = add_requests()
        db.session.commit()
        channels = db.session.scalars(select(Ticket.channel)).all()
    assert {"isv", "professional", "consulting"} <= set(channels)
    return reference


def log_in(page, base: str, email: str) -> None:
    """Log in with the demo password."""
    page.goto(f"{base}/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url, f"{email} could not log in"


def phone_context(browser):
    """A fresh phone-sized context (390 × 844, touch)."""
    return browser.new_context(
        viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True
    )


def propose_consulting(browser, base: str, reference: str) -> None:
    """Staff propose moving the ISV ticket to consulting, so the customer has a proposal to
    decide (its page is linked from the ticket)."""
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, base, "staff@example.com")
    page.goto(f"{base}/support/tickets/{reference}/move/consulting")
    page.get_by_label("Why should the request move?").fill(
        "Restoring onto new hardware is a project."
    )
    page.get_by_role("button", name="Propose the move").click()
    page.wait_for_url(f"**/support/tickets/{reference}")
    context.close()


def is_page(base: str, url: str) -> bool:
    """Whether ``url`` is a page of this site the crawl opens (not a download, file or logout)."""
    if not url.startswith(base + "/"):
        return False
    path = urlsplit(url).path
    return not (
        path.startswith(SKIPPED_PREFIXES)
        or path.endswith(SKIPPED_SUFFIXES)
        or any(word in path for word in SKIPPED_WORDS)
    )


class Crawl:
    """The pages of one role, two levels from its start page, bounded per view and in all."""

    def __init__(self, app, page, base: str):
        self.urls = app.url_map.bind("localhost")
        self.page = page
        self.base = base
        self.seen: set[str] = set()
        self.per_endpoint: dict[str, int] = {}
        self.problems: list[str] = []
        self.visited = 0

    def run(self, *starts: str) -> None:
        """Visit the start pages, the pages they link to and the pages those link to."""
        level = [self.base + start for start in starts]
        self.seen.update(level)
        for depth in range(3):
            following = []
            for url in level:
                if self.visited >= MAX_PAGES:
                    return
                links = self.visit(url)
                if depth < 2:
                    following += [link for link in links if self.admit(link)]
            level = following

    def admit(self, url: str) -> bool:
        """Take ``url`` once, while its view has not had ``PER_ENDPOINT`` addresses yet."""
        if url in self.seen or not is_page(self.base, url):
            return False
        split = urlsplit(url)
        try:
            endpoint, _ = self.urls.match(split.path, method="GET")
        except HTTPException:  # not a GET page of ours (a redirect, a 404): open it anyway, once
            endpoint = split.path
        if self.per_endpoint.get(endpoint, 0) >= PER_ENDPOINT:
            return False
        self.per_endpoint[endpoint] = self.per_endpoint.get(endpoint, 0) + 1
        self.seen.add(url)
        return True

    def visit(self, url: str) -> list[str]:
        """Open ``url``; note a failure or an overflow; return the page's links."""
        self.visited += 1
        path = url.removeprefix(self.base)
        try:
            response = self.page.goto(url)
        except PlaywrightError as error:  # a download, or a page that never finished loading
            self.problems.append(f"{path}: could not be opened ({error.message.splitlines()[0]})")
            return []
        if response is None or response.status >= 400:
            self.problems.append(f"{path}: answered {response and response.status}")
            return []
        if not response.headers.get("content-type", "").startswith("text/html"):
            return []
        width = self.page.evaluate(WIDTH_OPEN)
        if width > WIDTH:
            offenders = self.page.evaluate(OFFENDERS, WIDTH)
            self.problems.append(f"{path}: {width} px wide; sticking out: {'; '.join(offenders)}")
        return [urldefrag(link).url for link in self.page.evaluate(LINKS)]


def test_no_page_linked_from_any_start_page_scrolls_sideways_on_a_phone(
    app, demo, live_server, browser
):
    propose_consulting(browser, live_server, demo)
    problems = []
    missed = {}
    for role, (email, start) in ROLES.items():
        context = phone_context(browser)
        page = context.new_page()
        if email:
            log_in(page, live_server, email)
        crawl = Crawl(app, page, live_server)
        crawl.run(start, ALSO_FROM)
        context.close()
        problems += [f"{role}: {problem}" for problem in crawl.problems]
        if MUST_REACH[role] - set(crawl.per_endpoint):
            missed[role] = sorted(MUST_REACH[role] - set(crawl.per_endpoint))
    assert missed == {}, f"pages the crawl should have reached: {missed}"
    assert problems == [], "\n".join(problems)


def test_the_crawl_names_what_sticks_out_and_ignores_what_scrolls_in_its_own_box(
    live_server, browser
):
    context = phone_context(browser)
    page = context.new_page()
    page.goto(f"{live_server}/")
    assert page.evaluate(WIDTH_OPEN) == WIDTH
    page.evaluate("""() => {
        const add = (parent, tag, className, width) => {
            const el = document.createElement(tag);
            el.className = className;
            el.style.width = width;
            el.textContent = className;
            parent.append(el);
            return el;
        };
        const main = document.querySelector('main');
        const box = add(main, 'div', 'scroll-box', 'auto');
        box.style.overflowX = 'auto';
        add(box, 'div', 'wide-but-boxed', '900px');
        const fold = add(main, 'details', 'fold', 'auto');
        add(fold, 'summary', 'fold-summary', 'auto');
        add(fold, 'pre', 'wide-in-a-fold', '600px');
    }""")
    assert page.evaluate("document.documentElement.scrollWidth") == WIDTH, "the fold is closed"
    assert page.evaluate(WIDTH_OPEN) > 600
    offenders = " ".join(page.evaluate(OFFENDERS, WIDTH))
    assert "pre.wide-in-a-fold (600 px" in offenders
    assert "wide-but-boxed" not in offenders
    context.close()
