"""Subscription periods: the period that follows one, of the same length (pure, no database)."""

from datetime import date
from datetime import timedelta

from dateutil.relativedelta import relativedelta

DAY = timedelta(days=1)


def months_end(starts_on: date, months: int) -> date:
    """The last day of a period of whole months: the day before the same day of the month
    ``months`` later, or that month's last day when it has no such day (31 Jan → 30 Apr)."""
    later = starts_on + relativedelta(months=months)
    # relativedelta clips 31 Jan + 3 months to 30 Apr: "31 Apr" would be 1 May, so April ends it.
    return later if later.day != starts_on.day else later - DAY


def whole_months(starts_on: date, ends_on: date) -> int | None:
    """How many whole months the period spans, or None when it is not a run of whole months."""
    months = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month
    for count in (months, months + 1):
        if count > 0 and months_end(starts_on, count) == ends_on:
            return count
    return None


def next_period(starts_on: date, ends_on: date) -> tuple[date, date]:
    """The period starting the day after this one ends: as many months when this one is whole
    months (a year stays a year across 29 February), else as many days."""
    following = ends_on + DAY
    months = whole_months(starts_on, ends_on)
    if months is None:
        return following, following + (ends_on - starts_on)
    return following, months_end(following, months)
