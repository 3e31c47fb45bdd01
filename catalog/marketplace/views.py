"""Request handlers of the public marketplace: they translate HTTP to queries and templates."""

from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_login import current_user

from catalog.accounts.models import ISV
from catalog.channels import CHANNELS
from catalog.forum.queries import section_of_app
from catalog.legend import legend_for
from catalog.marketplace import badges
from catalog.marketplace import queries
from catalog.marketplace.cache import current_version
from catalog.marketplace.factors import AGREEMENT_LEVELS
from catalog.marketplace.factors import KNOWLEDGE_LEVELS
from catalog.marketplace.factors import STABILITY_LEVELS
from catalog.marketplace.filters import SORTS
from catalog.marketplace.filters import parse_filter
from catalog.marketplace.history import SOURCES
from catalog.marketplace.history import describe_changes
from catalog.viewertime import viewer_zone


def _cache():
    """This app's fragment cache."""
    return current_app.extensions["catalog_fragment_cache"]


def home():
    """The landing page: what the catalog is, and how many apps offer each channel."""
    counts = queries.home_counts()
    return render_template("marketplace/home.html", counts=counts, channels=CHANNELS)


def app_list():
    """The catalog: filter by category, vendor, channels and text; sort; paginate."""
    f = parse_filter(request.args, default_per_page=current_app.config["CATALOG_PAGE_SIZE"])

    def render() -> str:
        page = queries.catalog_page(f)
        if page.page > page.pages:
            abort(404, f"There is no page {page.page}; the last page is {page.pages}.")
        categories, vendors = queries.filter_choices()
        return render_template(
            "marketplace/_app_list.html",
            page=page,
            f=f,
            categories=categories,
            vendors=vendors,
            sorts=SORTS,
            channels=CHANNELS,
        )

    # The rows say when each app was updated in the viewer's zone: one fragment per zone.
    key = ("apps", f.cache_key(), viewer_zone().key)
    body = _cache().get_or_render(current_version(), key, render)
    return render_template("marketplace/apps.html", body=body, f=f)


def _may_preview(app) -> bool:
    """Whether the signed-in user may see this unpublished app: operator staff, and the members
    of its own vendor."""
    user = current_user
    if not user.is_authenticated:
        return False
    return user.is_operator or (user.role == ISV and user.vendor_id == app.vendor_id)


def _app_or_preview(slug: str):
    """A published app, or an unpublished one for who may preview it (404 for everyone else,
    as if it did not exist); and whether it is a preview."""
    app = queries.app_by_slug(slug, include_unpublished=True)
    if app is None or not (app.published or _may_preview(app)):
        abort(404)
    return app, not app.published


def _not_indexed(page: str, preview: bool):
    """The page; a preview also tells search engines and shared caches to stay away."""
    response = Response(page)
    if preview:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Cache-Control"] = "private, no-store"
    return response


def app_detail(slug: str):
    """One app: its description, the full legend and the terms of every offered channel.

    An unpublished app is shown, as a preview, only to staff and its own vendor's members.
    """
    app, preview = _app_or_preview(slug)
    page = render_template(
        "marketplace/app.html",
        app=app,
        preview=preview,
        legend=legend_for(app.terms, app.coverage),
        knowledge=KNOWLEDGE_LEVELS,
        stability=STABILITY_LEVELS,
        agreement=AGREEMENT_LEVELS,
        forum_section=section_of_app(app.id),
    )
    return _not_indexed(page, preview)


def app_history(slug: str):
    """The history of an app's support terms: what changed in each version, newest first (a
    preview for an unpublished app, as on its page)."""
    app, preview = _app_or_preview(slug)
    versions = queries.versions_of(app.id)
    entries = [
        (version, describe_changes(previous.snapshot if previous else None, version.snapshot))
        for previous, version in zip([None, *versions], versions, strict=False)
    ]
    page = render_template(
        "marketplace/history.html",
        app=app,
        preview=preview,
        entries=entries[::-1],
        sources=SOURCES,
    )
    return _not_indexed(page, preview)


def legend_fragment(slug: str):
    """The app's legend as an HTML fragment without site chrome, for embedding."""
    app = queries.app_by_slug(slug) or abort(404)
    response = Response(
        render_template(
            "marketplace/legend_fragment.html", app=app, legend=legend_for(app.terms, app.coverage)
        )
    )
    response.headers["X-Embeddable"] = "1"
    return response


def badge(slug: str):
    """An SVG badge naming the channels the app offers."""
    app = queries.app_by_slug(slug) or abort(404)
    svg = badges.render_badge(app.name, legend_for(app.terms, app.coverage))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def vendor_detail(slug: str):
    """A vendor and its published apps."""
    vendor = queries.vendor_by_slug(slug) or abort(404)
    args = request.args.copy()
    args["vendor"] = vendor.slug
    f = parse_filter(args, default_per_page=current_app.config["CATALOG_PAGE_SIZE"])
    page = queries.catalog_page(f)
    if page.page > page.pages:
        abort(404, f"There is no page {page.page}; the last page is {page.pages}.")
    return render_template("marketplace/vendor.html", vendor=vendor, page=page, f=f)


def support_channels():
    """The legend key and the operator's support policy."""
    return render_template(
        "marketplace/support_channels.html",
        channels=CHANNELS,
        knowledge=KNOWLEDGE_LEVELS,
        stability=STABILITY_LEVELS,
        agreement=AGREEMENT_LEVELS,
    )


def legend_css():
    """The channel colours as CSS, generated from the one channel definition."""
    response = Response(
        render_template("marketplace/legend.css", channels=CHANNELS), mimetype="text/css"
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
