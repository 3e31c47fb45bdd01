"""Issue 11, finding 10 (imports): deep nesting and lone surrogates are refused at validation.

Before, ``import-apps`` and ``import-posts`` printed a raw RecursionError for deeply nested JSON,
and a ``\\ud800`` escape passed validation, then crashed on write. Now each is a "line N, field:
reason" problem, nothing is written, and no traceback is printed.
"""

import json
from xml.etree import ElementTree

import pytest

from catalog.extensions import db
from catalog.jsonlines import MAX_DEPTH
from catalog.jsonlines import MAX_INT_DIGITS
from catalog.jsonlines import checked_lines
from catalog.marketplace.badges import xml_text
from catalog.marketplace.models import App
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.test_import import FULL
from tests.test_import import count_apps
from tests.test_import import snapshot
from tests.test_import import write_lines
from tests.test_import_posts import _thread_count
from tests.test_import_posts import _write
from tests.test_import_posts import thread_record

DEEP = 100_000
LONE = '"\\ud800"'


def nested(depth: int) -> str:
    """A list nested ``depth`` levels deep, as JSON text."""
    return "[" * depth + "]" * depth


def test_finding_10_import_apps_refuses_deep_nesting_with_line_and_field(app, runner, tmp_path):
    deep = json.dumps(FULL).replace('"support": {', f'"support": {{"x": {nested(DEEP)}, ', 1)
    before = snapshot(app)
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "a.jsonl", FULL, deep)])
    assert result.exit_code == 1, result.output
    assert f"line 2, support: is nested more than {MAX_DEPTH} levels deep" in result.output
    assert "RecursionError" not in result.output and result.exception.__class__ is SystemExit
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (('"name": "Mail Shield"', f'"name": {LONE}'), "line 1, name: contains a lone surrogate"),
        (
            ('"scope": "Defects."', '"scope": "ok \\udfff then"'),
            "line 1, support.isv.scope: contains a lone surrogate",
        ),
        (
            ('"languages": ["English"', f'"languages": [{LONE}'),
            "line 1, support.isv.languages[0]: contains a lone surrogate",
        ),
        (
            ('"slug": "mail-shield"', f'"slug": "mail-shield", {LONE}: 1'),
            "line 1, \ufffd: is a field name with a lone surrogate",
        ),
    ],
)
def test_finding_10_import_apps_refuses_lone_surrogates_anywhere(
    app, runner, tmp_path, replace, expected
):
    line = json.dumps(FULL)
    assert replace[0] in line
    before = snapshot(app)
    path = write_lines(tmp_path / "a.jsonl", line.replace(*replace))
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert result.exception.__class__ is SystemExit
    assert snapshot(app) == before and count_apps(app) == 0


def test_a_proper_surrogate_pair_is_an_ordinary_character(app, runner, tmp_path):
    line = json.dumps(FULL).replace('"Defects."', '"Defects \\ud83d\\ude00."')
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "a.jsonl", line)])
    assert result.exit_code == 0, result.output
    assert count_apps(app) == 1


def test_finding_10_import_posts_refuses_deep_nesting_and_lone_surrogates(
    app, runner, tmp_path, forum
):
    before = _thread_count(app)
    deep = json.dumps(thread_record())[:-1] + f', "replies": {nested(DEEP)}}}'
    lone = json.dumps(thread_record()).replace('"Thanks, fixed."', f"{LONE}")
    result = runner.invoke(args=["import-posts", _write(tmp_path, thread_record(), deep, lone)])
    assert result.exit_code == 1, result.output
    assert f"line 2, replies: is nested more than {MAX_DEPTH} levels deep" in result.output
    assert "line 3, replies[1].body: contains a lone surrogate" in result.output
    assert "nothing was imported" in result.output and "Traceback" not in result.output
    assert result.exception.__class__ is SystemExit
    assert _thread_count(app) == before


def test_nesting_up_to_the_limit_is_left_to_the_format_checks():
    at_limit = '{"a": ' + nested(MAX_DEPTH - 1) + "}"
    [(_line, record, problems)] = checked_lines([at_limit], lambda n, d: (d, []))
    assert problems == [] and record == {"a": json.loads(nested(MAX_DEPTH - 1))}
    brackets_in_strings = json.dumps({"a": "[" * 1000, "b": "{" * 1000})
    assert list(checked_lines([brackets_in_strings], lambda n, d: (d, [])))[0][2] == []


# Finding 10, second round: numbers past Python's int-string limit, dates that overflow when
# moved to UTC, and control characters (NUL first) in imported text.
LONG = "9" * 5000
DATES = ("9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00")


def _apps(runner, tmp_path, *lines) -> str:
    """Run import-apps on ``lines``; the output, after checking nothing crashed."""
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "a.jsonl", *lines)])
    assert result.exit_code == 1, result.output
    assert result.exception.__class__ is SystemExit, result.exception
    assert "Traceback" not in result.output
    return result.output


