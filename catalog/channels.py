"""The five support channels: the one place that defines them.

Everything else (the legend, the badge, the API, the forms, the router) reads this module, so a
channel's order, label, colour and icon change in one place only.

Colours come from the Okabe–Ito palette, which stays distinguishable for the common forms of
colour blindness; each colour is paired with the text colour that gives it WCAG AA contrast
(checked in ``tests/test_channels.py``). Colour is never the only signal: every chip also carries
an icon shape and its label, and a channel that is not offered says so in words.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    """One support channel as the legend shows it."""

    key: str
    label: str
    short: str
    colour: str
    text_colour: str
    icon: str
    set_by: str
    summary: str


OPERATOR = "operator"
ISV = "isv"

CHANNELS: tuple[Channel, ...] = (
    Channel(
        key="forum_casual",
        label="Public forum (casual)",
        short="Forum",
        colour="#56B4E9",
        text_colour="#000000",
        icon="bubble",
        set_by=ISV,
        summary="The developer may look in on a public forum now and then. "
        "No commitment and no response time.",
    ),
    Channel(
        key="forum_dedicated",
        label="Dedicated forum",
        short="Dedicated",
        colour="#009E73",
        text_colour="#000000",
        icon="bubbles",
        set_by=ISV,
        summary="A section of our knowledge forum kept for this app, where the developer "
        "makes a best effort to help.",
    ),
    Channel(
        key="isv",
        label="Developer / ISV support",
        short="Developer",
        colour="#E69F00",
        text_colour="#000000",
        icon="wrench",
        set_by=ISV,
        summary="The developer takes support tickets on its own terms: scope, hours, "
        "response targets and languages are listed on the app page.",
    ),
    Channel(
        key="professional",
        label="Professional support",
        short="Professional",
        colour="#0072B2",
        text_colour="#FFFFFF",
        icon="shield",
        set_by=OPERATOR,
        summary="The marketplace operator supports the app under your paid subscription "
        "plan, with guaranteed response times.",
    ),
    Channel(
        key="consulting",
        label="Consulting",
        short="Consulting",
        colour="#CC79A7",
        text_colour="#000000",
        icon="briefcase",
        set_by=OPERATOR,
        summary="The operator's engineers help at an hourly rate; you approve the estimate "
        "and completion date before work starts.",
    ),
)

CHANNEL_KEYS: tuple[str, ...] = tuple(channel.key for channel in CHANNELS)
BY_KEY: dict[str, Channel] = {channel.key: channel for channel in CHANNELS}

GREY = "#E9ECEF"
GREY_TEXT = "#4A4F55"

SEVERITIES = {
    1: "Critical: production is down or seriously disrupted and there is no workaround",
    2: "Major: operation is impaired but a workaround exists",
    3: "Minor: no material impact; questions and feature requests",
}
