"""Forms of the operator console; each owns its validation."""

from decimal import Decimal

from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from catalog.accounts.forms import EMAIL_MESSAGE
from catalog.accounts.forms import PASSWORD_MIN
from catalog.accounts.forms import PASSWORD_RULE
from catalog.accounts.forms import email_taken
from catalog.accounts.models import ADMIN
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ISV
from catalog.accounts.models import ROLES
from catalog.extensions import db
from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import lower
from catalog.formtools import required
from catalog.formtools import strip
from catalog.formtools import web_address
from catalog.inputguard import MAX_ID
from catalog.jsonlines import text_problems
from catalog.marketplace.factors import AGREEMENT_LEVELS
from catalog.marketplace.factors import KNOWLEDGE_LEVELS
from catalog.marketplace.factors import STABILITY_LEVELS
from catalog.marketplace.identifiers import SLUG_MAX
from catalog.marketplace.identifiers import slug_problem
from catalog.marketplace.identifiers import slugify
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from catalog.marketplace.operations import existing_slugs
from catalog.marketplace.operations import name_clashes
from catalog.marketplace.records import check_record
from catalog.operator import queries


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


class UserRoleForm(FlaskForm):
    """A user's role and, for ISV members, their vendor; and whether the account is active.

    Built with the ``user`` edited and the ``editor`` (the admin at work): nobody demotes or
    deactivates themselves, and nobody the last active administrator.
    """

    role = SelectField("Role", choices=choices(ROLES))
    vendor_id = SelectField("Vendor (for ISV members)", coerce=int)
    active = BooleanField("Account active (can log in)")

    def __init__(self, user, editor, *args, **kwargs):
        super().__init__(*args, obj=user, vendor_id=user.vendor_id or 0, **kwargs)
        self.user, self.editor = user, editor
        self.vendor_id.choices = queries.vendor_choices()

    def _last_admin(self) -> bool:
        """Whether the user is the only active administrator."""
        user = self.user
        return user.role == ADMIN and user.active and not queries.other_active_admins(user.id)

    def validate_vendor_id(self, field):
        """ISV members belong to a vendor."""
        if self.role.data == ISV and not field.data:
            raise ValidationError("Choose the vendor this ISV member works for.")

    def validate_role(self, field):
        """No self-demotion; the last active administrator stays one."""
        if field.data == self.user.role:
            return
        if self.user.id == self.editor.id:
            raise ValidationError("You cannot change your own role; ask another admin.")
        if self._last_admin():
            raise ValidationError(LAST_ADMIN)

    def validate_active(self, field):
        """No self-deactivation; the last active administrator stays active."""
        if field.data or not self.user.active:
            return
        if self.user.id == self.editor.id:
            raise ValidationError("You cannot deactivate yourself; ask another admin.")
        if self._last_admin():
            raise ValidationError(LAST_ADMIN)


LAST_ADMIN = "This is the last active administrator; make someone else an administrator first."
ACCESS = {
    "invite": "E-mail an invitation: they choose their own password",
    "password": "Set a password now and tell them yourself",
}


