"""The programme as a PDF: read back with pypdf (days, times in the event's zone, titles, people, scripts)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from conference.db import db
from conference.events.models import EventStatus
from conference.sessions.models import SessionStatus
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_room, make_session


def _text(data: bytes) -> str:
    # pypdf puts a NUL before each character of a CID-keyed CFF font (Noto CJK); the PDF's map is right.
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")


def test_programme_pdf_has_the_programme(client, app):
    starts = datetime(2027, 2, 3, 2, 0, tzinfo=UTC)  # 09:00 in Bangkok
    event = make_event(slug="cm", title="Chiang Mai Symposium", timezone="Asia/Bangkok", starts_at=starts,
                       ends_at=starts + timedelta(days=2), venue_name="CMU", city="Chiang Mai")  # fmt: skip
    room = make_room(event, "Hall 1")
    person = make_person(name="สมชาย ใจดี")
    make_session(event, title="ความมั่นคงของมนุษย์", starts_at=starts, room=room, people=[(person, Role.CHAIR)])
    make_session(event, title="東アジアの記憶", starts_at=starts + timedelta(days=1))
    gone = make_session(event, title="Dropped talk", starts_at=starts + timedelta(days=1, hours=3))
    db.session.commit()
    gone.status = SessionStatus.CANCELLED
    db.session.commit()
    response = client.get("/events/cm/programme.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    for expected in ("Chiang Mai Symposium", "Hall 1", "ความมั่นคงของมนุษย์", "สมชาย ใจดี (Chair)", "東アジアの記憶",
                     "Dropped talk (Cancelled)", "Wednesday, February 3, 2027", "Thursday, February 4, 2027",
                     "9:00", "Asia/Bangkok"):  # fmt: skip
        assert expected in text, (expected, text)
    assert "/events/cm/programme.pdf" in client.get("/events/cm/").get_data(as_text=True)
    event.status = EventStatus.DRAFT
    db.session.commit()
    assert client.get("/events/cm/programme.pdf").status_code == 404
