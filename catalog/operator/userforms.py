"""Forms of the users pages (admins): change a role or deactivate, create or invite a user."""

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import Email
from wtforms.validators import ValidationError

from catalog.accounts.forms import EMAIL_MESSAGE
from catalog.accounts.forms import PASSWORD_MIN
from catalog.accounts.forms import PASSWORD_RULE
from catalog.accounts.forms import email_taken
from catalog.accounts.models import ADMIN
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ISV
from catalog.accounts.models import ROLES
from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import lower
from catalog.formtools import required
from catalog.formtools import strip
from catalog.operator import queries
from catalog.operator.forms import choices


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
