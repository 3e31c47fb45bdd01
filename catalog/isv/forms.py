"""The ISV's form for one app: listing details and the ISV-controlled support terms only.

The form declares no operator field (professional, consulting, factors), no vendor and no
publishing flag, so a crafted request that adds them binds nothing; ``listing_values`` and
``terms_values`` return exactly the columns an ISV owns.
"""

from types import SimpleNamespace

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import IntegerField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.validators import Email
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from catalog.formtools import MaxChars
from catalog.formtools import required
from catalog.formtools import strip
from catalog.formtools import web_address
from catalog.marketplace.calendars import DAYS
from catalog.marketplace.calendars import MAX_TARGET_MINUTES
from catalog.marketplace.calendars import MIN_WINDOW_MINUTES
from catalog.marketplace.calendars import day_problems
from catalog.marketplace.calendars import format_windows
from catalog.marketplace.calendars import holiday_problems
from catalog.marketplace.calendars import is_known_zone
from catalog.marketplace.calendars import parse_holidays
from catalog.marketplace.calendars import parse_windows
from catalog.marketplace.identifiers import name_key
from catalog.marketplace.queries import app_called

DAY_LABELS = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
SEVERITY_LABELS = {
    "1": "Severity 1 (critical)",
    "2": "Severity 2 (major)",
    "3": "Severity 3 (minor)",
}
MAX_MINUTES = MAX_TARGET_MINUTES
MAX_LANGUAGES = 20
# The fullest valid day is 96 windows of 15 minutes; the form shows it as "00:00-00:15, …"
# (1,246 characters). Room for each window spelt "00:00 to 00:15, " keeps that, and anything the
# form shows, savable again unchanged (the limit was 200: 16 windows shown with ", " were 206).
MAX_DAY_WINDOWS = 24 * 60 // MIN_WINDOW_MINUTES
MAX_DAY_CHARS = MAX_DAY_WINDOWS * len("00:00 to 00:15, ")


def sentence(text: str) -> str:
    """A message fragment as a sentence: first letter upper case, full stop at the end."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class MinutesField(IntegerField):
    """A whole number of minutes, with a message a person understands."""

    def process_formdata(self, valuelist):
        """Parse the number, or explain what is expected."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                "Enter a whole number of minutes, such as 240 for four hours."
            ) from None


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


def _minutes_field(severity: str):
    """First-response target for one severity."""
    return MinutesField(
        SEVERITY_LABELS[severity],
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_MINUTES,
                message=(
                    f"Enter a number of minutes above zero and at most {MAX_MINUTES:,} "
                    "(60 working days of 8 hours)."
                ),
            ),
        ],
    )


def _text(label: str, limit: int, description: str = "", area: bool = False):
    """An optional text field of at most ``limit`` characters."""
    kind = TextAreaField if area else StringField
    return kind(label, filters=[strip], description=description, validators=[MaxChars(limit)])


def _url(label: str, description: str = ""):
    """An optional http(s) address."""
    return URLField(
        label, filters=[strip], description=description, validators=[MaxChars(300), web_address]
    )


