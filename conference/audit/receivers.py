"""The audit log's receivers: one entry per operation, from the signals of `conference.signals`.

Connected by `connect()`, which `create_app` calls. Each receiver adds its entry to the operation's
transaction (the operation commits; a receiver never does), so a change and its entry are committed
together or not at all. Values are stored JSON-safe (`json_value`): times as ISO 8601 with offset, enums as
their values, a session's room by its name.

Erasing a registrant (`registration_erased`) scrubs the earlier entries about that registration: their
label and any personal field in before/after go; action, time and actor stay.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa

from conference import signals
from conference.audit.models import AuditEntry
from conference.db import db

# Fields of a registration that are personal data: scrubbed from the log when the registrant is erased.
PERSONAL_FIELDS = frozenset({"name", "email", "affiliation", "country", "accessibility_needs", "answers"})


def json_value(value: object) -> object:
    """A value as the log stores it (JSON): enums by value, times ISO 8601 with offset."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    actor: object,
    action: str,
    *,
    event_id: int | None,
    subject_type: str,
    subject_id: int | None,
    label: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add one entry to the current transaction (the caller, an operation, commits)."""
    entry = AuditEntry(
        event_id=event_id,
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=(label or "")[:300],
        before={k: json_value(v) for k, v in (before or {}).items()},
        after={k: json_value(v) for k, v in (after or {}).items()},
    )
    db.session.add(entry)
    return entry


def _room_name(room: object) -> str | None:
    return getattr(room, "name", None)


def _changes(changes: dict) -> tuple[dict, dict]:
    """{field: (old, new)} -> (before, after); a session's room id is shown by the room's name."""
    from conference.sessions.models import Room

    before, after = {}, {}
    for name, (old, new) in changes.items():
        if name == "room_id":
            name = "room"
            old, new = (_room_name(db.session.get(Room, v)) if v is not None else None for v in (old, new))
        before[name], after[name] = old, new
    return before, after


# --- events ------------------------------------------------------------------------------------------------


def _event(action: str, event, actor, **kw) -> None:  # noqa: ANN001
    record(
        actor, action, event_id=event.id, subject_type="event", subject_id=event.id, label=event.title, **kw
    )


def event_created(event, *, actor, **_: object) -> None:  # noqa: ANN001
    _event("event.created", event, actor, after={"title": event.title, "status": event.status})


def event_changed(event, *, actor, changes: dict, **_: object) -> None:  # noqa: ANN001
    before, after = _changes(changes)
    _event("event.changed", event, actor, before=before, after=after)


def _status(action: str, before: str | None):  # noqa: ANN202
    def receiver(event, *, actor, **_: object) -> None:  # noqa: ANN001
        _event(
            action,
            event,
            actor,
            before={"status": before} if before else None,
            after={"status": event.status},
        )

    receiver.__name__ = action.replace(".", "_")
    return receiver


def event_duplicated(event, *, actor, source, **_: object) -> None:  # noqa: ANN001
    _event("event.duplicated", event, actor, after={"copied_from": source.title})


def event_deleted(event, *, actor, **_: object) -> None:  # noqa: ANN001
    # The event's rows go: its earlier entries stay, no longer tied to it, and so does the deletion.
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.event_id == event.id).values(event_id=None))
    record(actor, "event.deleted", event_id=None, subject_type="event", subject_id=event.id, label=event.title,
           before={"title": event.title, "status": event.status})  # fmt: skip


def event_capacity_changed(event, *, actor, mode, old, new, **_: object) -> None:  # noqa: ANN001
    field = f"capacity_{json_value(mode)}"
    record(actor, "settings.capacity_changed", event_id=event.id, subject_type="settings", subject_id=event.id,
           label=event.title, before={field: old}, after={field: new})  # fmt: skip


def settings_changed(event, *, actor, action: str, subject_type: str, subject_id, label: str = "",
                     changes: dict, **_: object) -> None:  # fmt: skip  # noqa: ANN001
    before, after = _changes(changes)
    record(actor, action, event_id=event.id, subject_type=subject_type, subject_id=subject_id, label=label,
           before=before, after=after)  # fmt: skip


# --- sessions and the people in them -----------------------------------------------------------------------


def _session(action: str, session, actor, **kw) -> None:  # noqa: ANN001
    record(actor, action, event_id=session.event_id, subject_type="session", subject_id=session.id,
           label=session.title, **kw)  # fmt: skip


def session_created(session, *, actor, **_: object) -> None:  # noqa: ANN001
    _, after = _changes({"starts_at": (None, session.starts_at), "ends_at": (None, session.ends_at),
                         "room_id": (None, session.room_id)})  # fmt: skip
    _session("session.created", session, actor, after={"title": session.title, **after})


def session_changed(session, *, actor, changes: dict, **_: object) -> None:  # noqa: ANN001
    before, after = _changes(changes)
    _session("session.changed", session, actor, before=before, after=after)


def session_cancelled(session, *, actor, **_: object) -> None:  # noqa: ANN001
    _session(
        "session.cancelled", session, actor, before={"status": "scheduled"}, after={"status": session.status}
    )


def session_restored(session, *, actor, **_: object) -> None:  # noqa: ANN001
    _session(
        "session.restored", session, actor, before={"status": "cancelled"}, after={"status": session.status}
    )


def session_deleted(session, *, actor, **_: object) -> None:  # noqa: ANN001
    _session("session.deleted", session, actor, before={"title": session.title})


def session_capacity_changed(session, *, actor, old, new, in_changes: bool = False, **_: object) -> None:  # noqa: ANN001
    if in_changes:  # logged with the rest of the session's changes (session_changed)
        return
    _session("session.capacity_changed", session, actor, before={"capacity": old}, after={"capacity": new})


def _person(action: str, session, person, actor, **kw) -> None:  # noqa: ANN001
    record(actor, action, event_id=session.event_id, subject_type="person", subject_id=person.id,
           label=person.name, **kw)  # fmt: skip


def person_assigned(assignment, *, actor, session, person, changes: dict | None = None, **_: object) -> None:  # noqa: ANN001
    if changes:
        before, after = _changes(changes)
        _person("person.role_changed", session, person, actor,
                before={"session": session.title, **before}, after={"session": session.title, **after})  # fmt: skip
    else:
        _person("person.assigned", session, person, actor,
                after={"session": session.title, "role": assignment.role})  # fmt: skip


def person_unassigned(session, *, actor, person, role, **_: object) -> None:  # noqa: ANN001
    _person("person.unassigned", session, person, actor, before={"session": session.title, "role": role})


def _shared(action: str, subject_type: str, subject, label: str, actor, event_ids: list[int], changes: dict,
            created: bool = False) -> None:  # fmt: skip  # noqa: ANN001
    """One entry on each event the person, series or organisation belongs to (none: one without an event)."""
    before, after = _changes(changes)
    for event_id in event_ids or [None]:
        record(actor, action, event_id=event_id, subject_type=subject_type, subject_id=subject.id, label=label,
               before=None if created else before, after=after)  # fmt: skip


def person_changed(person, *, actor, changes: dict, event_ids: list[int], created: bool = False,
                   **_: object) -> None:  # fmt: skip  # noqa: ANN001
    """A person's own details changed (the people pages): one entry on each event they take part in."""
    action = "person.created" if created else "person.changed"
    _shared(action, "person", person, person.name, actor, event_ids, changes, created)


