"""Mail about no ticket: a known customer's opens a request through the router, or is refused."""

from email import message_from_bytes
from email import policy

from catalog.extensions import db
from catalog.ticketmail.models import MailOutbox
from tests.support.conftest import FORUM_APP
from tests.support.conftest import ISV_APP
from tests.ticketmail.conftest import deliver
from tests.ticketmail.conftest import mail
from tests.ticketmail.conftest import outbox
from tests.ticketmail.conftest import ticket_of
from tests.ticketmail.conftest import vouched


def _parsed(row: MailOutbox):
    return message_from_bytes(row.raw, policy=policy.default)


def test_mail_to_a_plus_address_opens_a_question_routed_like_the_wizard_and_acknowledges_it(
    app, apps, trust_mx
):
    message = mail(
        apps["customer"],
        "Fwd: Backups fail at night",
        "Every night at 2:00.",
        Message_ID="<new@example.com>",
    )
    message.add_attachment(b"error 42", maintype="text", subtype="plain", filename="night.log")
    status, detail = deliver(app, vouched(message), recipients=(f"support+{ISV_APP}@catalog.test",))
    assert status == "opened" and detail.startswith("opened SUP-")
    reference = detail.split()[1]
    with app.app_context():
        ticket = ticket_of(reference)
        assert (ticket.channel, ticket.severity, ticket.kind, ticket.title) == (
            "isv",
            3,
            "question",
            "Backups fail at night",
        )
        assert (
            ticket.messages[0].body == "Every night at 2:00."
            and ticket.messages[0].attachments[0].filename == "night.log"
        )
        assert ticket.clocks and ticket.routing_reason
        db.session.expunge_all()
    acknowledgement = _parsed(
        next(row for row in outbox(app) if row.recipients == [apps["customer"]])
    )
    assert acknowledgement["Subject"] == f"[{reference}] Request received: Backups fail at night"
    assert (
        acknowledgement["In-Reply-To"] == "<new@example.com>"
    )  # threads under the customer's own mail
    assert (
        deliver(app, vouched(message), recipients=(f"support+{ISV_APP}@catalog.test",))[0]
        == "duplicate"
    )


def test_the_app_is_named_by_its_app_address_in_to_or_cc(app, apps, trust_mx):
    to = mail(apps["customer"], "restore fails")
    to.replace_header("To", f"support+app-{ISV_APP}@catalog.test")
    assert deliver(app, vouched(to))[0] == "opened"
    cc = mail(
        apps["customer"], "restore fails again", Cc=f"Support <support+{ISV_APP}@catalog.test>"
    )
    assert deliver(app, vouched(cc))[0] == "opened"


def test_mail_that_names_no_app_goes_to_triage_with_a_pointer_to_the_request_form(
    app, apps, trust_mx
):
    status, detail = deliver(app, vouched(mail(apps["customer"], "Help!", "Something is wrong")))
    assert status == "triage" and "names no app" in detail
    refusal = _parsed(outbox(app, kind="refusal")[0])
    assert "http://catalog.test/support/new" in refusal.get_body(("plain",)).get_content()
    assert refusal["Auto-Submitted"] == "auto-replied"


def test_an_app_without_tickets_here_is_refused_with_the_routers_reason(app, apps):
    status, detail = deliver(
        app,
        mail(apps["customer"], "how do I").as_bytes(),
        recipients=(f"support+app-{FORUM_APP}@catalog.test",),
    )
    assert (
        status == "bounced"
        and "not handled as tickets here" in detail
        and "forum" in detail.lower()
    )


def test_a_stranger_cannot_open_a_request_by_mail(app, apps, trust_mx):
    to_app = (f"support+app-{ISV_APP}@catalog.test",)
    status, detail = deliver(app, vouched(mail("stranger@evil.example", "hi")), recipients=to_app)
    assert status == "bounced" and "no customer account" in detail
    assert (
        deliver(app, vouched(mail(apps["isv_a"], "hi")), recipients=to_app)[0] == "bounced"
    )  # developers do not file requests
