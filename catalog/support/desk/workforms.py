"""Forms of the desk's work on a ticket: assign or take it, change severity or kind, return it.

``work_forms`` gives the ticket page the forms the viewer's role may use (none for customers
and observers), with any rejected form kept as it was typed.
"""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from catalog.formtools import MaxChars
from catalog.formtools import required
from catalog.formtools import strip
from catalog.support.desk.queries import colleagues
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.retriage import KINDS

SEVERITIES = {
    "1": "1 – critical (production down, no workaround)",
    "2": "2 – major (impaired, a workaround exists)",
    "3": "3 – minor (questions, no material impact)",
}


class AssignForm(FlaskForm):
    """Who works the ticket: me, nobody, or a colleague of the agent side (a bounded list)."""

    assignee = SelectField("Assign to", validators=[required("Choose who works the ticket.")])

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee.id = self.assignee.label.field_id = "work-assignee"
        self.assignee.choices = [SelectChoice("me", "Me"), SelectChoice("none", "Nobody")] + [
            SelectChoice(str(person.id), person.name) for person in colleagues
        ]
        self.people = {str(person.id): person for person in colleagues}

    def chosen(self, me):
        """The user to assign (None for nobody)."""
        value = self.assignee.data
        return me if value == "me" else self.people.get(value)


class RetriageForm(FlaskForm):
    """A new severity or kind, with the reason the timeline and the customer read."""

    severity = SelectField("Severity", choices=[SelectChoice(*item) for item in SEVERITIES.items()])
    kind = SelectField("Kind", choices=[SelectChoice(*item) for item in KINDS.items()])
    reason = TextAreaField(
        "Why the severity or kind changes",
        filters=[strip],
        validators=[required("Say why the severity or kind changes."), MaxChars(1000)],
        description="The customer reads this with the new due times.",
    )

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self._fields.items():
            field.id = field.label.field_id = f"retriage-{name}"
        self.ticket = ticket

    def validate_kind(self, field):
        """Something must change."""
        if (
            self.ticket is not None
            and self.severity.data == str(self.ticket.severity)
            and field.data == self.ticket.kind
        ):
            raise ValidationError("Choose another severity or kind; this is what it has now.")


class NotAnIncidentForm(FlaskForm):
    """Staff return a professional ticket to the month's quota, saying why."""

    reason = TextAreaField(
        "Why it is not one of this month's incidents",
        filters=[strip],
        validators=[required("Say why it does not count."), MaxChars(1000)],
        description="For example: it turned out to be a billing question.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.id = self.reason.label.field_id = "incident-reason"


def work_forms(ticket, user, role: str | None, forms: dict) -> dict:
    """The work forms for the ticket page (rejected ones as typed); none unless the agent."""
    if role != AGENT:
        return {"work": False}
    return {
        "work": True,
        "assign_form": forms.get("assign_form")
        or AssignForm(formdata=None, colleagues=colleagues(user)),
        "retriage_form": forms.get("retriage_form")
        or RetriageForm(
            formdata=None, ticket=ticket, severity=str(ticket.severity), kind=ticket.kind
        ),
        "incident_form": forms.get("incident_form") or NotAnIncidentForm(formdata=None),
    }
