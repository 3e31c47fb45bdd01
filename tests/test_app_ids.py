"""App ids as real marketplaces and package archives have them: ``g++``, ``aclock.app``,
``python3.11``, ``ms-python.python``, ``com.vendor.plugin``, ``lib_foo-bar``.

One rule (``slug_problem`` / ``SLUG_RE`` in catalog/marketplace/records.py) decides; these tests
check that import, the forms and the forum take such ids, that every URL made for one routes
back to the same app (a ``+`` is never read as a space), and that bad ids are refused with
"line N, slug: reason" and nothing written.
"""

import json
from pathlib import Path

import pytest
from flask import url_for
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy import select

from catalog.extensions import db
from catalog.forum.models import Section
from catalog.forum.records import check_thread
from catalog.marketplace.identifiers import SLUG_MAX
from catalog.marketplace.identifiers import SLUG_RE
from catalog.marketplace.identifiers import is_slug
from catalog.marketplace.identifiers import slug_problem
from catalog.marketplace.identifiers import slugify
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from tests.conftest import VENDOR_A
from tests.conftest import app_record
from tests.conftest import make_user

REAL_IDS = (
    "g++",
    "aclock.app",
    "python3.11",
    "ms-python.python",
    "com.vendor.plugin",
    "lib_foo-bar",
)
SAMPLE = Path(__file__).parent / "data" / "debian_sample.jsonl"

BAD_IDS = [
    (".app", "must start with a lower-case letter or a digit"),
    ("app.", "must end with a lower-case letter, a digit or “+”"),
    ("a..b", "must not contain “..”"),
    ("-x", "must start with a lower-case letter or a digit"),
    ("UPPER", "may hold only lower-case letters, digits"),
    ("a b", "may hold only lower-case letters, digits"),
    ("a/b", "may hold only lower-case letters, digits"),
    ("é", "may hold only lower-case letters, digits"),
    ("x" * (SLUG_MAX + 1), f"is {SLUG_MAX + 1} characters long; the limit is {SLUG_MAX}"),
]


def write_lines(path: Path, *records) -> str:
    """A JSON Lines file of ``records`` (dicts, or raw strings); its path."""
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)
        + "\n",
        encoding="utf-8",
    )
    return str(path)


def count(app, model=App) -> int:
    """Rows of ``model``."""
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", [*REAL_IDS, "a", "7", "libdb5.3++", "libstdc++6", "0ad", "x" * SLUG_MAX, "a.-b"]
)
def test_the_rule_accepts_real_ids(slug):
    assert slug_problem(slug) is None and is_slug(slug)


@pytest.mark.parametrize(("slug", "reason"), [*BAD_IDS, ("+a", "must start"), ("a_", "must end")])
def test_the_rule_refuses_with_a_reason(slug, reason):
    assert reason in slug_problem(slug) and not is_slug(slug)


def test_a_trailing_newline_is_not_a_slug():
    """``$`` would match before a final newline; the rule uses ``fullmatch``."""
    assert not is_slug("abc\n") and slug_problem("abc\n")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab09.+_- A/é\n", max_size=SLUG_MAX + 3))
def test_the_function_and_the_regex_are_one_rule(text):
    assert (slug_problem(text) is None) == (SLUG_RE.fullmatch(text) is not None) == is_slug(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_slugs_made_from_names_keep_the_simple_form_and_pass_the_rule(name):
    slug = slugify(name)
    assert is_slug(slug) and all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


# --- import and every URL of such an app ----------------------------------------------------


@pytest.fixture
def ids(app, runner, tmp_path):
    """The six real ids imported through the CLI; the dedicated forum on for three of them,
    and its sections created with ``forum sync-sections``."""
    records = [
        app_record(
            slug,
            name=f"App {slug}",
            support={"dedicated_forum": slug in ("g++", "com.vendor.plugin", "aclock.app")},
        )
        for slug in REAL_IDS
    ]
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "ids.jsonl", *records)])
    assert result.exit_code == 0, result.output
    assert "Imported 6 apps: 6 new" in result.output
    result = runner.invoke(args=["forum", "sync-sections"])
    assert result.exit_code == 0, result.output
    return REAL_IDS


@pytest.mark.parametrize("slug", REAL_IDS)
def test_app_page_legend_badge_history_and_api_answer_for_the_id(client, ids, slug):
    page = client.get(f"/apps/{slug}")
    assert page.status_code == 200 and f"App {slug}" in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert f'href="/apps/{slug}/legend"' in html and f'href="/apps/{slug}/badge.svg"' in html
    legend = client.get(f"/apps/{slug}/legend")
    assert legend.status_code == 200 and f"App {slug}" in legend.get_data(as_text=True)
    badge = client.get(f"/apps/{slug}/badge.svg")
    assert badge.status_code == 200 and badge.mimetype == "image/svg+xml"
    assert client.get(f"/apps/{slug}/history").status_code == 200
    api = client.get(f"/api/v1/apps/{slug}")
    assert api.status_code == 200
    body = api.get_json()
    assert body["slug"] == slug
    assert json.dumps(body).count(f"http://catalog.test/apps/{slug}") >= 1


