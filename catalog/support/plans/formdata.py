"""The plan form's data both ways: a validated ``PlanForm`` as the operations' ``PlanValues``,
and a plan (or a new one) as the form's initial data."""

from decimal import Decimal

from catalog.hoursform import hours_data
from catalog.marketplace.identifiers import slugify
from catalog.support.plans import queries
from catalog.support.plans.describe import BUSINESS_DAY_MINUTES
from catalog.support.plans.forms import PlanForm
from catalog.support.plans.forms import service_window
from catalog.support.plans.forms import target_minutes
from catalog.support.plans.models import NEXT_RELEASE
from catalog.support.plans.models import SEVERITIES
from catalog.support.plans.models import TARGET_KINDS
from catalog.support.plans.models import Plan
from catalog.support.plans.operations import PlanValues


def plan_values(form: PlanForm) -> PlanValues:
    """The validated form as the operations' values."""
    targets = {
        severity: {
            kind: target_minutes(
                form[f"{kind}_{severity}"].data, form[f"{kind}_{severity}_unit"].data
            )
            for kind in TARGET_KINDS
        }
        for severity in SEVERITIES
    }
    chosen = form.coverage.data == "chosen"
    category_ids = set(form.category_ids.data or []) if chosen else set()
    slug = form.plan.slug if form.plan is not None else (form.slug.data or slugify(form.name.data))
    return PlanValues(
        name=form.name.data,
        slug=slug,
        calendar=service_window(form),
        description=form.description.data or "",
        incidents_per_month=None
        if form.incidents_unlimited.data
        else form.incidents_per_month.data,
        targets=targets,
        around_the_clock=[s for s in SEVERITIES if form[f"around_{s}"].data],
        best_effort=form.best_effort.data,
        web_portal=form.web_portal.data,
        email=form.email.data,
        phone=form.phone.data,
        chat_experts=form.chat_experts.data,
        remote_session=form.remote_session.data,
        named_contacts=form.named_contacts.data,
        covers_all_apps=not chosen,
        apps=form.chosen_apps if chosen else [],
        categories=[c for c in queries.categories() if c.id in category_ids],
        price=form.price.data,
        price_period=form.price_period.data,
        assessment=form.assessment.data or "",
    )


def _target_data(value) -> tuple[str, str]:
    """A stored target as the form shows it: ("8", "hours"), ("3", "days"), ("", "none")."""
    if value is None:
        return "", "none"
    if value == NEXT_RELEASE:
        return "", NEXT_RELEASE
    minutes = int(value)
    if minutes % BUSINESS_DAY_MINUTES == 0:
        return str(minutes // BUSINESS_DAY_MINUTES), "days"
    hours = Decimal(minutes) / 60
    return format(hours.normalize(), "f") if hours % 1 else str(int(hours)), "hours"


def initial_data(plan: Plan) -> dict:
    """What the form shows for a stored plan."""
    data = {
        key: getattr(plan, key)
        for key in (
            "name",
            "description",
            "incidents_per_month",
            "best_effort",
            "web_portal",
            "email",
            "phone",
            "chat_experts",
            "remote_session",
            "named_contacts",
            "price",
            "price_period",
            "assessment",
        )
    }
    data["incidents_unlimited"] = plan.incidents_per_month is None
    for severity in SEVERITIES:
        data[f"around_{severity}"] = severity in (plan.around_the_clock or [])
        values = (plan.targets or {}).get(severity) or {}
        for kind in TARGET_KINDS:
            amount, unit = _target_data(values.get(kind))
            data[f"{kind}_{severity}"] = amount
            data[f"{kind}_{severity}_unit"] = unit
    data.update(hours_data(plan.calendar))
    data["hours_country"] = (plan.calendar or {}).get("country") or ""
    data["coverage"] = "all" if plan.covers_all_apps else "chosen"
    data["app_slugs"] = "\n".join(app.slug for app in plan.apps)
    data["category_ids"] = [category.id for category in plan.categories]
    return data


def new_plan_data() -> dict:
    """What the form shows for a new plan: office hours, the common contact methods."""
    return {
        "web_portal": True,
        "email": True,
        "named_contacts": 2,
        "coverage": "all",
        **{f"first_response_{severity}": "1" for severity in SEVERITIES},
        **{f"first_response_{severity}_unit": "days" for severity in SEVERITIES},
        **{
            f"{kind}_{severity}_unit": "none"
            for kind in TARGET_KINDS[1:]
            for severity in SEVERITIES
        },
        "hours_timezone": "Europe/Prague",
        **{f"hours_{day}": "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")},
    }
