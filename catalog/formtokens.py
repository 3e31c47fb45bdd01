"""One-time form tokens: a form that creates something is carried out once per token.

Every such form carries a random token (:func:`submission_field`, or the wizard's signed state).
The request that creates first claims the token with an insert under a unique index, in the same
unit of work as what it creates, and records the page of the result; a replay, a double click or a
concurrent duplicate finds the claim and is sent to that page instead of creating again. When the
first request rolls back, its claim goes with it and the token can be used once more.
"""

import re
import secrets
from datetime import datetime

from flask import abort
from flask import flash
from flask import redirect
from flask_login import current_user
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from wtforms import HiddenField
from wtforms.validators import Optional
from wtforms.validators import Regexp

from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FIELD = "submission"


class FormSubmission(db.Model):
    """A one-time token that was used, by whom, and the page of what it created."""

    __tablename__ = "form_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    result_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def new_token() -> str:
    """A fresh random token for a form about to be shown."""
    return secrets.token_urlsafe(24)


def submission_field() -> HiddenField:
    """The hidden one-time token of a creating form (a fresh one whenever the form is shown)."""
    return HiddenField(default=new_token, validators=[Optional(), Regexp(TOKEN_RE)])


class Replay(Exception):
    """The token was used before: go to ``url``, the page of what its first use created."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def claim(token: str | None, user_id: int | None) -> None:
    """Claim ``token`` for this unit of work, or raise :class:`Replay` when it was used.

    The insert waits for a concurrent claim of the same token to commit or roll back (the unique
    index serialises them), so of two simultaneous submits exactly one goes on to create.
    """
    if not token or not TOKEN_RE.match(token):
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(FormSubmission)
        .values(token=token, user_id=user_id, result_url="", created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["token"])
        .returning(FormSubmission.id)
    )
    if db.session.execute(statement).first() is not None:
        return
    earlier = db.session.execute(
        select(FormSubmission.user_id, FormSubmission.result_url).where(
            FormSubmission.token == token
        )
    ).first()
    if earlier is None or earlier.user_id != user_id or not earlier.result_url:
        raise Replay("")
    raise Replay(earlier.result_url)


def record(token: str | None, url: str) -> None:
    """Remember the page of what this unit created under its claimed ``token``."""
    if not token or not TOKEN_RE.match(token):
        return
    db.session.execute(
        update(FormSubmission).where(FormSubmission.token == token).values(result_url=url[:500])
    )


def answer(replay: Replay):
    """The answer to a replayed form: the page of the first result, or 409 when there is none."""
    if not replay.url:
        abort(409)
    flash("That form was already sent; here is what it created.", "info")
    return redirect(replay.url)


def replayed(form):
    """Claim a validated form's token: None to go on and create, or the answer to a replay."""
    try:
        claim(_form_token(form), getattr(current_user, "id", None))
    except Replay as replay:
        return answer(replay)
    return None


def done(form, url: str) -> str:
    """Record ``url`` as what the form's token created; return it (for the redirect)."""
    record(_form_token(form), url)
    return url


def _form_token(form) -> str | None:
    """The form's one-time token, if it carries one."""
    field = getattr(form, FIELD, None)
    return field.data if field is not None else None
