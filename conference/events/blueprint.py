"""The blueprint of this area; routes are added in views.py."""

from flask import Blueprint

bp = Blueprint("events", __name__, cli_group=None)
