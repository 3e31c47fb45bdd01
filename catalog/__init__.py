"""Marketplace Support Catalog: the support-channel legend, routing, tickets and the forum."""

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from catalog import cli
from catalog import errors
from catalog import extensions
from catalog import inputguard
from catalog import links
from catalog import listeners
from catalog import ratelimits
from catalog import templating
from catalog import unitofwork
from catalog.accounts import access
from catalog.accounts.blueprint import bp as accounts_bp
from catalog.api.blueprint import bp as api_bp
from catalog.config import ENV_PREFIX
from catalog.config import Defaults
from catalog.customers.blueprint import bp as customers_bp
from catalog.forum.blueprint import bp as forum_bp
from catalog.health.blueprint import bp as health_bp
from catalog.isv.blueprint import bp as isv_bp
from catalog.marketplace.blueprint import bp as marketplace_bp
from catalog.operator.blueprint import bp as operator_bp
from catalog.search.indexing import hooks as search_hooks
from catalog.search.web.blueprint import bp as search_bp
from catalog.support.blueprint import bp as support_bp
from catalog.support.planrequests.blueprint import bp as planrequests_bp
from catalog.support.plans.blueprint import bp as plans_bp
from catalog.ticketmail import events as mail_events
from catalog.ticketmail.blueprint import bp as ticketmail_bp
from catalog.unitofwork import UnitOfWorkFlask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, commands, error pages."""
    app = UnitOfWorkFlask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, test_config)
    inputguard.register_converters(app)
    links.init_app(app)  # inside ProxyFix, so the Host checked is the forwarded one
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    # Through the module: a package-level name ``db`` would hide the ``catalog.db`` module.
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    inputguard.init_app(app)
    listeners.init_app(app)
    unitofwork.init_app(app)
    access.init_app(app)
    register_blueprints(app)
    ratelimits.init_app(app)
    templating.init_app(app)
    search_hooks.init_app(app)
    mail_events.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    """Load the configuration layers in order."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        os.makedirs(app.instance_path, exist_ok=True)
        path = Path(app.instance_path) / "catalog.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    if not index_dir.is_absolute():
        app.config["SEARCH_INDEX_DIR"] = str(PROJECT_ROOT / index_dir)


def instance_secret(folder: Path) -> str:
    """This install's own secret key: read from ``instance/secret_key``, made there if missing."""
    path = folder / "secret_key"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()


def register_blueprints(app: Flask) -> None:
    """Attach every feature's URL map."""
    app.register_blueprint(marketplace_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(isv_bp)
    app.register_blueprint(operator_bp)
    app.register_blueprint(support_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(customers_bp)
    app.register_blueprint(planrequests_bp)
    app.register_blueprint(forum_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(ticketmail_bp)
