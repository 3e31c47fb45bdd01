"""The queue's filter form (a GET form): what each role may narrow its tickets by."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms.fields.choices import SelectChoice

from catalog.formtools import MaxChars
from catalog.formtools import strip
from catalog.support.desk.queries import QueueFilter
from catalog.support.tickets.lifecycle import STATUSES

STATUS_CHOICES = [("open", "Open"), ("any", "Any status")] + list(STATUSES.items())
SEVERITY_CHOICES = [
    ("", "Any severity"),
    ("1", "1 – critical"),
    ("2", "2 – major"),
    ("3", "3 – minor"),
]
OPERATOR_CHANNELS = [
    ("", "Professional and consulting"),
    ("professional", "Professional"),
    ("consulting", "Consulting"),
    ("isv", "Developer (ISV) tickets, read-only"),
    ("any", "Every channel"),
]
DUE_CHOICES = [("", "Any"), ("soon", "Due soon (80 % used)"), ("breached", "Overdue")]
SORT_CHOICES = [
    ("due", "Nearest due time"),
    ("newest", "Newest first"),
    ("activity", "Last activity"),
]
FIXED_ASSIGNEES = [("", "Anyone"), ("me", "Me"), ("unassigned", "Nobody (unassigned)")]


def _choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class QueueForm(FlaskForm):
    """Filters and sort of a queue; a value outside the choices is a 400 with the message."""

    class Meta:
        csrf = False

    status = SelectField("Status", choices=_choices(STATUS_CHOICES), default="open")
    severity = SelectField("Severity", choices=_choices(SEVERITY_CHOICES), default="")
    channel = SelectField("Channel", choices=_choices(OPERATOR_CHANNELS), default="")
    app = StringField("App name contains", filters=[strip], validators=[MaxChars(100)])
    organisation = StringField(
        "Organisation name contains", filters=[strip], validators=[MaxChars(120)]
    )
    assignee = SelectField("Assigned to", choices=_choices(FIXED_ASSIGNEES), default="")
    due = SelectField("Due", choices=_choices(DUE_CHOICES), default="")
    sort = SelectField("Sort by", choices=_choices(SORT_CHOICES), default="due")

    def __init__(self, *args, user=None, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee.choices = _choices(
            FIXED_ASSIGNEES + [(str(person.id), person.name) for person in colleagues]
        )
        for name in self.hidden_for(user):
            delattr(self, name)
        for name, field in self._fields.items():  # ids of their own on a page with other forms
            field.id = field.label.field_id = f"queue-{name}"

    @staticmethod
    def hidden_for(user) -> list[str]:
        """The filters a role does not get (customers: status and app only)."""
        if user is None or user.role == "customer":
            return ["severity", "channel", "organisation", "assignee", "due", "sort"]
        if not user.is_operator:
            return ["channel", "organisation"]
        return []

    def chosen(self) -> QueueFilter:
        """The checked filters (fields the role does not have keep their defaults)."""
        values = {
            name: field.data or "" for name, field in self._fields.items() if name != "severity"
        }
        severity = self._fields.get("severity")
        return QueueFilter(
            **{key: value for key, value in values.items() if key in QueueFilter.__annotations__},
            severity=int(severity.data) if severity is not None and severity.data else None,
        )

    def active(self) -> dict[str, str]:
        """The query arguments of the filters that differ from their defaults (for the pager)."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if field.data not in (None, "", field.default)
        }

    def hiding(self) -> list[str]:
        """The labels of the active filters, to say which ones hide everything."""
        return [self._fields[name].label.text for name in self.active()]
