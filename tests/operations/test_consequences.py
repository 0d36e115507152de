"""Operations through the organiser's pages, and what they set off (signals and the registrations' receivers):
a cancelled or restored session, a capacity raised or lowered, an event's status moves."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from conference import signals
from conference.db import db
from conference.events.models import Event, EventStatus
from conference.mail.models import OutboxMessage
from conference.registrations import registering
from conference.registrations.models import Registration, RegistrationStatus, SeatStatus, SessionSeat
from conference.sessions.models import Session, SessionStatus
from conference.timeutil import local
from tests.factories import add_member, login_as, make_event, make_session, make_user
from tests.organise.helpers import Visitor, post_form


def _start() -> datetime:
    """Whole minutes, as the session form gives them (re-saving the form moves nothing)."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=10)


def _world(capacity: int = 1, **event_kw):  # noqa: ANN202
    event = make_event(slug="ev", starts_at=_start(), **event_kw)
    panel = make_session(event, capacity=capacity, title="Small panel")
    other = make_session(event, title="Big panel")
    owner = make_user()
    add_member(event, owner)
    db.session.commit()
    return event, panel, other, owner


def _register(event: Event, email: str, session_ids: list[int]) -> int:
    data = registering.RegistrationInput(email.split("@")[0].title(), email, "in_person", session_ids)
    return registering.register(event, data).registration_id


def _seat(registration_id: int, session_id: int) -> SessionSeat:
    return db.session.scalars(
        sa.select(SessionSeat).where(
            SessionSeat.registration_id == registration_id, SessionSeat.session_id == session_id
        )
    ).one()


def _mails(kind: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.to_address).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


@contextmanager
def _heard(*names: str):  # noqa: ANN202
    """Record the signals sent while the block runs: [(name, sender, kwargs)]."""
    heard: list[tuple[str, object, dict]] = []
    receivers = []
    for name in names:

        def receiver(sender, _name=name, **kwargs) -> None:  # noqa: ANN001
            heard.append((_name, sender, kwargs))

        getattr(signals, name).connect(receiver)
        receivers.append((getattr(signals, name), receiver))
    try:
        yield heard
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver)


def _session_form(session: Session, event: Event, **changes) -> dict:  # noqa: ANN003
    tz = event.timezone
    data = {
        "title": session.title,
        "kind": session.kind.value,
        "starts_at": local(session.starts_at, tz).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(session.ends_at, tz).strftime("%Y-%m-%dT%H:%M"),
        "room_id": "0",
        "registration_enabled": "y",
        "capacity": "" if session.capacity is None else str(session.capacity),
        "description": session.description,
    }
    data.update(changes)
    return data


def test_cancelling_a_session_on_its_page_gives_every_seat_back_and_shows_it_everywhere(client, app) -> None:
    event, panel, other, owner = _world(capacity=1)
    ana = _register(event, "ana@example.org", [panel.id, other.id])  # holds the one seat
    bo = _register(event, "bo@example.org", [panel.id])  # waits for it
    ana_reg = db.session.get(Registration, ana)
    token, feed_token = ana_reg.token, ana_reg.feed_token
    login_as(client, owner)
    page = f"/organise/events/ev/sessions/{panel.id}/edit"
    with _heard("session_cancelled") as heard:
        response = post_form(
            client, page, {"confirm": "y"}, action=f"/organise/events/ev/sessions/{panel.id}/cancel"
        )
    assert response.status_code == 302
    assert [name for name, _s, _k in heard] == ["session_cancelled"] and heard[0][2]["actor"].id == owner.id
    db.session.expire_all()

    session = db.session.get(Session, panel.id)
    assert session.status == SessionStatus.CANCELLED and session.seats_taken == 0
    assert _seat(ana, panel.id).status == SeatStatus.CANCELLED and _seat(ana, panel.id).withdrawn
    assert _seat(bo, panel.id).status == SeatStatus.CANCELLED  # nobody promoted into a cancelled session
    assert _seat(ana, other.id).status == SeatStatus.CONFIRMED  # the rest of the registration stands
    assert db.session.get(Event, event.id).seats_taken_in_person == 2
    # One mail each: the cancellation notice (conference.mail.notices), no "registration changed" besides.
    assert sorted(_mails("session_cancelled")) == ["ana@example.org", "bo@example.org"]
    assert _mails("changed") == []

    manage = client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert "Small panel" in manage and "Session cancelled" in manage
    assert f'value="{panel.id}"' not in manage  # it can no longer be chosen
    api = client.get(f"/api/v1/registrations/{token}").get_json()
    assert {"id": panel.id, "status": "cancelled", "session_status": "cancelled"} in api["sessions"]
    feed = Calendar.from_ical(client.get(f"/registrations/{feed_token}/calendar.ics").data)
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in feed.walk("VEVENT")}
    assert statuses["Small panel"] == "CANCELLED" and statuses["Big panel"] == "CONFIRMED"
    public = client.get("/events/ev/").get_data(as_text=True)
    assert "0 of 1 seats left" not in public and "1 of 1 seats left" not in public
    form = client.get("/events/ev/register").get_data(as_text=True)
    assert "Small panel" not in form


