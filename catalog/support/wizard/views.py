"""Request handlers of the request wizard ``/support/new`` and the route preview API."""

from datetime import timedelta

from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from catalog import formtokens
from catalog import unitofwork
from catalog.accounts.access import roles_required
from catalog.accounts.access import verified_required
from catalog.accounts.models import CUSTOMER
from catalog.db import utcnow
from catalog.forum.forms import ThreadForm
from catalog.legend import offered_keys
from catalog.support.desk import queries
from catalog.support.planrequests.links import comparison_url
from catalog.support.tickets.operations import QuotaTaken
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard import deflection
from catalog.support.wizard import forumroute
from catalog.support.wizard import state as wizard
from catalog.support.wizard.forms import AppStepForm
from catalog.support.wizard.forms import ClassifyStepForm
from catalog.support.wizard.forms import ContinueForm
from catalog.support.wizard.forms import DescribeStepForm
from catalog.support.wizard.forms import SolvedForm
from catalog.support.wizard.intake import assess
from catalog.support.wizard.presenting import decision_json
from catalog.support.wizard.presenting import shown_fingerprint
from catalog.support.wizard.presenting import verdict_entries
from catalog.support.wizard.presenting import way_in
from catalog.support.wizard.routing import Outcome

STEP_FORMS = {
    "app": AppStepForm,
    "describe": DescribeStepForm,
    "classify": ClassifyStepForm,
    "deflect": ContinueForm,
    "review": ContinueForm,
}
# The answers of a request that could not reach professional support, kept in the session so
# the customer can look at the plans or request one and come back to them. The cookie holds
# about 4 KB, so a longer draft is not kept (its signed form rides on the page as before).
DRAFT_KEY = "wizard_draft"
MAX_DRAFT_CHARS = 3000


def _form(step: str, **kwargs):
    """The form of a step, with the app choices filled in for the first one."""
    form = STEP_FORMS[step](**kwargs)
    if step == "app":
        form.app.choices = [SelectChoice("", "Choose an app…")] + [
            SelectChoice(app.slug, app.name) for app in queries.published_apps()
        ]
    return form


def _render(state: dict, form=None, status: int = 200, notice: str | None = None):
    """Render the current step of the wizard with its form and the signed state."""
    step = wizard.current_step(state)
    form = form or _form(step, formdata=None)
    context = {
        "step": step,
        "form": form,
        "state": state,
        "signed": wizard.dump(state),
        "progress": wizard.progress(step),
        "notice": notice,
    }
    app = queries.published_app(state.get("app"))
    if step == "deflect":
        context["suggestions"] = deflection.suggestions(
            current_user, state["title"], state["text"], state.get("app")
        )
    if step == "review":
        intake = assess(app, current_user, state["severity"], state["kind"], utcnow())
        state = dict(
            state,
            quoted_at=intake.start.isoformat(),
            shown=shown_fingerprint(intake),
            once=formtokens.new_token(),
        )
        context.update(
            intake=intake,
            verdicts=verdict_entries(intake.decision, offered_keys(app.terms, app.coverage)),
            signed=wizard.dump(state),
            way_in=way_in(intake, current_user),
            compare_url=comparison_url(),
        )
        context["draft_kept"] = context["way_in"] is not None and _keep_draft(context["signed"])
        context.update(_forum_route(intake, state))
    elif step == "app" and not state:
        context["draft"] = has_draft()
    return render_template(
        "support/wizard/wizard.html", app=app, titles=wizard.STEP_TITLES, **context
    ), status


def _forum_route(intake, state: dict) -> dict:
    """What the review shows for a forum or external route: where the typed request goes.

    Routes that leave the site keep the draft (the customer may come back to it), and a request
    for the casual forum may also be asked in our own forum's general section, prepared.
    """
    outcome = intake.decision.outcome
    if outcome is Outcome.FORUM_THREAD:
        return {"forum_section_name": forumroute.section_name(intake.app)}
    if outcome not in (Outcome.FORUM_LINK, Outcome.EXTERNAL_LINK):
        return {}
    context = {"draft_kept": _keep_draft(wizard.dump(state))}
    general = forumroute.general_section() if outcome is Outcome.FORUM_LINK else None
    if general is not None:
        context["general_section"] = general
        context["thread_form"] = ThreadForm(formdata=None, title=state["title"], body=state["text"])
    return context


def _keep_draft(signed: str) -> bool:
    """Remember the answers so far when they fit in the session cookie; whether they did."""
    if len(signed) > MAX_DRAFT_CHARS:
        return False
    session[DRAFT_KEY] = [current_user.id, signed]
    return True


def _draft_state() -> dict | None:
    """The kept answers of the signed-in user (a shared browser keeps its session on log-out)."""
    kept = session.get(DRAFT_KEY)
    if not isinstance(kept, list) or len(kept) != 2 or kept[0] != current_user.id:
        return None
    return wizard.load(kept[1]) if isinstance(kept[1], str) else None


def has_draft() -> bool:
    """Whether the session holds a request the signed-in customer has not finished."""
    return _draft_state() is not None


def _draft() -> dict | None:
    """The kept answers, or None when there are none, they expired or their app went away."""
    state = _draft_state()
    if state is None or (state.get("app") and not queries.published_app(state["app"])):
        session.pop(DRAFT_KEY, None)
        return None
    return state


def _start_state() -> dict:
    """The state of a fresh wizard, with the app already chosen when ``?app=`` names one that
    offers a support channel."""
    app = queries.published_app(request.args.get("app"))
    return {"app": app.slug} if app and _offers_support(app) else {}


