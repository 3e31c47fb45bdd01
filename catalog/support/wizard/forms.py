"""Forms of the request wizard's steps; each owns its validation."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice

from catalog.channels import SEVERITIES
from catalog.formtools import MaxChars
from catalog.formtools import required
from catalog.formtools import strip

KINDS = {
    "question": "A question about using the app",
    "incident": "Something is broken or not working as documented",
    "custom": "Custom or open-ended work (a change, an integration, an upgrade done for you)",
}


class AppStepForm(FlaskForm):
    """Step 1: the app the request is about (choices set by the view)."""

    app = SelectField("App", validators=[required("Choose the app your request is about.")])


class DescribeStepForm(FlaskForm):
    """Step 2: a title and the description."""

    title = StringField(
        "Title",
        filters=[strip],
        validators=[required("Give your request a short title."), MaxChars(200)],
        description="One line, e.g. “Quarantine digest not sent since the upgrade”.",
    )
    text = TextAreaField(
        "What happened?",
        filters=[strip],
        validators=[required("Describe the problem."), MaxChars(10000)],
        description=(
            "What you did, what you expected, what happened instead, and any error messages."
        ),
    )


class ClassifyStepForm(FlaskForm):
    """Step 3: severity (with the definitions) and kind of request."""

    severity = RadioField(
        "Severity",
        coerce=int,
        choices=[SelectChoice(n, f"{n} — {text}") for n, text in SEVERITIES.items()],
        validators=[required("Choose a severity.")],
    )
    kind = RadioField(
        "Kind of request",
        choices=[SelectChoice(*item) for item in KINDS.items()],
        validators=[required("Choose what kind of request this is.")],
    )


class ContinueForm(FlaskForm):
    """Steps 4 and 5: continue (no suggestion helped) or submit the request."""


class SolvedForm(FlaskForm):
    """ "This solved my problem": the suggestion that did."""

    kind = HiddenField(validators=[required("Missing suggestion.")])
    ref = HiddenField(validators=[required("Missing suggestion."), MaxChars(300)])
