"""The blueprint of this area; routes are added in views.py."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", cli_group=None)
