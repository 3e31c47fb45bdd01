"""The catalog page, app, vendor and policy pages: filters, sort, pagination, errors, SQL cost."""

import re

import pytest
from sqlalchemy import event

from catalog.extensions import db
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.conftest import make_app


def listed(client, url: str) -> list[str]:
    """Slugs of the apps a catalog page lists, in order."""
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(
        r'<h3 class="app-row__name"><a href="/apps/([\w-]+)">', response.get_data(as_text=True)
    )


@pytest.fixture
def shop(app):
    """A small marketplace with known categories, vendors, channels and dates."""
    add_apps(
        app,
        app_record(
            "mail-shield",
            name="Mail Shield",
            category="Mail",
            vendor="Northwind",
            summary="Spam filtering for the mail server.",
            updated="2026-03-01T00:00:00Z",
            support={
                "forum_url": "https://f.example/ms",
                "isv": {"contact_email": "a@northwind.example"},
            },
        ),
        app_record(
            "backup-pro",
            name="Backup Pro",
            category="Backup",
            vendor="Contoso",
            summary="Nightly backups to any disk.",
            updated="2026-05-01T00:00:00Z",
            support={
                "isv": {"contact_url": "https://contoso.example/help"},
                "operator": {"professional": True},
            },
        ),
        app_record(
            "vpn-gate",
            name="vpn Gate",
            category="Networking",
            vendor="Northwind",
            summary="Site-to-site tunnels, 100% open source.",
            updated="2026-01-15T00:00:00Z",
            support={
                "operator": {
                    "professional": True,
                    "consulting": True,
                    "rate_min": 100,
                    "rate_max": 250,
                }
            },
        ),
        app_record(
            "zeta-notes",
            name="Zeta Notes",
            category="Collaboration",
            vendor="Fabrikam",
            summary="Shared notes.",
            updated="2026-06-01T00:00:00Z",
        ),
        app_record(
            "hidden-app", name="Hidden App", published=False, support={"dedicated_forum": True}
        ),
    )
    return app


def test_catalog_lists_published_apps_sorted_by_name_case_insensitively(shop, client):
    assert listed(client, "/apps") == ["backup-pro", "mail-shield", "vpn-gate", "zeta-notes"]


def test_catalog_sorts_by_recently_updated(shop, client):
    assert listed(client, "/apps?sort=updated") == [
        "zeta-notes",
        "backup-pro",
        "mail-shield",
        "vpn-gate",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("category=mail", ["mail-shield"]),
        ("vendor=northwind", ["mail-shield", "vpn-gate"]),
        ("channel=isv", ["backup-pro", "mail-shield"]),
        ("channel=isv&channel=professional", ["backup-pro"]),
        ("channel=professional&channel=consulting", ["vpn-gate"]),
        ("channel=forum_dedicated", []),
        ("q=backups", ["backup-pro"]),
        ("q=MAIL", ["mail-shield"]),
        ("q=spam+server", ["mail-shield"]),
        ("q=100%25", ["vpn-gate"]),
        ("q=_", []),
        ("vendor=northwind&channel=professional", ["vpn-gate"]),
    ],
)
def test_catalog_filters(shop, client, query, expected):
    assert listed(client, f"/apps?{query}") == expected


def test_unknown_filter_values_are_explained_not_fatal(shop, client):
    response = client.get("/apps?channel=telepathy&sort=sideways&page=abc")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "is not a support channel" in html
        and "is not a way to sort" in html
        and "is not a page" in html
    )
    assert listed(client, "/apps?channel=telepathy") == [
        "backup-pro",
        "mail-shield",
        "vpn-gate",
        "zeta-notes",
    ]


def test_empty_result_says_so_and_offers_a_way_back(shop, client):
    html = client.get("/apps?q=nothing-like-this").get_data(as_text=True)
    assert "No published app matches these filters." in html and 'href="/apps"' in html


def test_catalog_paginates_with_links_that_keep_the_filters(app, client):
    add_apps(
        app,
        *(
            app_record(f"app-{n:02d}", support={"isv": {"contact_email": "x@y.example"}})
            for n in range(45)
        ),
    )
    first = client.get("/apps?channel=isv").get_data(as_text=True)
    assert "1–20 of 45 apps" in first
    assert 'href="/apps?channel=isv&amp;page=2"' in first
    assert listed(client, "/apps?channel=isv&page=3") == [f"app-{n:02d}" for n in range(40, 45)]
    assert client.get("/apps?channel=isv&page=4").status_code == 404


def test_unpublished_and_unknown_apps_are_not_found(shop, client):
    assert client.get("/apps/hidden-app").status_code == 404
    response = client.get("/apps/no-such-app")
    assert response.status_code == 404
    assert "There is no page at this address." in response.get_data(as_text=True)
    assert client.get("/apps/no-such-app/legend").status_code == 404
    assert client.get("/apps/no-such-app/badge.svg").status_code == 404
    assert client.get("/vendors/nobody").status_code == 404


