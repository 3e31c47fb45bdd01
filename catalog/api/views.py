"""Handlers of the JSON API."""

from flask import abort
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for

from catalog.marketplace import queries
from catalog.marketplace import serialize
from catalog.marketplace.filters import parse_filter


def api_error(status: int, message: str, details: list[str] | None = None):
    """A JSON error body with a human message."""
    response = jsonify({"error": message, "details": details or []})
    response.status_code = status
    return response


def app_list():
    """Published apps, paginated, with the catalog's filters."""
    f = parse_filter(
        request.args,
        max_per_page=current_app.config["API_MAX_PAGE_SIZE"],
        default_per_page=current_app.config["CATALOG_PAGE_SIZE"],
    )
    if f.errors:
        return api_error(400, "Some query parameters are not valid.", list(f.errors))
    page = queries.catalog_page(f)
    if page.page > page.pages:
        return api_error(404, f"There is no page {page.page}; the last page is {page.pages}.")
    links = {}
    if page.has_next:
        links["next"] = url_for(
            "api.app_list", _external=True, **f.args(page=page.page + 1, per_page=f.per_page)
        )
    if page.has_prev:
        links["prev"] = url_for(
            "api.app_list", _external=True, **f.args(page=page.page - 1, per_page=f.per_page)
        )
    return jsonify(
        {
            "items": [serialize.app_row(row) for row in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
            "links": links,
        }
    )


def app_detail(slug: str):
    """One published app with its legend and the terms of every channel."""
    app = queries.app_by_slug(slug) or abort(404)
    return jsonify(serialize.app_detail(app))