class IsvAppForm(FlaskForm):
    """Listing details and ISV-controlled support terms of one app."""

    name = StringField(
        "Name", filters=[strip], validators=[required("The app needs a name."), MaxChars(120)]
    )
    summary = _text("Summary", 300, "One sentence shown in the catalog.")
    description = _text("Description", 20000, "Markdown: **bold**, lists and links.", area=True)
    version = _text("Current version", 40)
    homepage = _url("Home page")

    forum_casual_url = _url(
        "Public forum link", "A forum you read now and then. Leave empty if there is none."
    )
    forum_dedicated = BooleanField(
        "Dedicated forum: reserve a section of our knowledge forum for this app"
    )

    isv_offered = BooleanField("Developer support: we take support requests for this app")
    isv_contact_url = _url(
        "Support web address", "Where customers file requests (a help desk or contact form)."
    )
    isv_contact_email = EmailField(
        "Support e-mail",
        filters=[strip],
        validators=[
            Optional(),
            MaxChars(254),
            Email("Enter an e-mail address like support@example.com."),
        ],
    )
    isv_scope = _text("Scope", 4000, "What your support covers, and what it does not.", area=True)
    isv_conditions = _text(
        "Conditions", 4000, "Who is entitled to it (for example a current licence).", area=True
    )

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
    hours_holidays = _text(
        "Holidays",
        2000,
        "One per line: 2026-12-24 for a single day, 12-25 for the same day every year.",
        area=True,
    )
    response_1 = _minutes_field("1")
    response_2 = _minutes_field("2")
    response_3 = _minutes_field("3")
    languages = _text("Languages", 400, "Separated by commas, for example: English, Czech.")

    preview = SubmitField("Preview the legend")
    save = SubmitField("Save")

    def validate_name(self, field):
        """Unique in the marketplace, ignoring case and spaces (no app may pass for another)."""
        if not field.data or name_key(field.data) == name_key(field.object_data or ""):
            return
        if app_called(field.data) is not None:
            raise ValidationError(
                f"Another app is already called “{field.data}”; choose a name of its own."
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

    def validate_languages(self, field):
        """A short list of short names."""
        names = split_list(field.data)
        if len(names) > MAX_LANGUAGES or any(len(name) > 40 for name in names):
            raise ValidationError(
                f"List at most {MAX_LANGUAGES} languages, each name under 40 characters, "
                "separated by commas."
            )

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the checks that involve several fields."""
        valid = super().validate(extra_validators)
        return self._check_contact() and self._check_hours() and valid

    def _check_contact(self) -> bool:
        """Developer support needs a way to reach the developer."""
        if self.isv_offered.data and not (self.isv_contact_url.data or self.isv_contact_email.data):
            self.isv_contact_url.errors.append(
                "Give a support web address or an e-mail address, so customers can reach you."
            )
            return False
        return True

    def _check_hours(self) -> bool:
        """Windows need a time zone; a time zone needs windows (or 24×7)."""
        has_windows = any(self[f"hours_{day}"].data for day in DAYS)
        if (has_windows or self.hours_always_open.data) and not self.hours_timezone.data:
            self.hours_timezone.errors.append("Say which time zone your hours are in.")
            return False
        if self.hours_timezone.data and not has_windows and not self.hours_always_open.data:
            self.hours_mon.errors.append(
                "Add the hours you work on at least one day, or tick “Around the clock”."
            )
            return False
        return True


def split_list(text: str | None) -> list[str]:
    """ "English, Czech, english" → ["English", "Czech"] (repeats dropped, first spelling kept)."""
    items, seen = [], set()
    for item in (part.strip() for part in (text or "").split(",")):
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


def channel_states(form: IsvAppForm) -> SimpleNamespace:
    """The ISV channels the form, as typed, would offer (enough for a legend preview)."""
    return SimpleNamespace(
        forum_casual_url=(form.forum_casual_url.data or "").strip() or None,
        forum_dedicated=bool(form.forum_dedicated.data),
        isv_offered=bool(form.isv_offered.data),
    )


def listing_values(form: IsvAppForm) -> dict:
    """The app columns an ISV may change."""
    return {
        "name": form.name.data,
        "summary": form.summary.data or "",
        "description": form.description.data or "",
        "version": form.version.data or "",
        "homepage": form.homepage.data or None,
    }


def hours_value(form: IsvAppForm) -> dict | None:
    """The business calendar dict, or None when no hours are given."""
    if not form.hours_timezone.data:
        return None
    holidays, yearly = parse_holidays(form.hours_holidays.data)
    hours = {"timezone": form.hours_timezone.data, "holidays": holidays, "yearly_holidays": yearly}
    if form.hours_always_open.data:
        return {**hours, "always_open": True}
    windows = {day: parse_windows(form[f"hours_{day}"].data) for day in DAYS}
    return {**hours, "windows": {day: spans for day, spans in windows.items() if spans}}


def terms_values(form: IsvAppForm) -> dict:
    """The support-terms columns an ISV owns, from the form."""
    targets = {
        sev: form[f"response_{sev}"].data for sev in SEVERITY_LABELS if form[f"response_{sev}"].data
    }
    return {
        "forum_casual_url": form.forum_casual_url.data or None,
        "forum_dedicated": form.forum_dedicated.data,
        "isv_offered": form.isv_offered.data,
        "isv_contact_url": form.isv_contact_url.data or None,
        "isv_contact_email": (form.isv_contact_email.data or "").lower() or None,
        "isv_scope": form.isv_scope.data or "",
        "isv_conditions": form.isv_conditions.data or "",
        "isv_hours": hours_value(form),
        "isv_response_minutes": targets or None,
        "isv_languages": split_list(form.languages.data) or None,
    }


def initial_data(app) -> dict:
    """What the form shows before the ISV changes anything."""
    terms = app.terms
    hours = (terms.isv_hours if terms else None) or {}
    targets = (terms.isv_response_minutes if terms else None) or {}
    data = {
        key: getattr(app, key) for key in ("name", "summary", "description", "version", "homepage")
    }
    if terms is not None:
        data.update(
            {
                key: getattr(terms, key)
                for key in (
                    "forum_casual_url",
                    "forum_dedicated",
                    "isv_offered",
                    "isv_contact_url",
                    "isv_contact_email",
                    "isv_scope",
                    "isv_conditions",
                )
            }
        )
        data["languages"] = ", ".join(terms.isv_languages or [])
    data["hours_timezone"] = hours.get("timezone", "")
    data["hours_always_open"] = bool(hours.get("always_open"))
    data["hours_holidays"] = "\n".join(
        [*(hours.get("holidays") or []), *(hours.get("yearly_holidays") or [])]
    )
    data.update(
        {f"hours_{day}": format_windows((hours.get("windows") or {}).get(day)) for day in DAYS}
    )
    data.update({f"response_{sev}": targets.get(sev) for sev in SEVERITY_LABELS})
    return data
