"""Rate limits per client address (Flask-Limiter), and the 429 they answer with.

Each limit is a setting (``RATELIMIT_LOGIN`` …, in Flask-Limiter's notation such as
``"10 per minute; 100 per hour"``), read at request time. Requests are counted per client
address (``request.remote_addr``: behind proxies, ProxyFix sets it from X-Forwarded-For when
``PROXY_COUNT`` is set) in ``RATELIMIT_STORAGE_URI``. With the default ``memory://`` each
worker process counts on its own, so N workers allow up to N times a limit; several workers or
machines should share ``redis://…`` or ``memcached://…``.

The per-account login throttle (``catalog/accounts/throttle.py``) is separate: it counts login
attempts in the database, per account and per address.
"""

import math
import time

from flask import Flask
from flask import current_app
from flask import make_response
from flask import request
from flask_limiter import Limiter
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from catalog.errors import error_response

# Form posts limited per address: endpoint → setting. Page views (GET) are not limited.
FORM_LIMITS = {
    "accounts.login": "RATELIMIT_LOGIN",
    "accounts.sign_up": "RATELIMIT_SIGN_UP",
    "accounts.reset_request": "RATELIMIT_PASSWORD_RESET",
    "accounts.resend_verification": "RATELIMIT_SIGN_UP",
    # An organisation admin is any confirmed sign-up: their invitations mail strangers.
    "customers.my_invite": "RATELIMIT_INVITATIONS",
}
# The profile page mails a confirmation link only when the posted address is a new one; that
# post shares the sign-up budget, so an account cannot mail-bomb strangers through it.
PROFILE_ENDPOINT = "accounts.profile"
# The wizard posts every step to one URL; only the last step creates a ticket.
TICKET_ENDPOINT = "support.new_request"
# One shared budget for the search page and the search API.
SEARCH_ENDPOINTS = ("search.page", "api.search")
# Suggestions as the user types have their own, larger budget: a typist sends one on each pause,
# and should not use up the searches they then run.
SUGGEST_ENDPOINT = "api.search_suggest"
MESSAGE = "You sent too many requests in a short time. Please wait {wait} and try again."


def setting(name: str):
    """A limit provider that reads a setting at request time."""
    return lambda: current_app.config[name]


def is_not_ticket_submit() -> bool:
    """True unless this request is the wizard's final "Submit"."""
    return request.method != "POST" or request.form.get("step") != "review"


def is_not_address_change() -> bool:
    """True unless this request posts the profile with an address other than the account's."""
    if request.method != "POST" or not current_user.is_authenticated:
        return True
    posted = (request.form.get("email") or "").strip().lower()
    return posted in ("", current_user.email, current_user.pending_email or "")


def init_app(app: Flask) -> None:
    """Give the app its own limiter and put the limits on the views (after the blueprints)."""
    if not app.config["RATELIMIT_ENABLED"]:
        return
    limiter = Limiter(
        get_remote_address, storage_uri=app.config["RATELIMIT_STORAGE_URI"], key_prefix="catalog"
    )
    limiter.init_app(app)
    app.extensions["catalog_limiter"] = limiter
    views = app.view_functions
    for endpoint, name in FORM_LIMITS.items():
        views[endpoint] = limiter.limit(setting(name), methods=["POST"])(views[endpoint])
    views[PROFILE_ENDPOINT] = limiter.limit(
        setting("RATELIMIT_SIGN_UP"), exempt_when=is_not_address_change
    )(views[PROFILE_ENDPOINT])
    views[TICKET_ENDPOINT] = limiter.limit(
        setting("RATELIMIT_TICKETS"), exempt_when=is_not_ticket_submit
    )(views[TICKET_ENDPOINT])
    search_limit = limiter.shared_limit(
        setting("RATELIMIT_SEARCH"), scope="search", override_defaults=False
    )
    for endpoint in SEARCH_ENDPOINTS:
        views[endpoint] = search_limit(views[endpoint])
    views[SUGGEST_ENDPOINT] = limiter.limit(setting("RATELIMIT_SUGGEST"), override_defaults=False)(
        views[SUGGEST_ENDPOINT]
    )
    limiter.limit(setting("RATELIMIT_API"))(app.blueprints["api"])
    app.register_error_handler(RateLimitExceeded, too_many_requests)


def retry_after() -> int:
    """Seconds until the limit that was hit lets requests through again (at least 1)."""
    limit = current_app.extensions["catalog_limiter"].current_limit
    return max(1, math.ceil(limit.window.reset_time - time.time())) if limit else 60


def in_words(seconds: int) -> str:
    """A wait as people say it: "1 second", "40 seconds", "3 minutes"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def too_many_requests(error: RateLimitExceeded):
    """429 as our error page (or JSON under /api/), with Retry-After."""
    wait = retry_after()
    response = make_response(
        error_response(429, "Too many requests", MESSAGE.format(wait=in_words(wait)))
    )
    response.headers["Retry-After"] = str(wait)
    response.headers["Cache-Control"] = "no-store"
    return response
