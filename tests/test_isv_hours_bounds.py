"""Issue 11, finding 2 in the ISV portal: hours and targets that would make unbounded work."""

import re
from html import unescape

import pytest

from catalog.extensions import db
from catalog.marketplace.models import TermsVersion
from tests.conftest import APP_A
from tests.test_isv_portal import VALID_ISV
from tests.test_isv_portal import _form

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def isv_a(world, auth):
    """Logged in as a member of ISV A."""
    auth.login(world["isv_a"])
    return auth


def field_error(html: str, field: str) -> str:
    """The error shown under one field (tied to it by its id), or ''."""
    found = re.search(rf'id="{field}-error">([^<]*)</p>', html)
    return unescape(found.group(1)) if found else ""


def versions(app) -> int:
    """How many terms versions are stored."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(TermsVersion.id)))


def test_finding_2_isv_form_refuses_one_minute_windows_and_year_long_targets(app, isv_a):
    before = versions(app)
    every_day = {f"hours_{day}": "09:00-09:01" for day in DAYS}
    data = _form(app, **{**VALID_ISV, **every_day, "response_3": "525600"})
    response = isv_a.post(f"/isv/apps/{APP_A}", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for day in DAYS:
        assert field_error(html, f"hours_{day}") == (
            "The window 09:00–09:01 is shorter than 15 minutes; "
            "a window must be long enough to answer a request in."
        )
    assert field_error(html, "response_3") == (
        "Enter a number of minutes above zero and at most 28,800 (60 working days of 8 hours)."
    )
    assert versions(app) == before


def test_isv_form_accepts_15_minute_windows_and_the_largest_target(app, isv_a):
    changes = {"hours_mon": "09:00-09:15, 23:45-24:00", "response_3": "28800"}
    data = _form(app, **{**VALID_ISV, **changes})
    assert isv_a.post(f"/isv/apps/{APP_A}", data).status_code == 302
