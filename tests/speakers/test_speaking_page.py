"""The speaker's private page: answers through the page with CSRF, the link renewed (the old one 404), a
token that sees only its own person, the private calendar with what only speakers get, no-store."""

from __future__ import annotations

import sqlalchemy as sa
from icalendar import Calendar

from conference.db import db
from conference.events.models import AttendanceMode
from conference.mail.models import OutboxMessage
from conference.speakers import operations, private_link
from conference.speakers.models import Assignment, AssignmentStatus, Role
from tests.factories import make_person, make_session
from tests.organise.helpers import post_form
from tests.speakers.world import build


def _invited(world: dict, name: str, email: str, session=None):  # noqa: ANN001, ANN202
    person = make_person(name=name, email=email)
    session = session or world["opening"]
    session.assignments.append(
        Assignment(person=person, role=Role.PANELIST, position=len(session.assignments))
    )
    db.session.commit()
    operations.send_invitations(None, world["event"], [person])
    return person, private_link.token_of(person)


def test_accept_and_decline_through_the_page_need_the_csrf_token(app) -> None:  # noqa: ANN001
    world = build(app)
    person, token = _invited(world, "Ines Invited", "ines@example.org")
    assignment = person.assignments[0]
    client = app.test_client()
    page = f"/speaking/{token}/"
    shown = client.get(page)
    assert shown.status_code == 200 and "Opening panel" in shown.get_data(as_text=True)
    action = f"{page}assignments/{assignment.id}/answer"

    refused = client.post(action, data={"answer": "accept"})  # no CSRF token
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).status == AssignmentStatus.INVITED

    assert post_form(client, page, {"answer": "accept"}, action).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).status == AssignmentStatus.ACCEPTED

    post_form(client, page, {"answer": "decline", "note": "Ill, sorry."}, action)
    db.session.expire_all()
    changed = db.session.get(Assignment, assignment.id)
    assert changed.status == AssignmentStatus.DECLINED and changed.answer_note == "Ill, sorry."
    assert "Ill, sorry." in client.get(page).get_data(as_text=True)
    # An answer that is neither: refused with a message, nothing changes.
    post_form(client, page, {"answer": "maybe"}, action)
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).status == AssignmentStatus.DECLINED


def test_renewing_the_link_retires_the_old_one_and_mails_the_new(app) -> None:  # noqa: ANN001
    world = build(app)
    person, token = _invited(world, "Renata Renew", "renata@example.org")
    client = app.test_client()
    page = f"/speaking/{token}/"
    renewed = post_form(client, page, {}, f"{page}renew")
    assert renewed.status_code == 302
    new_page = renewed.headers["Location"]
    assert token not in new_page
    assert client.get(page).status_code == 404
    assert client.get(f"{page}calendar.ics").status_code == 404
    assert client.get(new_page).status_code == 200
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "speaker_link")).one()
    assert mail.to_address == "renata@example.org" and new_page.split("/speaking/")[1] in mail.body_text


def test_a_token_sees_and_answers_only_its_own_person(app) -> None:  # noqa: ANN001
    world = build(app)
    alice, alice_token = _invited(world, "Alice Own", "alice@example.org")
    bob, _bob_token = _invited(world, "Bob Other", "bob@example.org", world["closing"])
    bob.bio = "Bob's private draft bio"
    db.session.commit()
    client = app.test_client()
    page = f"/speaking/{alice_token}/"
    html = client.get(page).get_data(as_text=True)
    assert "Opening panel" in html and "Closing round" not in html and "Bob's private draft bio" not in html
    bob_assignment = bob.assignments[0]
    answered = post_form(client, page, {"answer": "decline"}, f"{page}assignments/{bob_assignment.id}/answer")
    assert answered.status_code == 404
    db.session.expire_all()
    assert db.session.get(Assignment, bob_assignment.id).status == AssignmentStatus.INVITED
    # Alice's profile form changes Alice only.
    post_form(client, page, {"name": "Alice Own", "bio": "Mine"}, f"{page}profile")
    db.session.expire_all()
    assert db.session.get(type(bob), bob.id).bio == "Bob's private draft bio"
    assert db.session.get(type(alice), alice.id).bio == "Mine"


def test_an_assignment_not_yet_invited_stays_off_the_page(app) -> None:  # noqa: ANN001
    world = build(app)
    person, token = _invited(world, "Held Elsewhere", "held@example.org")
    other = make_session(world["event"], title="Secret session", starts_at=world["event"].starts_at)
    other.assignments.append(Assignment(person=person, role=Role.CHAIR))
    db.session.commit()
    assert "Secret session" not in app.test_client().get(f"/speaking/{token}/").get_data(as_text=True)


