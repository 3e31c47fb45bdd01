"""The operator console's list of inbound mail kept off every ticket (quarantine and triage)."""

from flask import render_template
from flask import request
from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts.access import operator_required
from catalog.extensions import db
from catalog.pagination import Page
from catalog.ticketmail.models import InboundMail

HELD_BACK = ("quarantined", "triage")
PER_PAGE = 25
MAX_PAGE = 10_000


def held_back_page(page: int) -> Page:
    """One page of quarantined and triage mail, newest first."""
    condition = InboundMail.outcome.in_(HELD_BACK)
    total = db.session.scalar(select(func.count(InboundMail.id)).where(condition)) or 0
    statement = (
        select(InboundMail)
        .where(condition)
        .order_by(InboundMail.received_at.desc(), InboundMail.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return Page(list(db.session.scalars(statement)), page, PER_PAGE, total)


@operator_required
def mail_quarantine():
    """Inbound mail that was not authenticated or named no app, with the reason."""
    page = min(MAX_PAGE, max(1, request.args.get("page", 1, type=int) or 1))
    return render_template("operator/mail_quarantine.html", page=held_back_page(page))
