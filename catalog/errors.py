"""Error pages in the site's style, and JSON errors under ``/api/``."""
from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to this page.",
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large.",
    429: "Too many requests; please wait a moment and try again.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
}


def handle_http_error(error: HTTPException):
    """Render an HTTP error as a page, or as JSON for the API."""
    code = error.code or 500
    message = MESSAGES.get(code, error.description)
    if error.description and error.description != type(error).description:
        message = error.description
    if request.path.startswith("/api/"):
        response = jsonify({"error": message, "details": []})
        response.status_code = code
        return response
    return render_template("errors/error.html", code=code, title=error.name, message=message), code


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_http_error)
