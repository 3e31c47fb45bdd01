"""The health check: is the database answering, and in what state is the search index?"""

from flask import current_app
from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from catalog.extensions import db
from catalog.search import engine as search


def database_ok() -> bool:
    """True when the database answers a trivial query (the failure is logged, never shown)."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database did not answer")
        db.session.rollback()
        return False


def healthz():
    """The load balancer's check: 200 while the database answers, else 503.

    A missing or damaged search index only makes the status "degraded": search falls back to its
    "unavailable" page and the indexer can rebuild the index, so the worker still serves
    everything else and stays in the pool.
    """
    database = database_ok()
    index = search.health(current_app.config["SEARCH_INDEX_DIR"])
    status = ("ok" if index.ok else "degraded") if database else "unavailable"
    body = {
        "status": status,
        "database": "ok" if database else "unavailable",
        "search": {"state": index.state, "documents": index.doc_count},
    }
    response = jsonify(body)
    response.status_code = 200 if database else 503
    response.headers["Cache-Control"] = "no-store"
    return response
