"""E-mail addresses: the one rule that checks and normalises them.

Every address a person types goes through `normalise_email` before it is stored or compared: organiser
accounts (login, `create-organiser`, `create-api-token`, adding a team member, `import-schedule --as`), the
registration and lost-link forms, the registration API and people's addresses. It uses email-validator
(syntax only, no DNS lookup): surrounding space is removed and Unicode is normalised (NFC); then the *whole*
address is lower-cased, local part included. RFC 5321 lets a server treat "Ada@" and "ada@" as two
mailboxes, but in practice they are one, and one address must mean one registration per event and one
account. Rows stored before this rule (mixed case) are still compared case-insensitively.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from wtforms import Field, Form, ValidationError


def normalise_email(value: str) -> str:
    """The normalised address in lower case, or ValueError with a message for the person who typed it."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error


class EmailAddress:
    """WTForms validator: a valid address; the field's data becomes the normalised address. Empty fields
    are left to DataRequired/Optional."""

    def __call__(self, form: Form, field: Field) -> None:
        if not (field.data or "").strip():
            return
        try:
            field.data = normalise_email(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error
