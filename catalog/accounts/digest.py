"""The daily digest: one letter a day to each user who chose it, with the notifications the day
brought instead of a mail for each (``flask --app catalog notifications send-digest``).

Idempotent per day: a user whose digest went out today (UTC) is skipped, so running the command
twice sends nothing more. Bounded: at most ``users`` users per run, ``MAX_LINES`` lines a letter.
"""

from datetime import datetime
from datetime import time
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from catalog import unitofwork
from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.accounts.notifications import group_of
from catalog.accounts.notifications import mail_wanted
from catalog.db import utcnow
from catalog.extensions import db
from catalog.links import external_url
from catalog.links import site_url
from catalog.ticketmail.letters import queue_letter
from catalog.viewertime import moment_in
from catalog.viewertime import site_zone_name
from catalog.viewertime import zone_name_for

MAX_LINES = 50
USERS_PER_RUN = 1000

notifications_cli = AppGroup("notifications", help="The users' notifications and their digest.")


def due_users(now: datetime, limit: int) -> list[User]:
    """Active digest users whose digest has not gone out today (UTC), oldest digest first."""
    today = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    statement = (
        select(User)
        .where(
            User.daily_digest.is_(True),
            User.active.is_(True),
            or_(User.digest_sent_at.is_(None), User.digest_sent_at < today),
        )
        .order_by(User.digest_sent_at.is_not(None), User.digest_sent_at, User.id)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def undigested(user: User) -> list[UserNotification]:
    """The user's rows no digest has carried yet, since their last digest, oldest first."""
    statement = select(UserNotification).where(
        UserNotification.user_id == user.id, UserNotification.digested_at.is_(None)
    )
    if user.digest_sent_at is not None:
        statement = statement.where(UserNotification.created_at > user.digest_sent_at)
    return list(db.session.scalars(statement.order_by(UserNotification.created_at)))


def send_one(user: User, now: datetime) -> bool:
    """Mail ``user`` their digest if anything in it is wanted by mail; mark the rows carried."""
    rows = undigested(user)
    wanted = [row for row in rows if mail_wanted(user.notification_prefs, group_of(row.kind))]
    if rows:
        db.session.execute(
            update(UserNotification)
            .where(UserNotification.id.in_([row.id for row in rows]))
            .values(digested_at=now)
            .execution_options(synchronize_session=False)
        )
    if not wanted:
        return False
    zone = ZoneInfo(zone_name_for(user, site_zone_name()))
    shown = wanted[-MAX_LINES:]
    lines = [(moment_in(row.created_at, zone), row.title, row.link) for row in shown]
    text = current_app.jinja_env.get_template("accounts/mail/digest.txt").render(
        user=user,
        lines=lines,
        more=len(wanted) - len(shown),
        site=site_url(current_app.config),
        list_link=external_url("accounts.notifications_list"),
        profile=external_url("accounts.profile"),
    )
    subject = f"Your daily digest: {len(wanted)} notification{'' if len(wanted) == 1 else 's'}"
    queue_letter("digest", user.email, subject, text, now)
    user.digest_sent_at = now
    db.session.flush()
    return True


def send_digests(now: datetime, limit: int = USERS_PER_RUN) -> int:
    """Send today's digests (at most ``limit`` users); returns how many letters were queued."""
    return sum(send_one(user, now) for user in due_users(now, limit))


@notifications_cli.command("send-digest")
@click.option("--users", default=USERS_PER_RUN, show_default=True, help="At most this many users.")
@unitofwork.command
def send_digest_command(users: int) -> None:
    """Queue today's digest letter for each user who chose the daily digest."""
    sent = send_digests(utcnow(), max(1, users))
    click.echo(f"{sent} digest{'' if sent == 1 else 's'} queued.")