def person_merged(person, *, actor, duplicate_name: str, event_ids: list[int], **_: object) -> None:  # noqa: ANN001
    _shared("person.changed", "person", person, person.name, actor, event_ids,
            {"merged": (duplicate_name, person.name)})  # fmt: skip


def speaker_invited(person, *, actor, event, assignments, resent: bool = False, **_: object) -> None:  # noqa: ANN001
    record(actor, "person.invited", event_id=event.id, subject_type="person", subject_id=person.id,
           label=person.name, after={"sessions": [a.session.title for a in assignments], "resent": resent})  # fmt: skip


def assignment_answered(
    assignment, *, actor, accepted: bool, note: str, by_organiser: bool, **_: object
) -> None:  # noqa: ANN001
    _person("person.accepted" if accepted else "person.declined", assignment.session, assignment.person, actor,
            after={"session": assignment.session.title, "note": note, "by_organiser": by_organiser})  # fmt: skip


def series_changed(series, *, actor, changes: dict, created: bool = False, **_: object) -> None:  # noqa: ANN001
    action = "series.created" if created else "series.changed"
    _shared(action, "series", series, series.title, actor, [e.id for e in series.events], changes, created)


def organisation_changed(organisation, *, actor, changes: dict, created: bool = False, **_: object) -> None:  # noqa: ANN001
    from conference.events.operations import organisation_event_ids

    action = "organisation.created" if created else "organisation.changed"
    _shared(action, "organisation", organisation, organisation.name, actor,
            organisation_event_ids(organisation), changes, created)  # fmt: skip


