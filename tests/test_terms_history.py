"""Every change of support terms is a version; the history page shows readable differences."""

import json

from catalog import cli
from catalog.extensions import db
from catalog.marketplace.history import describe_changes
from catalog.marketplace.models import TermsVersion
from tests.conftest import APP_A
from tests.conftest import add_apps
from tests.conftest import app_record


def test_describe_changes_reads_like_label_old_to_new():
    old = {"isv_offered": False, "isv_languages": None, "isv_response_minutes": None}
    new = {"isv_offered": True, "isv_languages": ["English"], "isv_response_minutes": {"1": 240}}
    assert describe_changes(old, new) == [
        ("Developer / ISV support", "no", "yes"),
        ("First-response targets", "(none)", "severity 1: 240 min"),
        ("Languages", "(none)", "English"),
    ]


def test_import_that_changes_terms_writes_a_version_and_an_unchanged_import_does_not(app, client):
    add_apps(app, app_record(APP_A))
    add_apps(app, app_record(APP_A))
    add_apps(app, app_record(APP_A, support={"forum_url": "https://forum.example.org/x"}))
    with app.app_context():
        versions = db.session.scalars(db.select(TermsVersion).order_by(TermsVersion.id)).all()
        assert [(v.source, v.author_id, v.changed) for v in versions] == [
            ("import", None, []),
            ("import", None, ["forum_casual_url"]),
        ]
    html = client.get(f"/apps/{APP_A}/history").get_data(as_text=True)
    assert (
        "Public forum link" in html and "(none)" in html and "https://forum.example.org/x" in html
    )
    assert "changed by an import" in html


def test_history_page_shows_isv_change_as_old_to_new(app, client, world, auth):
    auth.login(world["isv_a"])
    from tests.test_isv_portal import _form

    auth.post(f"/isv/apps/{APP_A}", _form(app, forum_casual_url="https://forum.example.org/new"))
    html = client.get(f"/apps/{APP_A}/history").get_data(as_text=True)
    assert "changed by the developer" in html
    assert (
        "https://forum.example.org/c/shield</del>" in html
        and "https://forum.example.org/new</ins>" in html
    )


def test_public_app_page_links_to_the_history(client, world):
    assert f'href="/apps/{APP_A}/history"' in client.get(f"/apps/{APP_A}").get_data(as_text=True)


def test_load_demo_adds_the_demo_accounts_and_prints_the_logins(app, runner, tmp_path, monkeypatch):
    demo = tmp_path / "demo"
    demo.mkdir()
    records = [
        app_record("a-app"),
        app_record("b-app", vendor={"name": "Contoso", "slug": "contoso"}),
    ]
    (demo / "apps.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    monkeypatch.setattr(cli, "DEMO_DIR", demo)
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    for email in (
        "admin@example.com",
        "staff@example.com",
        "customer@example.com",
        "isv@contoso.example.com",
        "isv@northwind-software.example.com",
    ):
        assert email in result.output
    assert runner.invoke(args=["load-demo"]).exit_code == 0
