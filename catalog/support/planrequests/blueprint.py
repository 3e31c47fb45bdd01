"""URL map of plan requests: the customer's request and list, the staff queue."""

from flask import Blueprint

bp = Blueprint("planrequests", __name__)
