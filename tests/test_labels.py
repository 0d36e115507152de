"""Enum labels live in one table (conference/labels.py): every value of every enum a person reads has one
label, templates, forms and feeds all read it, and no template keeps its own dict of labels."""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from pathlib import Path

from wtforms import SelectChoice

import conference
from conference import labels
from conference.events.forms import EventForm, EventOrganisationForm, TeamMemberForm
from conference.events.models import AttendanceMode, EventKind, EventStatus
from conference.registrations.forms import QuestionForm
from conference.sessions.forms import AssignmentForm, SessionForm
from conference.speakers.forms import NewSpeakerForm
from conference.speakers.models import Role

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Enums that are code, never shown to anyone.
NOT_SHOWN = {"Action", "Outcome"}


def stored_enums() -> set[type[enum.Enum]]:
    """Every enum defined in the application's modules."""
    found = set()
    for module_info in pkgutil.walk_packages(conference.__path__, "conference."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, enum.Enum)
                and value.__module__ == module.__name__
            ):
                found.add(value)
    return found


def test_every_value_of_every_enum_has_a_label():
    shown = {e for e in stored_enums() if e.__name__ not in NOT_SHOWN}
    assert shown == set(labels.LABELS), "an enum without labels (or labels of an unknown enum)"
    for enum_cls, table in labels.LABELS.items():
        assert list(table) == [m for m in table if isinstance(m, enum_cls)]
        assert set(table) == set(enum_cls), enum_cls
        assert all(str(text).strip() for text in table.values()), enum_cls


def test_label_is_translated_once_per_locale(app):
    with app.test_request_context():
        assert labels.label(EventKind.PANEL_DISCUSSION) == "Panel discussion"
        assert labels.label(AttendanceMode.HYBRID) == "In person and online"
        cached = app.extensions["labels"]
        assert labels.label(Role.CHAIR) == "Chair"
        assert labels.label(Role.MODERATOR) == "Moderator"
        assert len([key for key in cached if key[1] is Role]) == 1  # one table per locale, not per call


def test_templates_and_forms_read_the_one_table(app):
    with app.test_request_context():
        rendered = app.jinja_env.from_string("{{ status|label }} / {{ role|label }}").render(
            status=EventStatus.CANCELLED, role=Role.DISCUSSANT
        )
        assert rendered == "Cancelled / Discussant"
        fields = [
            (EventForm().kind, EventKind),
            (EventForm().attendance_mode, AttendanceMode),
            (SessionForm().kind, None),
            (AssignmentForm().role, Role),
            (NewSpeakerForm().role, Role),
            (TeamMemberForm().role, None),
            (EventOrganisationForm().role, None),
            (QuestionForm().kind, None),
        ]
        for field, enum_cls in fields:
            assert field.choices and all(isinstance(c, SelectChoice) for c in field.choices), field.name
            if enum_cls is not None:
                assert [(c.value, str(c.label)) for c in field.choices] == [
                    (m.value, labels.label(m)) for m in labels.LABELS[enum_cls]
                ]


def test_no_template_keeps_its_own_labels():
    inline_table = re.compile(r'\{\s*"[a-z_]+"\s*:\s*_\(')
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.*")
        if path.suffix in (".html", ".txt") and inline_table.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
