"""Forms of the forum; each owns its validation and keeps what was typed on errors."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.validators import ValidationError

from catalog.formtokens import submission_field
from catalog.formtools import MaxChars
from catalog.formtools import required
from catalog.formtools import strip
from catalog.forum.models import ARTICLE_SOURCES
from catalog.forum.models import ARTICLE_STATUSES
from catalog.forum.models import VISIBILITIES
from catalog.forum.moderation import POST_ACTIONS
from catalog.forum.moderation import THREAD_ACTIONS

TITLE_MAX = 200
BODY_MAX = 20_000
ARTICLE_BODY_MAX = 50_000
MARKDOWN_HINT = "Markdown: **bold**, `code`, lists, links. HTML is not allowed."


def choices(options: dict) -> list[SelectChoice]:
    """Select-menu choices from a {value: label} mapping."""
    return [SelectChoice(value, label) for value, label in options.items()]


def menu(pairs) -> list[SelectChoice]:
    """Select-menu choices from (value, label) pairs, with 0 meaning "none" first."""
    return [SelectChoice(0, "— none —"), *(SelectChoice(value, label) for value, label in pairs)]


def title_field(label: str = "Title"):
    """A required title of a sensible length."""
    return StringField(
        label,
        filters=[strip],
        validators=[
            required("Give your post a title that says what the problem is."),
            Length(min=5, message="Write a title of at least 5 characters."),
            MaxChars(TITLE_MAX),
        ],
    )


def body_field(label: str, limit: int = BODY_MAX):
    """A required Markdown text."""
    return TextAreaField(
        label,
        filters=[strip],
        description=MARKDOWN_HINT,
        validators=[required("Write some text first."), MaxChars(limit)],
    )


class ThreadForm(FlaskForm):
    """A new thread: a title and the question."""

    submission = submission_field()

    title = title_field()
    body = body_field("Your question")


class ReplyForm(FlaskForm):
    """A reply to a thread."""

    submission = submission_field()

    body = body_field("Your reply")


class EditPostForm(FlaskForm):
    """A changed reply."""

    body = body_field("Text")


class EditOpeningPostForm(EditPostForm):
    """A changed opening post, with the thread's title."""

    title = title_field()


class ActionForm(FlaskForm):
    """An empty form: a button that changes something (accept, vote, promote)."""


class ModerateThreadForm(FlaskForm):
    """One moderation action on a thread; moving needs a target section."""

    action = SelectField("Action", choices=choices(THREAD_ACTIONS))
    section = SelectField("Move to", coerce=int, choices=menu([]), validate_choice=False)

    def set_targets(self, sections) -> None:
        """The sections the thread may be moved to."""
        self.section.choices = menu((s.id, s.name) for s in sections)

    def validate_section(self, field):
        """A move needs a section other than the current one, from the allowed list."""
        if self.action.data != "move":
            return
        allowed = {choice.value for choice in field.choices if choice.value}
        if field.data not in allowed:
            raise ValidationError("Choose the section to move the thread to.")


class ModeratePostForm(FlaskForm):
    """Hide or show one reply."""

    action = SelectField("Action", choices=choices(POST_ACTIONS))


class ArticleForm(FlaskForm):
    """A knowledge article: text, where it belongs, who may read it and whether it is out."""

    submission = submission_field()

    title = title_field()
    body = body_field("Article", ARTICLE_BODY_MAX)
    app_id = SelectField("App (optional)", coerce=int)
    section_id = SelectField("Section (optional)", coerce=int)
    visibility = SelectField("Who may read it", choices=choices(VISIBILITIES))
    status = SelectField("Status", choices=choices(ARTICLE_STATUSES))
    source = SelectField("Source", choices=choices(ARTICLE_SOURCES))

    def set_choices(self, apps: list, sections: list) -> None:
        """Fill the app and section menus (0 means none)."""
        self.app_id.choices = menu(apps)
        self.section_id.choices = menu(sections)

    def values(self) -> dict:
        """The article's columns from the form."""
        data = {
            name: getattr(self, name).data
            for name in ("title", "body", "visibility", "status", "source")
        }
        data["app_id"] = self.app_id.data or None
        data["section_id"] = self.section_id.data or None
        return data
