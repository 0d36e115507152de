"""The compose form of an announcement: the text, and the audience as the organiser chooses it. The form's
choices become the audience JSON that the API takes too (`to_audience`), read by the one set of rules in
`conference.announcements.audience`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from conference import translations
from conference.announcements.audience import answer_label, answer_values
from conference.announcements.operations import MAX_BODY, MAX_SUBJECT
from conference.events.models import Event
from conference.inputs import FlaskForm
from conference.labels import choices
from conference.registrations.forms import MultiCheckboxField
from conference.registrations.models import Question, RegistrationMode, RegistrationStatus
from conference.sessions.models import Session

YES, NO = "yes", "no"


class AnnouncementForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=MAX_SUBJECT)])
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description=_l("Markdown: **bold**, *italic*, [a link](https://example.org), lists with “- ”."),
    )
    status = MultiCheckboxField(
        _l("Registration status"),
        choices=choices(RegistrationStatus),
        default=[RegistrationStatus.CONFIRMED.value],
        validators=[DataRequired(_l("Choose at least one status."))],
    )
    mode = SelectField(
        _l("Attendance"),
        choices=[SelectChoice("", _l("In person and online")), *choices(RegistrationMode)],
        validators=[Optional()],
    )
    sessions = MultiCheckboxField(
        _l("Registered for"),
        coerce=int,
        description=_l("Tick none for everyone, whatever their sessions."),
    )
    checked_in = SelectField(
        _l("Check-in"),
        choices=[
            SelectChoice("", _l("Checked in or not")),
            SelectChoice(YES, _l("Checked in")),
            SelectChoice(NO, _l("Not checked in")),
        ],
        validators=[Optional()],
    )
    answer = SelectField(_l("Answer to a registration question"), validators=[Optional()])
    # The compose form's idempotency key (a repeated send finds the announcement already sent) and the
    # count shown on the preview (the count at sending may differ; the page says so).
    key = HiddenField()
    previewed = HiddenField()

    def set_event_choices(self, event: Event, sessions: list[Session], questions: list[Question]) -> None:
        self.sessions.choices = [SelectChoice(s.id, str(translations.text(s, "title"))) for s in sessions]
        answers = [SelectChoice("", str(_l("Any answer, or none")))]
        for question in questions:
            question_label = str(translations.text(question, "label"))
            for index, value in enumerate(answer_values(question)):
                answers.append(
                    SelectChoice(f"{question.id}:{index}", f"{question_label}: {answer_label(value)}")
                )
        self.answer.choices = answers
        self._questions = {q.id: q for q in questions}

    def to_audience(self) -> dict:
        audience: dict = {"status": list(self.status.data or [])}
        if self.mode.data:
            audience["mode"] = self.mode.data
        if self.sessions.data:
            audience["sessions"] = list(self.sessions.data)
        if self.checked_in.data in (YES, NO):
            audience["checked_in"] = self.checked_in.data == YES
        if self.answer.data:
            question_id, _, index = self.answer.data.partition(":")
            question = self._questions.get(int(question_id)) if question_id.isdigit() else None
            values = answer_values(question) if question is not None else []
            if index.isdigit() and int(index) < len(values):
                audience["question"] = {"id": question.id, "answer": values[int(index)]}
        return audience

    def fill(self, audience: dict) -> None:
        """Show a stored or pre-filled audience in the form."""
        self.status.data = list(audience.get("status", [RegistrationStatus.CONFIRMED.value]))
        self.mode.data = audience.get("mode") or ""
        self.sessions.data = list(audience.get("sessions", []))
        checked_in = audience.get("checked_in")
        self.checked_in.data = "" if checked_in is None else (YES if checked_in else NO)
        question = audience.get("question")
        self.answer.data = ""
        if question and question.get("id") in self._questions:
            values = answer_values(self._questions[question["id"]])
            if question.get("answer") in values:
                self.answer.data = f"{question['id']}:{values.index(question['answer'])}"
