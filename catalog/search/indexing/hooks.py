"""Make a change searchable right after the request that committed it.

When an indexer follows the index folder (``search run-indexer``, seen by its fresh heartbeat,
``catalog.search.indexing.heartbeat``), a request that committed a change answers at once: the
indexer applies it within a second or so, and writing the index from every request would make
the writers queue for Whoosh's single write lock under load.

When no indexer runs (a dev server, tests) and ``SEARCH_SYNC_IN_REQUEST`` is on (the default),
a request whose commit wrote outbox rows applies the pending outbox before its response leaves,
with a short timeout, so a post is searchable at once. If another process holds the index, the
work stays in the outbox for the next request or ``search sync``; the response never fails
because of search.
"""

import logging

from flask import Flask
from flask import current_app

from catalog.extensions import db
from catalog.search.indexing import events
from catalog.search.indexing import heartbeat
from catalog.search.indexing import sync

log = logging.getLogger(__name__)


def sync_after_commit(response):
    """after_request: apply the outbox if this request committed indexable changes."""
    if (
        not events.take_committed_flag(db.session)
        or not current_app.config["SEARCH_SYNC_IN_REQUEST"]
    ):
        return response
    config = current_app.config
    if heartbeat.indexer_running(config["SEARCH_INDEX_DIR"], config["SEARCH_INDEXER_FRESH"]):
        return response  # The indexer applies it within a second; the author reads the database.
    try:
        result = sync.sync(
            config["SEARCH_INDEX_DIR"], config["SEARCH_SYNC_TIMEOUT"], config["SEARCH_SYNC_OVERLAP"]
        )
    except Exception:  # The data is committed; search catches up later, the response must go out.
        log.exception("search sync after the request failed; the indexer will retry")
        return response
    if result.busy or result.unavailable:
        log.info(
            "search sync left for later (busy=%s, unavailable=%s)", result.busy, result.unavailable
        )
    return response


def init_app(app: Flask) -> None:
    """Register the hook."""
    app.after_request(sync_after_commit)
