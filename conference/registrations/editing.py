"""Form helpers for an event's registration settings, shared by the settings page
(conference/organise/registration_setup.py) and the organiser API (`PATCH /api/v1/events/<slug>` with
"registration"). The change itself is `conference.registrations.operations.update_settings`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from conference.auth.models import User
from conference.events.models import Event
from conference.inputs import parse_id
from conference.registrations import operations
from conference.registrations.forms import SettingsForm
from conference.registrations.models import RegistrationMode
from conference.sessions.models import Session
from conference.timeutil import from_local, local

SESSION_CAPACITY_MAX = 1_000_000
TIME_FIELDS = ("registration_opens_at", "registration_closes_at")


def fill_settings_form(form: SettingsForm, event: Event, zone: str) -> None:
    """The event's registration settings into the form; opening and closing as wall-clock times in `zone`."""
    for field in form:
        if field.name == "csrf_token":
            continue
        value = getattr(event, field.name)
        if field.name in TIME_FIELDS and value is not None:
            value = local(value, zone).replace(tzinfo=None)
        field.data = value


def session_capacity_field(session: Session) -> str:
    return f"cap_{session.id}"


def session_capacities(
    formdata: Mapping[str, str], sessions: Iterable[Session]
) -> tuple[dict[int, int | None], dict[int, str]]:
    """The sessions' capacities the settings form sent (`cap_<session id>`), and a message by session id for
    each one that is not a whole number. A field sent empty means no limit; a session whose field was not sent
    (added after the page was loaded, or a client sending only some fields) is left out, so it keeps its
    capacity."""
    values: dict[int, int | None] = {}
    errors: dict[int, str] = {}
    for session in sessions:
        name = session_capacity_field(session)
        if name not in formdata:
            continue
        raw = (formdata.get(name) or "").strip()
        if raw == "":
            values[session.id] = None
        elif (number := parse_id(raw)) is not None and number <= SESSION_CAPACITY_MAX:
            values[session.id] = number
        else:
            errors[session.id] = _("A whole number, or empty for no limit.")
    return values, errors


def save_settings(
    actor: User | None,
    event: Event,
    form: SettingsForm,
    zone: str,
    session_capacities: dict[int, int | None] | None = None,
) -> None:
    """Save the validated settings form through the one operation (times typed in `zone`); raises its
    `OperationErrors`."""

    def utc(value):  # noqa: ANN001, ANN202
        return from_local(value, zone) if value else None

    operations.update_settings(
        actor,
        event,
        enabled=form.registration_enabled.data,
        opens_at=utc(form.registration_opens_at.data),
        closes_at=utc(form.registration_closes_at.data),
        capacities={
            RegistrationMode.IN_PERSON: form.capacity_in_person.data,
            RegistrationMode.ONLINE: form.capacity_online.data,
        },
        waitlist=form.waitlist_enabled.data,
        approval=form.approval_required.data,
        session_capacities=session_capacities,
    )
