"""Authorisation as a matrix generated from the URL map, and CSRF on every state-changing rule.

Every endpoint of ``app.url_map`` (except static files) must have a row in ``RULES``: a new
endpoint without one fails ``test_every_endpoint_has_a_rule`` with "add a rule for endpoint X".
"""

import pytest

from catalog.accounts import tokens
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.marketplace.models import Vendor
from tests.authz import console as console_world
from tests.authz import desk as desk_world
from tests.authz import handoffs as handoff_world
from tests.authz import organisations as organisation_world
from tests.authz import plans as plan_world
from tests.authz import profile as profile_world
from tests.authz import requests as request_world
from tests.conftest import APP_A
from tests.conftest import VENDOR_A
from tests.conftest import AuthActions
from tests.conftest import build_index
from tests.conftest import make_user
from tests.support.tickets import ticket_placeholders

# "customer" is a plain member of their organisation; "org_admin" is the organisation admin of
# another organisation ("Other Org", tests/authz/organisations.py).
ROLES = ("anonymous", "customer", "isv_a", "isv_b", "staff", "admin", "org_admin")
OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def expect(
    anonymous=OK, customer=OK, isv_a=OK, isv_b=OK, staff=OK, admin=OK, org_admin=None
) -> dict:
    """Expected outcome per role; an organisation admin fares as a customer unless told."""
    org_admin = customer if org_admin is None else org_admin
    outcomes = (anonymous, customer, isv_a, isv_b, staff, admin, org_admin)
    return dict(zip(ROLES, outcomes, strict=True))


