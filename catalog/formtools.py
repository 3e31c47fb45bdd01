"""Validators and filters shared by every feature's forms, with messages a person understands."""

from wtforms import IntegerField
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from catalog.marketplace.records import is_web_address


def strip(value):
    """Filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def lower(value):
    """Filter: lower-case text (e-mail addresses)."""
    return value.lower() if isinstance(value, str) else value


class MaxChars:
    """At most ``limit`` characters, saying how many were typed."""

    def __init__(self, limit: int):
        self.limit = limit
        self.field_flags = {"maxlength": limit}

    def __call__(self, form, field):
        """Fail when the text is too long."""
        length = len(field.data or "")
        if length > self.limit:
            raise ValidationError(
                f"Keep this to {self.limit:,} characters or fewer; you wrote {length:,}."
            )


def web_address(form, field):
    """An http:// or https:// address with a host (no javascript:, no relative paths)."""
    if not field.data:
        return
    if not is_web_address(field.data):
        raise ValidationError(
            "Enter a full web address starting with https:// (for example https://example.com/support)."
        )


def required(message: str):
    """Like InputRequired, with our own words and without the browser's ``required`` flag quirks."""

    def check(form, field):
        if field.data in (None, "") or (isinstance(field.data, str) and not field.data.strip()):
            field.errors[:] = []
            raise StopValidation(message)

    check.field_flags = {"required": True}
    return check


# Far above any count a form asks for, far below what a float holds.
MAX_WHOLE_NUMBER = 10**15


class WholeNumberField(IntegerField):
    """A whole number; one too long to compare is refused like a word (WTForms' NumberRange
    turns a number of over 308 digits into a float: an OverflowError, a 500)."""

    message = "Enter a whole number, such as 5."

    def process_formdata(self, valuelist):
        """Parse the number, or explain what is expected."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None
        if self.data is not None and abs(self.data) > MAX_WHOLE_NUMBER:
            self.data = None
            raise ValueError(self.message)
