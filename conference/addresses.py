"""E-mail addresses: the one rule that checks and normalises them.

Every address a person types goes through `normalise_email` before it is stored or compared: organiser
accounts (login, `create-organiser`, adding a team member, `import-schedule --as`), the registration form,
the lost-link form, the registration API and people's addresses. It uses email-validator (syntax only, no DNS
lookup): surrounding space is removed, Unicode is normalised (NFC) and the *domain* is lower-cased; the local
part before the `@` keeps its case, because only the receiving server may treat it as case-insensitive.
Accounts are nevertheless found case-insensitively (`conference.auth.accounts.find_user`), so
`Ann@example.org` and `ann@example.org` are one login.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from wtforms import Field, Form, ValidationError


def normalise_email(value: str) -> str:
    """The normalised address, or ValueError with a message for the person who typed it."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
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
