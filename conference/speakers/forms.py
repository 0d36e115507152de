"""Forms for people: the organiser's, and the speaker's own page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from conference.addresses import EmailAddress
from conference.inputs import FlaskForm
from conference.labels import choices
from conference.organise.fields import MAX_INT
from conference.registrations.forms import MultiCheckboxField
from conference.speakers.models import Role
from conference.translations import language_choices
from conference.zones import known_language, known_zone
from conference.zones import language_choices as mail_language_choices


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


PUBLIC_CHOICES = [
    SelectChoice("position", _l("Position")),
    SelectChoice("affiliation", _l("Affiliation")),
    SelectChoice("bio", _l("Short biography")),
    SelectChoice("links", _l("Links")),
    SelectChoice("pronouns", _l("Pronouns")),
    SelectChoice("photo", _l("Photo")),
]


class ProfileForm(FlaskForm):
    """The profile a speaker keeps on their page (organisers edit the same fields on the people page)."""

    name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As the programme shows it."),
    )
    pronouns = StringField(
        _l("Pronouns"), validators=[Length(max=60)], description=_l("Optional, e.g. she/her.")
    )
    position = StringField(
        _l("Position"), validators=[Length(max=300)], description=_l("e.g. Professor of Law")
    )
    affiliation = StringField(_l("Affiliation"), validators=[Length(max=300)])
    bio = TextAreaField(
        _l("Short biography"),
        validators=[Length(max=10_000)],
        description=_l("Markdown: *italic*, **bold**, links."),
    )
    links = TextAreaField(
        _l("Links"),
        validators=[Length(max=5000)],
        description=_l("One per line: label, then the https:// link (e.g. “Website https://example.org”)."),
    )
    mail_language = SelectField(_l("Language of our mails"), validate_choice=False)
    timezone = SelectField(
        _l("Your time zone"),
        validate_choice=False,
        description=_l("Our mails give each time in the event's zone and in yours."),
    )
    photo = FileField(_l("Photo"), description=_l("JPEG, PNG or WebP."))
    remove_photo = BooleanField(_l("Remove the photo"))
    public = MultiCheckboxField(
        _l("Show on public pages"),
        choices=PUBLIC_CHOICES,
        description=_l("Your name is always shown with your sessions; untick what should stay private."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        from conference.registrations.forms import zone_field_choices

        super().__init__(*args, **kwargs)
        self.mail_language.choices = [
            SelectChoice("", _l("Not given: the site's language")),
            *(SelectChoice(code, name) for code, name in mail_language_choices()),
        ]
        self.timezone.choices = zone_field_choices(str(_l("Not given: the event's zone only")))

    def validate_mail_language(self, field) -> None:  # noqa: ANN001
        if field.data and not known_language(field.data):
            raise ValidationError(_l("Choose a language from the list."))

    def validate_timezone(self, field) -> None:  # noqa: ANN001
        if field.data and not known_zone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))


class AnswerForm(FlaskForm):
    """Accept or decline one session on the speaker's page."""

    answer = SelectField(
        _l("Answer"), choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))]
    )
    note = TextAreaField(_l("Note to the organisers (optional)"), validators=[Length(max=2000)])


class SpeakerSettingsForm(FlaskForm):
    """An event's settings for its speakers (the organiser's Speakers page)."""

    invitation_message = TextAreaField(
        _l("Message in the invitation"),
        validators=[Length(max=5000)],
        description=_l("Your own words at the top of every invitation; the sessions and the link follow."),
    )
    instructions = TextAreaField(
        _l("Instructions for speakers"),
        validators=[Length(max=10_000)],
        description=_l("Markdown, shown on each speaker's page: travel, technical check, slides."),
    )
    confirmed_only = BooleanField(
        _l("Show only speakers who have accepted (or whom you confirmed) on public pages")
    )
    hold_invitations = BooleanField(
        _l("Hold invitations: assigning someone sends nothing until you send the invitations")
    )
    reply_days = IntegerField(
        _l("Mark as “no reply” after this many days"),
        validators=[Optional(), NumberRange(min=1, max=365)],
        description=_l("Empty: the site's default."),
    )
    arrival_minutes = IntegerField(
        _l("Speakers arrive this many minutes before their session"),
        validators=[Optional(), NumberRange(min=0, max=24 * 60)],
        description=_l("Shown on their page and in their private calendar. Empty: not said."),
    )


class ConfirmAnswerForm(FlaskForm):
    """An organiser records a speaker's answer given elsewhere."""

    answer = SelectField(
        _l("Answer"),
        choices=[SelectChoice("accept", _l("Accepted")), SelectChoice("decline", _l("Declined"))],
    )
    note = StringField(_l("Note"), validators=[Length(max=2000)])
