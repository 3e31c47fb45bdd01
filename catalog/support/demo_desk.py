"""Issue 13's demo requests for ``load-demo``: what a newcomer needs to see the desk work.

Made through the operations the pages use, once (a customer who already has requests is left
alone), and deterministic: the same titles, apps and people on every install.

- an ISV ticket of Example Customer Ltd on an Anantha app, worked by the ISV (a second Anantha
  member to assign it to, an internal note, a reply the customer is told about); staff see it
  read-only and may propose taking it over;
- two consulting tickets: one new (staff triage and quote it) and one quoted, awaiting the
  customer's approval;
- a thread the wizard's dedicated-forum route opened (with its reference), on an app whose
  developer takes tickets here and whose professional support the plan covers: its author can
  escalate it to the developer and then to professional support;
- a second such thread already moved to the developer: an ISV ticket staff may take over;
- a Level 3 incident at severity 2, whose due times move when staff raise it to severity 1.
"""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from catalog.accounts import operations as account_operations
from catalog.accounts.cli import DEMO_PASSWORD
from catalog.accounts.models import ISV
from catalog.extensions import db
from catalog.forum.models import Thread
from catalog.marketplace.models import App
from catalog.support.handoffs import rules
from catalog.support.handoffs.assess import preview
from catalog.support.handoffs.operations import move
from catalog.support.handoffs.queries import thread_subject
from catalog.support.tickets import quotes
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import open_ticket
from catalog.support.tickets.operations import reply
from catalog.support.tickets.retriage import assign
from catalog.support.wizard.forumroute import post_request_thread
from catalog.support.wizard.intake import assess

REQUESTER = "customer@example.com"
SECOND_ISV = ("isv2@anantha.example.com", "Anantha Software second developer")
ISV_APP = "bare-metal-restore"
FORUM_APP = "mail-archive-vault"
AROUND_THE_CLOCK = ("grid@example.com", "mailguard-antispam")


def ensure_demo_desk(now) -> list[tuple[str, str]]:
    """Add the second Anantha member, and the issue-13 demo requests unless the requester
    already has a ticket or a request thread; return the login of that member."""
    requester = account_operations.user_by_email(REQUESTER)
    isv = account_operations.user_by_email("isv@anantha.example.com")
    staff = account_operations.user_by_email("staff@example.com")
    apps = {
        app.slug: app
        for app in db.session.scalars(select(App).where(App.slug.in_([ISV_APP, FORUM_APP])))
    }
    if None in (requester, isv, staff) or len(apps) < 2:
        return []
    if account_operations.user_by_email(SECOND_ISV[0]) is None:
        account_operations.create_user(
            SECOND_ISV[0], SECOND_ISV[1], DEMO_PASSWORD, ISV, vendor=isv.vendor
        )
    login = [(SECOND_ISV[0], "ISV member of Anantha Software (to assign tickets to)")]
    if _has_requests(requester):
        return login
    _isv_ticket(apps[ISV_APP], requester, isv, now)
    _consulting_tickets(apps[ISV_APP], requester, staff, now)
    post_request_thread(
        apps[FORUM_APP],
        requester,
        "Archive search misses mails older than a year",
        "Searching the archive finds nothing before December 2025, "
        "although the mails are listed in the folder view.",
        now,
        "SUP",
    )
    _escalated_thread(apps[FORUM_APP], requester, now)
    _around_the_clock_candidate(now)
    return login


def _escalated_thread(app, requester, now) -> None:
    """A request thread its author moved to the developer: an ISV ticket on an app the plan
    covers, so staff see "Take over into professional support" and its author "Move to
    professional support", both under the thread's reference."""
    thread = post_request_thread(
        app,
        requester,
        "Archive export stops at 2 GB",
        "Exporting a mailbox to an archive file stops at exactly 2 GB without an error.",
        now - timedelta(hours=6),
        "SUP",
    )
    shown = preview(thread_subject(thread), rules.ISV, requester, now - timedelta(hours=5))
    move(requester, rules.ISV, shown, now - timedelta(hours=5), thread=thread, prefix="SUP")


def _around_the_clock_candidate(now) -> None:
    """A Level 3 incident at severity 2: raising it to 1 puts its clocks around the clock, so
    staff see the due times move when they change the severity."""
    grid = account_operations.user_by_email(AROUND_THE_CLOCK[0])
    app = db.session.scalar(select(App).where(App.slug == AROUND_THE_CLOCK[1]))
    if grid is None or app is None:
        return
    _open(
        app,
        grid,
        2,
        "incident",
        "Outgoing mail held since the certificate renewal",
        "Since the TLS certificate was renewed this morning, outgoing mail waits in the queue.",
        now - timedelta(minutes=30),
    )


def _has_requests(user) -> bool:
    """Whether the user already has a ticket or a thread with a support reference."""
    ticket = db.session.scalar(select(Ticket.id).where(Ticket.requester_id == user.id).limit(1))
    thread = db.session.scalar(
        select(Thread.id).where(Thread.author_id == user.id, Thread.reference.is_not(None)).limit(1)
    )
    return ticket is not None or thread is not None


def _open(app, user, severity: int, kind: str, title: str, text: str, now) -> Ticket:
    """A request routed and opened as the wizard does."""
    return open_ticket(assess(app, user, severity, kind, now), user, title, text, now, "SUP")


def _isv_ticket(app, requester, isv, now) -> None:
    """An ISV ticket the developer works: assigned, an internal note, a reply to the customer."""
    ticket = _open(
        app,
        requester,
        3,
        "question",
        "Can a restore skip the data disks?",
        "We want to restore only the system disk of a server and keep its data disks as they are.",
        now - timedelta(hours=3),
    )
    assign(ticket, isv, isv, now - timedelta(hours=2))
    reply(
        ticket,
        isv,
        AGENT,
        "Customer is on 4.2; disk selection came in 4.3. Ask them to upgrade first.",
        [],
        now - timedelta(hours=2),
        internal=True,
    )
    reply(
        ticket,
        isv,
        AGENT,
        "Yes, from version 4.3: choose 'Selected disks' in the restore dialog. "
        "Could you upgrade and tell us whether it works?",
        [],
        now - timedelta(hours=1),
        wait_on_customer=True,
    )


def _consulting_tickets(app, requester, staff, now) -> None:
    """One consulting ticket staff still have to triage and quote, one awaiting approval."""
    quoted = _open(
        app,
        requester,
        3,
        "custom",
        "Restore our RAID 10 servers onto new hardware",
        "Four servers move to new hardware in January; we need the restores planned and done.",
        now - timedelta(days=1),
    )
    quotes.propose(
        quoted,
        staff,
        Decimal("150"),
        Decimal("12"),
        (now + timedelta(days=30)).date(),
        "Two days on site, one day of checks.",
        now - timedelta(hours=20),
    )
    _open(
        app,
        requester,
        3,
        "custom",
        "A restore runbook for our branch offices",
        "We would like a written runbook our branch staff can follow without us.",
        now - timedelta(hours=4),
    )
