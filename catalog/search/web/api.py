"""Handlers of the search API: ``/api/v1/search`` and ``/api/v1/search/suggest`` (as you type)."""

from flask import current_app
from flask import jsonify
from flask import request
from flask_login import current_user

from catalog.api.views import api_error
from catalog.search import engine as search
from catalog.search.web import finder
from catalog.search.web import suggestions

UNAVAILABLE = "Search is being rebuilt; please try again in a few minutes."


def search_api():
    """Search results as JSON, with did-you-mean, notices and (``facets=1``) facet counts;
    503 if the index is down."""
    params = finder.parse_params(request.args, current_app.config["API_MAX_PAGE_SIZE"])
    facets = request.args.get("facets", "") in ("1", "true")
    try:
        results = finder.find(current_user, params, facets=facets)
    except search.SearchUnavailable:
        return api_error(503, UNAVAILABLE)
    return jsonify(
        {
            "query": results.query,
            "items": [finder.hit_dict(hit) for hit in results.hits],
            "total": results.total,
            "total_is_exact": results.total_is_exact,
            "page": results.page,
            "per_page": results.per_page,
            "pages": results.pages,
            "sort": params.sort,
            "filters": params.filters,
            "facets": results.facets if facets else None,
            "facets_sampled": results.facets_sampled,
            "did_you_mean": results.did_you_mean,
            "truncated": results.truncated,
            "fallback": results.fallback,
        }
    )


def suggest_api():
    """Articles and solved threads for a draft (``title``, ``text``) or a typed search (``q``).

    Called on every pause in typing by the wizard and the search box; 400 when the input is too
    long or mixes both kinds, 503 when the index is down (the scripts then show nothing).
    """
    try:
        wanted = suggestions.read_request(request.args)
    except suggestions.BadSuggestRequest as error:
        return api_error(400, str(error))
    try:
        items = suggestions.find_suggestions(
            current_user, wanted.title, wanted.text, partial=wanted.partial
        )
    except search.SearchUnavailable:
        return api_error(503, UNAVAILABLE)
    return jsonify({"items": items})
