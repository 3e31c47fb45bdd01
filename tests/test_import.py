"""``import-apps``: validate everything first, write all or nothing, upsert by slug."""

import json

import pytest
from sqlalchemy import func
from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import OperatorCoverage
from catalog.marketplace.models import SupportTerms
from catalog.marketplace.models import Vendor
from tests.conftest import app_record

FULL = app_record(
    "mail-shield",
    vendor={
        "name": "Northwind Security",
        "slug": "northwind",
        "website": "https://northwind.example",
    },
    category="Mail & messaging",
    support={
        "forum_url": "https://forum.example.org/c/mail-shield",
        "dedicated_forum": True,
        "isv": {
            "contact_email": "support@northwind.example",
            "scope": "Defects.",
            "hours": {
                "timezone": "Europe/Prague",
                "windows": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]},
                "holidays": ["2026-12-24"],
                "yearly_holidays": ["01-01"],
            },
            "first_response_minutes": {"1": 240, "2": 480, "3": 1440},
            "languages": ["English", "Czech"],
        },
        "operator": {
            "professional": True,
            "consulting": True,
            "knowledge": "expert",
            "stability": "stable",
            "agreement": "partner",
            "justification": "Partner.",
            "rate_min": 100,
            "rate_max": 250,
        },
    },
)


def write_lines(path, *records) -> str:
    """Write records (dicts, or raw strings) as a JSON Lines file; return its path."""
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n",
        encoding="utf-8",
    )
    return str(path)


def snapshot(app) -> dict:
    """Every catalog row, to compare database states."""
    with app.app_context():
        return {
            model.__tablename__: [
                tuple(row) for row in db.session.execute(select(model.__table__).order_by("id"))
            ]
            for model in (Vendor, Category, App, SupportTerms, OperatorCoverage)
        }


