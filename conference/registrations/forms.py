"""Forms of the registration area: the public form (with the organiser's questions), manage, settings."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from conference import translations
from conference.addresses import EmailAddress
from conference.events.models import AttendanceMode, Event
from conference.inputs import FlaskForm
from conference.labels import choices
from conference.registrations.models import CHOICE_KINDS, Question, QuestionKind, RegistrationMode
from conference.zones import known_language, known_zone, language_choices, zone_options

# Territory codes that are not countries for our purposes.
_NOT_COUNTRIES = {"EU", "EZ", "UN"}


def _is_country(code: str) -> bool:
    """Two letters, not a grouping, and not ISO 3166's user-assigned range (AA, QM-QZ, XA-XZ, ZZ), where
    CLDR keeps "Outlying Oceania", "Unknown Region" and its pseudo-locale test territories ("Pseudo-Accents",
    "Pseudo-Bidi"); Kosovo's XK is the one user-assigned code in common use."""
    if len(code) != 2 or not code.isalpha() or not code.isupper() or code in _NOT_COUNTRIES:
        return False
    user_assigned = code in ("AA", "ZZ") or "QM" <= code <= "QZ" or code.startswith("X")
    return not user_assigned or code == "XK"


@cache
def _countries(locale: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(locale).territories
    return tuple(sorted(((c, n) for c, n in territories.items() if _is_country(c)), key=lambda p: p[1]))


def country_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in _countries(str(get_locale() or "en"))]


def country_codes() -> set[str]:
    return {code for code, _ in _countries("en")}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def registration_modes(event: Event) -> list[RegistrationMode]:
    """How one may attend this event (the choices of the form and the API)."""
    if event.attendance_mode == AttendanceMode.ONLINE:
        return [RegistrationMode.ONLINE]
    if event.attendance_mode == AttendanceMode.IN_PERSON:
        return [RegistrationMode.IN_PERSON]
    return [RegistrationMode.IN_PERSON, RegistrationMode.ONLINE]


def mode_choices(event: Event) -> list[SelectChoice]:
    return choices(RegistrationMode, registration_modes(event))


class _Country:
    def __call__(self, form, field) -> None:  # noqa: ANN001
        if field.data and field.data not in country_codes():
            raise ValidationError(_l("Choose a country from the list."))


class _Zone:
    def __call__(self, form, field) -> None:  # noqa: ANN001
        if field.data and not known_zone(field.data):
            raise ValidationError(gettext("Choose a time zone from the list."))


class _Language:
    def __call__(self, form, field) -> None:  # noqa: ANN001
        if not known_language(field.data):
            raise ValidationError(gettext("Choose a language from the list."))


def zone_field_choices(empty_label: str | None = None) -> list[SelectChoice]:
    """The zones as a select offers them ('Asia/Seoul (UTC+09:00)'), after an empty choice if labelled."""
    zones = [SelectChoice(zone, text) for zone, text in zone_options()]
    return [SelectChoice("", empty_label), *zones] if empty_label else zones


class BaseRegistrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320), EmailAddress()])
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=300)])
    country = SelectField(_l("Country"), validators=[Optional(), _Country()], validate_choice=False)
    timezone = SelectField(
        _l("Your time zone"),
        validators=[Optional(), _Zone()],
        validate_choice=False,
        description=_l("Our mails give each time in the event's zone and in yours."),
    )
    attendance_mode = RadioField(_l("How will you attend?"), validators=[InputRequired()])
    sessions = MultiCheckboxField(_l("Sessions you want to attend"), coerce=int, validate_choice=False)
    accessibility_needs = TextAreaField(
        _l("Accessibility needs (optional)"), validators=[Optional(), Length(max=2000)]
    )
    consent = BooleanField(
        _l("I agree that the organisers store these details to run the event and write to me about it."),
        validators=[DataRequired(_l("Please agree so that we can register you."))],
    )
    idempotency_key = HiddenField()


def question_field_name(question: Question) -> str:
    return f"q_{question.id}"


