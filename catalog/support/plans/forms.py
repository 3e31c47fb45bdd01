"""The plan form (admin): terms per severity, the service window, contact methods, coverage and
price; it owns every check, and ``formdata.plan_values`` turns it into the operations' values."""

import re
from decimal import Decimal
from decimal import InvalidOperation

from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from catalog.businesstime.rules import MAX_TARGET_MINUTES
from catalog.extensions import db
from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import WholeNumberField
from catalog.formtools import lower
from catalog.formtools import required
from catalog.formtools import strip
from catalog.hoursform import HoursFields
from catalog.hoursform import hours_value
from catalog.marketplace.calendars import calendar_problems
from catalog.marketplace.identifiers import SLUG_MAX
from catalog.marketplace.identifiers import is_slug
from catalog.marketplace.identifiers import slug_problem
from catalog.marketplace.identifiers import slugify
from catalog.support.plans import queries
from catalog.support.plans.describe import BUSINESS_DAY_MINUTES
from catalog.support.plans.models import NEXT_RELEASE
from catalog.support.plans.models import PRICE_PERIODS
from catalog.support.plans.models import SEVERITIES
from catalog.support.plans.models import TARGET_KINDS
from catalog.support.plans.models import Plan

SEVERITY_LABELS = {
    "1": "Severity 1 (critical)",
    "2": "Severity 2 (major)",
    "3": "Severity 3 (minor)",
}
KIND_LABELS = {
    "first_response": "First response",
    "workaround": "Workaround",
    "resolution": "Resolution (fix)",
}
UNITS = {"hours": "business hours", "days": "business days (8 h)", "none": "no commitment"}
UNIT_MINUTES = {"hours": 60, "days": BUSINESS_DAY_MINUTES}
MAX_DAYS = MAX_TARGET_MINUTES // BUSINESS_DAY_MINUTES
RESERVED_SLUGS = frozenset({"new"})
MAX_CHOSEN_APPS = 500
MAX_PRICE = Decimal("99999999.99")
PRICE_MESSAGE = "Enter a price of 0 or more with at most two decimals, such as 250 or 99.50."
NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PriceField(DecimalField):
    """An amount of money: a finite Decimal with at most two decimals (never a float)."""

    # A text box: Chromium's number box reads "12,50" as 1250 and sends "abc" as empty,
    # so the price would change or vanish without a word; here the form sees what was typed.
    widget = widgets.TextInput()

    def __init__(self, *args, **kwargs):
        """The field, with the phone's decimal keypad."""
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        """Parse, refusing text, NaN, infinities and fractions of a cent."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(PRICE_MESSAGE) from None
        if self.data is None:
            return
        # Bounds first: quantizing a 30-digit number would overflow the decimal context.
        if (
            not self.data.is_finite()
            or abs(self.data) > MAX_PRICE
            or self.data != self.data.quantize(Decimal("0.01"))
        ):
            self.data = None
            raise ValueError(PRICE_MESSAGE)
        self.data = self.data.quantize(Decimal("0.01"))


class CountField(WholeNumberField):
    """A whole number, with a message a person understands."""


def _choices(options: dict) -> list[SelectChoice]:
    """Select-menu choices from a {value: label} mapping."""
    return [SelectChoice(value, label) for value, label in options.items()]


def _amount_field(kind: str):
    """The number of a target (its unit is the field next to it)."""
    return StringField(
        f"{KIND_LABELS[kind]} within",  # the fieldset's legend names the severity
        filters=[strip],
        validators=[MaxChars(12)],
    )


def _unit_field(kind: str):
    """The unit of a target: hours, business days, no commitment (or the next release)."""
    units = dict(UNITS)
    if kind == "resolution":
        units["next_release"] = "next scheduled release"
    return SelectField(
        f"{KIND_LABELS[kind]}: unit",
        choices=_choices(units),
        default="hours",
    )


def _text(label: str, limit: int, description: str = ""):
    """An optional text area of at most ``limit`` characters."""
    return TextAreaField(
        label, filters=[strip], description=description, validators=[MaxChars(limit)]
    )


def target_minutes(amount: str | None, unit: str) -> int | str | None:
    """A target as stored: minutes, ``NEXT_RELEASE`` or None; ValueError says what is wrong."""
    if unit == "none":
        return None
    if unit == NEXT_RELEASE:
        return NEXT_RELEASE
    if not amount:
        raise ValueError("Enter the target, or choose “no commitment”.")
    if amount.startswith("-"):
        raise ValueError("A target cannot be negative; enter 1 minute or more.")
    if not NUMBER_RE.fullmatch(amount):
        raise ValueError("Enter a number, such as 8 or 1.5.")
    try:
        minutes = Decimal(amount) * UNIT_MINUTES[unit]
    except (InvalidOperation, KeyError):
        raise ValueError("Enter a number, such as 8 or 1.5.") from None
    if minutes > MAX_TARGET_MINUTES:
        raise ValueError(
            f"At most {MAX_DAYS} business days ({MAX_TARGET_MINUTES // 60:,} business hours)."
        )
    if minutes < 1:
        raise ValueError("A target must be at least 1 minute; or choose “no commitment”.")
    if minutes != minutes.to_integral_value():
        raise ValueError("That is not a whole number of minutes; 0.25 hours is 15 minutes.")
    return int(minutes)


def _target_fields() -> dict:
    """The amount and unit field of every target."""
    made = {}
    for severity in SEVERITIES:
        for kind in TARGET_KINDS:
            made[f"{kind}_{severity}"] = _amount_field(kind)
            made[f"{kind}_{severity}_unit"] = _unit_field(kind)
    return made


class PlanForm(HoursFields):
    """A plan's terms. The service window uses the ISV's hours editor and checks."""

    hours_required = True
    hours_noun = "the service window's hours"

    name = StringField(
        "Name", filters=[strip], validators=[required("The plan needs a name."), MaxChars(120)]
    )
    description = _text("Summary", 2000, "Shown at the top of the plan's column in the comparison.")
    incidents_per_month = CountField(
        "Incidents per month",
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message="Enter 0 to 100,000 incidents a month."),
        ],
    )
    incidents_unlimited = BooleanField("Unlimited incidents")
    around_1 = BooleanField("Severity 1 clocks run 24×7")
    around_2 = BooleanField("Severity 2 clocks run 24×7")
    around_3 = BooleanField("Severity 3 clocks run 24×7")
    best_effort = BooleanField("Best effort: the targets are aims, not commitments")
    hours_country = StringField(
        "Public holidays of (country code)",
        filters=[strip, lambda value: value.upper() if isinstance(value, str) else value],
        description="Optional, such as CZ: the clocks stop on that country's public holidays.",
        validators=[MaxChars(2)],
    )
    web_portal = BooleanField("Web portal")
    email = BooleanField("E-mail")
    phone = BooleanField("Phone")
    chat_experts = CountField(
        "Chat with up to this many experts",
        description="Leave empty when the plan has no chat.",
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message="Enter 1 to 100 experts, or leave it empty."),
        ],
    )
    remote_session = BooleanField("Remote session")
    named_contacts = CountField(
        "Named contacts",
        description="How many of the customer's people may open incidents.",
        validators=[
            required("Say how many named contacts the plan allows (1 to 100)."),
            NumberRange(min=1, max=100, message="Enter 1 to 100 named contacts."),
        ],
    )
    coverage = RadioField(
        "Apps covered",
        choices=[
            SelectChoice("all", "Every app we support professionally"),
            SelectChoice("chosen", "Only the apps and categories chosen below"),
        ],
        default="all",
    )
    app_slugs = _text(
        "Apps",
        MAX_CHOSEN_APPS * (SLUG_MAX + 1),
        "Their slugs, one per line (the last part of the app's address); each must be a "
        "published app with professional support.",
    )
    category_ids = MultiCheckboxField("Categories", coerce=int)
    price = PriceField(
        "Price",
        places=2,
        description="Optional; shown on the comparison.",
        validators=[Optional(), NumberRange(min=0, max=MAX_PRICE, message=PRICE_MESSAGE)],
    )
    price_period = SelectField("Per", choices=_choices(PRICE_PERIODS), default="month")
    assessment = _text(
        "Initial assessment included",
        2000,
        "For example: an initial 2-hour consultation on your set-up.",
    )

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.chosen_apps: list = []
        self.category_ids.choices = [SelectChoice(c.id, c.name) for c in queries.categories()]
        self.price.label.text = f"Price ({current_app.config['CURRENCY']})"
        self.hours_timezone.label.text = "Time zone of the service window"

    def validate_name(self, field):
        """No two plans share a name (customers compare them by it)."""
        if not field.data:
            return
        statement = select(Plan.id).where(func.lower(Plan.name) == field.data.lower())
        if self.plan is not None:
            statement = statement.where(Plan.id != self.plan.id)
        if db.session.scalar(statement) is not None:
            raise ValidationError(f"Another plan is already called “{field.data}”.")

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the checks that involve several fields."""
        valid = super().validate(extra_validators)
        checks = (
            self._check_incidents(),
            self._check_targets(),
            self.check_hours(),
            self._check_coverage(),
        )
        return all(checks) and valid and self._check_calendar()

    def _check_incidents(self) -> bool:
        """A number of incidents, or unlimited."""
        if self.incidents_per_month.data is None and not self.incidents_unlimited.data:
            if not self.incidents_per_month.errors:
                self.incidents_per_month.errors.append(
                    "Enter the incidents per month, or tick “Unlimited incidents”."
                )
            return False
        return True

    def _check_targets(self) -> bool:
        """Every target parses to minutes within the bounds (or is no commitment / release)."""
        valid = True
        for severity in SEVERITIES:
            for kind in TARGET_KINDS:
                field = self[f"{kind}_{severity}"]
                try:
                    target_minutes(field.data, self[f"{kind}_{severity}_unit"].data)
                except ValueError as error:
                    field.errors.append(str(error))
                    valid = False
        return valid

    def _check_coverage(self) -> bool:
        """Chosen apps exist and take professional support; "chosen" needs at least one."""
        typed = re.split(r"[\s,]+", (self.app_slugs.data or "").lower())
        slugs = [slug for slug in dict.fromkeys(typed) if slug]
        if len(slugs) > MAX_CHOSEN_APPS:
            self.app_slugs.errors.append(
                f"List at most {MAX_CHOSEN_APPS} apps; choose categories for more."
            )
            return False
        found = queries.coverable_apps([slug for slug in slugs if is_slug(slug)])
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            self.app_slugs.errors.append(f"Not a published app with professional support: {shown}.")
            return False
        self.chosen_apps = [found[slug] for slug in slugs]
        if self.coverage.data == "chosen" and not slugs and not self.category_ids.data:
            self.app_slugs.errors.append("Choose at least one app or category, or cover every app.")
            return False
        return True

    def _check_calendar(self) -> bool:
        """The whole service window as the clocks will read it (country included)."""
        problems = calendar_problems(service_window(self))
        if problems:
            field = self.hours_country if "countr" in problems[0].lower() else self.hours_timezone
            field.errors.append(problems[0][:1].upper() + problems[0][1:])
            return False
        return True


