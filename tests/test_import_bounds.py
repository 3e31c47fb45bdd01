"""Issue 11, finding 10 (imports): deep nesting and lone surrogates are refused at validation.

Before, ``import-apps`` and ``import-posts`` printed a raw RecursionError for deeply nested JSON,
and a ``\\ud800`` escape passed validation, then crashed on write. Now each is a "line N, field:
reason" problem, nothing is written, and no traceback is printed.
"""

import json

import pytest

from catalog.jsonlines import MAX_DEPTH
from catalog.jsonlines import checked_lines
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