def _question_field(question: Question):  # noqa: ANN202
    validators = [DataRequired()] if question.required else [Optional()]
    # In the reader's language where translated, marked with its own `lang` where not the page's; the
    # answer keeps the choice in the event's language (conference/translations.py).
    label = translations.inline(translations.text(question, "label"))
    help_text = translations.inline(translations.text(question, "help_text")) if question.help_text else ""
    options = [
        SelectChoice(value, translations.inline(text)) for value, text in translations.choice_labels(question)
    ]
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return StringField(label, validators=[*validators, Length(max=500)], description=help_text)
    if kind == QuestionKind.LONG_TEXT:
        return TextAreaField(label, validators=[*validators, Length(max=5000)], description=help_text)
    if kind == QuestionKind.SINGLE_CHOICE:
        return RadioField(label, choices=options, validators=validators, description=help_text)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return MultiCheckboxField(label, choices=options, validators=validators, description=help_text)
    if kind == QuestionKind.CHECKBOX:
        return BooleanField(label, validators=validators, description=help_text)
    return SelectField(
        label, validators=[*validators, _Country()], description=help_text, validate_choice=False
    )


def registration_form(
    event: Event, sessions: list, questions: list[Question], **kwargs
) -> BaseRegistrationForm:
    """The form for this event, with one field per question (named q_<id>)."""

    class EventRegistrationForm(BaseRegistrationForm):
        pass

    for question in questions:
        setattr(EventRegistrationForm, question_field_name(question), _question_field(question))
    form = EventRegistrationForm(**kwargs)
    form.attendance_mode.choices = mode_choices(event)
    if len(form.attendance_mode.choices) == 1 and not form.attendance_mode.data:
        form.attendance_mode.data = form.attendance_mode.choices[0].value
    form.sessions.choices = [
        SelectChoice(s.id, translations.inline(translations.text(s, "title"))) for s in sessions
    ]
    countries = [SelectChoice("", "—"), *country_choices()]
    form.country.choices = countries
    form.timezone.choices = zone_field_choices(str(_l("From my country, or the event's zone")))
    for question in questions:
        if question.kind == QuestionKind.COUNTRY:
            getattr(form, question_field_name(question)).choices = countries
    return form


def answers_from(form: BaseRegistrationForm, questions: list[Question]) -> dict[int, tuple[str, object]]:
    answers: dict[int, tuple[str, object]] = {}
    for question in questions:
        value = getattr(form, question_field_name(question)).data
        if value in (None, "", []):
            continue
        if question.kind == QuestionKind.CHECKBOX and not value:
            continue
        answers[question.id] = (question.label, value)
    return answers


class ManageForm(FlaskForm):
    attendance_mode = RadioField(_l("How will you attend?"), validators=[InputRequired()])
    sessions = MultiCheckboxField(_l("Sessions"), coerce=int, validate_choice=False)


class PreferencesForm(FlaskForm):
    """The registrant's language and time zone, in which every mail to them is written."""

    language = SelectField(_l("Language of our mails"), validators=[_Language()], validate_choice=False)
    timezone = SelectField(_l("Your time zone"), validators=[DataRequired(), _Zone()], validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name) for code, name in language_choices()]
        self.timezone.choices = zone_field_choices()


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that POST."""


class LostLinkForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320), EmailAddress()])


class SettingsForm(FlaskForm):
    registration_enabled = BooleanField(_l("Registration enabled"))
    registration_opens_at = DateTimeLocalField(
        _l("Opens at (event's local time)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    registration_closes_at = DateTimeLocalField(
        _l("Closes at (event's local time)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    capacity_in_person = IntegerField(
        _l("Capacity in person (empty: no limit)"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    capacity_online = IntegerField(
        _l("Capacity online (empty: no limit)"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    waitlist_enabled = BooleanField(_l("Waiting list when full"))
    approval_required = BooleanField(_l("Organisers approve each registration by hand"))


class QuestionForm(FlaskForm):
    label = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    help_text = StringField(_l("Help text"), validators=[Optional(), Length(max=500)])
    kind = SelectField(
        _l("Kind"),
        choices=choices(QuestionKind),
    )
    # No Optional() here: it would end validation of an empty field before validate_options runs.
    options = TextAreaField(_l("Choices, one per line (single and multiple choice)"))
    required = BooleanField(_l("Required"))

    def validate_options(self, field) -> None:  # noqa: ANN001
        """A choice question needs choices: without them nobody could answer it (and a required one would
        block every registration)."""
        if self.kind.data in CHOICE_KINDS and len(self.option_list()) < 2:
            raise ValidationError(_l("Give at least two choices, one per line."))

    def option_list(self) -> list[str]:
        seen: list[str] = []
        for line in (self.options.data or "").splitlines():
            line = line.strip()[:200]
            if line and line not in seen:
                seen.append(line)
        return seen


class SessionCapacityForm(FlaskForm):
    """Per-session capacity: fields named cap_<session id> are read from the request directly."""