def _posts(runner, tmp_path, *lines) -> str:
    """Run import-posts on ``lines``; the output, after checking nothing crashed."""
    result = runner.invoke(args=["import-posts", _write(tmp_path, *lines)])
    assert result.exit_code == 1, result.output
    assert result.exception.__class__ is SystemExit, result.exception
    assert "nothing was imported" in result.output and "Traceback" not in result.output
    return result.output


def test_finding_10_a_number_too_long_is_a_problem_with_line_and_field(
    app, runner, tmp_path, forum
):
    target = json.dumps(FULL).replace('"1": 240', f'"1": {LONG}')
    before = snapshot(app)
    output = _apps(runner, tmp_path, FULL, target)
    assert "line 2, support.isv.first_response_minutes.1: number too long" in output, output
    assert snapshot(app) == before
    threads = _thread_count(app)
    accepted = json.dumps(thread_record())[:-1] + f', "accepted_reply": -{LONG}}}'
    in_list = json.dumps(thread_record()).replace('"replies": [', f'"replies": [{LONG}, ', 1)
    output = _posts(runner, tmp_path, thread_record(), accepted, in_list)
    assert "line 2, accepted_reply: number too long" in output, output
    assert "line 3, replies[0]: number too long" in output, output
    assert _thread_count(app) == threads


def test_numbers_up_to_the_limit_are_left_to_the_format_checks():
    whole = "9" * MAX_INT_DIGITS
    fraction = "0." + "5" * 5000
    [(_line, record, problems)] = checked_lines(
        [f'{{"a": {whole}, "b": {fraction}, "c": 1e400}}'], lambda n, d: (d, [])
    )
    assert problems == [] and record["a"] == int(whole)


@pytest.mark.parametrize("when", DATES)
def test_finding_10_a_date_beyond_utc_is_refused_with_line_and_field(
    app, runner, tmp_path, forum, when
):
    before = snapshot(app)
    output = _apps(runner, tmp_path, {**FULL, "updated": when})
    assert f"line 1, updated: “{when}” is not a date from 1970 to 9998" in output, output
    assert snapshot(app) == before
    threads = _thread_count(app)
    record = thread_record(created=when)
    reply = thread_record()
    reply["replies"][1]["created"] = when
    output = _posts(runner, tmp_path, record, reply)
    assert f"line 1, created: “{when}” is not a date from 1970 to 9998" in output, output
    assert f"line 2, replies[1].created: “{when}” is not a date" in output, output
    assert _thread_count(app) == threads


def test_dates_at_the_edges_of_the_years_still_import(app, runner, tmp_path):
    lines = (
        {**FULL, "updated": "1970-01-01T00:00:00+14:00"},
        {**FULL, "slug": "late", "name": "Late", "updated": "9998-12-31T23:59:59-23:59"},
    )
    path = write_lines(tmp_path / "a.jsonl", *lines)
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1f"])
def test_finding_10_control_characters_are_refused_in_every_imported_string(
    app, runner, tmp_path, forum, char
):
    escaped = json.dumps(char)[1:-1]
    name = json.dumps(FULL).replace('"Mail Shield"', f'"Mail{escaped}Shield"')
    language = json.dumps(FULL).replace('"Czech"', f'"Cz{escaped}"')
    key = json.dumps(FULL).replace('"slug": "mail-shield"', f'"slug": "x", "a{escaped}": 1')
    before = snapshot(app)
    output = _apps(runner, tmp_path, name, language, key)
    assert "line 1, name: contains a control character" in output, output
    assert "line 2, support.isv.languages[1]: contains a control character" in output, output
    assert "line 3, a\ufffd: is a field name with a control character" in output, output
    assert snapshot(app) == before
    threads = _thread_count(app)
    title = json.dumps(thread_record()).replace('"Invoice in', f'"Invoice{escaped} in')
    body = json.dumps(thread_record()).replace('"Thanks, fixed."', f'"Thanks{escaped}"')
    output = _posts(runner, tmp_path, title, body)
    assert "line 1, title: contains a control character" in output, output
    assert "line 2, replies[1].body: contains a control character" in output, output
    assert _thread_count(app) == threads


def test_tab_line_feed_and_carriage_return_are_text(app, runner, tmp_path):
    line = json.dumps(FULL).replace('"Defects."', '"Defects:\\n\\tone\\r\\n\\ttwo."')
    result = runner.invoke(args=["import-apps", write_lines(tmp_path / "a.jsonl", line)])
    assert result.exit_code == 0, result.output


def test_the_badge_drops_characters_xml_forbids_from_stored_names(app, client):
    """A name stored before the import refused control characters (PostgreSQL takes all but
    NUL) still gives a well-formed badge."""
    add_apps(app, app_record("shield"))
    with app.app_context():
        stored = db.session.scalar(db.select(App).where(App.slug == "shield"))
        stored.name = "Mail\x01Sh\x0bield\x1f\tok"
        db.session.commit()
    svg = client.get("/apps/shield/badge.svg").get_data(as_text=True)
    title = ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text
    assert title.startswith("MailShield\tok: ")
    assert xml_text("a\x00b\ud800c\ufffe\uffffd\te") == "abcd\te"
