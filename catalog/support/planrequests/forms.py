"""Forms of plan requests: the customer's request, the staff's acceptance and decline."""

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import HiddenField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from catalog import formtokens
from catalog.formtools import MaxChars
from catalog.formtools import WholeNumberField
from catalog.formtools import required
from catalog.formtools import strip
from catalog.support.desk import queries as desk_queries
from catalog.support.plans.subscriptions import MAX_ENVIRONMENTS

MESSAGE_LIMIT = 2000
REASON_LIMIT = 2000


class PlanRequestForm(FlaskForm):
    """A customer asking for a plan; the organisation name is needed only without one."""

    organisation_name = StringField(
        "Organisation",
        filters=[strip],
        validators=[MaxChars(120)],
        description="The organisation the subscription is for (your company's name).",
    )
    message = TextAreaField(
        "Message to our staff (optional)",
        filters=[strip],
        validators=[MaxChars(MESSAGE_LIMIT)],
        description=(
            "Anything we should know: how many environments, when you need support to start."
        ),
    )
    app = HiddenField(filters=[strip], validators=[MaxChars(80)])
    submission = formtokens.submission_field()

    def __init__(self, *args, organisation=None, **kwargs):
        """Prefill and lock the organisation name when the customer already has one."""
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if organisation is not None:
            self.organisation_name.data = organisation.name
            self.organisation_name.render_kw = {"readonly": True}
            self.organisation_name.description = (
                "Your organisation; the subscription would be for it."
            )

    def validate_organisation_name(self, field):
        """Required when the customer belongs to no organisation yet."""
        if self.organisation is None and not field.data:
            raise StopValidation("Give the name of the organisation the subscription is for.")

    def validate_app(self, field):
        """The app, when given, is a published one."""
        if field.data and desk_queries.published_app(field.data) is None:
            raise ValidationError("That app is not in the catalog.")

    def chosen_app(self):
        """The published app the request is about, if any."""
        return desk_queries.published_app(self.app.data) if self.app.data else None


class AcceptForm(FlaskForm):
    """Staff accepting a request: the subscription's period and environments."""

    starts_on = DateField(
        "Starts on", validators=[required("Give the first day of the subscription.")]
    )
    ends_on = DateField(
        "Ends on",
        validators=[Optional()],
        description="The last day it runs (inclusive). Leave empty for no end date.",
    )
    environments = WholeNumberField(
        "Environments",
        validators=[
            required("Give the number of environments covered."),
            NumberRange(
                1, MAX_ENVIRONMENTS, f"Cover between 1 and {MAX_ENVIRONMENTS} environments."
            ),
        ],
        description="Systems with their own database that the subscription covers.",
    )


class DeclineForm(FlaskForm):
    """Staff declining a request, with the reason the customer will read."""

    reason = TextAreaField(
        "Reason",
        filters=[strip],
        validators=[required("Say why, so the customer knows what to do."), MaxChars(REASON_LIMIT)],
        description="The customer reads this in their e-mail and on their plan requests page.",
    )
