"""The application factory: configuration layers and a secret key of the install's own."""

from catalog import create_app
from catalog import instance_secret


def test_without_a_configured_key_each_install_makes_and_keeps_its_own(tmp_path):
    key = instance_secret(tmp_path)
    assert len(key) == 64 and key == instance_secret(tmp_path)
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert instance_secret(tmp_path / "other") != key


def test_a_configured_key_wins(tmp_path):
    app = create_app({"SECRET_KEY": "from-config", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-config"


def test_environment_variables_with_the_prefix_configure_the_app(monkeypatch):
    monkeypatch.setenv("CATALOG_CATALOG_PAGE_SIZE", "7")
    monkeypatch.setenv("CATALOG_SECRET_KEY", "from-env")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["CATALOG_PAGE_SIZE"] == 7 and app.config["SECRET_KEY"] == "from-env"


def test_proxy_count_makes_forwarded_headers_count(tmp_path):
    app = create_app({"SECRET_KEY": "x", "PROXY_COUNT": 1, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.route("/whoami")
    def whoami():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert response.get_data(as_text=True) == "203.0.113.9 https"
