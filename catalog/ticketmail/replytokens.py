"""Reply addresses: an unguessable ``support+r-<token>@…`` per recipient and ticket.

Every notification's Reply-To carries a fresh token for its one recipient (160 random bits in
lower-case base32, so mail servers that fold the case of local parts do not break it). Only the
token's SHA-256 is stored. A token is live while it is not revoked and its user is still an
active participant of its ticket; a token found dead on arrival is revoked for good.
"""

import base64
import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy import update

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.permissions import ticket_role
from catalog.ticketmail import settings
from catalog.ticketmail.models import ReplyToken

TOKEN_BYTES = 20
PREFIX = "r-"
MAX_ADDRESSES = 50
"""Recipient addresses looked at per message."""
_TOKEN = re.compile(rf"^{PREFIX}([a-z2-7]{{32}})$")


def digest(token: str) -> str:
    """What is stored of a token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_token() -> str:
    """A fresh random token: 160 bits as 32 lower-case base32 characters."""
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode("ascii").lower()


def reply_address(token: str) -> str:
    """The sub-address of our From address that carries ``token``."""
    local, _, domain = settings.from_address().addr_spec.partition("@")
    return f"{local.split('+', 1)[0]}+{PREFIX}{token}@{domain}"


def issue(user: User, ticket_id: int, now: datetime) -> str:
    """Store a new token of ``user`` for the ticket; return its plain value (for the mail)."""
    token = new_token()
    db.session.add(
        ReplyToken(token_hash=digest(token), user_id=user.id, ticket_id=ticket_id, created_at=now)
    )
    return token


def tokens_in(addresses: Iterable[str]) -> list[str]:
    """The reply tokens named by recipient addresses (``local+r-<token>@domain``), in order."""
    found = []
    for index, address in enumerate(addresses):
        if index >= MAX_ADDRESSES:
            break
        local = address.lower().split("@", 1)[0]
        match = _TOKEN.match(local.split("+", 1)[1]) if "+" in local else None
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found


def looks_like_token(addresses: Iterable[str]) -> bool:
    """True when some recipient is a reply address (``+r-…``), valid or not."""
    return any(
        "+" + PREFIX in address.lower().split("@", 1)[0]
        for address in list(addresses)[:MAX_ADDRESSES]
    )


def live_token(
    tokens: list[str], now: datetime
) -> tuple[ReplyToken | None, User | None, Ticket | None, str | None]:
    """(token, user, ticket, role) of the first live token; a dead one is revoked on the way."""
    for token in tokens:
        row = db.session.scalar(select(ReplyToken).where(ReplyToken.token_hash == digest(token)))
        if row is None or row.revoked_at is not None:
            continue
        user, ticket = db.session.get(User, row.user_id), db.session.get(Ticket, row.ticket_id)
        role = ticket_role(user, ticket) if user is not None and user.active else None
        if role is None:
            row.revoked_at = now
            db.session.flush()
            continue
        return row, user, ticket, role
    return None, None, None, None


def revoke(user_id: int, now: datetime, ticket_id: int | None = None) -> int:
    """Revoke the user's live tokens (of one ticket, or all); return how many."""
    statement = update(ReplyToken).where(
        ReplyToken.user_id == user_id, ReplyToken.revoked_at.is_(None)
    )
    if ticket_id is not None:
        statement = statement.where(ReplyToken.ticket_id == ticket_id)
    result = db.session.execute(statement.values(revoked_at=now))
    return result.rowcount
