"""Changes to one's own account: logging out everywhere and changing one's password. The views parse the form,
call one of these and render; each writes in one transaction (`conference.operations.transaction`).

Creating accounts (`create-organiser`) and API tokens are `conference.auth.accounts` and
`conference.auth.api_tokens`."""

from __future__ import annotations

from flask_babel import gettext as _

from conference.auth.accounts import set_password
from conference.auth.models import User
from conference.auth.passwords import verify_password
from conference.operations import OperationError, transaction


def log_out_everywhere(user: User) -> None:
    """Every session of the account ends, this one included (logging out here logs out everywhere)."""
    with transaction():
        user.end_all_sessions()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A new password, given the current one; it ends every session of the account (the caller logs the
    user in again in this one). Refused (field `current_password`) when the current password is wrong."""
    if not verify_password(user.password_hash, current_password):
        raise OperationError(_("This is not your current password."), "current_password")
    with transaction():
        set_password(user, new_password)
