"""A speaker's own time zone and mail language (kept on their page or by an organiser): the invitation and the
change notices give each time in the event's zone and in theirs, in their language; an unknown zone or
language is refused with a message and nothing is saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.mail import sender
from conference.sessions import operations as session_operations
from conference.sessions.models import Session
from conference.speakers import operations, private_link
from conference.speakers.models import Assignment, Person, Role
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor, post_form
from tests.speakers.world import body, mails

NEW_YORK_START = datetime(2031, 3, 10, 14, 0, tzinfo=UTC)  # 10:00 EDT, 23:00 KST


def _new_york_event():  # noqa: ANN202
    event = make_event(slug="forum", title="Forum", starts_at=NEW_YORK_START, timezone="America/New_York")
    session = make_session(
        event, title="Keynote", starts_at=NEW_YORK_START, ends_at=NEW_YORK_START + timedelta(hours=1)
    )
    owner = make_user("owner@example.org")
    add_member(event, owner, "owner")
    db.session.commit()
    return event, session, owner


def _assign(event, session, person) -> None:  # noqa: ANN001
    session.assignments.append(
        Assignment(person=person, role=Role.SPEAKER, position=len(session.assignments))
    )
    db.session.commit()
    operations.send_invitations(None, event, [person])


def _later():  # noqa: ANN202
    return utcnow() + timedelta(hours=1)


def _profile(name: str, **fields) -> dict:  # noqa: ANN003
    return {"name": name, "public": ["bio"], **fields}


def test_a_speaker_in_seoul_gets_both_clocks_in_the_invitation_over_smtp(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, session, _owner = _new_york_event()
    other = make_event(slug="earlier", title="Earlier", starts_at=NEW_YORK_START, timezone="America/New_York")
    earlier = make_session(other, title="Warm-up")
    seoul = make_person(name="Min Seoul", email="min@example.org")
    db.session.commit()
    _assign(other, earlier, seoul)  # the link to their page comes with a first invitation
    token = private_link.token_of(seoul)
    page = f"/speaking/{token}/"
    client = app.test_client()
    saved = post_form(client, page, _profile("Min Seoul", timezone="Asia/Seoul"), f"{page}profile")
    assert saved.status_code == 302, saved.get_data(as_text=True)
    db.session.expire_all()
    seoul = db.session.get(Person, seoul.id)
    assert seoul.timezone == "Asia/Seoul" and seoul.mail_language == ""

    plain = make_person(name="Pat Plain", email="pat@example.org")
    db.session.commit()
    session = db.session.get(Session, session.id)
    _assign(event, session, seoul)
    _assign(event, session, plain)
    sender.send_due(now=_later())
    # Babel puts a narrow no-break space before AM/PM.
    received = {(m["To"], m["Subject"]): body(m).replace("\u202f", " ") for m in mails(handler)}
    min_text = received[("min@example.org", "Invitation to speak: Forum")]
    assert "10:00 AM–11:00 AM EDT" in min_text  # the event's clock
    assert "11:00 PM–12:00 AM KST" in min_text  # and theirs
    pat_text = received[("pat@example.org", "Invitation to speak: Forum")]
    assert "EDT" in pat_text and "KST" not in pat_text  # no zone given: the event's alone


def test_a_speakers_language_and_zone_reach_the_change_notice(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    event, session, _owner = _new_york_event()
    person = make_person(name="Ji Seoul", email="ji@example.org")
    db.session.commit()
    operations.save_profile(None, person, {"timezone": "Asia/Seoul", "mail_language": "ko"})
    _assign(event, session, person)
    sender.send_due(now=_later())
    handler.received.clear()
    session = db.session.get(Session, session.id)
    session_operations.edit_session(
        None,
        session,
        {"starts_at": NEW_YORK_START + timedelta(hours=2), "ends_at": NEW_YORK_START + timedelta(hours=3)},
    )
    sender.send_due(now=_later())
    notice = [body(m) for m in mails(handler) if m["To"] == "ji@example.org"]
    assert len(notice) == 1
    assert "KST" in notice[0] and "EDT" in notice[0]
    assert "2031년" in notice[0]  # dates in Korean: the mail is in their language


def test_an_unknown_zone_or_language_is_refused_on_both_forms(app) -> None:  # noqa: ANN001
    event, session, owner = _new_york_event()
    person = make_person(name="Una Known", email="una@example.org")
    db.session.commit()
    _assign(event, db.session.get(Session, session.id), person)
    token = private_link.token_of(person)
    page = f"/speaking/{token}/"
    refused = post_form(
        app.test_client(), page, _profile("Renamed", timezone="Mars/Olympus_Mons"), f"{page}profile"
    )
    assert refused.status_code == 422
    assert "Choose a time zone from the list." in refused.get_data(as_text=True)
    organiser = Visitor(app, owner)
    url = f"/organise/people/{person.id}/profile"
    refused = post_form(organiser, url, _profile("Renamed", mail_language="xx"))
    assert refused.status_code == 422
    assert "Choose a language from the list." in refused.get_data(as_text=True)
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert (person.name, person.timezone, person.mail_language) == ("Una Known", "", "")
    saved = post_form(organiser, url, _profile("Una Known", mail_language="th", timezone="Asia/Bangkok"))
    assert saved.status_code == 302
    db.session.expire_all()
    person = db.session.scalars(sa.select(Person).where(Person.id == person.id)).one()
    assert (person.timezone, person.mail_language) == ("Asia/Bangkok", "th")


def test_the_people_api_keeps_the_zone_and_language_and_refuses_unknown_ones(app) -> None:  # noqa: ANN001
    from conference.auth.api_tokens import create_token
    from tests.api.organiser_world import Api

    event, session, owner = _new_york_event()
    person = make_person(name="Api Person", slug="api-person", email="api@example.org")
    session.assignments.append(Assignment(person=person, role=Role.SPEAKER))
    db.session.commit()
    token = create_token(owner, "test")[1]
    api = Api(app)
    url = "/api/v1/people/api-person"
    changed = api.open("PATCH", url, token, json={"timezone": "Asia/Seoul", "mail_language": "ko"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["timezone"], changed.json["mail_language"]) == ("Asia/Seoul", "ko")
    for bad, field in (
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"mail_language": "xx", "position": "Changed"}, "mail_language"),
        ({"timezone": 9}, "timezone"),
    ):
        refused = api.open("PATCH", url, token, json=bad)
        assert refused.status_code == 422 and field in refused.json["errors"], refused.json
    cleared = api.open("PATCH", url, token, json={"timezone": None})
    assert cleared.status_code == 200 and cleared.json["timezone"] is None
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert (person.timezone, person.mail_language, person.position) == ("", "ko", "")


def test_the_renewed_link_is_mailed_in_the_speakers_language(app) -> None:  # noqa: ANN001
    from conference.mail.models import OutboxMessage

    event, session, _owner = _new_york_event()
    person = make_person(name="Ko Renew", email="ko@example.org")
    db.session.commit()
    operations.save_profile(None, person, {"mail_language": "ko"})
    _assign(event, db.session.get(Session, session.id), person)
    operations.renew_link(person)
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "speaker_link")).one()
    assert "Ko Renew 님, 안녕하십니까." in mail.body_text
