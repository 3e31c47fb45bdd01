"""The search page: results with highlights, filters with counts, sorting and pagination."""

from flask import current_app
from flask import render_template
from flask import request
from flask_login import current_user

from catalog.search import engine as search
from catalog.search.web import finder

UNAVAILABLE = (
    "Search is being rebuilt. Please try again in a few minutes; the forum itself works as usual."
)


def page():
    """Search threads, replies, articles and apps; 503 while the index is being rebuilt."""
    size = current_app.config["SEARCH_PAGE_SIZE"]
    params = finder.parse_params(
        {k: v for k, v in request.args.items() if k != "per_page"}, size, size
    )
    if not params.q.strip():
        return render_template("search/page.html", params=params, results=None)
    try:
        results = finder.find(current_user, params)
    except search.SearchUnavailable:
        return render_template("search/unavailable.html", params=params, message=UNAVAILABLE), 503
    return render_template(
        "search/page.html",
        params=params,
        results=results,
        labels=finder.facet_labels(results),
        hit_url=finder.hit_url,
        sorts=finder.SORTS,
    )