def test_restoring_a_session_puts_its_registrants_back_in_their_order(client, app) -> None:
    event, panel, _other, owner = _world(capacity=1)
    ana = _register(event, "ana@example.org", [panel.id])
    bo = _register(event, "bo@example.org", [panel.id])
    login_as(client, owner)
    page = f"/organise/events/ev/sessions/{panel.id}/edit"
    post_form(client, page, {"confirm": "y"}, action=f"/organise/events/ev/sessions/{panel.id}/cancel")
    with _heard("session_restored") as heard:
        response = post_form(client, page, {}, action=f"/organise/events/ev/sessions/{panel.id}/restore")
    assert response.status_code == 302 and len(heard) == 1
    db.session.expire_all()
    assert db.session.get(Session, panel.id).seats_taken == 1
    assert _seat(ana, panel.id).status == SeatStatus.CONFIRMED and not _seat(ana, panel.id).withdrawn
    assert _seat(bo, panel.id).status == SeatStatus.WAITLISTED
    assert _mails("promoted") == ["ana@example.org"]
    # restoring twice is refused, and says why
    again = post_form(client, page, {}, action=f"/organise/events/ev/sessions/{panel.id}/restore")
    assert "This session is not cancelled." in client.get(again.location).get_data(as_text=True)


def test_raising_capacity_on_the_session_form_promotes_the_waiting_list_in_order(client, app) -> None:
    event, panel, _other, owner = _world(capacity=1)
    ids = [_register(event, f"{name}@example.org", [panel.id]) for name in ("ana", "bo", "cy", "di")]
    login_as(client, owner)
    page = f"/organise/events/ev/sessions/{panel.id}/edit"
    with _heard("session_changed", "session_capacity_changed") as heard:
        response = post_form(client, page, _session_form(panel, event, capacity="3"))
    assert response.status_code == 302
    assert [(n, k.get("old"), k.get("new")) for n, _s, k in heard] == [
        ("session_changed", None, None),
        ("session_capacity_changed", 1, 3),
    ]
    assert heard[0][2]["changes"] == {"capacity": (1, 3)} and heard[0][2]["moved"] is False
    db.session.expire_all()
    assert db.session.get(Session, panel.id).seats_taken == 3
    assert [_seat(i, panel.id).status for i in ids] == [
        SeatStatus.CONFIRMED,
        SeatStatus.CONFIRMED,
        SeatStatus.CONFIRMED,
        SeatStatus.WAITLISTED,
    ]
    assert _mails("promoted") == ["bo@example.org", "cy@example.org"]


def test_lowering_capacity_below_the_seats_taken_is_refused_with_the_count(client, app) -> None:
    event, panel, _other, owner = _world(capacity=5)
    for name in ("ana", "bo", "cy"):
        _register(event, f"{name}@example.org", [panel.id])
    login_as(client, owner)
    page = f"/organise/events/ev/sessions/{panel.id}/edit"
    response = post_form(client, page, _session_form(panel, event, capacity="2", title="Renamed"))
    assert response.status_code == 200
    assert "3 seats are already taken; the capacity cannot be lower." in response.get_data(as_text=True)
    db.session.expire_all()
    session = db.session.get(Session, panel.id)
    assert session.capacity == 5 and session.title == "Small panel"  # nothing written
    # the registration settings page refuses with the same rule
    settings = "/organise/events/ev/registration-settings"
    refused = post_form(
        client, settings, {"registration_enabled": "y", "waitlist_enabled": "y", f"cap_{panel.id}": "1"}
    )
    assert refused.status_code == 422
    assert "3 seats are already taken" in refused.get_data(as_text=True)


