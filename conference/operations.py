"""What every area's operations share: the one error an operation refuses with.

Each area has a module of operations (`conference/events/operations.py`, `conference/sessions/operations.py`,
`conference/registrations/operations.py`): organiser pages, `import-schedule`, the CLI and (later) the
organiser API call them, never write the rows themselves. An operation takes the acting user (None for the
CLI or an import), checks the domain rules, writes in one transaction, announces what happened through
`conference.signals` inside that transaction and commits once. A refused operation raises `OperationError`
before anything is written: pages show its message on the form (or as a flash), the API answers 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import ngettext

from conference.db import db, serialized_write


class OperationError(Exception):
    """An operation refused: `message` is translated and says what to do; `field` names the form field (or
    API field) it belongs to, None for the whole form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_capacity(new: int | None, taken: int, field: str = "capacity") -> None:
    """The capacity rule, for an event's attendance mode and a session alike: a limit below the seats already
    taken is refused with the count; None (no limit) is always allowed."""
    if new is not None and new < taken:
        raise OperationError(
            ngettext(
                "%(num)s seat is already taken; the capacity cannot be lower.",
                "%(num)s seats are already taken; the capacity cannot be lower.",
                taken,
            ),
            field,
        )


def capacity_raised(old: int | None, new: int | None) -> bool:
    """Whether seats were added: a larger number, or no limit any more."""
    return old is not None and (new is None or new > old)


@contextmanager
def transaction(commit: bool = True) -> Iterator[None]:
    """One operation's transaction: `serialized_write()` (SQLite: BEGIN IMMEDIATE; PostgreSQL: the operation
    locks the rows it reads with `conference.db.lock_row`), then exactly one commit. An exception (an
    `OperationError` too) rolls everything back. With `commit=False` the operation runs in the caller's
    transaction instead and the caller commits (`import-schedule` imports a whole file in one)."""
    if not commit:
        yield
        return
    with serialized_write():
        yield
        db.session.commit()


def changed_values(obj: object, values: dict) -> dict:
    """{field: (old, new)} for the values that differ from the object's."""
    return {
        name: (getattr(obj, name), value) for name, value in values.items() if getattr(obj, name) != value
    }


def current_actor():  # noqa: ANN201
    """The signed-in user who acts in a request (the real object, not Flask-Login's proxy), or None."""
    from flask_login import current_user

    return current_user._get_current_object() if current_user.is_authenticated else None


def show_error(form, error: OperationError) -> None:  # noqa: ANN001
    """Put a refusal on the form field it names, or flash it when it belongs to no field of the form."""
    from flask import flash

    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