def test_url_for_writes_the_id_as_it_is_and_it_routes_back(app, client, ids):
    with app.test_request_context():
        assert url_for("marketplace.app_detail", slug="g++") == "/apps/g++"
        assert (
            url_for("marketplace.legend_fragment", slug="aclock.app") == "/apps/aclock.app/legend"
        )
        assert url_for("marketplace.badge", slug="g++") == "/apps/g++/badge.svg"
        assert url_for("api.app_detail", slug="ms-python.python") == "/api/v1/apps/ms-python.python"
        assert url_for("forum.section", slug="g++") == "/forum/s/g++"
        assert url_for("isv.edit_app", slug="lib_foo-bar") == "/isv/apps/lib_foo-bar"
        # In a query string a "+" would be a space, so url_for writes it as %2B there.
        assert url_for("marketplace.app_list", q="g++") == "/apps?q=g%2B%2B"
        routed = app.url_map.bind("catalog.test").match("/apps/g++")
        assert routed == ("marketplace.app_detail", {"slug": "g++"})
    # A client that percent-encodes the "+" reaches the same app.
    assert "App g++" in client.get("/apps/g%2B%2B").get_data(as_text=True)


def test_a_plus_in_a_path_is_never_a_space(app, client, ids):
    """``g++`` and ``g  `` are different ids: only the first is an app, and ``/apps/g++`` is it."""
    assert client.get("/apps/g%20%20").status_code == 404
    assert client.get("/apps/g").status_code == 404
    with app.test_request_context("/apps/g++"):
        from flask import request

        assert request.view_args == {"slug": "g++"}


def test_catalog_list_links_to_each_id(client, ids):
    html = client.get("/apps?per_page=50").get_data(as_text=True)
    for slug in ids:
        assert f'href="/apps/{slug}"' in html
    api = client.get("/api/v1/apps?per_page=50").get_json()
    assert {item["slug"] for item in api["items"]} >= set(ids)
    assert {item["url"] for item in api["items"] if item["slug"] in ids} == {
        f"http://catalog.test/api/v1/apps/{slug}" for slug in ids
    }


@pytest.mark.parametrize("slug", ["g++", "com.vendor.plugin", "aclock.app"])
def test_the_dedicated_section_is_named_by_the_id_and_answers(app, client, ids, slug):
    with app.app_context():
        section = db.session.scalar(select(Section).join(App).where(App.slug == slug))
        assert section.slug == slug and is_slug(section.slug)
    page = client.get(f"/forum/s/{slug}")
    assert page.status_code == 200 and f"App {slug}" in page.get_data(as_text=True)
    assert f'href="/forum/s/{slug}"' in client.get("/forum/").get_data(as_text=True)


def test_isv_edit_page_and_operator_coverage_take_the_id(app, client, auth, ids):
    make_user(app, "dev@northwind.example", "isv", VENDOR_A)
    make_user(app, "staff@example.com", "staff")
    auth.login("dev@northwind.example")
    for slug in ids:
        page = client.get(f"/isv/apps/{slug}")
        assert page.status_code == 200 and f"App {slug}" in page.get_data(as_text=True)
    assert 'href="/isv/apps/g++"' in client.get("/isv/").get_data(as_text=True)
    auth.logout()
    auth.login("staff@example.com")
    assert client.get("/operator/apps/aclock.app/coverage").status_code == 200
    assert client.get("/operator/apps/g++/coverage").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/apps/UPPER",
        "/apps/a..b",
        "/apps/.app",
        "/apps/a..b/legend",
        "/apps/-x/badge.svg",
        "/api/v1/apps/app.",
        "/forum/s/a..b",
    ],
)
def test_ids_no_app_can_have_are_not_found(client, ids, path):
    assert client.get(path).status_code == 404


# --- refused at import -----------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "reason"), BAD_IDS)
def test_bad_ids_are_refused_per_line_and_nothing_is_written(app, runner, tmp_path, slug, reason):
    path = write_lines(
        tmp_path / "bad.jsonl", app_record("good.one"), app_record("g++"), app_record(slug)
    )
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 1
    assert f"line 3, slug: {reason}" in result.output, result.output
    assert "nothing was imported" in result.output
    assert count(app) == count(app, Vendor) == count(app, Category) == 0


