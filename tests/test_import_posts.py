"""``import-posts``: JSON Lines threads with replies.

Every problem is reported, and nothing is written when there is one.
"""

import json

import pytest
from sqlalchemy import func
from sqlalchemy import select

from catalog.extensions import db
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.search import engine as search
from tests.conftest import APP_A
from tests.conftest import build_index


def thread_record(**overrides) -> dict:
    """A valid line: a thread in the billing section with two replies, the first accepted."""
    record = {
        "section": "billing",
        "title": "Invoice in the wrong currency",
        "author": "Marta Novak",
        "created": "2026-03-01T09:30:00Z",
        "body": "Our invoice shows dollars instead of euros.",
        "replies": [
            {
                "author": "Billing team",
                "created": "2026-03-01T11:00:00Z",
                "body": "Change the currency in your billing profile.",
            },
            {"author": "Marta Novak", "created": "2026-03-02T08:00:00Z", "body": "Thanks, fixed."},
        ],
        "accepted_reply": 0,
    }
    record.update(overrides)
    return record


def _write(tmp_path, *lines) -> str:
    """A JSON Lines file of ``lines`` (dicts are encoded, strings written as they are)."""
    path = tmp_path / "posts.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines),
        encoding="utf-8",
    )
    return str(path)


def _thread_count(app) -> int:
    """Threads in the database."""
    with app.app_context():
        return db.session.scalar(select(func.count(Thread.id)))


def test_import_creates_threads_replies_and_accepted_answers(app, runner, tmp_path, forum):
    build_index(app)
    before = _thread_count(app)
    path = _write(
        tmp_path,
        thread_record(),
        thread_record(
            section=None,
            app=APP_A,
            title="Shield blocks newsletters",
            replies=[],
            accepted_reply=None,
        ),
    )
    result = runner.invoke(args=["import-posts", path])
    assert result.exit_code == 0, result.output
    assert "Imported 2 threads with 2 replies" in result.output
    assert _thread_count(app) == before + 2
    with app.app_context():
        thread = db.session.scalar(
            select(Thread).where(Thread.title == "Invoice in the wrong currency")
        )
        accepted = db.session.get(Post, thread.accepted_post_id)
        assert (
            accepted.author_name == "Billing team"
            and thread.reply_count == 2
            and thread.section.slug == "billing"
        )
    runner.invoke(args=["search", "sync"])
    assert search.search(app.config["SEARCH_INDEX_DIR"], "currency", ("public",)).total == 3


@pytest.mark.parametrize(
    "record, expected",
    [
        (thread_record(title="Hi"), "line 2, title: must have 5 to 200 characters"),
        (thread_record(author=""), "line 2, author: is required"),
        (
            thread_record(created="yesterday"),
            "line 2, created: “yesterday” is not an ISO 8601 date-time",
        ),
        (thread_record(created="2026-03-01T09:30:00"), "line 2, created: needs a time zone"),
        (thread_record(section=None), "line 2, section: give exactly one of section"),
        (thread_record(app=APP_A), "line 2, section: give exactly one of section"),
        (thread_record(section="Not A Slug"), "line 2, section: must be a slug"),
        (thread_record(section="nowhere"), "line 2, section: there is no forum section “nowhere”"),
        (
            thread_record(section=None, app="no-such-app"),
            "line 2, app: there is no app “no-such-app”",
        ),
        (
            thread_record(accepted_reply=5),
            "line 2, accepted_reply: must be the index of a reply (0 to 1)",
        ),
        (
            thread_record(replies=[{"author": "A", "body": "x"}]),
            "line 2, replies[0].created: is required",
        ),
        (thread_record(replies=["text"]), "line 2, replies[0]: must be an object"),
        (
            thread_record(
                replies=[{"author": "A", "created": "2020-01-01T00:00:00Z", "body": "x"}],
                accepted_reply=None,
            ),
            "line 2, replies[0].created: is before the thread was opened",
        ),
        (thread_record(colour="red"), "line 2, colour: is not a known field"),
        (thread_record(locked="yes"), "line 2, locked: must be true or false"),
        ("{not json", "line 2, record: is not valid JSON"),
        ("[1, 2]", "line 2, record: must be a JSON object"),
    ],
)
def test_each_problem_is_reported_and_nothing_is_written(
    app, runner, tmp_path, forum, record, expected
):
    before = _thread_count(app)
    result = runner.invoke(args=["import-posts", _write(tmp_path, thread_record(), record)])
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "nothing was imported" in result.output
    assert _thread_count(app) == before


def test_a_file_that_is_not_utf8_is_refused(app, runner, tmp_path, forum):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"title": "caf\xe9"}\n')
    result = runner.invoke(args=["import-posts", str(path)])
    assert result.exit_code != 0 and "not UTF-8" in result.output


def test_load_demo_builds_a_forum_and_an_index_and_is_idempotent(app, runner):
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        threads = db.session.scalar(select(func.count(Thread.id)))
        solved = db.session.scalar(
            select(func.count(Thread.id)).where(Thread.accepted_post_id.is_not(None))
        )
    assert threads >= 200 and solved > 20
    assert search.search(app.config["SEARCH_INDEX_DIR"], "quarantine", ("public",)).total > 0
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Thread.id))) == threads


def test_load_demo_again_keeps_what_isvs_and_the_operator_changed(app, runner):
    from catalog.marketplace.models import App

    assert runner.invoke(args=["load-demo"]).exit_code == 0
    with app.app_context():
        demo_app = db.session.scalar(select(App).order_by(App.id))
        demo_app.name = "Renamed By Its Vendor"
        demo_app.coverage.justification = "Changed by the operator."
        db.session.commit()
        app_id = demo_app.id
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0 and "already present were left as they are" in result.output
    with app.app_context():
        kept = db.session.get(App, app_id)
        assert kept.name == "Renamed By Its Vendor"
        assert kept.coverage.justification == "Changed by the operator."
