"""Forms of the account pages; each owns its validation."""

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.security import check_password_hash
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import ValidationError

from catalog.accounts.emailchange import TAKEN
from catalog.accounts.emailchange import address_taken
from catalog.accounts.models import User
from catalog.accounts.notifications import GROUPS
from catalog.customers import queries as customer_queries
from catalog.extensions import db
from catalog.formtools import MaxChars
from catalog.formtools import lower
from catalog.formtools import required
from catalog.formtools import strip

PASSWORD_MIN = 10
PASSWORD_MAX = 200
EMAIL_MESSAGE = "Enter an e-mail address like name@example.com."
PASSWORD_RULE = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=(
        f"Choose a password of at least {PASSWORD_MIN} characters (a few words make a good one)."
    ),
)


def email_field(label: str = "E-mail address"):
    """An e-mail field that trims and lower-cases what was typed."""
    return EmailField(
        label,
        filters=[strip, lower],
        validators=[required("Enter your e-mail address."), MaxChars(254), Email(EMAIL_MESSAGE)],
    )


def new_password_fields():
    """A new password and its confirmation."""
    password = PasswordField(
        "New password", validators=[required("Choose a password."), PASSWORD_RULE]
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            required("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
    )
    return password, confirm


def email_taken(email: str) -> bool:
    """Whether an account with this e-mail address exists."""
    return db.session.scalar(select(func.count(User.id)).where(User.email == email.lower())) > 0


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = email_field()
    password = PasswordField(
        "Password", validators=[required("Enter your password."), MaxChars(PASSWORD_MAX)]
    )


class SignUpForm(FlaskForm):
    """A new customer account and its organisation."""

    name = StringField(
        "Your name", filters=[strip], validators=[required("Tell us your name."), MaxChars(120)]
    )
    email = email_field()
    organisation = StringField(
        "Organisation",
        filters=[strip],
        description="The company or team you get support for. Leave it empty when your "
        "organisation already uses the catalog with your e-mail domain.",
        validators=[MaxChars(120)],
    )
    password, confirm = new_password_fields()

    def validate_organisation(self, field):
        """Needed unless the address's domain belongs to an organisation (then it goes unused:
        the customer asks to join that one)."""
        if (
            not field.data
            and customer_queries.organisation_for_address(self.email.data or "") is None
        ):
            raise ValidationError("Name your organisation.")

    # No "address taken" error: the answer must not reveal which addresses have accounts (the
    # view mails the owner instead).


class PasswordChangeForm(FlaskForm):
    """The current password and a new one."""

    current_password = PasswordField(
        "Current password", validators=[required("Enter your current password.")]
    )
    password, confirm = new_password_fields()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        """The user must prove they know the password being replaced."""
        if not check_password_hash(self.user.password_hash, field.data or ""):
            raise ValidationError("That is not your current password.")


class ResetRequestForm(FlaskForm):
    """The address to send a reset link to."""

    email = email_field()


class NewPasswordForm(FlaskForm):
    """A new password (from a reset link)."""

    password, confirm = new_password_fields()


class ResendForm(FlaskForm):
    """The button that sends the address confirmation link again (a CSRF-protected POST)."""


class AcceptInviteForm(FlaskForm):
    """A new ISV member's name and password."""

    name = StringField(
        "Your name", filters=[strip], validators=[required("Tell us your name."), MaxChars(120)]
    )
    password, confirm = new_password_fields()


_ZONES: list[str] = []


def zone_names() -> list[str]:
    """Every IANA zone name this machine knows, sorted (read once)."""
    if not _ZONES:
        _ZONES.extend(sorted(available_timezones()))
    return _ZONES


def _group_field(group: str):
    """A mail preference of one notification group (on unless turned off)."""
    return BooleanField(GROUPS[group], default=True)


class ProfileForm(FlaskForm):
    """Name, address, time zone and which notifications come by mail."""

    name = StringField(
        "Your name", filters=[strip], validators=[required("Tell us your name."), MaxChars(120)]
    )
    email = email_field()
    current_password = PasswordField(
        "Current password",
        description="Needed only to change the address.",
        validators=[MaxChars(PASSWORD_MAX)],
    )
    timezone = SelectField(
        "Time zone",
        description="Every date and time on the site is shown in this zone.",
        validate_choice=False,
    )
    notify_tickets = _group_field("tickets")
    notify_handoffs = _group_field("handoffs")
    notify_assignments = _group_field("assignments")
    notify_forum = _group_field("forum")
    daily_digest = BooleanField(
        "Send me one daily digest instead of a mail for each event",
        description="The list of notifications still shows every event as it happens.",
    )

    def __init__(self, user, default_zone: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.email.description = (
            "A new address gets a link to confirm it; the old one stays until then."
        )
        self.timezone.choices = [("", f"Use my organisation's zone ({default_zone})")] + [
            (name, name) for name in zone_names()
        ]
        if user.organisation is None:
            self.timezone.choices[0] = ("", f"Use the site's zone ({default_zone})")

    def validate_timezone(self, field):
        """Empty (the organisation's zone) or a zone name from the list."""
        if field.data and field.data not in zone_names():
            raise ValidationError("Choose a time zone from the list, such as Europe/Prague.")

    def validate_email(self, field):
        """A new address must not belong to another account."""
        if field.data and field.data != self.user.email and address_taken(field.data, self.user):
            raise ValidationError(TAKEN)

    def validate_current_password(self, field):
        """A new address (where every reset link would go) needs the password: a borrowed
        signed-in session must not take the account over."""
        changing = self.email.data not in (self.user.email, self.user.pending_email)
        if changing and not check_password_hash(self.user.password_hash, field.data or ""):
            raise ValidationError("Enter your current password to change the address.")

    def prefs(self) -> dict[str, bool]:
        """The mail preferences as stored (group → bool)."""
        return {group: bool(getattr(self, f"notify_{group}").data) for group in GROUPS}


class CancelEmailChangeForm(FlaskForm):
    """The button that drops a pending address change (a CSRF-protected POST)."""


class MarkReadForm(FlaskForm):
    """The button that opens a notification or marks all read (a CSRF-protected POST)."""