def test_every_bad_line_is_reported_at_once(app, runner, tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", *(app_record(slug) for slug, _ in BAD_IDS))
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 1
    for line, (_, reason) in enumerate(BAD_IDS, start=1):
        assert f"line {line}, slug: {reason}" in result.output
    assert count(app) == 0


def test_vendor_and_category_slugs_follow_the_same_rule(app, runner, tmp_path):
    good = app_record(
        "ms-python.python",
        vendor={"name": "Microsoft", "slug": "ms-python"},
        category={"name": "Languages", "slug": "lang.python"},
    )
    bad = app_record(
        "x1", vendor={"name": "V", "slug": "v..x"}, category={"name": "C", "slug": "-c"}
    )
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "v.jsonl", good, bad)])
    assert result.exit_code == 1
    assert "line 2, vendor.slug: must not contain “..”" in result.output
    assert "line 2, category.slug: must start with a lower-case letter or a digit" in result.output
    assert (
        runner.invoke(args=["import-apps", write_lines(tmp_path / "g.jsonl", good)]).exit_code == 0
    )
    with app.app_context():
        assert db.session.scalar(select(Category.slug)) == "lang.python"


# --- forms and the forum ---------------------------------------------------------------------


def test_operator_forms_take_dotted_slugs_and_refuse_bad_ones(app, client, auth):
    make_user(app, "staff@example.com", "staff")
    auth.login("staff@example.com")
    ok = auth.post("/operator/vendors/new", {"name": "Vendor Com", "slug": "com.vendor"})
    assert ok.status_code == 302
    assert client.get("/operator/vendors/com.vendor").status_code == 200
    refused = auth.post("/operator/vendors/new", {"name": "Other", "slug": "a..b"})
    assert refused.status_code == 400
    assert "must not contain “..”" in refused.get_data(as_text=True)
    assert (
        auth.post("/operator/categories", {"name": "Net", "slug": "net.tools"}).status_code == 302
    )
    assert auth.post("/operator/categories", {"name": "Bad", "slug": "bad."}).status_code == 400
    with app.app_context():
        assert set(db.session.scalars(select(Vendor.slug))) == {"com.vendor"}
        assert set(db.session.scalars(select(Category.slug))) == {"net.tools"}


def test_import_posts_takes_an_app_id_and_refuses_a_bad_one():
    thread = {
        "app": "g++",
        "title": "Linking fails",
        "author": "Ann",
        "created": "2026-01-01T00:00:00Z",
        "body": "Undefined reference.",
    }
    record, problems = check_thread(1, thread)
    assert not problems and record["app"] == "g++"
    _, problems = check_thread(2, dict(thread, app="a..b"))
    assert [str(p) for p in problems] == ["line 2, app: must be a slug: it must not contain “..”"]


def test_a_section_slug_taken_by_a_general_section_gets_a_suffix_within_the_column(
    app, runner, tmp_path
):
    long_id = "lib." + "x" * (SLUG_MAX - 4)
    records = [app_record(slug, support={"dedicated_forum": True}) for slug in ("billing", long_id)]
    assert runner.invoke(args=["forum", "sync-sections"]).exit_code == 0
    with app.app_context():
        db.session.add(Section(slug=long_id, name="Taken", position=1))
        db.session.commit()
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "s.jsonl", *records)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["forum", "sync-sections"]).exit_code == 0
    with app.app_context():
        slugs = dict(db.session.execute(select(App.slug, Section.slug).join(Section.app)).all())
    assert slugs["billing"] == "billing-app"
    assert slugs[long_id] == long_id[: SLUG_MAX - 4] + "-app" and len(slugs[long_id]) == SLUG_MAX
    assert all(is_slug(slug) for slug in slugs.values())


# --- real data ------------------------------------------------------------------------------


def test_the_debian_sample_imports_completely_and_its_pages_answer(app, runner, client):
    """300 real Debian packages (benchmarks/debian_catalog.py --sample), 58 with "+" in the
    name and 68 with "."; every one is imported and the ids with "+" and "." answer."""
    lines = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    slugs = {record["slug"] for record in lines}
    assert len(lines) == len(slugs) >= 250
    assert sum("+" in s for s in slugs) >= 40 and sum("." in s for s in slugs) >= 40
    result = runner.invoke(args=["import-apps", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert f"Imported {len(lines)} apps: {len(lines)} new" in result.output
    with app.app_context():
        assert set(db.session.scalars(select(App.slug))) == slugs
    for path in (
        "/apps/g++",
        "/apps/libstdc++6",
        "/apps/libdb5.3++",
        "/apps/python3.11",
        "/apps/aclock.app",
        "/apps/aclock.app/legend",
        "/apps/g++/badge.svg",
        "/api/v1/apps/libdb5.3++",
        "/api/v1/apps/python3.11",
    ):
        assert client.get(path).status_code == 200, path
    assert "GNU C++ compiler" in client.get("/apps/g++").get_data(as_text=True)
    both = sorted(s for s in slugs if "." in s and "+" in s)
    assert both and all(client.get(f"/apps/{s}").status_code == 200 for s in both)
