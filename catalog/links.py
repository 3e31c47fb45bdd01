"""Absolute links to this site, built from configuration, never from a request's Host header.

A request's ``Host`` is chosen by whoever sends it, so a link built from it (``url_for(…,
_external=True)``) can point anywhere: a password-reset link mailed after ``POST /account/reset``
with ``Host: evil.example`` would hand the token to evil.example. Every link in every e-mail is
therefore built by :func:`external_url` from ``SITE_URL`` (else ``SERVER_NAME``, else the
development server), the same inside a request and in a command.

``TRUSTED_HOSTS`` (Flask's setting) makes the site refuse other Host headers; the refusal is our
400 page, rendered here because Flask cannot build the page's own links for a refused host.
"""

from urllib.parse import urlsplit

from flask import Flask
from flask import current_app
from werkzeug.exceptions import SecurityError
from werkzeug.routing import MapAdapter
from werkzeug.wsgi import get_host

DEV_SITE_URL = "http://127.0.0.1:5000"
UNTRUSTED_HOST = "This site does not answer to that host name."


def site_url(config) -> str:
    """The site's public base URL, without a trailing slash."""
    if config.get("SITE_URL"):
        return str(config["SITE_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        root = (config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}{root}"
    return DEV_SITE_URL


def check_site_url(value: str) -> None:
    """Refuse a SITE_URL that is not an http(s) address with a host (ValueError)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"SITE_URL must look like https://support.example.com[/prefix], not {value!r}"
        )


def adapter(app: Flask) -> MapAdapter:
    """The app's URL map bound to the site's public address (with or without a request)."""
    parts = urlsplit(site_url(app.config))
    return app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` on the site's public address."""
    return adapter(current_app).build(endpoint, values, force_external=True)


class TrustedHosts:
    """WSGI middleware: a Host outside ``TRUSTED_HOSTS`` gets our 400 page, and nothing else."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        """Pass trusted hosts on; refuse the others."""
        hosts = self.app.config.get("TRUSTED_HOSTS")
        if hosts is not None:
            try:
                get_host(environ, hosts)
            except SecurityError:
                return self.refuse(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def refuse(self, environ, start_response):
        """Render the 400 page with links to the site's own address."""
        from catalog.errors import error_response

        public = urlsplit(site_url(self.app.config)).netloc
        environ = {**environ, "HTTP_HOST": public}
        with self.app.request_context(environ) as context:
            context.url_adapter = adapter(self.app)
            response = self.app.make_response(error_response(400, "Bad Request", UNTRUSTED_HOST))
            response = self.app.process_response(response)  # the security headers
            return response(environ, start_response)


def init_app(app: Flask) -> None:
    """Check SITE_URL and refuse untrusted hosts (call before wrapping the app in ProxyFix)."""
    if isinstance(app.config.get("TRUSTED_HOSTS"), str):
        names = app.config["TRUSTED_HOSTS"].split(",")
        app.config["TRUSTED_HOSTS"] = [name.strip() for name in names if name.strip()]
    if app.config.get("SITE_URL"):
        check_site_url(str(app.config["SITE_URL"]))
    elif not app.config.get("SERVER_NAME") and not (app.testing or app.debug):
        app.logger.warning(
            "SITE_URL is not set: links in e-mail point to %s; set CATALOG_SITE_URL", DEV_SITE_URL
        )
    app.wsgi_app = TrustedHosts(app)
