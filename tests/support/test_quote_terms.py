"""A quote's date and words: today or later in the quoting calendar, and one line that states
hours, rate, total, currency and the day."""

from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest

from catalog.support.tickets.models import ConsultingQuote
from catalog.support.tickets.quotes import date_problem
from catalog.support.tickets.quotes import summary

LATE_EVENING_UTC = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # already 2 Dec in Tokyo


@pytest.mark.parametrize(
    "day,zone,refused",
    [
        (date(2026, 12, 1), "UTC", False),
        (date(2026, 11, 30), "UTC", True),
        (date(2026, 12, 1), "Asia/Tokyo", True),
        (date(2026, 12, 2), "Asia/Tokyo", False),
        (date(2026, 12, 1), "America/New_York", False),
        (date(2026, 11, 30), "America/New_York", True),
    ],
)
def test_a_completion_date_is_today_or_later_in_the_quoting_zone(day, zone, refused):
    problem = date_problem(day, LATE_EVENING_UTC, zone)
    assert (problem is not None) is refused
    if refused:
        assert problem.startswith("The completion date cannot be in the past") and zone in problem


def test_a_quote_reads_as_hours_times_rate_equals_total_with_currency_and_day():
    quote = ConsultingQuote(
        rate=Decimal("150.00"), hours=Decimal("4.00"), completion_on=date(2027, 1, 5)
    )
    quote.currency = "EUR"
    assert summary(quote) == "4 h × €150.00 = €600.00 (EUR), done by Tue 5 Jan 2027"
    quote.hours, quote.currency = Decimal("2.50"), "USD"
    assert summary(quote) == "2.5 h × $150.00 = $375.00 (USD), done by Tue 5 Jan 2027"