PUBLIC = expect()
SIGNED_IN = expect(anonymous=LOGIN)
ISV_PORTAL = expect(LOGIN, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN)
ISV_A_APP = expect(LOGIN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN)
OPERATOR = expect(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
ADMIN = expect(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
CUSTOMER_ONLY = expect(LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# A professional ticket of the customer's organisation: ISVs must not learn it exists.
# The organisation admin of another organisation must not learn it exists either.
OWN_TICKET = expect(LOGIN, OK, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND)
AGENT_ON_TICKET = expect(LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND)
CUSTOMER_ON_TICKET = expect(LOGIN, OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND)
# ISV A moderates APP_A's section; ISV B (another vendor) may not.
SECTION_A_MODERATORS = expect(LOGIN, FORBIDDEN, OK, FORBIDDEN, OK, OK)
# The customer wrote the thread; ISV A wrote the reply.
THREAD_AUTHOR_OR_MODERATOR = expect(LOGIN, OK, OK, FORBIDDEN, OK, OK, FORBIDDEN)
# The organisation admin's actions on their own organisation (tests/authz/organisations.py).
ORGANISATION_ADMIN = expect(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)

# endpoint: (method, URL arguments from the world, expected outcome per role)
RULES = {
    "marketplace.home": ("GET", {}, PUBLIC),
    "marketplace.app_list": ("GET", {}, PUBLIC),
    "marketplace.app_detail": ("GET", {"slug": APP_A}, PUBLIC),
    "marketplace.app_history": ("GET", {"slug": APP_A}, PUBLIC),
    "marketplace.legend_fragment": ("GET", {"slug": APP_A}, PUBLIC),
    "marketplace.badge": ("GET", {"slug": APP_A}, PUBLIC),
    "marketplace.vendor_detail": ("GET", {"slug": VENDOR_A}, PUBLIC),
    "marketplace.support_channels": ("GET", {}, PUBLIC),
    "marketplace.legend_css": ("GET", {}, PUBLIC),
    "api.app_list": ("GET", {}, PUBLIC),
    "api.app_detail": ("GET", {"slug": APP_A}, PUBLIC),
    "accounts.login": ("GET", {}, PUBLIC),
    "accounts.logout": ("POST", {}, PUBLIC),
    "accounts.sign_up": ("GET", {}, PUBLIC),
    "accounts.change_password": ("GET", {}, SIGNED_IN),
    "accounts.verify_notice": ("GET", {}, SIGNED_IN),
    "accounts.resend_verification": ("POST", {}, SIGNED_IN),
    "accounts.verify": ("GET", {"token": "verify_token"}, PUBLIC),
    "accounts.reset_request": ("GET", {}, PUBLIC),
    "accounts.reset": ("GET", {"token": "reset_token"}, PUBLIC),
    "accounts.accept_invite": ("GET", {"token": "invite_token"}, PUBLIC),
    "isv.dashboard": ("GET", {}, ISV_PORTAL),
    "isv.edit_app": ("GET", {"slug": APP_A}, ISV_A_APP),
    "operator.dashboard": ("GET", {}, OPERATOR),
    "operator.coverage": ("GET", {"slug": APP_A}, OPERATOR),
    "operator.publish": ("POST", {"slug": APP_A}, OPERATOR),
    "operator.vendors": ("GET", {}, OPERATOR),
    "operator.vendor_new": ("GET", {}, OPERATOR),
    "operator.vendor_edit": ("GET", {"slug": VENDOR_A}, OPERATOR),
    "operator.vendor_invite": ("POST", {"slug": VENDOR_A}, OPERATOR),
    "operator.member_remove": ("POST", {"slug": VENDOR_A, "user_id": "fresh_member_id"}, OPERATOR),
    "operator.categories": ("GET", {}, OPERATOR),
    "operator.category_edit": ("GET", {"slug": "mail"}, OPERATOR),
    "operator.users": ("GET", {}, ADMIN),
    "operator.user_edit": ("GET", {"user_id": "customer_id"}, ADMIN),
    "operator.mail_quarantine": ("GET", {}, OPERATOR),
    # A held request's link works for its own sender only (tests/ticketmail/test_mail_trust.py).
    "ticketmail.confirm_request": ("GET", {"token": "a" * 32}, expect(LOGIN, *[NOT_FOUND] * 5)),
    "api.route_preview": ("GET", {"app": APP_A}, PUBLIC),
    "support.new_request": ("GET", {}, CUSTOMER_ONLY),
    "support.solved": ("POST", {}, CUSTOMER_ONLY),
    "support.tickets": ("GET", {}, SIGNED_IN),
    "support.ticket": ("GET", {"reference": "ticket_ref"}, OWN_TICKET),
    "support.reply": ("POST", {"reference": "fresh_ticket_ref"}, OWN_TICKET),
    "support.change_status": ("POST", {"reference": "fresh_ticket_ref"}, AGENT_ON_TICKET),
    "support.classify": ("POST", {"reference": "ticket_ref"}, AGENT_ON_TICKET),
    "support.propose_quote": ("POST", {"reference": "fresh_consulting_ref"}, AGENT_ON_TICKET),
    "support.decide_quote": (
        "POST",
        {"reference": "quoted_ref", "quote_id": "quote_id"},
        CUSTOMER_ON_TICKET,
    ),
    "support.attachment": (
        "GET",
        {"reference": "ticket_ref", "attachment_id": "attachment_id"},
        OWN_TICKET,
    ),
    "forum.index": ("GET", {}, PUBLIC),
    "forum.section": ("GET", {"slug": "section_a"}, PUBLIC),
    "forum.new_thread": ("GET", {"slug": "section_a"}, SIGNED_IN),
    "forum.thread": ("GET", {"thread_id": "thread_id"}, PUBLIC),
    "forum.reply": ("POST", {"thread_id": "thread_id"}, SIGNED_IN),
    "forum.moderate_thread": ("POST", {"thread_id": "thread_id"}, SECTION_A_MODERATORS),
    "forum.promote": ("POST", {"thread_id": "thread_id"}, OPERATOR),
    "forum.post_link": ("GET", {"post_id": "reply_id"}, PUBLIC),
    "forum.edit_post": ("GET", {"post_id": "reply_id"}, SECTION_A_MODERATORS),
    "forum.accept": ("POST", {"post_id": "reply_id"}, THREAD_AUTHOR_OR_MODERATOR),
    "forum.vote": ("POST", {"post_id": "reply_id"}, SIGNED_IN),
    "forum.moderate_post": ("POST", {"post_id": "reply_id"}, SECTION_A_MODERATORS),
    "forum.article_list": ("GET", {}, PUBLIC),
    "forum.article": ("GET", {"article_id": "public_article_id"}, PUBLIC),
    "forum.new_article": ("GET", {}, OPERATOR),
    "forum.edit_article": ("GET", {"article_id": "public_article_id"}, OPERATOR),
    "search.page": ("GET", {}, PUBLIC),
    "api.search": ("GET", {}, PUBLIC),
    "api.search_suggest": ("GET", {}, PUBLIC),
    "health.healthz": ("GET", {}, PUBLIC),
    # --- plans and the plan comparison (issue 12) ---
    "plans.compare": ("GET", {}, PUBLIC),
    "plans.plan_list": ("GET", {}, ADMIN),
    "plans.plan_new": ("GET", {}, ADMIN),
    "plans.plan_edit": ("GET", {"slug": "plan_slug"}, ADMIN),
    "plans.plan_retire": ("POST", {"slug": "plan_slug"}, ADMIN),
    "plans.plan_delete": ("POST", {"slug": "fresh_plan_slug"}, ADMIN),
    # --- organisations, members, subscriptions, /account/organisation (issue 12) ---
    "customers.organisations": ("GET", {}, OPERATOR),
    "customers.organisation_new": ("GET", {}, OPERATOR),
    "customers.organisation_edit": ("GET", {"organisation_id": "organisation_id"}, OPERATOR),
    "customers.organisation_invite": ("POST", {"organisation_id": "organisation_id"}, OPERATOR),
    "customers.member_role": (
        "POST",
        {"organisation_id": "organisation_id", "user_id": "member_id"},
        OPERATOR,
    ),
    "customers.member_remove": (
        "POST",
        {"organisation_id": "organisation_id", "user_id": "fresh_org_member_id"},
        OPERATOR,
    ),
    "customers.subscription_new": ("GET", {"organisation_id": "organisation_id"}, OPERATOR),
    "customers.subscription_edit": ("GET", {"subscription_id": "subscription_id"}, OPERATOR),
    # POST_DATA names no member of the organisation (ids are not known in advance): staff pass
    # the role check and meet the 404 for a user outside it; adding is tested in tests/customers.
    "customers.contact_add": (
        "POST",
        {"subscription_id": "subscription_id"},
        expect(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    ),
    "customers.contact_remove": (
        "POST",
        {"subscription_id": "subscription_id", "user_id": "fresh_contact_id"},
        OPERATOR,
    ),
    "customers.subscription_renew": ("POST", {"subscription_id": "subscription_id"}, OPERATOR),
    # A customer's own organisation; ISVs and staff have the operator pages instead (403).
    "customers.my_organisation": ("GET", {}, CUSTOMER_ONLY),
    # Only a customer outside any organisation may ask to join one (both test customers are in).
    "customers.ask_to_join": (
        "POST",
        {},
        expect(LOGIN, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ),
    # The organisation admin's actions: a plain member gets 403; member and request ids are of
    # the admin's own organisation ("Other Org").
    "customers.my_invite": ("POST", {}, ORGANISATION_ADMIN),
    "customers.my_member_role": ("POST", {"user_id": "other_member_id"}, ORGANISATION_ADMIN),
    # POST, each time a member made for it (tests/test_security_headers.py opens every GET page
    # with the world's roles, which have no organisation admin).
    "customers.my_member_remove": (
        "POST",
        {"user_id": "fresh_other_member_id"},
        ORGANISATION_ADMIN,
    ),
    "customers.my_join_decision": (
        "POST",
        {"request_id": "join_request_id"},
        ORGANISATION_ADMIN,
    ),
    # POST_DATA names user 0, in no organisation: the admin passes the checks and meets the 404.
    "customers.my_contact_swap": (
        "POST",
        {},
        expect(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    ),
    "customers.invitation_withdraw": (
        "POST",
        {"organisation_id": "organisation_id", "invitation_id": "fresh_invitation_id"},
        OPERATOR,
    ),
    # An invitation to the admin's own organisation ("Other Org"); Matrix Org's is another's.
    "customers.my_invitation_withdraw": (
        "POST",
        {"invitation_id": "fresh_other_invitation_id"},
        ORGANISATION_ADMIN,
    ),
    # An invitation for a new address: anyone signed in is another person (refused, 403).
    "customers.join": ("GET", {"token": "org_invite_token"}, expect(OK, *[FORBIDDEN] * 6)),
    # --- plan requests (issue 12) ---
    "planrequests.new_request": ("GET", {"slug": "request_plan"}, CUSTOMER_ONLY),
    "planrequests.my_requests": ("GET", {}, CUSTOMER_ONLY),
    "planrequests.my_request": (
        "GET",
        {"request_id": "own_plan_request_id"},
        expect(LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    ),
    "planrequests.queue": ("GET", {}, OPERATOR),
    "planrequests.detail": ("GET", {"request_id": "own_plan_request_id"}, OPERATOR),
    "planrequests.accept": ("POST", {"request_id": "fresh_plan_request_id"}, OPERATOR),
    "planrequests.decline": ("POST", {"request_id": "fresh_plan_request_id"}, OPERATOR),
    # --- users, the app console, new apps (issue 12) ---
    "operator.user_new": ("GET", {}, ADMIN),
    "operator.app_new": ("GET", {}, OPERATOR),
    "isv.app_new": ("GET", {}, ISV_PORTAL),
    # --- hand-offs between channels (issue 13) ---
    # Staff propose moving a professional ticket to the developer; the customer may not.
    "support.handoff_move": (
        "POST",
        {"reference": "handoff_ticket_ref", "target": "isv"},
        expect(LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND),
    ),
    # The thread's author, the app's developer and staff; another vendor never sees the control.
    "support.thread_escalate": (
        "GET",
        {"thread_id": "handoff_thread_id"},
        expect(LOGIN, OK, OK, NOT_FOUND, OK, OK, NOT_FOUND),
    ),
    "support.handoff": ("GET", {"handoff_id": "handoff_id"}, OWN_TICKET),
    "support.handoff_accept": ("POST", {"handoff_id": "handoff_id"}, CUSTOMER_ON_TICKET),
    "support.handoff_decline": ("POST", {"handoff_id": "handoff_id"}, CUSTOMER_ON_TICKET),
    # Only whoever proposed it (staff here) withdraws it.
    "support.handoff_withdraw": (
        "POST",
        {"handoff_id": "handoff_id"},
        expect(LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK, FORBIDDEN, NOT_FOUND),
    ),
    # --- the desk: queues, assignment, severity and kind, internal notes (issue 13) ---
    # The agent side works a ticket; staff on ISV tickets are observers (tests/support/
    # test_observer.py), customers may not, other vendors and organisations never see it.
    "support.assign": ("POST", {"reference": "fresh_ticket_ref"}, AGENT_ON_TICKET),
    "support.retriage": ("POST", {"reference": "fresh_ticket_ref"}, AGENT_ON_TICKET),
    "support.not_an_incident": ("POST", {"reference": "counted_ticket_ref"}, AGENT_ON_TICKET),
    # --- the wizard's forum routes and the ticket lifecycle (issue 13) ---
    # --- profile, time zone and notifications (issue 13) ---
    # Everyone signed in has a profile and a list; a confirmation link or a notification of
    # another account is 404 (the customer's own: tests/authz/profile.py).
    "accounts.profile": ("GET", {}, SIGNED_IN),
    "accounts.cancel_email_change": ("POST", {}, SIGNED_IN),
    "accounts.confirm_email_change": (
        "GET",
        {"token": "own_email_change_token"},
        expect(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "accounts.notifications_list": ("GET", {}, SIGNED_IN),
    "accounts.open_notification": (
        "POST",
        {"notification_id": "customer_notification_id"},
        expect(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "accounts.mark_all_read": ("POST", {}, SIGNED_IN),
}

# Form data for POST-only endpoints, so an allowed role gets past validation.
POST_DATA = {
    "operator.vendor_invite": {"email": "someone@northwind.example"},
    "support.reply": {"body": "Any news?"},
    "support.change_status": {"target": "triaged"},
    "support.classify": {"classification": "product"},
    "support.propose_quote": {"rate": "150", "hours": "4", "completion_on": "2031-01-31"},
    "support.decide_quote": {"decision": "approve"},
    "forum.reply": {"body": "Thanks, that helped."},
    # No-op actions, so every role meets the same thread and reply.
    "forum.moderate_thread": {"action": "unlock"},
    "forum.moderate_post": {"action": "unhide"},
    # plans (issue 12): offering a plan again is a no-op; each delete gets a plan of its own.
    "plans.plan_retire": {"retired": ""},
    "plans.plan_delete": {"confirm": "y"},
    # organisations (issue 12)
    "customers.organisation_invite": {"email": "invitee@matrix.example", "role": "member"},
    "customers.member_role": {"role": "member"},
    "customers.contact_add": {"user_id": "0"},
    "customers.my_invite": {"email": "invitee@other.example", "role": "member"},
    "customers.my_member_role": {"role": "member"},
    "customers.my_join_decision": {"decision": "decline"},
    "customers.my_contact_swap": {"leaving": "0", "user_id": "0"},
    # Plan requests (issue 12): a decision that passes validation.
    "planrequests.accept": {
        "starts_on": "2030-01-01",
        "ends_on": "2030-12-31",
        "environments": "1",
    },
    "planrequests.decline": {"reason": "We cannot offer this plan in your country."},
    # hand-offs (issue 13)
    "support.handoff_move": {"reason": "The defect is the developer's to fix."},
    "support.handoff_accept": {"shown": handoff_world.SHOWN},
    # the desk (issue 13)
    "support.assign": {"assignee": "me"},
    "support.retriage": {"severity": "1", "kind": "incident", "reason": "Production is down."},
    "support.not_an_incident": {"reason": "A billing question, not an incident."},
    # the wizard's forum routes and the lifecycle (issue 13)
    # profile and notifications (issue 13)
}


def _endpoints(app) -> set[str]:
    """Every endpoint in the URL map except static files."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_endpoint_has_a_rule(app):
    missing = sorted(_endpoints(app) - set(RULES))
    assert not missing, f"add a rule for endpoint {', '.join(missing)} to RULES in {__file__}"
    assert not set(RULES) - _endpoints(app), "RULES names endpoints that no longer exist"


def _url(app, endpoint: str, args: dict, values: dict) -> str:
    """The URL of an endpoint, symbolic arguments replaced by real values (callables run now)."""
    real = {key: values.get(value, value) for key, value in args.items()}
    real = {key: value() if callable(value) else value for key, value in real.items()}
    with app.test_request_context():
        return app.url_for(endpoint, **real, _external=False)


def _placeholders(app, world, forum) -> dict:
    """Values for the symbolic URL arguments: real tokens and ids."""
    counter = iter(range(1000))
    with app.app_context():

        def user(key):
            return db.session.scalar(db.select(User).where(User.email == world[key]))

        vendor_id = db.session.scalar(db.select(Vendor.id).where(Vendor.slug == VENDOR_A))
        return {
            "reset_token": tokens.reset_token(user("customer")),
            "verify_token": tokens.verify_token(user("customer")),
            "invite_token": tokens.invite_token(vendor_id, "invitee@northwind.example"),
            "isv_a_id": user("isv_a").id,
            "customer_id": user("customer").id,
            "section_a": forum["section"],
            "thread_id": forum["thread_id"],
            "reply_id": forum["reply_id"],
            "public_article_id": forum["article"]["public"],
            # Removing a member is destructive: each request removes a member made for it.
            "fresh_member_id": lambda: make_user(
                app, f"member{next(counter)}@northwind.example", "isv", VENDOR_A
            ),
            **ticket_placeholders(app, user("customer").id),
            **plan_world.placeholders(app),
            **organisation_world.placeholders(app),
            **request_world.placeholders(app),
            **console_world.placeholders(app),
            **handoff_world.placeholders(app),
            **desk_world.placeholders(app),
            **profile_world.placeholders(app),
        }


def _outcome(response) -> str:
    """Classify a response as one of the matrix outcomes."""
    if response.status_code == 302 and "/account/login" in response.headers["Location"]:
        return LOGIN
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code < 400, (
        f"unexpected {response.status_code} from {response.request.path}"
    )
    return OK


def test_authorisation_matrix(app, world, forum):
    """Every endpoint × every role gives the expected outcome (CSRF off: only access is tested)."""
    world = {**world, "org_admin": organisation_world.organisation_admin(app)}
    app.config["WTF_CSRF_ENABLED"] = False
    build_index(app)
    values = _placeholders(app, world, forum)
    failures = []
    for endpoint, (method, args, expected) in sorted(RULES.items()):
        for role in ROLES:
            url = _url(app, endpoint, args, values)
            client = app.test_client()
            if role != "anonymous":
                AuthActions(client).login(world[role])
            got = _outcome(client.open(url, method=method, data=POST_DATA.get(endpoint)))
            if got != expected[role]:
                failures.append(f"{endpoint} as {role}: expected {expected[role]}, got {got}")
    assert not failures, "\n".join(failures)


def _write_rules(app):
    """(endpoint, method, URL arguments) of every rule that accepts a state-changing method."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITES):
            yield rule, method


@pytest.mark.parametrize("role", ROLES)
def test_no_state_changing_request_is_accepted_without_a_csrf_token(app, world, forum, role):
    world = {**world, "org_admin": organisation_world.organisation_admin(app)}
    values = _placeholders(app, world, forum)
    client = app.test_client()
    if role != "anonymous":
        AuthActions(client).login(world[role])
    checked = 0
    for rule, method in _write_rules(app):
        url = _url(app, rule.endpoint, RULES[rule.endpoint][1], values)
        response = client.open(
            url, method=method, data={"email": "x@example.com", "published": "y"}
        )
        assert response.status_code == 400, f"{method} {url} as {role} gave {response.status_code}"
        assert "was not sent from this site" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 15
    assert client.get("/").status_code == 200


def test_api_is_read_only(app):
    api_writes = [rule.rule for rule, _ in _write_rules(app) if rule.rule.startswith("/api/")]
    assert api_writes == [], "a write API needs a bearer-token scheme and a CSRF test of its own"
