"""Forms of the organisation pages (operator console and the organisation admin's page)."""

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from catalog.accounts.forms import email_field
from catalog.accounts.forms import new_password_fields
from catalog.accounts.models import ORGANISATION_ROLES
from catalog.customers.domains import MAX_DOMAINS
from catalog.customers.domains import parse_domains
from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import WholeNumberField
from catalog.formtools import required
from catalog.formtools import strip
from catalog.marketplace.calendars import is_known_zone
from catalog.support.plans.subscriptions import MAX_ENVIRONMENTS
from catalog.support.plans.subscriptions import period_problem


def as_choices(pairs) -> list[SelectChoice]:
    """Select-menu choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


ROLE_CHOICES = as_choices(ORGANISATION_ROLES.items())


def user_choice(label: str, description: str = "") -> SelectField:
    """A member picked from a list; the view checks the id belongs to the organisation (404)."""
    return SelectField(
        label, coerce=int, validate_choice=False, choices=[], description=description
    )


class OrganisationForm(FlaskForm):
    """An organisation's name, e-mail domains, time zone and notes."""

    name = StringField(
        "Name", filters=[strip], validators=[required("Name the organisation."), MaxChars(120)]
    )
    domains = TextAreaField(
        "E-mail domains",
        description=(
            "One per line, such as example.com. Someone who signs up with an address there is "
            "offered to join; an organisation admin approves."
        ),
        validators=[MaxChars(4000)],
    )
    timezone = StringField(
        "Time zone",
        filters=[strip],
        default="UTC",
        description="An IANA time zone such as Europe/Berlin.",
        validators=[required("Enter a time zone such as Europe/Berlin."), MaxChars(64)],
    )
    notes = TextAreaField("Notes (for operator staff only)", validators=[MaxChars(4000)])

    def validate_domains(self, field):
        """One domain name per line, at most ``MAX_DOMAINS``."""
        good, bad = parse_domains(field.data)
        if bad:
            raise ValidationError(f"Not a domain name: {', '.join(bad[:3])}. Write one per line.")
        if len(good) > MAX_DOMAINS:
            raise ValidationError(f"List at most {MAX_DOMAINS} domains.")

    def validate_timezone(self, field):
        """A time zone this machine knows."""
        if not is_known_zone(field.data):
            raise ValidationError(f"{field.data} is not a known time zone; try Europe/Berlin.")

    @property
    def domain_list(self) -> list[str]:
        """The domains typed, cleaned."""
        return parse_domains(self.domains.data)[0]


class NewOrganisationForm(OrganisationForm):
    """A new organisation (carried out once per form)."""

    submission = submission_field()


class InviteMemberForm(FlaskForm):
    """Whom to invite, and with which role."""

    email = email_field("E-mail address")
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")


class MemberRoleForm(FlaskForm):
    """A member's role in the organisation."""

    role = SelectField("Role", choices=ROLE_CHOICES)


class ConfirmForm(FlaskForm):
    """A button that confirms a destructive action (CSRF-protected)."""


def ends_on_field() -> DateField:
    """The last day a subscription covers (optional)."""
    return DateField(
        "End date", validators=[Optional()], description="The last day covered; empty for no end."
    )


def environments_field() -> WholeNumberField:
    """How many environments a subscription covers."""
    return WholeNumberField(
        "Environments covered",
        default=1,
        validators=[
            required("Enter how many environments the subscription covers."),
            NumberRange(1, MAX_ENVIRONMENTS, f"Enter a number from 1 to {MAX_ENVIRONMENTS}."),
        ],
    )


class SubscriptionForm(FlaskForm):
    """A new subscription: plan, period, environments, first named contacts."""

    submission = submission_field()
    plan_id = SelectField("Plan", coerce=int, validate_choice=False, choices=[])
    starts_on = DateField("Start date", validators=[required("Enter the first day covered.")])
    ends_on = ends_on_field()
    environments = environments_field()
    contacts = SelectMultipleField(
        "Named contacts",
        coerce=int,
        validate_choice=False,
        choices=[],
        description="Members who may open professional incidents; the plan sets how many.",
    )

    def validate_ends_on(self, field):
        """The end comes after the start and the period is not absurdly long."""
        if self.starts_on.data and (problem := period_problem(self.starts_on.data, field.data)):
            raise ValidationError(problem)


class SubscriptionEditForm(FlaskForm):
    """Change a subscription's end date and environments."""

    ends_on = ends_on_field()
    environments = environments_field()

    def __init__(self, *args, starts_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_day = starts_on

    def validate_ends_on(self, field):
        """The end comes after the start."""
        if self.first_day and (problem := period_problem(self.first_day, field.data)):
            raise ValidationError(problem)


class ContactForm(FlaskForm):
    """A member to name as a contact."""

    user_id = user_choice("Member")


class SwapContactForm(FlaskForm):
    """Replace one named contact by another member."""

    leaving = user_choice("Named contact to replace")
    user_id = user_choice("Member who takes the place")


class JoinDecisionForm(FlaskForm):
    """Approve or decline a request to join."""

    decision = SelectField(
        "Decision", choices=as_choices([("approve", "Approve"), ("decline", "Decline")])
    )


class JoinForm(FlaskForm):
    """A new member's name and password (from an invitation)."""

    name = StringField(
        "Your name", filters=[strip], validators=[required("Tell us your name."), MaxChars(120)]
    )
    password, confirm = new_password_fields()
