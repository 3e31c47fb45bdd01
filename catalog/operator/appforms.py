"""The form of a new app (operator console and ISV portal), checked by ``import-apps``' rules."""

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField

from catalog.extensions import db
from catalog.formtokens import submission_field
from catalog.formtools import lower
from catalog.formtools import strip
from catalog.inputguard import MAX_ID
from catalog.jsonlines import text_problems
from catalog.marketplace.identifiers import slugify
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from catalog.marketplace.operations import existing_slugs
from catalog.marketplace.operations import name_clashes
from catalog.marketplace.records import check_record
from catalog.operator import queries
from catalog.operator.forms import RESERVED_SLUGS

RECORD_FIELDS = {
    "name": "name",
    "slug": "slug",
    "vendor": "vendor_id",
    "category": "category",
    "summary": "summary",
    "description": "description",
    "version": "version",
    "homepage": "website",
    "published": "published",
}


class AppFieldsForm(FlaskForm):
    """A new app's listing, checked by the rules of ``import-apps`` (``check_record``) and
    against the apps already stored; ``clean`` holds the checked record once it validates."""

    submission = submission_field()

    name = StringField("Name", filters=[strip])
    slug = StringField(
        "Address name (slug)",
        filters=[strip, lower],
        description=(
            "Part of the app's address, /apps/…: lower-case letters, digits, “.”, “+”, “_” and"
            " “-”. Leave it empty to make it from the name."
        ),
    )
    category = SelectField("Category", validate_choice=False)
    summary = StringField("Summary", filters=[strip], description="One line, shown in lists.")
    description = TextAreaField("Description", filters=[strip], description="Markdown.")
    version = StringField("Current version", filters=[strip])
    website = URLField("Web site", filters=[strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = queries.category_choices()
        self.clean = None
        self.chosen_category = None

    def chosen_vendor(self) -> Vendor | None:
        """The vendor the new app belongs to."""
        raise NotImplementedError

    def wants_published(self) -> bool:
        """Whether the app goes into the catalog at once."""
        return False

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the import rules, then uniqueness among stored apps."""
        valid = super().validate(extra_validators)
        if not self.slug.data and self.name.data:
            self.slug.data = slugify(self.name.data)
        data = self._record_data()
        problems = [*text_problems(1, data), *check_record(1, data)[1]]
        for problem in problems:
            if problem.field == "slug" and not data["slug"] and not data["name"]:
                continue  # the slug is made from the name: the name's message says what to do
            self._show(problem.field, problem.reason)
        if not problems:
            self.clean = check_record(1, data)[0]
            self._check_stored(self.clean)
        return valid and not self.errors

    def _record_data(self) -> dict:
        """What was typed, in the import format (docs/import-apps.md)."""
        data = {
            "slug": self.slug.data,
            "name": self.name.data,
            "summary": self.summary.data,
            "description": self.description.data,
            "version": self.version.data,
            "homepage": self.website.data,
            "published": self.wants_published(),
        }
        vendor = self.chosen_vendor()
        if vendor is None:
            self._show("vendor", "is required: choose one from the list")
        else:
            data["vendor"] = {"name": vendor.name, "slug": vendor.slug}
        self.chosen_category = queries.by_slug(Category, self.category.data or "")
        if self.chosen_category is None:
            self._show("category", "is required: choose one from the list")
        else:
            data["category"] = {"name": self.chosen_category.name, "slug": self.category.data}
        return data

    def _show(self, path: str, reason: str) -> None:
        """Put a problem next to its field (the first one of each field), else on the form."""
        field = self._fields.get(RECORD_FIELDS.get(path.split(".")[0], ""))
        if field is None:
            self.form_errors.append(f"{path or 'The app'} {reason}.")
        elif not field.errors:
            field.errors.append(f"{field.label.text} {reason}.")

    def _check_stored(self, record: dict) -> None:
        """The slug must be free (and not a word of our addresses); the name must be new."""
        if record["slug"] in RESERVED_SLUGS:
            self.slug.errors.append(f"“{record['slug']}” is reserved; choose another.")
        elif existing_slugs([record["slug"]]):
            self.slug.errors.append(f"“{record['slug']}” is already taken; choose another.")
        if name_clashes([record]):
            self.name.errors.append(
                f"Another app is already called “{record['name']}” (names must differ in more"
                " than case and spaces)."
            )


class NewAppForm(AppFieldsForm):
    """A new app added by the operator: any vendor, published at once or not."""

    vendor_id = SelectField("Vendor", coerce=int, validate_choice=False)
    published = BooleanField("Publish it in the catalog now")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor_id.choices = queries.vendor_choices()

    def chosen_vendor(self) -> Vendor | None:
        """The vendor picked from the list (None when none or an unknown one was sent)."""
        vendor_id = self.vendor_id.data
        return db.session.get(Vendor, vendor_id) if vendor_id and 0 < vendor_id <= MAX_ID else None

    def wants_published(self) -> bool:
        """What the operator ticked."""
        return bool(self.published.data)
