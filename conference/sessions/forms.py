"""Organiser forms for sessions, rooms and people's roles in sessions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from conference.inputs import FlaskForm
from conference.labels import choices
from conference.organise.fields import MAX_INT, LocalDateTimeField, ends_after, http_url, optional_count
from conference.sessions.models import SessionKind
from conference.speakers.models import Role


def link_lines(form, field) -> None:  # noqa: ANN001
    """'Label https://...' lines, each ending with an http(s) link (the people form's rule)."""
    from conference.speakers.editing import parse_links

    _links, errors = parse_links(field.data or "")
    if errors:
        raise ValidationError(" ".join(errors))


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=choices(SessionKind))
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired()])
    ends_at = LocalDateTimeField(_l("Ends"), validators=[DataRequired(), ends_after("starts_at")])
    room_id = SelectField(_l("Room"), coerce=int, choices=[])
    description = TextAreaField(
        _l("Description"), validators=[Length(max=50_000)], description=_l("Markdown.")
    )
    registration_enabled = BooleanField(_l("Attendees can register for this session"), default=True)
    capacity = optional_count(_l("Seats of its own"))
    recording_url = StringField(
        _l("Recording"), validators=[Length(max=500), http_url], description=_l("Link to the recording.")
    )
    slides_url = StringField(
        _l("Slides"), validators=[Length(max=500), http_url], description=_l("Link to the slides.")
    )
    links = TextAreaField(
        _l("Related links"),
        validators=[Length(max=5000), link_lines],
        description=_l(
            "One per line: label, then the https:// link (e.g. “Essay https://example.org/essay.pdf”)."
        ),
    )

    def __init__(self, *args, rooms=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.room_id.choices = [
            SelectChoice(0, _l("— no room —")),
            *(SelectChoice(r.id, r.name) for r in rooms),
        ]
        self.capacity.description = _l("Leave empty for no limit of its own.")


class RoomForm(FlaskForm):
    name = StringField(_l("Room name"), validators=[DataRequired(), Length(max=200)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_INT)])


class AssignmentForm(FlaskForm):
    """Add a person to a session, or change their role and place."""

    person_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_INT)])
    role = SelectField(_l("Role"), choices=choices(Role))
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])


class AssignmentEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(Role))
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])


class ConfirmForm(FlaskForm):
    """Only the CSRF token: for POST buttons."""
