"""URL map of plans: the operator's plan pages and the public plan comparison."""

from flask import Blueprint

bp = Blueprint("plans", __name__)
