"""The legend model: for one app, the five channels in order, each offered or not and why.

Pure Python: it reads plain values (the app's support terms and the operator's coverage) and
knows nothing of Flask or the database, so pages, the embeddable fragment, the SVG badge and the
API all show the same thing.
"""

from dataclasses import dataclass
from typing import Protocol

from catalog.channels import CHANNELS
from catalog.channels import Channel


class TermsLike(Protocol):
    """What the legend reads of an app's ISV-controlled terms."""

    forum_casual_url: str | None
    forum_dedicated: bool
    isv_offered: bool


class CoverageLike(Protocol):
    """What the legend reads of the operator's decision for an app."""

    professional: bool
    consulting: bool


@dataclass(frozen=True)
class LegendEntry:
    """One channel of one app's legend."""

    channel: Channel
    offered: bool
    note: str

    @property
    def status_text(self) -> str:
        """The words a screen reader and a colour-blind reader get instead of the colour."""
        return "offered" if self.offered else "not offered"


_NOT_OFFERED = {
    "forum_casual": "The developer names no public forum for this app.",
    "forum_dedicated": "The developer has no dedicated forum section for this app.",
    "isv": "The developer does not take support requests for this app.",
    "professional": "The operator does not cover this app under its support plans.",
    "consulting": "The operator offers no consulting for this app.",
}

_OFFERED = {
    "forum_casual": "Ask on the developer's public forum; answers are not guaranteed.",
    "forum_dedicated": "Ask in this app's section of our knowledge forum.",
    "isv": "File a request with the developer, on the terms it publishes for this app.",
    "professional": "Covered by the operator's support plans.",
    "consulting": "Hourly consulting by the operator's engineers, quoted before work starts.",
}


def offered_keys(terms: TermsLike | None, coverage: CoverageLike | None) -> frozenset[str]:
    """Return the keys of the channels this app offers."""
    keys = set()
    if terms is not None:
        if terms.forum_casual_url:
            keys.add("forum_casual")
        if terms.forum_dedicated:
            keys.add("forum_dedicated")
        if terms.isv_offered:
            keys.add("isv")
    if coverage is not None:
        if coverage.professional:
            keys.add("professional")
        if coverage.consulting:
            keys.add("consulting")
    return frozenset(keys)


def build_legend(offered: frozenset[str] | set[str]) -> tuple[LegendEntry, ...]:
    """Return the five legend entries, always in the canonical order."""
    return tuple(
        LegendEntry(
            channel=channel,
            offered=channel.key in offered,
            note=(_OFFERED if channel.key in offered else _NOT_OFFERED)[channel.key],
        )
        for channel in CHANNELS
    )


def legend_for(terms: TermsLike | None, coverage: CoverageLike | None) -> tuple[LegendEntry, ...]:
    """Return the legend of an app from its terms and the operator's coverage."""
    return build_legend(offered_keys(terms, coverage))


def summary_text(offered: frozenset[str] | set[str]) -> str:
    """One sentence naming what is offered, for alt text, badges and the API."""
    labels = [c.label for c in CHANNELS if c.key in offered]
    if not labels:
        return "No support channel is offered."
    return "Support offered: " + ", ".join(labels) + "."