def test_moving_a_session_announces_a_move(client, app) -> None:
    event, panel, _other, owner = _world()
    login_as(client, owner)
    later = local(panel.starts_at, event.timezone).replace(
        hour=local(panel.starts_at, event.timezone).hour + 1
    )
    ends = local(panel.ends_at, event.timezone).replace(hour=later.hour + 1)
    with _heard("session_changed") as heard:
        post_form(
            client,
            f"/organise/events/ev/sessions/{panel.id}/edit",
            _session_form(
                panel,
                event,
                starts_at=later.strftime("%Y-%m-%dT%H:%M"),
                ends_at=ends.strftime("%Y-%m-%dT%H:%M"),
            ),
        )
    assert len(heard) == 1 and heard[0][2]["moved"] is True
    assert set(heard[0][2]["changes"]) == {"starts_at", "ends_at"}


def test_cancelling_an_event_cancels_its_registrations_and_restoring_brings_them_back(client, app) -> None:
    event, panel, _other, owner = _world(capacity=1, capacity_in_person=1)
    ana = _register(event, "ana@example.org", [panel.id])
    bo = _register(event, "bo@example.org", [panel.id])
    ana_reg = db.session.get(Registration, ana)
    token, feed_token = ana_reg.token, ana_reg.feed_token
    login_as(client, owner)
    with _heard("event_cancelled") as heard:
        post_form(client, "/organise/events/ev/", {"confirm": "y"}, action="/organise/events/ev/cancel")
    assert len(heard) == 1
    db.session.expire_all()
    cancelled = db.session.get(Event, event.id)
    assert cancelled.status == EventStatus.CANCELLED and cancelled.seats_taken_in_person == 0
    assert db.session.get(Session, panel.id).seats_taken == 0
    for registration_id in (ana, bo):
        registration = db.session.get(Registration, registration_id)
        assert registration.status == RegistrationStatus.CANCELLED and registration.withdrawn
    manage = client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert "This event is cancelled." in manage
    api = client.get(f"/api/v1/registrations/{token}").get_json()
    assert api["event_status"] == "cancelled" and api["status"] == "cancelled"
    feed = Calendar.from_ical(client.get(f"/registrations/{feed_token}/calendar.ics").data)
    assert [str(e["STATUS"]) for e in feed.walk("VEVENT")] == ["CANCELLED"]

    with _heard("event_restored") as heard:
        post_form(client, "/organise/events/ev/", {}, action="/organise/events/ev/restore")
    assert len(heard) == 1
    db.session.expire_all()
    restored = db.session.get(Event, event.id)
    assert restored.status == EventStatus.DRAFT and restored.seats_taken_in_person == 1
    assert db.session.get(Registration, ana).status == RegistrationStatus.CONFIRMED
    assert _seat(ana, panel.id).status == SeatStatus.CONFIRMED
    assert db.session.get(Registration, bo).status == RegistrationStatus.WAITLISTED
    assert _mails("promoted") == ["ana@example.org"]


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (EventStatus.CANCELLED, "publish", "restored as a draft first"),
        (EventStatus.DRAFT, "unpublish", "This event is a draft already."),
        (EventStatus.CANCELLED, "cancel", "This event is cancelled already."),
        (EventStatus.PUBLISHED, "restore", "Only a cancelled event can be restored."),
        (EventStatus.PUBLISHED, "publish", "This event is published already."),
    ],
)
def test_status_moves_outside_the_table_are_refused(client, app, status, action, message) -> None:  # noqa: ANN001
    event = make_event(slug="ev", status=status)
    owner = make_user()
    add_member(event, owner)
    db.session.commit()
    login_as(client, owner)
    response = post_form(
        client, "/organise/events/ev/", {"confirm": "y"}, action=f"/organise/events/ev/{action}"
    )
    assert response.status_code == 302
    assert message in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == status


