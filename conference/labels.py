"""What people read for each stored enum value: the one table of labels.

Every enum shown to a person has its labels here, as lazy strings built once at import (never a dict of
translated strings rebuilt per call: that was a measured hot spot in templates). Templates use the `label`
filter (`{{ session.kind|label }}`), forms take their choices from `choices()`, feeds and mail call
`label()`. The order of each table is the order a form offers the values in. tests/test_labels.py checks that
every member of every enum has a label.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import SelectChoice

from conference.auth.models import TeamRole
from conference.events.models import AttendanceMode, EventKind, EventStatus, OrganisationRole
from conference.mail.models import OutboxStatus
from conference.registrations.models import QuestionKind, RegistrationMode, RegistrationStatus, SeatStatus
from conference.sessions.models import SessionKind, SessionStatus
from conference.speakers.models import AssignmentStatus, Role

LABELS: Mapping[type[enum.Enum], Mapping[enum.Enum, LazyString]] = {
    EventKind: {
        EventKind.CONFERENCE: _l("Conference"),
        EventKind.SYMPOSIUM: _l("Symposium"),
        EventKind.CONGRESS: _l("Congress"),
        EventKind.PANEL_DISCUSSION: _l("Panel discussion"),
        EventKind.ROUNDTABLE: _l("Roundtable"),
        EventKind.LECTURE: _l("Lecture"),
        EventKind.WORKSHOP: _l("Workshop"),
    },
    EventStatus: {
        EventStatus.DRAFT: _l("Draft"),
        EventStatus.PUBLISHED: _l("Published"),
        EventStatus.CANCELLED: _l("Cancelled"),
    },
    AttendanceMode: {
        AttendanceMode.IN_PERSON: _l("In person"),
        AttendanceMode.ONLINE: _l("Online"),
        AttendanceMode.HYBRID: _l("In person and online"),
    },
    OrganisationRole: {
        OrganisationRole.HOST: _l("Host"),
        OrganisationRole.PARTNER: _l("Partner"),
    },
    SessionKind: {
        SessionKind.PANEL: _l("Panel"),
        SessionKind.KEYNOTE: _l("Keynote"),
        SessionKind.PAPER_SESSION: _l("Paper session"),
        SessionKind.ROUNDTABLE: _l("Roundtable"),
        SessionKind.WORKSHOP: _l("Workshop"),
        SessionKind.TALK: _l("Talk"),
        SessionKind.BREAK: _l("Break"),
        SessionKind.RECEPTION: _l("Reception"),
    },
    SessionStatus: {
        SessionStatus.SCHEDULED: _l("Scheduled"),
        SessionStatus.CANCELLED: _l("Cancelled"),
    },
    Role: {
        Role.SPEAKER: _l("Speaker"),
        Role.PANELIST: _l("Panelist"),
        Role.MODERATOR: _l("Moderator"),
        Role.CHAIR: _l("Chair"),
        Role.DISCUSSANT: _l("Discussant"),
        Role.KEYNOTE: _l("Keynote"),
    },
    AssignmentStatus: {
        AssignmentStatus.NOT_INVITED: _l("Not invited"),
        AssignmentStatus.INVITED: _l("Invited"),
        AssignmentStatus.ACCEPTED: _l("Accepted"),
        AssignmentStatus.DECLINED: _l("Declined"),
    },
    TeamRole: {
        TeamRole.OWNER: _l("Owner"),
        TeamRole.MANAGER: _l("Manager"),
        TeamRole.CHECKIN: _l("Check-in helper"),
    },
    RegistrationStatus: {
        RegistrationStatus.CONFIRMED: _l("Confirmed"),
        RegistrationStatus.WAITLISTED: _l("Waiting list"),
        RegistrationStatus.PENDING: _l("Awaiting approval"),
        RegistrationStatus.CANCELLED: _l("Cancelled"),
        RegistrationStatus.REJECTED: _l("Not approved"),
    },
    SeatStatus: {
        SeatStatus.CONFIRMED: _l("Confirmed"),
        SeatStatus.WAITLISTED: _l("Waiting list"),
        SeatStatus.CANCELLED: _l("Cancelled"),
    },
    RegistrationMode: {
        RegistrationMode.IN_PERSON: _l("In person"),
        RegistrationMode.ONLINE: _l("Online"),
    },
    QuestionKind: {
        QuestionKind.SHORT_TEXT: _l("Short text"),
        QuestionKind.LONG_TEXT: _l("Long text"),
        QuestionKind.SINGLE_CHOICE: _l("Single choice"),
        QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
        QuestionKind.CHECKBOX: _l("Checkbox"),
        QuestionKind.COUNTRY: _l("Country"),
    },
    OutboxStatus: {
        OutboxStatus.PENDING: _l("Waiting"),
        OutboxStatus.SENT: _l("Sent"),
        OutboxStatus.FAILED: _l("Failed"),
    },
}


def _translated(enum_cls: type[enum.Enum]) -> Mapping[enum.Enum, str]:
    """The labels of one enum in the current locale, translated once per locale and app (feeds label every
    entry; a gettext call per entry costs more than the entry)."""
    cache = current_app.extensions.setdefault("labels", {})
    key = (get_locale(), enum_cls)  # the Locale itself: hashing it is cheaper than spelling it out
    translated = cache.get(key)
    if translated is None:
        translated = cache[key] = {member: str(text) for member, text in LABELS[enum_cls].items()}
    return translated


def label(member: enum.Enum) -> str:
    """What a person reads for this value, in the current locale (also the `label` template filter)."""
    return _translated(type(member))[member]


def choices(enum_cls: type[enum.Enum], members: Iterable[enum.Enum] | None = None) -> list[SelectChoice]:
    """Form choices for an enum (or some of its members), in the table's order, with lazy labels: build
    them once at import; the label is translated when the form is rendered."""
    wanted = None if members is None else set(members)
    return [
        SelectChoice(value=member.value, label=text)
        for member, text in LABELS[enum_cls].items()
        if wanted is None or member in wanted
    ]
