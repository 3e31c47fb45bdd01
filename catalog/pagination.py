"""A small page object for lists built from rows rather than ORM entities."""

from dataclasses import dataclass
from math import ceil
from typing import Any


@dataclass(frozen=True)
class Page:
    """One page of a longer list."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, so an empty list has page 1 of 1)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists."""
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        """The 1-based position of the first item on this page (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        """The 1-based position of the last item on this page."""
        return (self.page - 1) * self.per_page + len(self.items)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link, with ``None`` where a gap is shown."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        result: list[int | None] = []
        for n in numbers:
            if result and n - result[-1] > 1:
                result.append(None)
            result.append(n)
        return result
