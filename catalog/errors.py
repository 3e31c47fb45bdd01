"""Error pages in the site's style, and JSON errors under ``/api/``."""

from flask import Flask
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from catalog.extensions import db

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to this page.",
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large.",
    429: "Too many requests; please wait a moment and try again.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
}
CSRF_MESSAGE = (
    "This form has expired or was not sent from this site, so nothing was saved. "
    "Go back, reload the page and send the form again."
)


def error_response(code: int, title: str, message: str):
    """An error as a page, or as JSON for the API."""
    _roll_back_failed_work()
    if request.path.startswith("/api/"):
        response = jsonify({"error": message, "details": []})
        response.status_code = code
        return response
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _roll_back_failed_work() -> None:
    """End a transaction the error left behind, so the page can load the user and the menu.

    After a database error (PostgreSQL refusing a value), the session is unusable until it rolls
    back; the error page would otherwise fail with ``PendingRollbackError`` and become a bare 500.
    """
    try:
        db.session.rollback()
    except Exception:
        # A broken connection: log it and render the page without the database.
        current_app.logger.exception("rollback before an error page failed")


def handle_http_error(error: HTTPException):
    """Render an HTTP error as a page, or as JSON for the API."""
    code = error.code or 500
    message = MESSAGES.get(code, error.description)
    if error.description and error.description != type(error).description:
        message = error.description
    return error_response(code, error.name, message)


def handle_csrf_error(error: CSRFError):
    """A form without a valid CSRF token: say so in words."""
    return error_response(400, "Form expired", CSRF_MESSAGE)


CONFLICT_MESSAGE = (
    "That clashes with something saved a moment ago (was the form sent twice?). Nothing was "
    "changed by this request; go back, reload the page and check before sending it again."
)


def handle_conflict(error: IntegrityError):
    """A unique constraint lost a race (a double submit): roll back and say so, never a 500."""
    db.session.rollback()
    current_app.logger.info("integrity conflict: %s", error.orig)
    return error_response(409, "Already saved", CONFLICT_MESSAGE)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(IntegrityError, handle_conflict)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_http_error)
