"""Organiser forms for people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from conference.addresses import EmailAddress
from conference.inputs import FlaskForm
from conference.labels import choices
from conference.organise.fields import MAX_INT
from conference.speakers.models import Role
from conference.translations import language_choices


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(
        _l("Position"), validators=[Length(max=300)], description=_l("e.g. Professor of Law")
    )
    affiliation = StringField(_l("Affiliation"), validators=[Length(max=300)])
    bio = TextAreaField(_l("Short biography"), validators=[Length(max=10_000)])
    language = SelectField(
        _l("Language of position and biography"),
        choices=[],
        default="en",
        description=_l("Translations into other languages go below."),
    )
    email = EmailField(
        _l("Email"),
        validators=[Optional(), EmailAddress(), Length(max=320)],
        description=_l("Private: never shown publicly."),
    )
    links = TextAreaField(
        _l("Links"),
        validators=[Length(max=5000)],
        description=_l("One per line: label, then the https:// link (e.g. “Website https://example.org”)."),
    )
    create_anyway = BooleanField(_l("This is a different person: create anyway"))

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name) for code, name in language_choices()]


class NewSpeakerForm(PersonForm):
    """Create a person and put them into a session in one step."""

    role = SelectField(_l("Role"), choices=choices(Role))


class MergeForm(FlaskForm):
    keep_id = IntegerField(_l("Keep"), validators=[DataRequired(), NumberRange(min=1, max=MAX_INT)])
    merge_id = IntegerField(
        _l("Merge into it and remove"), validators=[DataRequired(), NumberRange(min=1, max=MAX_INT)]
    )