class NewUserForm(FlaskForm):
    """A new account: who, which role, and how they get in (a password or an invitation)."""

    submission = submission_field()

    email = EmailField(
        "E-mail address",
        filters=[strip, lower],
        validators=[
            required("Enter the person's e-mail address."),
            MaxChars(254),
            Email(EMAIL_MESSAGE),
        ],
    )
    name = StringField(
        "Name", filters=[strip], validators=[required("Enter the person's name."), MaxChars(120)]
    )
    role = SelectField("Role", choices=choices(ROLES), default=CUSTOMER)
    vendor_id = SelectField("Vendor (for ISV members)", coerce=int)
    organisation = StringField(
        "Organisation (for customers; optional)",
        filters=[strip],
        description="The exact name of an existing organisation, or its number such as #12.",
        validators=[MaxChars(120)],
    )
    access = RadioField("How they get in", choices=choices(ACCESS), default="invite")
    password = PasswordField("Password (when you set one now)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor_id.choices = queries.vendor_choices()
        self.found_organisation = None

    def validate_email(self, field):
        """One account per address."""
        if field.data and email_taken(field.data):
            raise ValidationError("This address already has an account; find it in the list.")

    def validate_vendor_id(self, field):
        """ISV members belong to a vendor; nobody else does."""
        if self.role.data == ISV and not field.data:
            raise ValidationError("Choose the vendor this ISV member works for.")

    def validate_organisation(self, field):
        """Only customers belong to an organisation, and it must exist (and be the only one so
        named)."""
        if not field.data:
            return
        if self.role.data != CUSTOMER:
            raise ValidationError("Only customers belong to an organisation; leave it empty.")
        found = queries.organisations_named(field.data)
        if not found:
            raise ValidationError(f"No organisation is called “{field.data}”.")
        if len(found) > 1:
            raise ValidationError(
                f"More than one organisation is called “{field.data}”; type its number instead, "
                f"such as #{found[0].id}."
            )
        self.found_organisation = found[0]

    def validate_password(self, field):
        """A password is needed unless an invitation goes out (then it is ignored)."""
        if self.access.data != "password":
            return
        if not field.data:
            raise ValidationError(
                f"Type a password of at least {PASSWORD_MIN} characters, or send an invitation."
            )
        PASSWORD_RULE(self, field)


# Where a problem of the import rules (``check_record``'s dotted field) is shown on the form.
RECORD_FIELDS = {
    "name": "name",
    "slug": "slug",
    "vendor": "vendor_id",
    "category": "category",
    "summary": "summary",
    "description": "description",
    "version": "version",
    "homepage": "website",
    "published": "published",
}


class AppFieldsForm(FlaskForm):
    """A new app's listing, checked by the rules of ``import-apps`` (``check_record``) and
    against the apps already stored; ``clean`` holds the checked record once it validates."""

    submission = submission_field()

    name = StringField("Name", filters=[strip])
    slug = StringField(
        "Address name (slug)",
        filters=[strip, lower],
        description=(
            "Part of the app's address, /apps/…: lower-case letters, digits, “.”, “+”, “_” and"
            " “-”. Leave it empty to make it from the name."
        ),
    )
    category = SelectField("Category", validate_choice=False)
    summary = StringField("Summary", filters=[strip], description="One line, shown in lists.")
    description = TextAreaField("Description", filters=[strip], description="Markdown.")
    version = StringField("Current version", filters=[strip])
    website = URLField("Web site", filters=[strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = queries.category_choices()
        self.clean = None
        self.chosen_category = None

    def chosen_vendor(self) -> Vendor | None:
        """The vendor the new app belongs to."""
        raise NotImplementedError

    def wants_published(self) -> bool:
        """Whether the app goes into the catalog at once."""
        return False

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the import rules, then uniqueness among stored apps."""
        valid = super().validate(extra_validators)
        if not self.slug.data and self.name.data:
            self.slug.data = slugify(self.name.data)
        data = self._record_data()
        problems = [*text_problems(1, data), *check_record(1, data)[1]]
        for problem in problems:
            if problem.field == "slug" and not data["slug"] and not data["name"]:
                continue  # the slug is made from the name: the name's message says what to do
            self._show(problem.field, problem.reason)
        if not problems:
            self.clean = check_record(1, data)[0]
            self._check_stored(self.clean)
        return valid and not self.errors

    def _record_data(self) -> dict:
        """What was typed, in the import format (docs/import-apps.md)."""
        data = {
            "slug": self.slug.data,
            "name": self.name.data,
            "summary": self.summary.data,
            "description": self.description.data,
            "version": self.version.data,
            "homepage": self.website.data,
            "published": self.wants_published(),
        }
        vendor = self.chosen_vendor()
        if vendor is None:
            self._show("vendor", "is required: choose one from the list")
        else:
            data["vendor"] = {"name": vendor.name, "slug": vendor.slug}
        self.chosen_category = queries.by_slug(Category, self.category.data or "")
        if self.chosen_category is None:
            self._show("category", "is required: choose one from the list")
        else:
            data["category"] = {"name": self.chosen_category.name, "slug": self.category.data}
        return data

    def _show(self, path: str, reason: str) -> None:
        """Put a problem next to its field (the first one of each field), else on the form."""
        field = self._fields.get(RECORD_FIELDS.get(path.split(".")[0], ""))
        if field is None:
            self.form_errors.append(f"{path or 'The app'} {reason}.")
        elif not field.errors:
            field.errors.append(f"{field.label.text} {reason}.")

    def _check_stored(self, record: dict) -> None:
        """The slug must be free (and not a word of our addresses); the name must be new."""
        if record["slug"] in RESERVED_SLUGS:
            self.slug.errors.append(f"“{record['slug']}” is reserved; choose another.")
        elif existing_slugs([record["slug"]]):
            self.slug.errors.append(f"“{record['slug']}” is already taken; choose another.")
        if name_clashes([record]):
            self.name.errors.append(
                f"Another app is already called “{record['name']}” (names must differ in more"
                " than case and spaces)."
            )


class NewAppForm(AppFieldsForm):
    """A new app added by the operator: any vendor, published at once or not."""

    vendor_id = SelectField("Vendor", coerce=int, validate_choice=False)
    published = BooleanField("Publish it in the catalog now")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor_id.choices = queries.vendor_choices()

    def chosen_vendor(self) -> Vendor | None:
        """The vendor picked from the list (None when none or an unknown one was sent)."""
        vendor_id = self.vendor_id.data
        return db.session.get(Vendor, vendor_id) if vendor_id and 0 < vendor_id <= MAX_ID else None

    def wants_published(self) -> bool:
        """What the operator ticked."""
        return bool(self.published.data)
