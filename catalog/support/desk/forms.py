"""Forms of the ticket page (replies, status, classification, quotes); each owns its validation."""

from pathlib import PurePath

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import DecimalField
from wtforms import HiddenField
from wtforms import MultipleFileField
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from catalog.db import utcnow
from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import required
from catalog.formtools import strip
from catalog.support.tickets.models import CLASSIFICATIONS
from catalog.support.tickets.quotes import date_problem
from catalog.support.tickets.quotes import quoting_zone
from catalog.support.tickets.quotes import rate_problem


def _allowed(filename: str) -> bool:
    """Whether a file's extension is one the configuration allows."""
    return (
        PurePath(filename).suffix.lower().lstrip(".")
        in current_app.config["TICKET_ATTACHMENT_EXTENSIONS"]
    )


class ReplyForm(FlaskForm):
    """A reply with optional attachments; agents may say they now wait on the customer."""

    submission = submission_field()
    body = TextAreaField(
        "Reply", filters=[strip], validators=[required("Write a reply."), MaxChars(20000)]
    )
    attachments = MultipleFileField(
        "Attachments", description="Logs, screenshots or configuration files."
    )
    wait_on_customer = BooleanField("Waiting on the customer (pauses the clocks until they answer)")
    internal = BooleanField(
        "Internal note — not shown to the customer",
        description="Only your side reads it; it is not mailed to the customer.",
    )

    def validate_attachments(self, field):
        """At most N files, each of an allowed type and under the size limit."""
        files = [item for item in field.data or [] if getattr(item, "filename", "")]
        config = current_app.config
        if len(files) > config["TICKET_ATTACHMENT_MAX_FILES"]:
            raise ValidationError(f"Attach at most {config['TICKET_ATTACHMENT_MAX_FILES']} files.")
        for item in files:
            if not _allowed(item.filename):
                raise ValidationError(
                    f"{item.filename}: this type of file cannot be attached "
                    f"(allowed: {', '.join(sorted(config['TICKET_ATTACHMENT_EXTENSIONS']))})."
                )
            if _size(item) > config["TICKET_ATTACHMENT_MAX_BYTES"]:
                limit_kb = config["TICKET_ATTACHMENT_MAX_BYTES"] // 1024
                raise ValidationError(f"{item.filename} is larger than {limit_kb:,} KB.")

    def files(self) -> list[tuple[str, str, bytes]]:
        """The checked files as (safe name, content type, bytes)."""
        return [
            (
                PurePath(item.filename).name[-200:],
                item.mimetype or "application/octet-stream",
                item.read(),
            )
            for item in self.attachments.data or []
            if getattr(item, "filename", "")
        ]


def _size(item) -> int:
    """The size of an uploaded file, leaving it readable from the start."""
    item.stream.seek(0, 2)
    size = item.stream.tell()
    item.stream.seek(0)
    return size


# The note box of the status form as each side of the ticket reads it.
NOTE_WORDING = {
    "agent": (
        "Note for the customer",
        "The estimate, the workaround or the resolution, as the customer should read it.",
    ),
    "customer": (
        "Your note (optional)",
        "Why you approve, send back or reopen, if the team should know.",
    ),
}


class StatusForm(FlaskForm):
    """Move the ticket to another status, with the note the move carries."""

    target = HiddenField(validators=[required("Choose what to do.")])
    note = TextAreaField(
        "Note",
        filters=[strip],
        validators=[MaxChars(10000)],
        description="What this move should say on the ticket.",
    )

    def for_role(self, role: str | None) -> "StatusForm":
        """The form with its note labelled for ``role``'s side of the ticket (no staff words)."""
        label, hint = NOTE_WORDING.get(role or "", NOTE_WORDING["customer"])
        self.note.label.text, self.note.description = label, hint
        return self


class ClassifyTicketForm(FlaskForm):
    """Staff classify an incident."""

    classification = SelectField(
        "Classification", choices=[SelectChoice(*item) for item in CLASSIFICATIONS.items()]
    )


class QuoteForm(FlaskForm):
    """A consulting quote: rate within the operator's range, hours and completion date."""

    rate = DecimalField(
        "Hourly rate", places=2, validators=[required("Give the hourly rate."), NumberRange(min=1)]
    )
    hours = DecimalField(
        "Estimated hours",
        places=2,
        validators=[required("Estimate the hours."), NumberRange(min=0.25, max=10000)],
    )
    completion_on = DateField(
        "Completion date",
        validators=[required("Give the completion date.")],
        description="Today or later.",
    )
    # Not "note": the status form on the same page has a box of that name (ids stay unique).
    quote_note = TextAreaField(
        "What the work covers", filters=[strip], validators=[Optional(), MaxChars(5000)]
    )

    def __init__(self, *args, ticket=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket, self.user = ticket, user
        self.rate.label.text = f"Hourly rate ({current_app.config['CURRENCY']})"

    def validate_completion_on(self, field):
        """The work cannot be promised for a day that has passed in the quoting calendar."""
        if field.data is None:
            return
        problem = date_problem(field.data, utcnow(), quoting_zone(self.user))
        if problem:
            raise ValidationError(problem)

    def validate_rate(self, field):
        """The rate must sit inside the operator's range for the app."""
        problem = (
            rate_problem(self.ticket, field.data)
            if self.ticket is not None and field.data is not None
            else None
        )
        if problem:
            raise ValidationError(problem)


class QuoteDecisionForm(FlaskForm):
    """The customer approves or declines a quote (saying, if they like, what should change)."""

    decision = HiddenField(validators=[required("Approve or decline.")])
    decline_note = TextAreaField(
        "What should change (optional)",
        filters=[strip],
        validators=[Optional(), MaxChars(5000)],
        description="The consultants read this before they send a new quote.",
    )

    def validate_decision(self, field):
        """Only the two answers exist."""
        if field.data not in ("approve", "decline"):
            raise ValidationError("Approve or decline.")
