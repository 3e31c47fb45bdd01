"""Apps as plain JSON-able dicts, for the API."""

from flask import url_for

from catalog.legend import build_legend
from catalog.legend import legend_for
from catalog.legend import summary_text
from catalog.marketplace.models import App
from catalog.marketplace.queries import AppRow


def _legend(entries) -> list[dict]:
    """The legend as a list of channel dicts, in canonical order."""
    return [
        {
            "key": e.channel.key,
            "label": e.channel.label,
            "offered": e.offered,
            "status": e.status_text,
            "note": e.note,
            "colour": e.channel.colour,
        }
        for e in entries
    ]


def app_row(row: AppRow) -> dict:
    """A list entry of the catalog API."""
    return {
        "slug": row.slug,
        "name": row.name,
        "summary": row.summary,
        "version": row.version,
        "updated": row.updated_at.isoformat(),
        "vendor": {"slug": row.vendor_slug, "name": row.vendor_name},
        "category": {"slug": row.category_slug, "name": row.category_name},
        "channels": [c["key"] for c in _legend(build_legend(row.offered)) if c["offered"]],
        "support_summary": summary_text(row.offered),
        "url": url_for("api.app_detail", slug=row.slug, _external=True),
    }


def _isv_terms(app: App) -> dict | None:
    """The ISV's own support terms, when it offers them."""
    terms = app.terms
    if terms is None or not terms.isv_offered:
        return None
    return {
        "contact_url": terms.isv_contact_url,
        "contact_email": terms.isv_contact_email,
        "scope": terms.isv_scope,
        "conditions": terms.isv_conditions,
        "hours": terms.isv_hours,
        "first_response_minutes": terms.isv_response_minutes,
        "languages": terms.isv_languages or [],
    }


def _operator(app: App) -> dict | None:
    """The operator's decision and its recorded factors."""
    cov = app.coverage
    if cov is None:
        return None
    return {
        "professional": cov.professional,
        "consulting": cov.consulting,
        "factors": {
            "knowledge": cov.knowledge,
            "stability": cov.stability,
            "agreement": cov.agreement,
        },
        "justification": cov.justification,
        "consulting_rate": (
            {"min": str(cov.rate_min), "max": str(cov.rate_max)}
            if cov.consulting and cov.rate_min is not None
            else None
        ),
    }


def app_detail(app: App) -> dict:
    """The full API view of one app."""
    legend = legend_for(app.terms, app.coverage)
    offered = {e.channel.key for e in legend if e.offered}
    terms = app.terms
    return {
        "slug": app.slug,
        "name": app.name,
        "summary": app.summary,
        "description_markdown": app.description,
        "version": app.version,
        "homepage": app.homepage,
        "updated": app.updated_at.isoformat(),
        "vendor": {"slug": app.vendor.slug, "name": app.vendor.name},
        "category": {"slug": app.category.slug, "name": app.category.name},
        "legend": _legend(legend),
        "support_summary": summary_text(offered),
        "forum_url": terms.forum_casual_url if terms else None,
        "isv_terms": _isv_terms(app),
        "operator": _operator(app),
        "links": {
            "page": url_for("marketplace.app_detail", slug=app.slug, _external=True),
            "legend_fragment": url_for(
                "marketplace.legend_fragment", slug=app.slug, _external=True
            ),
            "badge": url_for("marketplace.badge", slug=app.slug, _external=True),
        },
    }
