"""Errors raised by the search package."""


class SearchError(Exception):
    """Base class of the search package's errors."""


class SearchUnavailable(SearchError):
    """The index is missing or damaged: show "search is being rebuilt" (HTTP 503)."""


class IndexBusy(SearchError):
    """Another process held the index write lock for longer than the timeout.

    Nothing was written; the caller keeps its outbox rows and retries later.
    """