def count_apps(app) -> int:
    """How many apps the database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count(App.id)))


def test_import_creates_apps_vendors_categories_and_terms(app, runner, tmp_path):
    result = runner.invoke(
        args=["import-apps", write_lines(tmp_path / "a.jsonl", FULL, app_record("second"))]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 2 apps: 2 new, 0 updated, 0 unchanged." in result.output
    with app.app_context():
        shield = db.session.scalar(select(App).where(App.slug == "mail-shield"))
        assert (
            shield.vendor.slug == "northwind"
            and shield.vendor.website == "https://northwind.example"
        )
        assert shield.category.slug == "mail-messaging"
        assert shield.terms.isv_hours["windows"]["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
        assert shield.coverage.professional and str(shield.coverage.rate_max) == "250.00"
        assert db.session.scalar(select(func.count(Vendor.id))) == 2


def test_reimport_is_idempotent(app, runner, tmp_path):
    path = write_lines(tmp_path / "a.jsonl", FULL, app_record("second"))
    runner.invoke(args=["import-apps", path])
    before = snapshot(app)
    result = runner.invoke(args=["import-apps", path])
    assert "0 new, 0 updated, 2 unchanged" in result.output
    assert snapshot(app) == before


def test_reimport_updates_by_slug(app, runner, tmp_path):
    runner.invoke(args=["import-apps", write_lines(tmp_path / "a.jsonl", FULL)])
    changed = dict(
        FULL, name="Mail Shield Pro", support={"forum_url": "https://forum.example.org/new"}
    )
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "b.jsonl", changed)])
    assert "0 new, 1 updated" in result.output
    with app.app_context():
        shield = db.session.scalar(select(App).where(App.slug == "mail-shield"))
        assert shield.name == "Mail Shield Pro"
        assert shield.terms.forum_casual_url == "https://forum.example.org/new"
        assert not shield.terms.isv_offered and shield.terms.isv_contact_email is None
        assert count_apps(app) == 1


def _with(path: str, value):
    """FULL with the dotted ``path`` set to ``value`` (or removed when value is ...)."""
    record = json.loads(json.dumps(FULL))
    *parents, last = path.split(".")
    target = record
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return record


BAD = [
    (_with("slug", ...), "slug", "is required"),
    (_with("slug", "Not A Slug"), "slug", "lower-case letters"),
    (_with("slug", "x" * 81), "slug", "the limit is 80"),
    (_with("name", ""), "name", "is required"),
    (_with("name", 42), "name", "must be text, not int"),
    (_with("vendor", ...), "vendor", "is required"),
    (_with("vendor", ["x"]), "vendor", "must be a name or an object"),
    (_with("category", {"slug": "c"}), "category.name", "is required"),
    (_with("summary", "s" * 301), "summary", "the limit is 300"),
    (_with("homepage", "javascript:alert(1)"), "homepage", "is not a web address"),
    (_with("updated", "yesterday"), "updated", "is not an ISO 8601"),
    (_with("updated", "2026-01-01T10:00:00"), "updated", "needs a time zone"),
    (_with("published", "yes"), "published", "must be true or false"),
    (_with("colour", "red"), "colour", "is not a known field"),
    (_with("support.forum_url", "ftp://x"), "support.forum_url", "is not a web address"),
    (_with("support.dedicated_forum", 1), "support.dedicated_forum", "must be true or false"),
    (_with("support.isv", "email me"), "support.isv", "must be an object"),
    (
        _with("support.isv.contact_email", "not-an-email"),
        "support.isv.contact_email",
        "is not a valid e-mail",
    ),
    (
        _with("support.isv.contact_email", ...),
        "support.isv",
        "needs a contact_url or a contact_email",
    ),
    (
        _with(
            "support.isv.hours",
            {"timezone": "Mars/Olympus", "windows": {"mon": [["09:00", "17:00"]]}},
        ),
        "support.isv.hours",
        "Unknown time zone 'Mars/Olympus'",
    ),
    (
        _with(
            "support.isv.hours",
            {"timezone": "UTC", "windows": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}},
        ),
        "support.isv.hours",
        "Monday 09:00–12:00 overlaps Monday 11:00–13:00",
    ),
    (
        _with("support.isv.hours", {"timezone": "UTC", "windows": {"mon": [["17:00", "09:00"]]}}),
        "support.isv.hours",
        "ends before it starts",
    ),
    (
        _with(
            "support.isv.hours", {"timezone": "UTC", "windows": {"funday": [["09:00", "17:00"]]}}
        ),
        "support.isv.hours",
        "Unknown weekday 'funday'",
    ),
    (
        _with("support.isv.first_response_minutes", {"1": 0}),
        "support.isv.first_response_minutes.1",
        "above zero",
    ),
    (
        _with("support.isv.first_response_minutes", {"4": 60}),
        "support.isv.first_response_minutes.4",
        "is not a severity",
    ),
    (_with("support.isv.languages", "English"), "support.isv.languages", "must be a list"),
    (
        _with("support.operator.knowledge", "psychic"),
        "support.operator.knowledge",
        "must be one of",
    ),
    (_with("support.operator.rate_min", -5), "support.operator.rate_min", "positive amount"),
    (
        _with("support.operator.rate_min", 300),
        "support.operator.rate_max",
        "must not be below rate_min",
    ),
    (
        _with("support.operator.rate_max", ...),
        "support.operator",
        "consulting needs rate_min and rate_max",
    ),
]


@pytest.mark.parametrize("record, field, reason", BAD, ids=[f"{f}-{r[:20]}" for _, f, r in BAD])
def test_each_validation_error_is_reported_with_line_field_reason_and_nothing_is_written(
    app, runner, tmp_path, record, field, reason
):
    path = write_lines(tmp_path / "bad.jsonl", app_record("good-one"), record)
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 1
    assert f"line 2, {field}: " in result.output and reason in result.output, result.output
    assert "nothing was imported" in result.output
    assert count_apps(app) == 0


def test_invalid_json_and_duplicates_are_reported_per_line(app, runner, tmp_path):
    path = write_lines(
        tmp_path / "bad.jsonl", app_record("a-1"), "{not json", "[1, 2]", app_record("a-1")
    )
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 1
    assert "line 2, record: is not valid JSON" in result.output
    assert "line 3, record: must be a JSON object" in result.output
    assert "line 4, slug: “a-1” already appears on line 1" in result.output


def test_failed_import_leaves_existing_data_untouched(app, runner, tmp_path):
    runner.invoke(args=["import-apps", write_lines(tmp_path / "a.jsonl", FULL)])
    before = snapshot(app)
    path = write_lines(
        tmp_path / "b.jsonl",
        dict(FULL, name="Changed"),
        app_record("new-one"),
        _with("slug", "BAD"),
    )
    assert runner.invoke(args=["import-apps", path]).exit_code == 1
    assert snapshot(app) == before


def test_non_utf8_file_is_refused_clearly(app, runner, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        json.dumps(app_record("cafe", name="Café"), ensure_ascii=False)
        .encode("utf-8")
        .replace(b"\xc3\xa9", b"\xe9")
    )
    result = runner.invoke(args=["import-apps", str(path)])
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output
    assert count_apps(app) == 0


def test_blank_lines_are_skipped(app, runner, tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text("\n" + json.dumps(app_record("only")) + "\n\n", encoding="utf-8")
    assert runner.invoke(args=["import-apps", str(path)]).exit_code == 0
    assert count_apps(app) == 1


@pytest.mark.parametrize(
    "address", ["http://:80", "https://@", "https://example.com:99999/x", "https://exa mple.com"]
)
def test_web_addresses_need_a_real_host(address):
    from catalog.marketplace.records import is_web_address

    assert not is_web_address(address)
    assert is_web_address("https://example.com:8443/help?x=1")


@pytest.mark.parametrize(
    "zone", ["localtime", "Factory", "posixrules", "posix/Europe/Prague", "right/UTC"]
)
def test_hours_in_a_zone_that_is_not_a_place_are_refused(zone):
    from catalog.marketplace.calendars import calendar_problems

    problems = calendar_problems({"timezone": zone, "windows": {"mon": [["09:00", "17:00"]]}})
    assert problems == [f"Unknown time zone '{zone}'; use an IANA name such as 'Europe/Prague'."]


def test_holidays_far_outside_this_era_are_typos():
    from catalog.marketplace.calendars import holiday_problems

    assert holiday_problems(["0001-01-01", "9999-12-31", "2026-12-24"], None) == [
        "“0001-01-01” is not a date of the form YYYY-MM-DD",
        "“9999-12-31” is not a date of the form YYYY-MM-DD",
    ]
