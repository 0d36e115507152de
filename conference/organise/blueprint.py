"""The blueprint of this area; routes are added in views.py."""

from flask import Blueprint

bp = Blueprint("organise", __name__, url_prefix="/organise", cli_group=None)