def test_a_cancelled_draft_stays_private_and_comes_back_as_a_draft(client, app) -> None:
    event = make_event(slug="ev", status=EventStatus.DRAFT)
    owner = make_user()
    add_member(event, owner)
    db.session.commit()
    login_as(client, owner)
    post_form(client, "/organise/events/ev/", {"confirm": "y"}, action="/organise/events/ev/cancel")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    # An anonymous visitor in its own app context (a second client in this one would share the owner's login
    # through `g`, and the owner may preview the draft).
    assert Visitor(app).get("/events/ev/").status_code == 404
    post_form(client, "/organise/events/ev/", {}, action="/organise/events/ev/restore")
    post_form(client, "/organise/events/ev/", {}, action="/organise/events/ev/publish")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    assert app.test_client().get("/events/ev/").status_code == 200


def test_every_form_path_announces_its_operation(client, app) -> None:
    """The organiser pages reach the operations: each sends its signal with the acting user."""
    from tests.factories import make_person

    event, panel, _other, owner = _world()
    person = make_person(name="Dana Dudden")
    db.session.commit()
    login_as(client, owner)
    names = [
        n
        for n in dir(signals)
        if not n.startswith("_") and isinstance(getattr(signals, n), type(signals.event_created))
    ]
    base = "/organise/events/ev"
    with _heard(*names) as heard:
        post_form(client, f"{base}/sessions/new", _session_form(panel, event, title="New one"))
        new_id = db.session.scalars(sa.select(Session.id).where(Session.title == "New one")).one()
        page = f"{base}/sessions/{new_id}/edit"
        post_form(
            client,
            page,
            {"add-person_id": str(person.id), "add-role": "speaker"},
            action=f"{page[:-5]}/people",
        )
        assignment_id = (
            db.session.scalars(sa.select(Session).where(Session.id == new_id)).one().assignments[0].id
        )
        post_form(client, page, {}, action=f"{page[:-5]}/people/{assignment_id}/remove")
        post_form(client, page, {"confirm": "y"}, action=f"{page[:-5]}/cancel")
        post_form(client, page, {}, action=f"{page[:-5]}/restore")
        post_form(client, f"{base}/", {}, action=f"{base}/unpublish")
        post_form(client, page, {"confirm": "y"}, action=f"{page[:-5]}/delete")
        post_form(client, f"{base}/", {"confirm": "y"}, action=f"{base}/cancel")
    sent = [name for name, _sender, _kw in heard]
    assert sent[:8] == [
        "session_created",
        "person_assigned",
        "person_unassigned",
        "session_cancelled",
        "session_restored",
        "event_unpublished",
        "session_deleted",
        "event_cancelled",
    ]
    assert all(kw["actor"].id == owner.id for _n, _s, kw in heard)


def test_a_session_cancelled_before_its_event_keeps_its_seats_when_the_event_is_restored(app) -> None:
    """Found by the stateful test: restoring an event gave seats back in a session that was still cancelled."""
    from conference.events import status as event_status
    from conference.sessions import operations as sessions

    event, panel, other, owner = _world(capacity=1)
    ana = _register(event, "ana@example.org", [panel.id, other.id])
    sessions.cancel_session(owner, db.session.get(Session, panel.id))
    event_status.cancel_event(owner, db.session.get(Event, event.id))
    event_status.restore_event(owner, db.session.get(Event, event.id))
    db.session.expire_all()
    assert _seat(ana, panel.id).status == SeatStatus.CANCELLED and _seat(ana, panel.id).withdrawn
    assert _seat(ana, other.id).status == SeatStatus.CONFIRMED
    assert db.session.get(Session, panel.id).seats_taken == 0
    sessions.restore_session(owner, db.session.get(Session, panel.id))
    db.session.expire_all()
    assert _seat(ana, panel.id).status == SeatStatus.CONFIRMED and not _seat(ana, panel.id).withdrawn
    assert db.session.get(Session, panel.id).seats_taken == 1
