"""URL map of customer organisations (operator pages and the organisation admin's page)."""

from flask import Blueprint

bp = Blueprint("customers", __name__)
