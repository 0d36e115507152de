from flask import Blueprint

# The public pages of announcements: the one-click unsubscribe (RFC 8058).
bp = Blueprint("announcements", __name__)
