"""The demo mailbox `make run` shows instead of sending mail, with the attachments the sender would make."""

from __future__ import annotations

import re

from conference.db import db
from tests.factories import make_event, make_session


def _register(client, panel_id: int) -> None:  # noqa: ANN001
    response = client.post(
        "/api/v1/events/ev/registrations",
        json={
            "name": "Aiko Tanaka",
            "email": "aiko@example.org",
            "attendance_mode": "in_person",
            "session_ids": [panel_id],
            "consent": True,
        },
    )
    assert response.status_code == 201


def test_the_mailbox_shows_mail_and_serves_its_attachments_in_demo_mode(client, app) -> None:  # noqa: ANN001
    app.config["DEMO_MODE"] = True
    event = make_event(slug="ev")
    panel = make_session(event, title="Memory panel")
    db.session.commit()
    _register(client, panel.id)

    page = client.get("/demo-mailbox/").get_data(as_text=True)
    assert "Your registration is confirmed" in page and "aiko@example.org" in page
    links = dict(
        (name, href) for href, name in re.findall(r'<a href="(/demo-mailbox/\d+/[^"]+)">([^<]+)</a>', page)
    )
    assert set(links) == {"agenda.ics", "checkin-code.png"}
    agenda = client.get(links["agenda.ics"])
    assert agenda.mimetype == "text/calendar" and "Memory panel" in agenda.get_data(as_text=True)
    code = client.get(links["checkin-code.png"])
    assert code.mimetype == "image/png" and code.data.startswith(b"\x89PNG")
    assert client.get(links["agenda.ics"].rsplit("/", 1)[0] + "/other.txt").status_code == 404


def test_the_mailbox_does_not_exist_outside_demo_mode(client, app) -> None:  # noqa: ANN001
    app.config["DEMO_MODE"] = False
    event = make_event(slug="ev")
    panel = make_session(event)
    db.session.commit()
    _register(client, panel.id)
    assert client.get("/demo-mailbox/").status_code == 404
    assert client.get("/demo-mailbox/1/agenda.ics").status_code == 404
