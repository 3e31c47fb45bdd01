"""Forms of hand-offs: proposing a move (with its reason) and confirming or deciding one."""

import json

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import TextAreaField

from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import required
from catalog.formtools import strip


class ProposeForm(FlaskForm):
    """Propose a move to the customer: why it should move (they read it before accepting)."""

    submission = submission_field()
    reason = TextAreaField(
        "Why should the request move?",
        filters=[strip],
        validators=[required("Say why the request should move."), MaxChars(2000)],
        description="The customer reads this with the new channel's terms before accepting.",
    )


class ConfirmForm(FlaskForm):
    """Accept a proposal or make one's own move: carries the preview the customer saw."""

    submission = submission_field()
    shown = HiddenField()

    def shown_fingerprint(self) -> dict | None:
        """The preview the page showed, or None when the field is missing or malformed."""
        try:
            value = json.loads(self.shown.data or "")
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


class DecideForm(FlaskForm):
    """Decline or withdraw a proposal (the page asks to confirm first)."""
