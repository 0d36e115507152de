"""Organiser forms for events, series, organisations, publications, teams and duplication."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from conference.addresses import EmailAddress
from conference.auth.models import TeamRole
from conference.events.models import AttendanceMode, EventKind, OrganisationRole
from conference.inputs import FlaskForm
from conference.labels import choices
from conference.organise.fields import LocalDateTimeField, ends_after, http_url
from conference.timeutil import all_timezones
from conference.translations import language_choices

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and hyphens only."))


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Web address"),
        validators=[Optional(), Length(max=120), SLUG],
        description=_l("Part of the public link /events/…/. Leave empty to make one from the title."),
    )
    kind = SelectField(_l("Kind"), choices=choices(EventKind))
    language = SelectField(
        _l("Language"),
        choices=[],
        default="en",
        description=_l(
            "The language this event's own texts are written in; translations into others go below."
        ),
    )
    summary = TextAreaField(
        _l("Summary"), validators=[Length(max=2000)], description=_l("One or two sentences.")
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=50_000)],
        description=_l("Markdown: *emphasis*, lists, links."),
    )
    timezone = SelectField(_l("Time zone"), choices=[], validators=[DataRequired()])
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired()])
    ends_at = LocalDateTimeField(_l("Ends"), validators=[DataRequired(), ends_after("starts_at")])
    attendance_mode = SelectField(_l("Attendance"), choices=choices(AttendanceMode))
    venue_name = StringField(_l("Venue"), validators=[Length(max=300)])
    venue_address = StringField(_l("Address"), validators=[Length(max=500)])
    city = StringField(_l("City"), validators=[Length(max=120)])
    country = StringField(_l("Country"), validators=[Length(max=120)])
    online_url = StringField(
        _l("Online join link"),
        validators=[Length(max=500), http_url],
        description=_l("Shown only to confirmed registrants."),
    )
    hashtag = StringField(_l("Hashtag"), validators=[Length(max=100)])
    reply_to = EmailField(
        _l("Replies to mail go to"),
        validators=[Optional(), Length(max=320), EmailAddress()],
        description=_l(
            "An address of the organisers. The event's mail is sent from the site's address; when someone "
            "presses Reply, their answer goes here. Leave empty to keep the site's address."
        ),
    )
    series_id = SelectField(_l("Series"), coerce=int, choices=[], validate_choice=True)

    def __init__(self, *args, series_choices: list[SelectChoice] | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(zone) for zone in all_timezones()]
        self.language.choices = [SelectChoice(code, name) for code, name in language_choices()]
        self.series_id.choices = [SelectChoice(0, _l("— none —")), *(series_choices or [])]


class DuplicateForm(FlaskForm):
    title = StringField(_l("Title of the new event"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(_l("Web address"), validators=[Optional(), Length(max=120), SLUG])
    starts_at = LocalDateTimeField(
        _l("New start"),
        validators=[DataRequired()],
        description=_l("Every session moves with the event, keeping its local time of day."),
    )


class PublishForm(FlaskForm):
    confirm = BooleanField(_l("Publish although there are clashes"))


class SeriesForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(_l("Short name for links"), validators=[Optional(), Length(max=120), SLUG])
    description = TextAreaField(_l("Description"), validators=[Length(max=20_000)])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    short_name = StringField(_l("Short name"), validators=[Length(max=60)])
    url = StringField(_l("Website"), validators=[Length(max=500), http_url])
    country = StringField(_l("Country"), validators=[Length(max=100)])


class EventOrganisationForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[])
    new_name = StringField(
        _l("…or a new organisation"),
        validators=[Length(max=300)],
        description=_l("Used when no organisation is chosen."),
    )
    role = SelectField(
        _l("Part"),
        choices=choices(OrganisationRole),
    )


class PublicationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=400)])
    kind = StringField(_l("Type"), validators=[Length(max=60)], description=_l("e.g. Report, Analysis"))
    published_on = DateField(_l("Date"), validators=[Optional()])
    authors = StringField(_l("Authors"), validators=[Length(max=400)])
    url = StringField(_l("Link"), validators=[Length(max=500), http_url])


class TeamMemberForm(FlaskForm):
    email = EmailField(_l("Organiser's email"), validators=[DataRequired(), EmailAddress(), Length(max=320)])
    role = SelectField(_l("Role"), choices=choices(TeamRole))


class TeamRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(TeamRole))


class FollowSeriesForm(FlaskForm):
    email = EmailField(
        _l("Your e-mail address"),
        validators=[DataRequired(), Length(max=320), EmailAddress()],
        description=_l("Used only to tell you of this series' new events. You can stop in one click."),
    )


class ConfirmForm(FlaskForm):
    """A button, with its CSRF token."""
