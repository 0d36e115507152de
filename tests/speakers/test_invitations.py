"""Invitations: assigning people with addresses (API, session page, import --invite) invites them once per
event through the outbox and a real SMTP server; assignments within NOTICE_DELAY_SECONDS fold into one
message; organisers hold, send and resend, and see each assignment's state."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from conference.db import db, utcnow
from conference.mail import sender
from conference.mail.models import OutboxMessage
from conference.speakers import private_link
from conference.speakers.models import Assignment, AssignmentStatus, Invitation, Person
from tests.api.organiser_world import Api
from tests.factories import login_as, make_person
from tests.organise.helpers import Visitor, post_form
from tests.speakers.images import jpeg_with_gps
from tests.speakers.world import body, build, link_token, mails


def _assign(api: Api, token: str, session_id: int, **person) -> dict:  # noqa: ANN003
    if "name" in person:
        person.setdefault("create_anyway", True)  # similar test names are different people
    response = api.post(f"/api/v1/events/panel/sessions/{session_id}/people", token, json=person)
    assert response.status_code == 201, response.json
    return response.json


INVITATIONS = sa.select(OutboxMessage).where(OutboxMessage.kind == "speaker_invitation")


def _later(seconds: int = 3600):  # noqa: ANN202
    return utcnow() + timedelta(seconds=seconds)


def test_acceptance_three_people_invited_through_the_api_answer_and_keep_their_profile(app, smtp) -> None:  # noqa: ANN001
    """The issue's acceptance: three people assigned through the API get one invitation each from send-mail;
    one accepts, one declines with a note, one updates bio and photo; the organiser sees the three states;
    the public speaker page shows the new bio and a resized photo without EXIF."""
    _server, handler = smtp
    world = build(app)
    api = Api(app)
    opening, closing = world["opening"].id, world["closing"].id
    amal = _assign(
        api, world["token"], opening, name="Amal Accept", email="amal@example.org", role="panelist"
    )
    assert amal["status"] == "invited"  # POST .../people answers with the state
    _assign(api, world["token"], closing, person=amal["slug"], role="moderator")  # folds into Amal's one mail
    _assign(api, world["token"], opening, name="Dara Decline", email="dara@example.org", role="panelist")
    _assign(api, world["token"], opening, name="Pia Profile", email="pia@example.org", role="moderator")

    report = sender.send_due(now=_later())
    received = {m["To"]: m for m in mails(handler)}
    assert set(received) == {"amal@example.org", "dara@example.org", "pia@example.org"}
    assert report.sent == 3
    amal_mail = received["amal@example.org"]
    assert amal_mail["Subject"] == "Invitation to speak: Online panel"
    text = body(amal_mail)
    assert "Opening panel (Panelist)" in text and "Closing round (Moderator)" in text  # both, one mail
    # The place, and the event zone's name (Berlin).
    assert "Hall B" in text and re.search(r"\d:\d\d\W+(AM|PM)? ?CES?T", text), text

    visitor = app.test_client()
    amal_token = link_token(amal_mail)
    page = f"/speaking/{amal_token}/"
    amal_assignments = db.session.scalars(
        sa.select(Assignment).join(Person).where(Person.email == "amal@example.org")
    ).all()
    for assignment in amal_assignments:
        answered = post_form(visitor, page, {"answer": "accept"}, f"{page}assignments/{assignment.id}/answer")
        assert answered.status_code == 302
    dara_page = f"/speaking/{link_token(received['dara@example.org'])}/"
    dara = db.session.scalars(
        sa.select(Assignment).join(Person).where(Person.email == "dara@example.org")
    ).one()
    declined = post_form(
        visitor,
        dara_page,
        {"answer": "decline", "note": "I am abroad that week."},
        f"{dara_page}assignments/{dara.id}/answer",
    )
    assert declined.status_code == 302
    pia_page = f"/speaking/{link_token(received['pia@example.org'])}/"
    saved = post_form(
        visitor,
        pia_page,
        {
            "name": "Pia Profile",
            "bio": "Writes essays on **rivers**.",
            "public": ["position", "affiliation", "bio", "links", "pronouns", "photo"],
            "photo": (__import__("io").BytesIO(jpeg_with_gps()), "me.jpg"),
        },
        f"{pia_page}profile",
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)

    db.session.expire_all()
    owner_page = Visitor(app, world["owner"]).get("/organise/events/panel/speakers").get_data(as_text=True)
    assert "Accepted" in owner_page and "Declined" in owner_page and "I am abroad that week." in owner_page
    assert "Invited" in owner_page  # Pia has not answered
    states = api.get("/api/v1/events/panel/speakers", world["token"]).json["speakers"]
    by_name = {s["name"]: {a["status"] for a in s["assignments"]} for s in states}
    assert by_name == {"Amal Accept": {"accepted"}, "Dara Decline": {"declined"}, "Pia Profile": {"invited"}}

    pia = db.session.scalars(sa.select(Person).where(Person.email == "pia@example.org")).one()
    public = app.test_client().get(f"/speakers/{pia.slug}/")
    html = public.get_data(as_text=True)
    assert "<strong>rivers</strong>" in html and 'alt="Photo of Pia Profile"' in html and "srcset=" in html
    photo_url = html.split('<img src="', 1)[1].split('"', 1)[0]
    photo = app.test_client().get(photo_url)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert b"Exif" not in photo.data[:200] and b"SpyCam" not in photo.data
    from PIL import Image

    image = Image.open(__import__("io").BytesIO(photo.data))
    assert image.width <= 640 and not image.getexif()


def test_assignments_within_the_delay_fold_into_one_waiting_invitation(app) -> None:  # noqa: ANN001
    app.config["NOTICE_DELAY_SECONDS"] = 300
    world = build(app)
    api = Api(app)
    first = _assign(api, world["token"], world["opening"].id, name="Fold Me", email="fold@example.org")
    _assign(api, world["token"], world["closing"].id, person=first["slug"], role="chair")
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "speaker_invitation")
    ).all()
    assert len(messages) == 1
    assert "Opening panel" in messages[0].body_text and "Closing round (Chair)" in messages[0].body_text
    assert messages[0].next_attempt_at > utcnow() + timedelta(seconds=200)  # the wait started again


def test_a_claimed_invitation_is_not_rewritten_the_next_assignment_writes_a_new_one(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    world = build(app)
    api = Api(app)
    first = _assign(api, world["token"], world["opening"].id, name="Two Mails", email="two@example.org")
    sender.send_due(now=_later())
    _assign(api, world["token"], world["closing"].id, person=first["slug"])
    sender.send_due(now=_later(7200))
    sent = [m for m in mails(handler) if m["To"] == "two@example.org"]
    assert len(sent) == 2 and "Closing round" in body(sent[1])


def test_people_without_an_address_are_not_invited_and_the_hold_setting_holds(app) -> None:  # noqa: ANN001
    world = build(app)
    owner = Visitor(app, world["owner"])
    saved = owner.post("/organise/events/panel/speakers", {"hold_invitations": "y"})
    assert saved.status_code == 302
    api = Api(app)
    held = _assign(api, world["token"], world["opening"].id, name="Held Back", email="held@example.org")
    _assign(api, world["token"], world["opening"].id, name="No Address")
    assert held["status"] == "not_invited"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    # "Send invitations to everyone not yet invited": only the one with an address.
    assert owner.post("/organise/events/panel/speakers/send").status_code == 302
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [m.to_address for m in messages] == ["held@example.org"]


def test_a_waiting_invitation_can_be_held_and_sent_again(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    app.config["NOTICE_DELAY_SECONDS"] = 600
    world = build(app)
    api = Api(app)
    made = _assign(api, world["token"], world["opening"].id, name="Hold Me", email="hold@example.org")
    person = db.session.scalars(sa.select(Person).where(Person.slug == made["slug"])).one()
    owner = Visitor(app, world["owner"])
    assert "Waiting to be sent" in owner.get("/organise/events/panel/speakers").get_data(as_text=True)
    assert owner.post(f"/organise/events/panel/speakers/{person.id}/hold").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert db.session.get(Assignment, made["id"]).status == AssignmentStatus.NOT_INVITED
    # Holding again: nothing waits.
    owner.post(f"/organise/events/panel/speakers/{person.id}/hold")
    # Send now (the API's resend): it goes with the next send-mail, without waiting.
    sent = api.post(
        f"/api/v1/events/panel/sessions/{world['opening'].id}/people/{made['id']}/invitation", world["token"]
    )
    assert sent.status_code == 202 and sent.json["status"] == "invited"
    sender.send_due()
    assert [m["To"] for m in mails(handler)] == ["hold@example.org"]


def test_no_reply_after_the_events_days_shows_on_the_organiser_pages(app) -> None:  # noqa: ANN001
    world = build(app)
    api = Api(app)
    made = _assign(api, world["token"], world["opening"].id, name="Slow Replier", email="slow@example.org")
    assignment = db.session.get(Assignment, made["id"])
    assignment.invited_at = utcnow() - timedelta(days=4)
    db.session.commit()
    owner = Visitor(app, world["owner"])
    assert "No reply after" not in owner.get("/organise/events/panel/speakers").get_data(as_text=True)
    owner.post("/organise/events/panel/speakers", {"reply_days": "3"})
    page = owner.get("/organise/events/panel/speakers").get_data(as_text=True)
    assert "No reply after 3 days" in page
    session_page = owner.get(f"/organise/events/panel/sessions/{world['opening'].id}/edit").get_data(
        as_text=True
    )
    assert "No reply after 3 days" in session_page
    assert api.get("/api/v1/events/panel/speakers", world["token"]).json["speakers"][0]["assignments"][0][
        "no_reply"
    ]


def test_a_decline_tells_the_organisers_not_the_other_speakers(app, smtp) -> None:  # noqa: ANN001
    _server, handler = smtp
    app.config["NOTICE_DELAY_SECONDS"] = 0
    world = build(app)
    api = Api(app)
    one = _assign(api, world["token"], world["opening"].id, name="Co Panelist", email="co@example.org")
    two = _assign(
        api, world["token"], world["opening"].id, name="Leaving Panelist", email="leave@example.org"
    )
    sender.send_due()
    token = next(link_token(m) for m in mails(handler) if m["To"] == "leave@example.org")
    handler.received.clear()
    page = f"/speaking/{token}/"
    post_form(
        app.test_client(),
        page,
        {"answer": "decline", "note": "Sorry"},
        f"{page}assignments/{two['id']}/answer",
    )
    sender.send_due()
    got = mails(handler)
    assert [m["To"] for m in got] == ["owner@example.org"]
    assert "Leaving Panelist" in got[0]["Subject"] and "Sorry" in body(got[0])
    assert db.session.get(Assignment, one["id"]).status == AssignmentStatus.INVITED


def test_import_schedule_invite_queues_invitations(app, tmp_path) -> None:  # noqa: ANN001
    import json

    schedule = {
        "schedule": {
            "conference": {
                "acronym": "imp",
                "title": "Imported",
                "start": "2031-05-01",
                "end": "2031-05-01",
                "time_zone_name": "Europe/Berlin",
                "days": [
                    {
                        "index": 1,
                        "date": "2031-05-01",
                        "rooms": {
                            "Hall": [
                                {
                                    "guid": "11111111-1111-4111-8111-111111111111",
                                    "id": 1,
                                    "title": "Imported talk",
                                    "date": "2031-05-01T10:00:00+02:00",
                                    "start": "10:00",
                                    "duration": "01:00",
                                    "room": "Hall",
                                    "type": "talk",
                                    "persons": [{"guid": "p1", "public_name": "Imported Person"}],
                                }
                            ]
                        },
                    }
                ],
            }
        }
    }
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(schedule))
    result = app.test_cli_runner().invoke(args=["import-schedule", str(path), "--invite"])
    assert result.exit_code == 0, result.output
    person = db.session.scalars(sa.select(Person).where(Person.name == "Imported Person")).one()
    assert "0 invitation(s) queued" in result.output  # nobody has an address yet
    person.email = "imported@example.org"
    db.session.commit()
    again = app.test_cli_runner().invoke(args=["import-schedule", str(path), "--invite"])
    assert again.exit_code == 0, again.output
    assert "1 invitation(s) queued" in again.output
    invitation = db.session.scalars(sa.select(Invitation)).one()
    assert invitation.person_id == person.id


def test_the_speaker_link_is_found_only_by_the_whole_token(app) -> None:  # noqa: ANN001
    person = make_person(name="Token Holder", email="t@example.org")
    token = private_link.token_of(person)
    db.session.commit()
    assert len(token) >= 16 + 43  # the secret part alone has 256 bits
    assert private_link.person_for_token(token).id == person.id
    assert private_link.person_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert private_link.person_for_token(token[:16]) is None
    assert private_link.person_for_token("0" * 16 + token[16:]) is None
    client = app.test_client()
    login_as  # noqa: B018  (no login needed: the link is the key)
    assert client.get(f"/speaking/{token}/").status_code == 200
    assert client.get(f"/speaking/{token[:-2]}/").status_code == 404


def test_a_waiting_invitation_follows_removals_and_moves(app) -> None:  # noqa: ANN001
    from conference.sessions import operations as sessions

    app.config["NOTICE_DELAY_SECONDS"] = 600
    world = build(app)
    api = Api(app)
    first = _assign(api, world["token"], world["opening"].id, name="Moving Target", email="mt@example.org")
    second = _assign(api, world["token"], world["closing"].id, person=first["slug"])
    message = db.session.scalars(INVITATIONS).one()
    assert "Closing round" in message.body_text
    removed = api.open(
        "DELETE", f"/api/v1/events/panel/sessions/{world['closing'].id}/people/{second['id']}", world["token"]
    )
    assert removed.status_code == 204
    db.session.expire_all()
    message = db.session.scalars(INVITATIONS).one()
    assert "Closing round" not in message.body_text and "Opening panel" in message.body_text
    opening = world["opening"]
    before = message.body_text
    sessions.edit_session(
        None,
        opening,
        {
            "starts_at": opening.starts_at + timedelta(hours=2),
            "ends_at": opening.ends_at + timedelta(hours=2),
        },
    )
    db.session.expire_all()
    assert db.session.scalars(INVITATIONS).one().body_text != before  # the new time
    api.open("DELETE", f"/api/v1/events/panel/sessions/{opening.id}/people/{first['id']}", world["token"])
    db.session.expire_all()
    assert db.session.scalars(INVITATIONS).all() == []  # nothing left to invite to: withdrawn