def _offers_support(app) -> bool:
    """Whether the app offers any support channel (else no request can go anywhere)."""
    return bool(offered_keys(app.terms, app.coverage))


def _no_channel_notice() -> str | None:
    """Why ``?app=`` did not pick its app: it offers no support channel."""
    app = queries.published_app(request.args.get("app"))
    if app is None or _offers_support(app):
        return None
    return f"{app.name} offers no support channel, so no request can be filed for it."


@roles_required(CUSTOMER)
@verified_required
def new_request():
    """The request wizard: app → describe → severity and kind → suggestions → decision → submit."""
    if request.method == "GET":
        if request.args.get("resume") and (draft := _draft()) is not None:
            return _render(draft, notice="Here is your request as you left it.")
        return _render(_start_state(), notice=_no_channel_notice())
    state = wizard.load(request.form.get("state", ""))
    step = request.form.get("step", "")
    if (
        state is None
        or step not in STEP_FORMS
        or (state.get("app") and not queries.published_app(state["app"]))
    ):
        flash("That request form expired or was changed; please start again.", "error")
        return redirect(url_for("support.new_request"))
    if request.form.get("edit"):
        return _render(wizard.reopen(state, request.form["edit"]))
    if step != wizard.current_step(state):
        return _render(state)
    form = _form(step)
    if not form.validate_on_submit() or not _app_takes_requests(step, form):
        return _render(state, form, 400)
    if step == "review":
        return _submit(state)
    return _render(_merge(state, step, form))


def _app_takes_requests(step: str, form) -> bool:
    """On the app step, refuse an app with no support channel next to the field."""
    if step != "app":
        return True
    app = queries.published_app(form.app.data)
    if app is None or _offers_support(app):
        return True
    form.app.errors = [f"{app.name} offers no support channel; choose another app."]
    return False


def _merge(state: dict, step: str, form) -> dict:
    """The state with the answers of a validated step added."""
    if step == "deflect":
        return dict(state, deflected=True)
    return dict(state, **{key: form[key].data for key in wizard.STEP_KEYS[step]})


def _submit(state: dict):
    """Create the ticket with the due times shown; if anything changed since, show it again.

    The review page's one-time token makes a replay or a double click land on the first ticket.
    """
    try:
        formtokens.claim(state.get("once"), current_user.id)
    except formtokens.Replay as replay:
        return formtokens.answer(replay)
    app = queries.published_app(state["app"])
    quoted_at = wizard.parse_instant(state.get("quoted_at"))
    grace = timedelta(seconds=current_app.config["WIZARD_QUOTE_GRACE_SECONDS"])
    now = utcnow()
    intake = (
        assess(app, current_user, state["severity"], state["kind"], quoted_at)
        if quoted_at
        else None
    )
    if intake is None or now - quoted_at > grace or shown_fingerprint(intake) != state.get("shown"):
        unitofwork.discard_changes()
        return _render(
            state,
            notice=(
                "The routing or the due times changed since they were shown; here they are again. "
                "Nothing was submitted yet."
            ),
        )
    if intake.decision.outcome is Outcome.FORUM_THREAD:
        return _post_thread(state, app, now)
    if not intake.makes_ticket:
        abort(400)
    try:
        ticket = open_ticket(
            intake,
            current_user,
            state["title"],
            state["text"],
            now,
            current_app.config["TICKET_REF_PREFIX"],
        )
    except QuotaTaken as error:
        unitofwork.discard_changes()
        return _render(
            state, notice=f"{error} Here is the routing again; nothing was submitted yet."
        )
    session.pop(DRAFT_KEY, None)
    flash(f"Your request is ticket {ticket.reference}.", "success")
    url = url_for("support.ticket", reference=ticket.reference)
    formtokens.record(state.get("once"), url)
    return redirect(url)


def _post_thread(state: dict, app, now):
    """Post the confirmed request as a thread in the app's section, under a support reference."""
    prefix = current_app.config["TICKET_REF_PREFIX"]
    thread = forumroute.post_request_thread(
        app, current_user, state["title"], state["text"], now, prefix
    )
    session.pop(DRAFT_KEY, None)
    flash(f"Your request is thread {thread.reference}.", "success")
    url = url_for("forum.thread", thread_id=thread.id)
    formtokens.record(state.get("once"), url)
    return redirect(url)


@roles_required(CUSTOMER)
def solved():
    """ "This solved my problem": record the deflection and end the request."""
    state = wizard.load(request.form.get("state", ""))
    form = SolvedForm()
    app = queries.published_app(state.get("app")) if state else None
    if app is None or not form.validate_on_submit() or "title" not in state:
        flash("That request form expired or was changed; please start again.", "error")
        return redirect(url_for("support.new_request"))
    session.pop(DRAFT_KEY, None)
    deflection.record_solved(current_user, app, state["title"], form.kind.data, form.ref.data)
    flash("Glad that helped. Nothing was filed; start a new request any time.", "success")
    return redirect(url_for("marketplace.app_detail", slug=app.slug))


def route_preview():
    """GET ``/api/v1/route?app=…&severity=…&kind=…``: the routing decision and due times as JSON."""
    app = queries.published_app(request.args.get("app")) or abort(404)
    severity, kind = request.args.get("severity", "3"), request.args.get("kind", "question")
    if severity not in ("1", "2", "3") or kind not in ("question", "incident", "custom"):
        return jsonify(
            {
                "error": "severity must be 1, 2 or 3 and kind question, incident or custom.",
                "details": [],
            }
        ), 400
    intake = assess(app, current_user, int(severity), kind, utcnow())
    return jsonify(decision_json(intake))