for _name, _field in _target_fields().items():
    setattr(PlanForm, _name, _field)


class NewPlanForm(PlanForm):
    """A new plan, with its slug and one-time token."""

    submission = submission_field()
    slug = StringField(
        "Address name (slug)",
        filters=[strip, lower],
        description=(
            "Lower-case letters, digits, “.”, “+”, “_” and “-”; leave empty to derive it from the "
            "name. It cannot be changed later."
        ),
        validators=[MaxChars(SLUG_MAX)],
    )

    def validate_slug(self, field):
        """Well-formed (the catalog's one slug rule), not reserved, not taken."""
        slug = field.data or slugify(self.name.data or "")
        if slug in RESERVED_SLUGS:
            raise ValidationError(f"“{slug}” is reserved; choose another.")
        problem = slug_problem(slug)
        if problem:
            raise ValidationError(f"The slug {problem}.")
        if queries.plan_by_slug(slug) is not None:
            raise ValidationError(f"“{slug}” is already taken; choose another.")


class RetireForm(FlaskForm):
    """Retire a plan, or offer it again (the button carries the new state)."""

    retired = BooleanField("Retired")


class DeleteForm(FlaskForm):
    """Delete a plan for good, once confirmed."""

    confirm = BooleanField("Yes, delete this plan for good")

    def validate_confirm(self, field):
        """Deleting cannot be undone: the box must be ticked."""
        if not field.data:
            raise ValidationError("Tick the box to confirm that the plan should be deleted.")


def service_window(form: PlanForm) -> dict:
    """The calendar the form describes, with the public-holiday country."""
    calendar = {key: value for key, value in (hours_value(form) or {}).items() if value != []}
    if form.hours_country.data:
        calendar["country"] = form.hours_country.data
    return calendar
