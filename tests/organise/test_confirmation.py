"""Destructive organiser actions have a confirmation step: the button leads to a GET page that says what
follows (counts, the notice's text); a POST without `confirm=y` shows that page and changes nothing; the
confirmation's POST acts as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from conference.auth.models import EventMember
from conference.db import db
from conference.events.models import Event, EventStatus
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import Registration
from conference.sessions.models import Session
from conference.speakers.models import Role
from tests.factories import add_member, login_as, make_event, make_person, make_session, make_user
from tests.organise.helpers import post_form


def _world(status: EventStatus = EventStatus.PUBLISHED):  # noqa: ANN202
    start = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    event = make_event(slug="ev", title="Spring symposium", starts_at=start, status=status)
    if status == EventStatus.PUBLISHED:
        event.first_published_at = start - timedelta(days=30)
    speaker = make_person(name="Grace Speaker", email="speaker@example.org")
    session = make_session(
        event,
        title="Opening panel",
        starts_at=start + timedelta(hours=1),
        capacity=1,
        people=[(speaker, Role.SPEAKER)],
    )
    owner = make_user("owner@example.org")
    add_member(event, owner)
    db.session.commit()
    return event, session, owner


def _register(event: Event, session: Session, name: str, email: str) -> Registration:
    data = registering.RegistrationInput(name, email, "in_person", [session.id])
    registration = registering.register(event, data).registration
    db.session.commit()
    return registration


def _notices() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "session_cancelled")
    )


def test_cancelling_a_session_says_what_follows_and_shows_the_notice(app, client) -> None:  # noqa: ANN001
    app.config["NOTICE_DELAY_SECONDS"] = 0
    event, session, owner = _world()
    ada = _register(event, session, "Ada", "ada@example.org")
    _register(event, session, "Bob", "bob@example.org")  # capacity 1: Bob waits
    login_as(client, owner)
    edit = f"/organise/events/ev/sessions/{session.id}/edit"
    url = f"/organise/events/ev/sessions/{session.id}/cancel"
    assert f'href="{url}"' in client.get(edit).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "1 seat is given back." in page
    assert "1 waiting-list place is withdrawn." in page
    assert "A cancellation notice goes to 2 registrants and 1 speaker." in page
    assert 'name="notify" value="y" checked' in page and 'name="confirm" value="y"' in page
    assert "Cancelled: Opening panel (Spring symposium)" in page  # the notice's subject
    assert "Hello Ada," in page and "A session you are part of has been cancelled." in page
    assert ada.token not in page  # Ada's own link is not shown to the organiser
    assert f'href="{edit}"' in page  # Back
    # A POST without the confirmation shows the page and does nothing.
    response = post_form(client, url, {})
    assert response.status_code == 200 and "1 seat is given back." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Session, session.id).is_cancelled and _notices() == 0
    # The confirmation acts.
    assert post_form(client, url, {"confirm": "y", "notify": ["", "y"]}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, session.id).is_cancelled and _notices() == 3


def test_cancelling_an_event_counts_the_registrations_it_cancels(app, client) -> None:  # noqa: ANN001
    event, session, owner = _world()
    _register(event, session, "Ada", "ada@example.org")
    _register(event, session, "Bob", "bob@example.org")
    login_as(client, owner)
    url = "/organise/events/ev/cancel"
    assert f'href="{url}"' in client.get("/organise/events/ev/").get_data(as_text=True)
    assert "2 registrations are cancelled" in client.get(url).get_data(as_text=True)
    assert "2 registrations are cancelled" in post_form(client, url, {}).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    assert post_form(client, url, {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED


def test_deleting_a_draft_session_needs_confirmation(app, client) -> None:  # noqa: ANN001
    event, session, owner = _world(EventStatus.DRAFT)
    login_as(client, owner)
    url = f"/organise/events/ev/sessions/{session.id}/delete"
    assert f'href="{url}"' in client.get(f"/organise/events/ev/sessions/{session.id}/edit").get_data(
        as_text=True
    )
    assert "1 person loses their place in it" in client.get(url).get_data(as_text=True)
    assert post_form(client, url, {}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Session, session.id) is not None
    assert post_form(client, url, {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, session.id) is None


def test_erasing_a_registration_says_what_is_deleted(app, client) -> None:  # noqa: ANN001
    event, session, owner = _world()
    ada = _register(event, session, "Ada", "ada@example.org")
    login_as(client, owner)
    detail = f"/organise/events/ev/registrations/{ada.id}"
    url = detail + "/erase"
    assert f'href="{url}"' in client.get(detail).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "answers of Ada are deleted" in page
    assert "The registration is cancelled first" in page
    assert "1 message to or about them in the outbox is deleted." in page  # the confirmation mail
    assert "The audit log keeps its entries about this registration, without the personal data." in page
    assert post_form(client, url, {}, action=url).status_code == 200
    db.session.expire_all()
    assert db.session.get(Registration, ada.id).name == "Ada"
    assert post_form(client, url, {"confirm": "y"}, action=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, ada.id).erased_at is not None


def test_removing_a_team_member_says_who_loses_access(app, client) -> None:  # noqa: ANN001
    event, _session, owner = _world()
    helper = make_user("helper@example.org")
    member = add_member(event, helper, "checkin")
    db.session.commit()
    login_as(client, owner)
    url = f"/organise/events/ev/team/{member.id}/remove"
    assert f'href="{url}"' in client.get("/organise/events/ev/team").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "helper@example.org" in page and "loses access to this event" in page
    assert post_form(client, url, {}).status_code == 200
    assert db.session.get(EventMember, member.id) is not None
    assert post_form(client, url, {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(EventMember, member.id) is None


def test_the_session_form_shows_the_move_notice_without_saving(app, client) -> None:  # noqa: ANN001
    event, session, owner = _world()
    ada = _register(event, session, "Ada", "ada@example.org")
    login_as(client, owner)
    url = f"/organise/events/ev/sessions/{session.id}/edit"
    assert "Show the notice a move sends" in client.get(url).get_data(as_text=True)
    form = {
        "title": "Opening panel",
        "kind": session.kind.value,
        "starts_at": "2031-03-10T15:00",
        "ends_at": "2031-03-10T16:00",
        "room_id": "0",
        "registration_enabled": "y",
        "capacity": "1",
        "description": "",
        "notify": ["", "y"],
        "preview_notice": "y",
    }
    before = db.session.get(Session, session.id).starts_at
    response = post_form(client, url, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Moved: Opening panel (Spring symposium)" in page
    assert "Hello Ada," in page
    assert "Now: Monday, March 10, 2031, 3:00\u202fPM\u20134:00\u202fPM CET" in page
    assert ada.token not in page
    db.session.expire_all()
    assert db.session.get(Session, session.id).starts_at == before
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "session_moved")
        )
        == 0
    )
    # The same values without the preview button save and notify.
    del form["preview_notice"]
    assert post_form(client, url, form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, session.id).starts_at != before


def test_cancelling_a_registration_on_their_behalf_says_who_moves_up(app, client) -> None:  # noqa: ANN001
    event, session, owner = _world()
    ada = _register(event, session, "Ada", "ada@example.org")
    bob = _register(event, session, "Bob", "bob@example.org")  # capacity 1: Bob waits
    login_as(client, owner)
    detail = f"/organise/events/ev/registrations/{ada.id}"
    url = detail + "/cancel"
    assert f'href="{url}"' in client.get(detail).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "The registration of Ada is cancelled" in page
    assert "Their seat at the event is given back: the next person on the event" in page
    assert "Their seat in 1 session is given back: the next person on its waiting list gets it" in page
    assert "waiting list is withdrawn" not in page  # Ada waits for nothing
    assert "Ada is told by mail that the organisers cancelled their registration." in page
    assert f'href="{detail}"' in page  # Back
    mails = sa.select(sa.func.count()).select_from(OutboxMessage)
    before = db.session.scalar(mails)
    # A POST without the confirmation (the old one-click form) shows the page and changes nothing.
    response = post_form(client, detail, {}, action=url)
    assert response.status_code == 200 and "The registration of Ada is cancelled" in response.get_data(True)
    db.session.expire_all()
    assert db.session.get(Registration, ada.id).status.value == "confirmed"
    assert db.session.scalar(mails) == before
    assert post_form(client, detail, {"confirm": "y"}, action=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, ada.id).status.value == "cancelled"
    assert db.session.get(Registration, bob.id).status.value == "confirmed"  # moved up
    kinds = set(db.session.scalars(sa.select(OutboxMessage.kind).where(OutboxMessage.id > before)))
    assert {"cancelled_by_organiser", "promoted"} <= kinds
    # Cancelled already: the page says nothing more follows.
    assert "cancelled already; nothing more follows" in client.get(url).get_data(as_text=True)


def test_deleting_an_event_is_offered_only_where_allowed_and_says_what_goes(app, client) -> None:  # noqa: ANN001
    from conference.audit.models import AuditEntry
    from conference.sessions.models import Room
    from tests.factories import make_room

    event, session, owner = _world(EventStatus.DRAFT)
    make_room(event, "Hall B")
    db.session.commit()
    event_id = event.id
    login_as(client, owner)
    url = "/organise/events/ev/delete"
    assert f'href="{url}"' in client.get("/organise/events/ev/").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "1 session is deleted with 1 room." in page
    assert "1 place of a person in its sessions goes" in page
    assert "1 team member loses access to it." in page
    assert post_form(client, url, {}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, event_id) is not None
    response = post_form(client, url, {"confirm": "y"})
    assert response.status_code == 302 and response.location.endswith("/organise/")
    db.session.expire_all()
    assert db.session.get(Event, event_id) is None
    assert db.session.get(Session, session.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 0
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "event.deleted"))


def test_a_published_or_registered_event_cannot_be_deleted_only_cancelled(app, client) -> None:  # noqa: ANN001
    event, session, owner = _world()
    login_as(client, owner)
    assert 'href="/organise/events/ev/delete"' not in client.get("/organise/events/ev/").get_data(
        as_text=True
    )
    page = client.get("/organise/events/ev/delete").get_data(as_text=True)  # says why, and offers to cancel
    assert "cannot be deleted" in page and "never published and has no registrations" in page
    assert 'href="/organise/events/ev/cancel"' in page and 'name="confirm"' not in page
    assert (
        post_form(
            client, "/organise/events/ev/", {"confirm": "y"}, action="/organise/events/ev/delete"
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Event, event.id) is not None
