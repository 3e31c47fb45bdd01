"""Parsing the catalog's filter parameters (shared by the pages and the API)."""

from dataclasses import dataclass
from dataclasses import field

from werkzeug.datastructures import MultiDict

from catalog.channels import BY_KEY

SORTS = {"name": "Name (A–Z)", "updated": "Recently updated"}
MAX_QUERY = 100
MAX_PAGE = 100_000


@dataclass(frozen=True)
class CatalogFilter:
    """What the visitor asked of the catalog."""

    q: str = ""
    category: str = ""
    vendor: str = ""
    channels: tuple[str, ...] = ()
    sort: str = "name"
    page: int = 1
    per_page: int = 20
    errors: tuple[str, ...] = field(default=(), compare=False)
    default_per_page: int = field(default=20, compare=False)

    def cache_key(self) -> tuple:
        """A hashable key for the fragment cache."""
        return (
            self.q,
            self.category,
            self.vendor,
            self.channels,
            self.sort,
            self.page,
            self.per_page,
        )

    def args(self, **changes) -> dict:
        """Query-string arguments for a link to this filter with some values changed."""
        values = {
            "q": self.q,
            "category": self.category,
            "vendor": self.vendor,
            "channel": list(self.channels),
            "sort": self.sort if self.sort != "name" else "",
            "page": self.page if self.page != 1 else "",
            "per_page": self.per_page if self.per_page != self.default_per_page else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None, [])}


def _positive_int(raw: str | None, name: str, default: int, maximum: int, errors: list) -> int:
    """Parse a positive integer, recording a readable error instead of failing."""
    if raw in (None, ""):
        return default
    try:
        if not (raw.isascii() and raw.isdigit()):
            raise ValueError(raw)
        value = int(raw)
    except ValueError:
        errors.append(f"“{raw[:20]}” is not a {name}; showing {name} {default}.")
        return default
    if not 1 <= value <= maximum:
        errors.append(f"The {name} must be between 1 and {maximum}; showing {name} {default}.")
        return default
    return value


def parse_filter(
    args: MultiDict, max_per_page: int = 100, default_per_page: int = 20
) -> CatalogFilter:
    """Build a ``CatalogFilter`` from request arguments; bad values are dropped with an error."""
    errors: list[str] = []
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY:
        errors.append(f"The search text was cut to {MAX_QUERY} characters.")
        q = q[:MAX_QUERY]
    channels = []
    for key in args.getlist("channel"):
        if key in BY_KEY:
            if key not in channels:
                channels.append(key)
        elif key:
            errors.append(f"“{key[:40]}” is not a support channel; that filter was ignored.")
    sort = args.get("sort", "") or "name"
    if sort not in SORTS:
        errors.append(f"“{sort[:20]}” is not a way to sort; sorted by name.")
        sort = "name"
    return CatalogFilter(
        q=q,
        category=args.get("category", "")[:80],
        vendor=args.get("vendor", "")[:80],
        channels=tuple(k for k in BY_KEY if k in channels),
        sort=sort,
        page=_positive_int(args.get("page"), "page", 1, MAX_PAGE, errors),
        per_page=_positive_int(
            args.get("per_page"), "page size", default_per_page, max_per_page, errors
        ),
        errors=tuple(errors),
        default_per_page=default_per_page,
    )
