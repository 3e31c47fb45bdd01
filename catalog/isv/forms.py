"""The ISV's form for one app: listing details and the ISV-controlled support terms only.

The form declares no operator field (professional, consulting, factors), no vendor and no
publishing flag, so a crafted request that adds them binds nothing; ``listing_values`` and
``terms_values`` return exactly the columns an ISV owns.
"""

from types import SimpleNamespace

from wtforms import BooleanField
from wtforms import EmailField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.validators import Email
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from catalog.formtools import MaxChars
from catalog.formtools import WholeNumberField
from catalog.formtools import required
from catalog.formtools import strip
from catalog.formtools import web_address
from catalog.hoursform import HoursFields
from catalog.hoursform import hours_data
from catalog.hoursform import hours_value
from catalog.marketplace.calendars import MAX_TARGET_MINUTES
from catalog.marketplace.identifiers import name_key
from catalog.marketplace.queries import app_called
from catalog.operator.appforms import AppFieldsForm

SEVERITY_LABELS = {
    "1": "Severity 1 (critical)",
    "2": "Severity 2 (major)",
    "3": "Severity 3 (minor)",
}
MAX_MINUTES = MAX_TARGET_MINUTES
MAX_LANGUAGES = 20


class MinutesField(WholeNumberField):
    """A whole number of minutes, with a message a person understands."""

    message = "Enter a whole number of minutes, such as 240 for four hours."


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


class IsvAppForm(HoursFields):
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
        return self._check_contact() and self.check_hours() and valid

    def _check_contact(self) -> bool:
        """Developer support needs a way to reach the developer."""
        if self.isv_offered.data and not (self.isv_contact_url.data or self.isv_contact_email.data):
            self.isv_contact_url.errors.append(
                "Give a support web address or an e-mail address, so customers can reach you."
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
    data.update(hours_data(hours))
    data.update({f"response_{sev}": targets.get(sev) for sev in SEVERITY_LABELS})
    return data


class NewOwnAppForm(AppFieldsForm):
    """A new app of the member's own vendor: the form has no vendor and no publishing field, so
    a crafted request cannot pick another vendor or publish; the operator publishes it."""

    def __init__(self, vendor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_vendor = vendor

    def chosen_vendor(self):
        """Always the member's own vendor."""
        return self.own_vendor
