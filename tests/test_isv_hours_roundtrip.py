"""A saved ISV calendar is savable again unchanged (it could lock the ISV out of the form).

Before, a day typed as 16 windows without spaces (191 characters) was accepted, then shown back
with ", " between the windows (206 characters), and every later save failed with "Keep this to
200 characters or fewer; you wrote 206".
"""

import re
from html import unescape

import pytest

from tests.conftest import APP_A
from tests.test_isv_portal import VALID_ISV
from tests.test_isv_portal import _form


def _clock(minute: int) -> str:
    """Minutes since midnight as HH:MM (24:00 at the end of the day)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def windows(count: int, start: int = 0, gap: int = 0) -> list[str]:
    """``count`` windows of 15 minutes from ``start``, ``gap`` minutes apart."""
    return [
        f"{_clock(start + n * (15 + gap))}-{_clock(start + n * (15 + gap) + 15)}"
        for n in range(count)
    ]


SIXTEEN = ",".join(windows(16, start=9 * 60, gap=15))
FULL_DAY = ", ".join(windows(96))


@pytest.fixture
def isv_a(world, auth):
    """Logged in as a member of ISV A."""
    auth.login(world["isv_a"])
    return auth


def shown_monday(client) -> tuple[str, int]:
    """The Monday windows as the form shows them, and the field's maxlength."""
    html = client.get(f"/isv/apps/{APP_A}").get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="hours_mon"[^>]*>', html).group()
    value = unescape(re.search(r'value="([^"]*)"', tag).group(1))
    return value, int(re.search(r'maxlength="(\d+)"', tag).group(1))


@pytest.mark.parametrize(
    ("typed", "length"), [(SIXTEEN, 191), (FULL_DAY, 1246)], ids=["16-windows", "96-windows"]
)
def test_a_saved_day_is_shown_and_saved_again_unchanged(app, client, isv_a, typed, length):
    assert len(typed) == length
    first = isv_a.post(f"/isv/apps/{APP_A}", _form(app, **{**VALID_ISV, "hours_mon": typed}))
    assert first.status_code == 302, first.get_data(as_text=True)
    shown, maxlength = shown_monday(client)
    assert shown.replace(" ", "") == typed.replace(" ", "")
    again = isv_a.post(f"/isv/apps/{APP_A}", _form(app))
    assert again.status_code == 302, again.get_data(as_text=True)
    assert shown_monday(client) == (shown, maxlength)
    assert len(shown) <= maxlength  # a browser would cut it otherwise
