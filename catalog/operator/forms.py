"""Forms of the operator console; each owns its validation."""

from decimal import Decimal

from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import EmailField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from catalog.accounts.forms import email_taken
from catalog.extensions import db
from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import lower
from catalog.formtools import required
from catalog.formtools import strip
from catalog.formtools import web_address
from catalog.marketplace.factors import AGREEMENT_LEVELS
from catalog.marketplace.factors import KNOWLEDGE_LEVELS
from catalog.marketplace.factors import STABILITY_LEVELS
from catalog.marketplace.identifiers import SLUG_MAX
from catalog.marketplace.identifiers import slug_problem
from catalog.marketplace.identifiers import slugify
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor


def choices(options: dict) -> list[SelectChoice]:
    """Select-menu choices from a {value: label} mapping."""
    return [SelectChoice(value, label) for value, label in options.items()]


RESERVED_SLUGS = frozenset({"new"})
RATE_MESSAGE = "Enter an hourly rate above zero and below 1,000,000, such as 150."


class RateField(DecimalField):
    """An amount of money: finite, rounded to cents as it will be stored (so the version
    history shows what was saved, and saving the same amount again changes nothing)."""

    def process_formdata(self, valuelist):
        """Parse, refuse NaN and infinities, round to cents."""
        super().process_formdata(valuelist)
        if self.data is None:
            return
        if not self.data.is_finite():
            self.data = None
            raise ValueError(RATE_MESSAGE)
        self.data = self.data.quantize(Decimal("0.01"))


def _rate(label: str):
    """An optional hourly rate."""
    return RateField(
        label,
        places=2,
        validators=[
            Optional(),
            NumberRange(min=Decimal("0.01"), max=Decimal("999999.99"), message=RATE_MESSAGE),
        ],
    )


class CoverageForm(FlaskForm):
    """The operator's decision on professional support and consulting for one app."""

    professional = BooleanField("Professional support: we cover this app under our support plans")
    consulting = BooleanField("Consulting: our engineers take paid work on this app")
    knowledge = SelectField("Our knowledge of the software", choices=choices(KNOWLEDGE_LEVELS))
    stability = SelectField("Stability and history of the app", choices=choices(STABILITY_LEVELS))
    agreement = SelectField("Agreement with the vendor", choices=choices(AGREEMENT_LEVELS))
    justification = TextAreaField(
        "Why (shown on the app page)",
        filters=[strip],
        validators=[
            required("Explain the decision in a sentence or two; customers read it."),
            MaxChars(2000),
        ],
    )
    rate_min = _rate("Consulting rate per hour, from")
    rate_max = _rate("Consulting rate per hour, up to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in (self.rate_min, self.rate_max):
            field.label.text = f"{field.label.text} ({current_app.config['CURRENCY']})"

    def validate_rate_max(self, field):
        """The range must not be upside down."""
        if (
            field.data is not None
            and self.rate_min.data is not None
            and field.data < self.rate_min.data
        ):
            raise ValidationError("The upper rate must not be below the lower one.")

    def validate_consulting(self, field):
        """Consulting needs its rate range."""
        if field.data and (self.rate_min.data is None or self.rate_max.data is None):
            raise ValidationError("Consulting needs the hourly rate range (from and up to).")


class PublishForm(FlaskForm):
    """Publish or unpublish an app (the button carries the new state)."""

    published = BooleanField("Published")


def _slug_field(label: str = "Address name (slug)"):
    """An optional slug; derived from the name when empty."""
    return StringField(
        label,
        filters=[strip, lower],
        description=(
            "Lower-case letters, digits, “.”, “+”, “_” and “-”, starting with a letter or digit;"
            " leave empty to derive it from the name."
        ),
        validators=[MaxChars(SLUG_MAX)],
    )


def _check_slug(model, field, name: str) -> None:
    """A well-formed slug (the catalog's one rule, ``slug_problem``) that no other row uses."""
    slug = field.data or slugify(name or "")
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"“{slug}” is reserved; choose another.")
    problem = slug_problem(slug)
    if problem:
        raise ValidationError(f"The slug {problem}.")
    if db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise ValidationError(f"“{slug}” is already taken; choose another.")


class VendorForm(FlaskForm):
    """A vendor's name, web site and description."""

    name = StringField(
        "Name", filters=[strip], validators=[required("The vendor needs a name."), MaxChars(120)]
    )
    website = URLField("Web site", filters=[strip], validators=[MaxChars(300), web_address])
    description = TextAreaField(
        "Description", filters=[strip], description="Markdown.", validators=[MaxChars(5000)]
    )


class NewVendorForm(VendorForm):
    """A new vendor, with its slug."""

    submission = submission_field()

    slug = _slug_field()

    def validate_slug(self, field):
        """Unique and well-formed."""
        _check_slug(Vendor, field, self.name.data)


class InviteForm(FlaskForm):
    """The address of a person to invite as a member of a vendor."""

    email = EmailField(
        "E-mail address of the person to invite",
        filters=[strip, lower],
        validators=[
            required("Enter the e-mail address to send the invitation to."),
            MaxChars(254),
            Email("Enter an e-mail address like name@example.com."),
        ],
    )

    def validate_email(self, field):
        """Invitations create accounts; an existing account is changed on the users page."""
        if field.data and email_taken(field.data):
            raise ValidationError(
                "This address already has an account; "
                "an admin can make it a member on the users page."
            )


class CategoryForm(FlaskForm):
    """A category's name."""

    name = StringField(
        "Name", filters=[strip], validators=[required("The category needs a name."), MaxChars(120)]
    )


class NewCategoryForm(CategoryForm):
    """A new category, with its slug."""

    submission = submission_field()

    slug = _slug_field()

    def validate_slug(self, field):
        """Unique and well-formed."""
        _check_slug(Category, field, self.name.data)
