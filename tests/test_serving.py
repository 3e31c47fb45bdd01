"""Serving: the gunicorn configuration and the load balancers' health check."""

import runpy
from pathlib import Path

from catalog import create_app
from tests.conftest import build_index

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_healthz_reports_database_and_search_without_caching(app, client):
    build_index(app)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "search": {"state": "ok", "documents": 0},
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_stays_up_when_only_search_is_missing(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["search"]["state"] == "missing"


def test_healthz_fails_when_the_database_does_not_answer(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/folder/db.sqlite",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["database"] == "unavailable"
    assert "no/such" not in response.get_data(as_text=True), "no internals leak to the public"
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_needs_no_login(client):
    assert client.get("/healthz", follow_redirects=False).status_code == 200


def _gunicorn_settings(monkeypatch, **env) -> dict:
    """The settings gunicorn.conf.py produces under this environment."""
    for name in ("GUNICORN_WORKERS", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_config_defaults(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    assert settings["preload_app"] is False, "each worker opens its own pool and searcher"
    assert 3 <= settings["workers"] <= settings["MAX_WORKERS"]
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["timeout"] > 0 and settings["graceful_timeout"] > 0
    assert "%(M)s" in settings["access_log_format"], "the access log shows the request time"


def test_gunicorn_config_reads_the_environment(monkeypatch):
    settings = _gunicorn_settings(
        monkeypatch, GUNICORN_WORKERS="3", GUNICORN_BIND="0.0.0.0:9000", GUNICORN_TIMEOUT="60"
    )
    assert (settings["workers"], settings["bind"], settings["timeout"]) == (3, "0.0.0.0:9000", 60)