# --- registrations -----------------------------------------------------------------------------------------


def _registration(action: str):  # noqa: ANN202
    def receiver(registration, *, actor, **_: object) -> None:  # noqa: ANN001
        record(actor, action, event_id=registration.event_id, subject_type="registration",
               subject_id=registration.id, label=registration.name, after={"status": registration.status})  # fmt: skip

    receiver.__name__ = action.replace(".", "_")
    return receiver


def registration_check_in_undone(registration, *, actor, checked_in_at, **_: object) -> None:  # noqa: ANN001
    record(actor, "registration.check_in_undone", event_id=registration.event_id, subject_type="registration",
           subject_id=registration.id, label=registration.name, before={"checked_in_at": checked_in_at},
           after={"checked_in_at": None})  # fmt: skip


def registration_erased(registration, *, actor, **_: object) -> None:  # noqa: ANN001
    """Scrub the earlier entries about this registration, then record the erasure (without the data)."""
    earlier = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.subject_type == "registration", AuditEntry.subject_id == registration.id
        )
    )
    for entry in earlier:
        entry.subject_label = ""
        entry.before = {k: (None if k in PERSONAL_FIELDS else v) for k, v in (entry.before or {}).items()}
        entry.after = {k: (None if k in PERSONAL_FIELDS else v) for k, v in (entry.after or {}).items()}
    record(actor, "registration.erased", event_id=registration.event_id, subject_type="registration",
           subject_id=registration.id, after={"status": registration.status})  # fmt: skip


RECEIVERS = (
    (signals.event_created, event_created),
    (signals.event_changed, event_changed),
    (signals.event_published, _status("event.published", "draft")),
    (signals.event_unpublished, _status("event.unpublished", "published")),
    (signals.event_cancelled, _status("event.cancelled", None)),
    (signals.event_restored, _status("event.restored", "cancelled")),
    (signals.event_duplicated, event_duplicated),
    (signals.event_deleted, event_deleted),
    (signals.event_capacity_changed, event_capacity_changed),
    (signals.settings_changed, settings_changed),
    (signals.session_created, session_created),
    (signals.session_changed, session_changed),
    (signals.session_cancelled, session_cancelled),
    (signals.session_restored, session_restored),
    (signals.session_deleted, session_deleted),
    (signals.session_capacity_changed, session_capacity_changed),
    (signals.person_assigned, person_assigned),
    (signals.person_unassigned, person_unassigned),
    (signals.person_changed, person_changed),
    (signals.person_merged, person_merged),
    (signals.speaker_invited, speaker_invited),
    (signals.assignment_answered, assignment_answered),
    (signals.series_changed, series_changed),
    (signals.organisation_changed, organisation_changed),
    (signals.registration_approved, _registration("registration.approved")),
    (signals.registration_rejected, _registration("registration.rejected")),
    (signals.registration_cancelled, _registration("registration.cancelled")),
    (signals.registration_erased, registration_erased),
    (signals.registration_checked_in, _registration("registration.checked_in")),
    (signals.registration_check_in_undone, registration_check_in_undone),
)


def connect() -> None:
    """Connect the receivers (idempotent). Strong references: the status and registration receivers are
    made here, and blinker would otherwise drop them."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
