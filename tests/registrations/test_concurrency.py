"""Many concurrent registrations for a small panel through gunicorn with several workers (real server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bench.registration import hammer, start_gunicorn, stop
from conference.db import db
from conference.mail.models import OutboxMessage
from conference.registrations.models import Registration, SeatStatus, SessionSeat
from conference.sessions.models import Session
from tests.factories import make_event, make_session


@pytest.fixture
def served(app, database_url):  # noqa: ANN001, ANN201
    process, base = start_gunicorn(database_url, workers=3)
    try:
        yield base
    finally:
        stop(process)


def test_concurrent_registrations_fill_exactly_the_capacity(app, served) -> None:  # noqa: ANN001
    event = make_event(slug="crowded", capacity_in_person=5)
    panel = make_session(event, capacity=3, starts_at=event.starts_at + timedelta(hours=1))
    db.session.commit()

    result = hammer(served, "crowded", total=80, clients=16, session_ids=[panel.id])

    assert result["codes"] == {201: 80}
    assert result["statuses"] == {"confirmed": 5, "waitlisted": 75}
    db.session.rollback()  # end the read snapshot taken before the requests
    panel = db.session.get(Session, panel.id)
    assert panel.seats_taken == 3
    confirmed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SessionSeat)
        .where(SessionSeat.session_id == panel.id, SessionSeat.status == SeatStatus.CONFIRMED)
    )
    assert confirmed == 3
    assert db.session.get(type(event), event.id).seats_taken_in_person == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 80
    # Each registrant got exactly one mail, and it tells what they really got (the rows and the mail
    # are written for the predicted outcome and redone when a race for the last seat goes the other way).
    mails = db.session.execute(sa.select(OutboxMessage.registration_id, OutboxMessage.kind)).all()
    statuses = dict(db.session.execute(sa.select(Registration.id, Registration.status)).all())
    assert sorted(registration_id for registration_id, _kind in mails) == sorted(statuses)
    assert all(kind == statuses[registration_id].value for registration_id, kind in mails)
    seats = db.session.execute(
        sa.select(Registration.status, SessionSeat.status).join(SessionSeat.registration)
    ).all()
    assert all(seat == SeatStatus.WAITLISTED for status, seat in seats if status != "confirmed")


def test_concurrent_duplicates_of_one_email_make_one_registration(app, served) -> None:  # noqa: ANN001
    import http.client
    import json
    import threading

    event = make_event(slug="dupes")
    db.session.commit()
    host, port = served.removeprefix("http://").split(":")
    codes = []

    def post() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        body = json.dumps({"name": "Same", "email": "same@example.org", "consent": True})
        conn.request("POST", "/api/v1/events/dupes/registrations", body, {"Content-Type": "application/json"})
        codes.append(conn.getresponse().status)

    threads = [threading.Thread(target=post) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.rollback()
    assert sorted(codes) == [201] + [202] * 11
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    assert db.session.get(type(event), event.id).seats_taken_in_person == 1
    # One confirmation; the repeats mail the link at most once (one link mail per address per interval).
    kinds = sorted(db.session.scalars(sa.select(OutboxMessage.kind)))
    assert kinds in (["confirmed"], ["confirmed", "manage_link"])


def test_fifty_concurrent_repeats_of_one_registration_queue_one_link_mail(app, served) -> None:  # noqa: ANN001
    import http.client
    import json
    import threading

    make_event(slug="repeats")
    db.session.commit()
    host, port = served.removeprefix("http://").split(":")
    body = json.dumps({"name": "Same", "email": "same@example.org", "consent": True})

    def post() -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        conn.request(
            "POST", "/api/v1/events/repeats/registrations", body, {"Content-Type": "application/json"}
        )
        response = conn.getresponse()
        return response.status, response.read()

    first_code, first_body = post()
    assert first_code == 201
    token = json.loads(first_body)["manage_url"].rstrip("/").rsplit("/", 1)[1]
    answers = []
    start = threading.Barrier(50)

    def repeat() -> None:
        start.wait()
        answers.append(post())

    threads = [threading.Thread(target=repeat) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _body in answers] == [202] * 50
    assert {json.loads(data)["status"] for _code, data in answers} == {"link_sent"}
    assert not any(token.encode() in data for _code, data in answers)
    db.session.rollback()
    links = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "manage_link")).all()
    assert len(links) == 1 and links[0].to_address == "same@example.org"


def test_concurrent_returns_of_one_cancelled_registrant_take_one_seat(app, served) -> None:  # noqa: ANN001
    from conference.events.models import Event
    from conference.registrations import capacity

    event = make_event(slug="comeback", capacity_in_person=5)
    db.session.commit()
    result = hammer(served, "comeback", total=1, clients=1, session_ids=[])
    assert result["codes"] == {201: 1}
    db.session.rollback()
    capacity.cancel(db.session.scalars(sa.select(Registration)).one())

    # Twelve requests bring back the same address at once (bench0@example.org, as hammer numbers them).
    import threading

    results = []

    def again() -> None:
        results.append(hammer(served, "comeback", total=1, clients=1, session_ids=[]))

    threads = [threading.Thread(target=again) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(code for r in results for code in r["codes"])
    assert codes == [202] * 12  # one revives it, eleven find it registered: all are told the link was sent
    db.session.rollback()
    registration = db.session.scalars(sa.select(Registration)).one()
    assert registration.status == "confirmed" and registration.holds_event_seat
    assert db.session.get(Event, event.id).seats_taken_in_person == 1
    # The revival's mail to the address holds the new link; the repeats right after it send nothing more.
    kinds = sorted(db.session.scalars(sa.select(OutboxMessage.kind)))
    assert kinds == ["cancelled", "confirmed", "confirmed"]
