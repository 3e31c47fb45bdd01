"""The channel definition: order, and colours people can tell apart and read."""

import itertools

import pytest

from catalog.channels import CHANNEL_KEYS
from catalog.channels import CHANNELS
from catalog.channels import GREY
from catalog.channels import GREY_TEXT


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_channels_are_the_five_of_the_brief_in_order():
    assert CHANNEL_KEYS == ("forum_casual", "forum_dedicated", "isv", "professional", "consulting")


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda c: c.key)
def test_channel_text_meets_wcag_aa_on_its_colour(channel):
    assert contrast(channel.colour, channel.text_colour) >= 4.5


def test_not_offered_text_meets_wcag_aa():
    assert contrast(GREY, GREY_TEXT) >= 4.5


# Viénot, Brettel & Mollon (1999) simulation matrices on linear RGB.
SIMULATIONS = {
    "protanopia": ((0.11238, 0.88762, 0.0), (0.11238, 0.88762, 0.0), (0.00401, -0.00401, 1.0)),
    "deuteranopia": ((0.29275, 0.70725, 0.0), (0.29275, 0.70725, 0.0), (-0.02234, 0.02234, 1.0)),
}


def _simulate(hex_colour: str, matrix) -> tuple[float, float, float]:
    """Linear RGB of a colour as a person with the given colour blindness sees it."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return tuple(sum(m * c for m, c in zip(row, linear, strict=True)) for row in matrix)


@pytest.mark.parametrize("kind", SIMULATIONS)
def test_channel_colours_stay_apart_for_colour_blind_readers(kind):
    colours = [c.colour for c in CHANNELS] + [GREY]
    seen = [_simulate(c, SIMULATIONS[kind]) for c in colours]
    for (a, sa), (b, sb) in itertools.combinations(zip(colours, seen, strict=True), 2):
        distance = sum((x - y) ** 2 for x, y in zip(sa, sb, strict=True)) ** 0.5
        assert distance > 0.05, f"{a} and {b} look alike under {kind}"