def test_vendor_page_lists_its_apps(shop, client):
    html = client.get("/vendors/northwind").get_data(as_text=True)
    assert "Apps by Northwind (2)" in html
    assert listed(client, "/vendors/northwind") == ["mail-shield", "vpn-gate"]


def test_app_page_renders_description_markdown_and_links(shop, client):
    html = client.get("/apps/mail-shield").get_data(as_text=True)
    assert "<strong>useful</strong>" in html
    assert (
        'href="/apps/mail-shield/legend"' in html and 'href="/apps/mail-shield/badge.svg"' in html
    )


def test_home_counts_apps_per_channel(shop, client):
    html = client.get("/").get_data(as_text=True)
    assert "4 published apps" in html
    assert '<a href="/apps?channel=professional">2 apps offer it</a>' in html
    assert '<a href="/apps?channel=forum_casual">1 app offers it</a>' in html


def test_support_channels_page_explains_channels_and_policy(client):
    html = client.get("/support-channels").get_data(as_text=True)
    for text in (
        "Public forum (casual)",
        "Consulting",
        "Our technical knowledge of the software",
        "The stability and history of the app",
        "Our agreements with the vendor",
        "Severity 1",
    ):
        assert text in html


def test_error_pages_use_the_site_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert 'class="site-header"' in response.get_data(as_text=True)


def test_unexpected_errors_get_the_500_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def count_queries(app, client, url: str) -> int:
    """How many SQL statements one request runs."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def _fill(app, count: int) -> None:
    """Add ``count`` apps spread over vendors and categories, with varied channels."""
    add_apps(
        app,
        *(
            app_record(
                f"bulk-{n:04d}",
                vendor=f"Vendor {n % 25}",
                category=f"Category {n % 7}",
                support={"forum_url": "https://f.example/x"}
                if n % 2
                else {"dedicated_forum": True},
            )
            for n in range(count)
        ),
    )


@pytest.mark.parametrize(
    "url",
    [
        "/apps",
        "/apps?channel=forum_casual&sort=updated",
        "/apps?page=2&per_page=3",
        "/apps/bulk-0003",
        "/vendors/vendor-3",
        "/",
    ],
)
def test_pages_run_a_fixed_number_of_queries_whatever_the_catalog_size(
    tmp_path, make_database, url
):
    counts = []
    for size in (10, 1000):
        # Like the ``app`` fixture (secret, index and mail in tmp_path), without the page cache.
        app = make_app(
            tmp_path / f"size{size}", make_database(f"size{size}"), FRAGMENT_CACHE_SIZE=0
        )
        _fill(app, size)
        counts.append(count_queries(app, app.test_client(), url))
        with app.app_context():
            db.engine.dispose()
    assert counts[0] == counts[1]
    assert counts[0] <= 6


def test_cached_catalog_page_costs_one_query_and_sees_changes_at_once(app, client):
    _fill(app, 3)
    assert count_queries(app, client, "/apps") > 1
    assert count_queries(app, client, "/apps") == 1
    add_apps(
        app,
        app_record("bulk-0001", name="Renamed Right Now", vendor="Vendor 1", category="Category 1"),
    )
    assert "Renamed Right Now" in client.get("/apps").get_data(as_text=True)


def test_orm_edit_invalidates_the_catalog_cache(app, client):
    from catalog.marketplace.models import App

    _fill(app, 3)
    assert "Edited Through The Orm" not in client.get("/apps").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(
            db.select(App).where(App.slug == "bulk-0002")
        ).name = "Edited Through The Orm"
        db.session.commit()
    assert "Edited Through The Orm" in client.get("/apps").get_data(as_text=True)


def test_a_lost_unique_race_is_a_409_not_a_500(app, client):
    from catalog.marketplace.models import Category

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/double", methods=["GET"])
    def double():
        db.session.add_all([Category(slug="twice", name="A"), Category(slug="twice", name="B")])
        db.session.commit()
        return "unreachable"

    response = client.get("/double")
    assert response.status_code == 409
    assert "was the form sent twice?" in response.get_data(as_text=True)
    assert client.get("/apps").status_code == 200


def test_pager_links_keep_a_chosen_page_size(app, client):
    add_apps(app, *(app_record(f"app-{n:02d}") for n in range(12)))
    html = client.get("/apps?per_page=5").get_data(as_text=True)
    assert 'href="/apps?per_page=5&amp;page=2"' in html
    assert listed(client, "/apps?page=3&per_page=5") == ["app-10", "app-11"]


@pytest.mark.parametrize("page", ["\u0663", "\uff13", "-1", "0"])
def test_only_plain_positive_page_numbers_count(shop, client, page):
    html = client.get(f"/apps?page={page}").get_data(as_text=True)
    assert "showing page 1" in html
    assert "showing page 1" in client.get(f"/vendors/northwind?page={page}").get_data(as_text=True)
