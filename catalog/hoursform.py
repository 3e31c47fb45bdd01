"""The business-hours editor shared by every form that holds a calendar (an ISV's hours of
operation, a plan's service window): the fields, their checks, the dict they make and back.

A form gets the editor by inheriting ``HoursFields`` next to ``FlaskForm``; the template shows it
with ``hours_fields`` of ``templates/macros/hours.html``.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from catalog.formtools import MaxChars
from catalog.formtools import strip
from catalog.marketplace.calendars import DAYS
from catalog.marketplace.calendars import MIN_WINDOW_MINUTES
from catalog.marketplace.calendars import day_problems
from catalog.marketplace.calendars import format_windows
from catalog.marketplace.calendars import holiday_problems
from catalog.marketplace.calendars import is_known_zone
from catalog.marketplace.calendars import parse_holidays
from catalog.marketplace.calendars import parse_windows

DAY_LABELS = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
# The fullest valid day is 96 windows of 15 minutes; the form shows it as "00:00-00:15, …"
# (1,246 characters). Room for each window spelt "00:00 to 00:15, " keeps that, and anything the
# form shows, savable again unchanged (the limit was 200: 16 windows shown with ", " were 206).
MAX_DAY_WINDOWS = 24 * 60 // MIN_WINDOW_MINUTES
MAX_DAY_CHARS = MAX_DAY_WINDOWS * len("00:00 to 00:15, ")


def sentence(text: str) -> str:
    """A message fragment as a sentence: first letter upper case, full stop at the end."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _windows(day: str):
    """Validator of one weekday's windows."""

    def check(form, field):
        try:
            spans = parse_windows(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        problems = day_problems(day, spans)
        if problems:
            raise ValidationError(sentence(problems[0].split(": ", 1)[1]))

    return check


def _day_field(day: str):
    """A text field for one weekday's working windows."""
    return StringField(
        DAY_LABELS[day], filters=[strip], validators=[MaxChars(MAX_DAY_CHARS), _windows(day)]
    )


class HoursFields(FlaskForm):
    """Time zone, 24×7, the windows of each weekday and the holidays of a business calendar.

    ``hours_required`` makes the calendar compulsory (a plan's service window); the messages
    name what the hours are for (``hours_noun``).
    """

    hours_required = False
    hours_noun = "your hours"

    hours_timezone = StringField(
        "Time zone of your hours",
        filters=[strip],
        description="An IANA name, such as Europe/Prague or America/New_York.",
        validators=[MaxChars(60)],
    )
    hours_always_open = BooleanField("Around the clock (24×7)")
    hours_mon = _day_field("mon")
    hours_tue = _day_field("tue")
    hours_wed = _day_field("wed")
    hours_thu = _day_field("thu")
    hours_fri = _day_field("fri")
    hours_sat = _day_field("sat")
    hours_sun = _day_field("sun")
    hours_holidays = TextAreaField(
        "Holidays",
        filters=[strip],
        description="One per line: 2026-12-24 for a single day, 12-25 for the same day every year.",
        validators=[MaxChars(2000)],
    )

    def validate_hours_timezone(self, field):
        """A known IANA zone."""
        if field.data and not is_known_zone(field.data):
            raise ValidationError(
                f"“{field.data}” is not a time zone we know. "
                "Use a name like Europe/Prague or America/New_York."
            )

    def validate_hours_holidays(self, field):
        """Dates we can read."""
        problems = holiday_problems(*parse_holidays(field.data))
        if problems:
            raise ValidationError(
                sentence(problems[0] + " (for example 2026-12-24, or 12-25 for every year)")
            )

    def check_hours(self) -> bool:
        """Windows need a time zone; a time zone needs windows (or 24×7)."""
        has_windows = any(self[f"hours_{day}"].data for day in DAYS)
        wants_hours = has_windows or self.hours_always_open.data or self.hours_required
        if wants_hours and not self.hours_timezone.data:
            self.hours_timezone.errors.append(f"Say which time zone {self.hours_noun} are in.")
            return False
        if self.hours_timezone.data and not has_windows and not self.hours_always_open.data:
            self.hours_mon.errors.append(
                "Add the hours you work on at least one day, or tick “Around the clock”."
            )
            return False
        return True


def hours_value(form: HoursFields) -> dict | None:
    """The business calendar dict, or None when no hours are given."""
    if not form.hours_timezone.data:
        return None
    holidays, yearly = parse_holidays(form.hours_holidays.data)
    hours = {"timezone": form.hours_timezone.data, "holidays": holidays, "yearly_holidays": yearly}
    if form.hours_always_open.data:
        return {**hours, "always_open": True}
    windows = {day: parse_windows(form[f"hours_{day}"].data) for day in DAYS}
    return {**hours, "windows": {day: spans for day, spans in windows.items() if spans}}


def hours_data(hours: dict | None) -> dict:
    """What the editor shows for a stored calendar (empty fields for None)."""
    hours = hours or {}
    data = {
        "hours_timezone": hours.get("timezone", ""),
        "hours_always_open": bool(hours.get("always_open")),
        "hours_holidays": "\n".join(
            [*(hours.get("holidays") or []), *(hours.get("yearly_holidays") or [])]
        ),
    }
    data.update(
        {f"hours_{day}": format_windows((hours.get("windows") or {}).get(day)) for day in DAYS}
    )
    return data
