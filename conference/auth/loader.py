"""Flask-Login's user loader (`create_app` installs `load_user` on the login manager).

The session keeps `User.get_id()`, "<user id>:<session version>". Logging out and changing the password
raise the version, so every other cookie of the account (and any remember cookie) names a version that
no longer exists and loads nobody.
"""

from __future__ import annotations

import re

from conference.auth.models import User
from conference.extensions import db

_ALTERNATIVE_ID = re.compile(r"(\d{1,18}):(\d{1,18})", re.ASCII)


def load_user(alternative_id: str) -> User | None:
    match = _ALTERNATIVE_ID.fullmatch(alternative_id or "")
    if match is None:
        return None  # e.g. a cookie from before session versions: log in again
    user = db.session.get(User, int(match[1]))
    if user is None or user.session_version != int(match[2]):
        return None
    return user
