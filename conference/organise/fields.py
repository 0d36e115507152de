"""Form fields and validators shared by the organiser forms."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField
from wtforms.validators import NumberRange, Optional, ValidationError

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
MAX_INT = 2_000_000_000


class LocalDateTimeField(DateTimeLocalField):
    """An <input type=datetime-local>: wall-clock time in the event's zone (converted by the caller)."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:  # noqa: ANN001
        kwargs.setdefault("format", LOCAL_FORMATS)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Enter a date and time, e.g. 2025-11-04 09:30.")) from error
        if self.data is not None and not (1900 <= self.data.year <= 2200):
            self.data = None
            raise ValueError(_l("Enter a year between 1900 and 2200."))


def optional_count(label: str) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=MAX_INT)])


def http_url(form, field) -> None:  # noqa: ANN001
    """Only http and https links (no javascript:, data: ...)."""
    value = (field.data or "").strip()
    field.data = value
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError(_l("Enter a link starting with https:// or http://."))


def ends_after(start_field: str):  # noqa: ANN201
    def check(form, field) -> None:  # noqa: ANN001
        start: datetime | None = form[start_field].data
        if start is not None and field.data is not None and field.data <= start:
            raise ValidationError(_l("The end must be after the start."))

    return check