def test_the_private_calendar_has_the_join_link_and_arrival_the_public_feed_does_not(app) -> None:  # noqa: ANN001
    world = build(app)
    event = world["event"]
    event.attendance_mode = AttendanceMode.HYBRID
    event.online_url = "https://meet.example.org/secret-room"
    db.session.commit()
    operations.save_speaker_settings(
        None, event, {"arrival_minutes": 30, "instructions": "Bring **slides**."}
    )
    person, token = _invited(world, "Cal Endar", "cal@example.org")
    operations.answer(person, person.assignments[0], True, "")
    client = app.test_client()
    feed = client.get(f"/speaking/{token}/calendar.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "private" in feed.headers["Cache-Control"] and "public" not in feed.headers["Cache-Control"]
    calendar = Calendar.from_ical(feed.data)
    (entry,) = calendar.walk("VEVENT")
    description = str(entry["DESCRIPTION"])
    assert "https://meet.example.org/secret-room" in description
    assert "Please arrive by 9:30\u202fAM" in description  # 10:00 Berlin, 30 minutes before (en: Babel)
    session = world["opening"]
    assert str(entry["UID"]).startswith(session.uid)  # the feeds' UID: no double entry
    public = client.get(f"/speakers/{person.slug}/calendar.ics")
    assert b"secret-room" not in public.data and b"arrive" not in public.data
    page = client.get(f"/speaking/{token}/").get_data(as_text=True)
    assert "<strong>slides</strong>" in page and "Please arrive by 9:30\u202fAM" in page


def test_declined_sessions_leave_the_private_calendar(app) -> None:  # noqa: ANN001
    world = build(app)
    person, token = _invited(world, "Dee Clined", "dee@example.org")
    operations.answer(person, person.assignments[0], False, "no")
    calendar = Calendar.from_ical(app.test_client().get(f"/speaking/{token}/calendar.ics").data)
    assert calendar.walk("VEVENT") == []


def test_speaker_pages_are_never_stored_and_the_token_is_masked_in_logs(app) -> None:  # noqa: ANN001
    from conference.access_log import mask_secrets

    world = build(app)
    _person, token = _invited(world, "No Store", "ns@example.org")
    response = app.test_client().get(f"/speaking/{token}/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    line = f'"GET /speaking/{token}/calendar.ics HTTP/1.1" 200'
    assert token not in mask_secrets(line)


def test_an_organiser_can_record_an_answer_given_elsewhere(app) -> None:  # noqa: ANN001
    from tests.organise.helpers import Visitor

    world = build(app)
    person, _token = _invited(world, "Phone Answer", "phone@example.org")
    assignment = person.assignments[0]
    owner = Visitor(app, world["owner"])
    owner.post(f"/organise/events/panel/speakers/assignments/{assignment.id}/answer", {"answer": "accept"})
    db.session.expire_all()
    recorded = db.session.get(Assignment, assignment.id)
    assert recorded.status == AssignmentStatus.ACCEPTED and recorded.confirmed_by_organiser
    assert "Confirmed by an organiser" in owner.get("/organise/events/panel/speakers").get_data(as_text=True)


def test_a_decline_is_a_gap_on_the_timetable_and_counts_in_the_clash_panel(app) -> None:  # noqa: ANN001
    from tests.organise.helpers import Visitor

    world = build(app)
    person, _token = _invited(world, "Gap Maker", "gap@example.org")
    owner = Visitor(app, world["owner"])
    before = owner.get("/organise/events/panel/timetable").get_data(as_text=True)
    assert "Gap: Gap Maker declined" not in before and 'id="clashes-heading"' not in before
    operations.answer(person, person.assignments[0], False, "Cannot come")
    timetable = owner.get("/organise/events/panel/timetable").get_data(as_text=True)
    assert "Gap: Gap Maker declined" in timetable
    assert 'id="clashes-heading"' in timetable and "Gap Maker declined, a gap in the programme" in timetable
    session_page = owner.get(f"/organise/events/panel/sessions/{world['opening'].id}/edit").get_data(
        as_text=True
    )
    assert "Gap Maker declined, a gap in the programme" in session_page


def test_the_person_page_shows_each_assignments_state_and_note(app) -> None:  # noqa: ANN001
    from tests.organise.helpers import Visitor

    world = build(app)
    person, _token = _invited(world, "State Shown", "state@example.org")
    operations.answer(person, person.assignments[0], False, "Teaching that day")
    page = Visitor(app, world["owner"]).get(f"/organise/people/{person.id}/edit").get_data(as_text=True)
    assert "Declined" in page and "Teaching that day" in page
