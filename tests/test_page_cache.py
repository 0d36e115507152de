"""Public pages served like the feeds (conference/pages.py): strong ETags and 304s, keys derived from the
database (changes, languages, zones, several workers), seats left filled in on every answer, and nobody
served a page made for somebody else."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import HTTPError

import pytest

from conference.db import db
from conference.events.models import EventStatus
from conference.sessions.models import Session
from conference.speakers.models import Role
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor

PAGES = [
    "/events/cached/",
    "/events/cached/speakers/",
    "/events/cached/sessions/{session}/",
    "/speakers/ada-cached/",
    "/events/cached/schedule.xml",
    "/events/cached/schedule.json",
    "/api/v1/events/cached",
]


@pytest.fixture
def world(app):  # noqa: ANN001, ANN201
    event = make_event(slug="cached", capacity_in_person=5)
    ada = make_person(slug="ada-cached", name="Ada Lovelace")
    panel = make_session(event, title="Engines", capacity=3, people=[(ada, Role.SPEAKER)])
    db.session.commit()
    return {"event": event, "session": panel, "ada": ada}


def _get(base: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback test server)
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("page", PAGES)
def test_unchanged_page_answers_304_to_its_etag(live_server, world, page) -> None:  # noqa: ANN001
    path = page.format(session=world["session"].id)
    status, headers, body = _get(live_server, path)
    assert status == 200 and body
    etag = headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    status, again, body = _get(live_server, path, {"If-None-Match": etag})
    assert status == 304 and body == b""
    assert again["ETag"] == etag
    # The same bytes from the cache as from the first rendering.
    assert _get(live_server, path)[2] == _get(live_server, path)[2]


@pytest.mark.parametrize("page", PAGES)
def test_etag_changes_after_a_programme_change(client, world, page) -> None:  # noqa: ANN001
    path = page.format(session=world["session"].id)
    first = client.get(path)
    assert "Engines" in first.get_data(as_text=True)
    world["session"].title = "Difference engines"
    db.session.commit()
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "Difference engines" in second.get_data(as_text=True)


def test_etag_changes_with_language_and_zone(live_server, world) -> None:  # noqa: ANN001
    _s, english, english_page = _get(live_server, "/events/cached/")
    _s, japanese, japanese_page = _get(live_server, "/events/cached/", {"Accept-Language": "ja"})
    assert b'<html lang="ja"' in japanese_page and b'<html lang="en"' in english_page
    assert japanese["ETag"] != english["ETag"]
    assert "Accept-Language" in japanese["Vary"] and "Cookie" in japanese["Vary"]
    # A client that had the English page gets the Japanese one, not a 304.
    status, _h, again = _get(
        live_server, "/events/cached/", {"Accept-Language": "ja", "If-None-Match": english["ETag"]}
    )
    assert status == 200 and b'<html lang="ja"' in again
    _s, seoul, seoul_page = _get(live_server, "/events/cached/?tz=Asia/Seoul")
    assert seoul["ETag"] not in (english["ETag"], japanese["ETag"])
    assert b"KST" in seoul_page and b"KST" not in english_page
    assert "tz=Asia/Seoul" in seoul["Set-Cookie"]  # Set-Cookie is still made per request
    # The cookie remembers the zone: the next page without ?tz= is the Seoul one (from the cache).
    _s, remembered, page = _get(live_server, "/events/cached/", {"Cookie": "tz=Asia/Seoul"})
    assert b"KST" in page and "Set-Cookie" not in remembered
    _s, by_cookie, page = _get(live_server, "/events/cached/", {"Cookie": "lang=ko"})
    assert b'<html lang="ko"' in page and by_cookie["ETag"] not in (english["ETag"], japanese["ETag"])
    assert _get(live_server, "/events/cached/")[1]["ETag"] == english["ETag"]


def test_a_registration_changes_seats_left_without_rendering_the_programme_again(
    live_server, world, count_queries
) -> None:  # noqa: ANN001
    session_id = world["session"].id
    _status, _headers, cold = _get(live_server, "/events/cached/")
    assert "3 of 3 seats left" in cold.decode() and "5 seats left" in cold.decode()
    db.session.expire_all()
    with count_queries() as cached:
        _status, steady_headers, steady = _get(live_server, "/events/cached/")
    assert steady == cold

    body = {
        "name": "Eve",
        "email": "eve@example.org",
        "attendance_mode": "in_person",
        "consent": True,
        "session_ids": [session_id],
    }
    request = urllib.request.Request(
        live_server + "/api/v1/events/cached/registrations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback test server)
        assert response.status == 201

    db.session.expire_all()
    with count_queries() as after:
        status, headers, html = _get(
            live_server, "/events/cached/", {"If-None-Match": steady_headers["ETag"]}
        )
    assert status == 200 and headers["ETag"] != steady_headers["ETag"]
    text = html.decode()
    assert "2 of 3 seats left" in text and "4 seats left" in text
    # Not rendered again: the programme (sessions, rooms, people) was not read, as for a cached answer.
    assert after.count == cached.count
    assert not any("FROM assignments" in s or "FROM rooms" in s for s in after.statements), after.statements
    session_page = _get(live_server, f"/events/cached/sessions/{session_id}/")[2].decode()
    assert "2 of 3 seats left" in session_page
    assert (
        _get(live_server, "/api/v1/events/cached")[2]
        and json.loads(_get(live_server, "/api/v1/events/cached")[2])["sessions"][0]["seats_left"] == 2
    )


def test_an_organiser_never_gets_the_anonymous_page_and_nobody_gets_the_organisers(app, world) -> None:  # noqa: ANN001
    organiser = make_user(email="org-cache@example.org")
    add_member(world["event"], organiser)
    db.session.commit()
    anonymous, signed_in = Visitor(app), Visitor(app, organiser)
    first = anonymous.get("/events/cached/")
    assert "Log out" not in first.get_data(as_text=True)
    mine = signed_in.get("/events/cached/")
    page = mine.get_data(as_text=True)
    assert "Log out" in page and 'name="csrf_token"' in page
    assert mine.headers["Cache-Control"] == "no-store" and "ETag" not in mine.headers
    later = anonymous.get("/events/cached/")
    assert "Log out" not in later.get_data(as_text=True) and "csrf_token" not in later.get_data(as_text=True)
    assert later.headers["ETag"] == first.headers["ETag"]
    # The organiser first, then a visitor: the organiser's page was not stored.
    world["event"].title = "Renamed"
    db.session.commit()
    assert "Log out" in signed_in.get("/events/cached/").get_data(as_text=True)
    assert "Log out" not in anonymous.get("/events/cached/").get_data(as_text=True)
    # A draft is shown to its team only and never stored for anyone.
    world["event"].status = EventStatus.DRAFT
    db.session.commit()
    assert "Draft" in signed_in.get("/events/cached/").get_data(as_text=True)
    assert anonymous.get("/events/cached/").status_code == 404


def test_a_flash_waiting_is_shown_and_not_shared(app, world) -> None:  # noqa: ANN001
    visitor, other = Visitor(app), Visitor(app)
    other.get("/events/cached/")  # the page everyone gets is in the cache
    with visitor.client.session_transaction() as session:
        session["_flashes"] = [("success", "Your registration is confirmed.")]
    assert "Your registration is confirmed." in visitor.get("/events/cached/").get_data(as_text=True)
    assert "Your registration is confirmed." not in other.get("/events/cached/").get_data(as_text=True)
    assert "Your registration is confirmed." not in visitor.get("/events/cached/").get_data(as_text=True)


def test_two_workers_sharing_one_database_stay_correct(make_app, app, world) -> None:  # noqa: ANN001
    """Each app instance has its own cache (like each gunicorn worker); a change made through one is seen by
    the other at once, because keys come from the database."""
    other = make_app()
    first, second = Visitor(app), Visitor(other)  # each request in its own app context, as when served
    session_id = world["session"].id
    for client in (first, second):
        assert "Engines" in client.get("/events/cached/").get_data(as_text=True)
    with other.app_context():
        found = db.session.get(Session, session_id)
        found.title = "Analytical engines"
        db.session.commit()
        db.session.remove()
    for client in (first, second):
        assert "Analytical engines" in client.get("/events/cached/").get_data(as_text=True)
        assert "Analytical engines" in client.get("/events/cached/schedule.xml").get_data(as_text=True)


def test_gunicorn_workers_freeze_their_start_up_heap() -> None:
    """gunicorn.conf.py's post_worker_init hook moves what the loaded worker holds out of the collector's reach."""
    import gc
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    before, thresholds = gc.get_freeze_count(), gc.get_threshold()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > before
        assert gc.get_threshold() == config["GC_THRESHOLDS"] != thresholds
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_what_the_event_page_shows_besides_its_programme_is_in_its_key(make_app, app, world) -> None:  # noqa: ANN001
    """The event page's key reads whether the event has hosts, publications and co-located events in the
    event's own statement and reads them only when it has some (`page_keys.page_event`): each added, changed or
    removed in another worker (another app instance, as a second gunicorn worker) is seen at once."""
    from datetime import date

    from conference.events.colocation import Colocation
    from conference.events.models import (
        Event,
        EventOrganisation,
        Organisation,
        OrganisationRole,
        Publication,
        Series,
    )
    from conference.speakers.models import SpeakerSettings

    reader = Visitor(app)
    writer = make_app()
    event_id = world["event"].id
    partner = make_event(slug="cached-partner", title="Neighbouring workshop")
    db.session.commit()
    partner_id = partner.id

    def page() -> str:
        response = reader.get("/events/cached/")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def change(*objects: object, edit=None) -> None:  # noqa: ANN001
        with writer.app_context():
            for obj in objects:
                db.session.add(obj)
            if edit:
                edit()
            db.session.commit()
            db.session.remove()

    def edit_row(model: type, key: object, **values: object) -> None:
        with writer.app_context():
            row = db.session.get(model, key)
            for name, value in values.items():
                setattr(row, name, value)
            db.session.commit()
            db.session.remove()

    assert "Hosted by" not in page()  # cached without hosts, publications, series or co-located events
    with writer.app_context():
        host = Organisation(name="Chulalongkorn University")
        db.session.add(host)
        db.session.flush()
        db.session.add(
            EventOrganisation(event_id=event_id, organisation_id=host.id, role=OrganisationRole.HOST)
        )
        db.session.commit()
        host_id = host.id
        db.session.remove()
    assert "Chulalongkorn University" in page()
    edit_row(Organisation, host_id, name="Chulalongkorn University, Bangkok")  # the event's row is unchanged
    assert "Chulalongkorn University, Bangkok" in page()

    change(Publication(event_id=event_id, title="Workshop report", published_on=date(2026, 1, 5)))
    assert "Workshop report" in page()
    with writer.app_context():
        publication_id = db.session.scalar(db.select(Publication.id).where(Publication.event_id == event_id))
        db.session.remove()
    edit_row(Publication, publication_id, title="Final workshop report")
    assert "Final workshop report" in page()
    with writer.app_context():
        db.session.delete(db.session.get(Publication, publication_id))
        db.session.commit()
        db.session.remove()
    assert "workshop report" not in page()

    with writer.app_context():
        series = Series(slug="cached-series", title="Bangkok dialogues")
        db.session.add(series)
        db.session.flush()
        db.session.get(Event, event_id).series_id = series.id
        db.session.commit()
        series_id = series.id
        db.session.remove()
    assert "Bangkok dialogues" in page()
    edit_row(Series, series_id, title="Bangkok–Seoul dialogues")
    assert "Bangkok–Seoul dialogues" in page()

    change(
        Colocation(event_id=event_id, gathering="g-cached"),
        Colocation(event_id=partner_id, gathering="g-cached"),
    )
    assert "Neighbouring workshop" in page()
    edit_row(Event, partner_id, title="Neighbouring summer workshop")
    assert "Neighbouring summer workshop" in page()

    # The speaker settings' "confirmed only" hides a speaker who has not accepted (the page's programme).
    assert "Ada Lovelace" in page()
    change(SpeakerSettings(event_id=event_id, confirmed_only=True))
    shown = page()
    assert "Engines" in shown and "Ada Lovelace" not in shown


def test_page_event_gives_the_programme_key_and_drafts_only_to_their_team(app, world) -> None:  # noqa: ANN001
    """`page_keys.page_event` reads the programme's fingerprint in the event's own statement: the same value as
    `page_keys.programme_key`, and it moves with the programme. A draft is found for its team only."""
    from conference import page_keys

    event = world["event"]
    found = page_keys.page_event("cached", None)
    assert found is not None and found.event is event and found.partners == []
    assert found.programme == page_keys.programme_key(event)
    world["session"].title = "Difference engines"
    world["session"].revision += 1
    db.session.commit()
    moved = page_keys.page_event("cached", None)
    assert moved.programme == page_keys.programme_key(event) != found.programme

    draft = make_event(slug="cached-draft", status=EventStatus.DRAFT)
    owner, stranger = make_user(), make_user()
    add_member(draft, owner)
    db.session.commit()
    assert page_keys.page_event("cached-draft", None) is None
    assert page_keys.page_event("cached-draft", stranger) is None
    mine = page_keys.page_event("cached-draft", owner)
    assert mine is not None and mine.event is draft
    assert mine.programme == page_keys.programme_key(draft)


@pytest.mark.parametrize("page", ["/events/cached/", "/events/cached/speakers/", "/speakers/ada-cached/"])
def test_only_the_queries_a_page_reads_are_kept_and_unknown_ones_never_push_pages_out(
    app, client, world, page
) -> None:  # noqa: ANN001, E501
    """A stranger adding `?x=1`, `?x=2`… (or spelling a zone many ways) gets the right page each time but never
    a place in the page cache: only the language and the zone, with values the page takes, are kept."""
    from conference.feeds.cache import page_cache

    cache = page_cache()
    cache.clear()
    plain = client.get(page)
    assert plain.status_code == 200 and "ETag" in plain.headers
    assert len(cache.data) == 1
    for query in ("x=1", "x=2", "tz=Nowhere/Else", "tz=%20Asia/Seoul", "tz=Asia/Seoul&tz=Asia/Tokyo",
                  "utm_source=mail&tz=Asia/Seoul"):  # fmt: skip
        response = client.get(f"{page}?{query}")
        assert response.status_code == 200, query
        assert "ETag" not in response.headers, query  # made for this request alone
        assert len(cache.data) == 1, query
    # What the page shows still follows the query: the language links keep its parameters.
    assert "x=1" in client.get(f"{page}?x=1").get_data(as_text=True)
    # A known zone, however its URL spells it, is one entry; a known language another.
    seoul = client.get(f"{page}?tz=Asia/Seoul")
    assert "ETag" in seoul.headers and len(cache.data) == 2
    again = client.get(f"{page}?tz=Asia%2FSeoul")
    assert again.headers["ETag"] == seoul.headers["ETag"] and len(cache.data) == 2
    assert again.get_data() == seoul.get_data()
    japanese = client.get(f"{page}?lang=ja")
    assert "ETag" in japanese.headers and len(cache.data) == 3
    assert client.get(f"{page}?tz=").headers.get("ETag")  # empty: the event's own zone (forgets the choice)


def test_a_session_given_a_capacity_later_shows_its_seats_on_the_cached_page(make_app, app, world) -> None:  # noqa: ANN001
    """Only sessions with a capacity get a seats-left hole; which ones have one is in the page's key, so a
    capacity given later (it moves no revision) shows at once, from another worker too."""
    from conference.sessions.models import Session as ProgrammeSession

    coffee = make_session(world["event"], title="Coffee and talk")
    db.session.commit()
    reader, writer = Visitor(app), make_app()
    first = reader.get("/events/cached/").get_data(as_text=True)
    assert "3 of 3 seats left" in first and "of 40 seats left" not in first
    with writer.app_context():
        db.session.get(ProgrammeSession, coffee.id).capacity = 40
        db.session.commit()
        db.session.remove()
    again = reader.get("/events/cached/").get_data(as_text=True)
    assert "40 of 40 seats left" in again and "3 of 3 seats left" in again
