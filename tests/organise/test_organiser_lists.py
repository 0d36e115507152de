"""Organiser lists that page and search (registrations, check-in, outbox, audit log) and the streamed
registrations CSV: what each page shows does not grow with the event, bad page numbers show the first
page, the search finds by part of a name or email (any script) or by the code, and it stops at its cap."""

from __future__ import annotations

import csv
import io
import re
import types
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.registrations import capacity, export, registering
from conference.registrations.models import (
    Question,
    QuestionKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from conference.registrations.queries import PER_PAGE, SEARCH_CAP
from tests.factories import add_member, make_event, make_session, make_user
from tests.organise.helpers import Visitor

START = datetime(2026, 1, 1, tzinfo=UTC)


def add_registrations(event, n: int, *, start: int = 0, status=RegistrationStatus.CONFIRMED, name="Person"):  # noqa: ANN001, ANN201
    """`n` registrations in one Core INSERT, registered a minute apart in numbering order (Person 0000, ...)."""
    rows = [
        {
            "event_id": event.id,
            "token": f"t-{event.id}-{i}",
            "feed_token": f"f-{event.id}-{i}",
            "checkin_code": f"{event.id:04X}{i:012X}",
            "name": f"{name} {i:04d}",
            "email": f"{name.lower().replace(' ', '.')}{i}@example.org",
            "attendance_mode": RegistrationMode.IN_PERSON,
            "status": status,
            "created_at": START + timedelta(minutes=i),
            "updated_at": START,
        }
        for i in range(start, start + n)
    ]
    db.session.execute(sa.insert(Registration), rows)
    if status == RegistrationStatus.CONFIRMED:  # each holds an event seat, as registering leaves it
        event.seats_taken_in_person += n
    db.session.commit()


@pytest.fixture
def team(app):  # noqa: ANN001, ANN201
    event = make_event(slug="ev")
    owner = make_user()
    add_member(event, owner)
    other = make_event(slug="elsewhere")
    stranger = make_user()
    add_member(other, stranger)
    db.session.commit()
    return types.SimpleNamespace(event=event, owner=owner, other=other, stranger=stranger)


def names(html: str) -> list[str]:
    return re.findall(r">(Person \d{4})<", html)


LIST = "/organise/events/ev/registrations/"
DESK = "/organise/events/ev/checkin/desk"
CHECKIN = "/organise/events/ev/checkin"


def test_the_list_pages_and_keeps_its_filters(app, team) -> None:  # noqa: ANN001
    add_registrations(team.event, PER_PAGE * 2 + 7)
    add_registrations(team.event, 3, start=500, status=RegistrationStatus.CANCELLED)
    owner = Visitor(app, team.owner)
    first = owner.get(LIST + "?status=confirmed").get_data(as_text=True)
    assert names(first) == [f"Person {i:04d}" for i in range(PER_PAGE)]
    # Counts by status are of the whole event, not of the page.
    assert f"{PER_PAGE * 2 + 7}</li>" in first and "Person 0500" not in first
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "status=confirmed" in next_link and "page=2" in next_link
    second = owner.get(next_link).get_data(as_text=True)
    assert names(second) == [f"Person {i:04d}" for i in range(PER_PAGE, PER_PAGE * 2)]
    assert 'rel="prev"' in second and f"Showing {PER_PAGE + 1}–{PER_PAGE * 2}." in second
    last = owner.get(LIST + "?status=confirmed&page=3").get_data(as_text=True)
    assert names(last) == [f"Person {i:04d}" for i in range(PER_PAGE * 2, PER_PAGE * 2 + 7)]
    assert 'rel="next"' not in last
    cancelled = owner.get(LIST + "?status=cancelled").get_data(as_text=True)
    assert names(cancelled) == ["Person 0500", "Person 0501", "Person 0502"] and "pager" not in cancelled
    searched = owner.get(LIST + "?q=person&mode=in_person").get_data(as_text=True)
    following = re.search(r'<a rel="next" href="([^"]+)"', searched).group(1).replace("&amp;", "&")
    assert "q=person" in following and "mode=in_person" in following


@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "²", "%00", "1%002", "99999999999999999999999999", "1e3", "2.5", "1000001"]
)
def test_bad_page_numbers_show_the_first_page(app, team, page) -> None:  # noqa: ANN001
    add_registrations(team.event, PER_PAGE + 1)
    owner = Visitor(app, team.owner)
    for url in (LIST, "/organise/outbox/", "/organise/events/ev/audit"):
        response = owner.get(f"{url}?page={page}")
        # A NUL anywhere in a query string is refused by the app's input guard (400), before any view.
        assert response.status_code == (400 if "%00" in page else 200), (url, page)
    if "%00" not in page:
        assert names(owner.get(f"{LIST}?page={page}").get_data(as_text=True))[0] == "Person 0000"


def test_a_page_past_the_end_is_empty_not_an_error(app, team) -> None:  # noqa: ANN001
    add_registrations(team.event, 3)
    page = Visitor(app, team.owner).get(LIST + "?page=1000000")
    assert page.status_code == 200 and "No registrations match." in page.get_data(as_text=True)


def test_search_finds_part_of_a_name_or_email_in_any_script_and_the_code(app, team) -> None:  # noqa: ANN001
    people = {
        "Ada Lovelace": "ada@example.org",
        "山田 太郎": "yamada@example.jp",
        "김민준": "minjun@example.kr",
        "สมชาย ใจดี": "somchai@example.th",
        "Émile Zola": "EMILE@Example.FR".lower(),
    }
    made = {
        name: registering.register(
            team.event, registering.RegistrationInput(name, email, "in_person")
        ).registration
        for name, email in people.items()
    }
    db.session.commit()
    owner = Visitor(app, team.owner)
    expectations = {
        "ADA LOVE": "Ada Lovelace",
        "lovelace": "Ada Lovelace",
        "太郎": "山田 太郎",
        "民": None,  # not a character of any name
        "민준": "김민준",
        "ใจดี": "สมชาย ใจดี",
        "yamada@": "山田 太郎",
        "EXAMPLE.KR": "김민준",
        "mile": "Émile Zola",
        made["Ada Lovelace"].checkin_code.lower(): "Ada Lovelace",
    }
    for url in (LIST, DESK, CHECKIN):
        for q, expected in expectations.items():
            html = owner.get(url, query_string={"q": q}).get_data(as_text=True)
            found = [name for name in people if name in html]
            assert found == ([expected] if expected else []), (url, q, found)


def test_search_stops_at_its_cap_and_says_so(app, team) -> None:  # noqa: ANN001
    add_registrations(team.event, SEARCH_CAP + 5, name="Common")
    owner = Visitor(app, team.owner)
    for url in (DESK, CHECKIN):
        html = owner.get(url + "?q=common").get_data(as_text=True)
        assert len(re.findall(r"Common \d{4}</strong>", html)) == SEARCH_CAP, url
        assert "More people match" in html
    few = owner.get(DESK + "?q=common 0001").get_data(as_text=True)
    assert "Common 0001" in few and "More people match" not in few


def test_the_desk_finds_a_code_in_one_query_and_never_shows_the_erased(app, team, count_queries) -> None:  # noqa: ANN001
    add_registrations(team.event, 30)
    erased = db.session.scalars(sa.select(Registration).where(Registration.name == "Person 0007")).one()
    code = erased.checkin_code
    capacity.erase(erased)
    db.session.commit()
    owner = Visitor(app, team.owner)
    assert "Nobody found." in owner.get(f"{DESK}?q={code}").get_data(as_text=True)
    wanted = db.session.scalars(sa.select(Registration).where(Registration.name == "Person 0011")).one()
    with count_queries() as counter:
        html = owner.get(f"{DESK}?q={wanted.checkin_code}").get_data(as_text=True)
    assert names(html) == ["Person 0011"]
    searches = [s for s in counter.statements if "checkin_code" in s and "FROM registrations" in s]
    assert len(searches) == 1  # the code's index answers; no name search follows


@pytest.mark.parametrize(
    "url", [LIST, LIST + "?q=person", LIST + "?page=2", DESK + "?q=person", CHECKIN + "?q=son"]
)
def test_queries_do_not_grow_with_the_registrations(app, team, count_queries, url) -> None:  # noqa: ANN001
    """The list reads only the columns it shows: no query per registration for seats or answers."""
    session = make_session(team.event, capacity=None)
    db.session.commit()
    counts = []
    for size in (PER_PAGE + 10, PER_PAGE * 4):
        db.session.execute(sa.delete(Registration))
        db.session.commit()
        add_registrations(team.event, size)
        owner = Visitor(app, team.owner)
        with count_queries() as counter:
            assert owner.get(url).status_code == 200
        counts.append(counter.count)
        assert not any("FROM session_seats" in s and "registration_id IN" in s for s in counter.statements)
        assert not any("FROM answers" in s for s in counter.statements)
    assert counts[0] == counts[1], counts
    assert session.id


def test_another_teams_organiser_sees_none_of_it(app, team) -> None:  # noqa: ANN001
    add_registrations(team.event, PER_PAGE + 1)
    stranger = Visitor(app, team.stranger)
    for url in (LIST, LIST + "?page=2", LIST + "export.csv", DESK + "?q=person", CHECKIN + "?q=person"):
        response = stranger.get(url)
        assert response.status_code in (403, 404), url
        assert "Person 0000" not in response.get_data(as_text=True)
    assert "Person 0000" not in stranger.get("/organise/outbox/").get_data(as_text=True)


# --- the CSV ---------------------------------------------------------------------------------------------


def _small_event(team):  # noqa: ANN001, ANN202
    event = team.event
    panel = make_session(event, capacity=1, title="Panel")
    workshop = make_session(event, capacity=None, title="Workshop")
    diet = Question(event_id=event.id, label="Diet", kind=QuestionKind.SHORT_TEXT, position=1)
    topics = Question(
        event_id=event.id, label="Topics", kind=QuestionKind.MULTIPLE_CHOICE, options=["A", "B"], position=2
    )
    photo = Question(event_id=event.id, label="Photos", kind=QuestionKind.CHECKBOX, position=3)
    db.session.add_all([diet, topics, photo])
    db.session.commit()

    def register(name: str, email: str, sessions: list, answers: dict) -> Registration:
        return registering.register(
            event,
            registering.RegistrationInput(
                name, email, "in_person", [s.id for s in sessions], affiliation="-Lab", answers=answers
            ),
        ).registration

    ada = register("Ada", "ada@example.org", [panel, workshop], {diet.id: ("Diet", "=1+1"),
                   topics.id: ("Topics", ["A", "B"]), photo.id: ("Photos", True)})  # fmt: skip
    bob = register("Bob", "bob@example.org", [panel], {photo.id: ("Photos", False)})
    cy = register("Cy", "cy@example.org", [], {})
    db.session.commit()
    capacity.check_in(ada)
    capacity.erase(cy)
    db.session.commit()
    return ada, bob, cy


def test_the_csv_streams_the_same_rows_as_before(app, team, monkeypatch) -> None:  # noqa: ANN001
    """Three registrations, read in batches of two: seats (confirmed, waiting), answers (text, choices,
    checkbox), a check-in, an erased registration, and formulas neutralised, exactly as the CSV had them."""
    monkeypatch.setattr(export, "BATCH", 2)
    ada, bob, cy = _small_event(team)
    response = Visitor(app, team.owner).get(LIST + "export.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="ev-registrations.csv"'
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffRegistration ID,Status,Name,Email")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for r in (ada, bob, cy):
        db.session.refresh(r)
    iso = lambda value: value.isoformat() if value else ""  # noqa: E731
    assert rows == [
        ["Registration ID", "Status", "Name", "Email", "Affiliation", "Country", "Attendance",
         "Accessibility needs", "Registered at", "Checked in at", "Check-in code", "Session: Panel",
         "Session: Workshop", "Question: Diet", "Question: Topics", "Question: Photos"],
        [str(ada.id), "Confirmed", "Ada", "ada@example.org", "'-Lab", "", "In person", "", iso(ada.created_at),
         iso(ada.checked_in_at), ada.checkin_code, "Confirmed", "Confirmed", "'=1+1", "A, B", "True"],
        [str(bob.id), "Confirmed", "Bob", "bob@example.org", "'-Lab", "", "In person", "", iso(bob.created_at),
         "", bob.checkin_code, "Waiting list", "", "", "", "False"],
        [str(cy.id), "Cancelled", cy.name, cy.email, cy.affiliation, "", "In person", "", iso(cy.created_at),
         "", cy.checkin_code, "", "", "", "", ""],
    ]  # fmt: skip
    assert ada.checked_in_at is not None


def _csv_pieces(app, team, registrations: int) -> list[bytes]:  # noqa: ANN001
    """The pieces of the CSV export's streamed body for an event with `registrations` registrations."""
    add_registrations(team.event, registrations)
    owner = Visitor(app, team.owner)
    with app.app_context():
        response = owner.client.get(LIST + "export.csv", buffered=False)
        pieces = list(response.response)
        response.close()
    return pieces


def test_the_csv_is_a_stream_of_one_piece_per_batch(app, team, monkeypatch) -> None:  # noqa: ANN001
    """The body is a generator that yields the header, then one piece per batch: never the whole file."""
    monkeypatch.setattr(export, "BATCH", 10)
    pieces = _csv_pieces(app, team, 25)
    assert [piece.count(b"\n") for piece in pieces] == [1, 10, 10, 5]
    body = b"".join(pieces).decode()
    assert [row[2] for row in csv.reader(io.StringIO(body))][1:] == [f"Person {i:04d}" for i in range(25)]


def test_the_csv_first_rows_leave_in_a_small_batch(app, team, monkeypatch) -> None:  # noqa: ANN001
    """The first batch is FIRST_BATCH rows (the first bytes do not wait for a full batch), then BATCH each,
    in the list's order without a gap or a repeat at the batches' edges."""
    monkeypatch.setattr(export, "FIRST_BATCH", 3)
    monkeypatch.setattr(export, "BATCH", 10)
    pieces = _csv_pieces(app, team, 25)
    assert [piece.count(b"\n") for piece in pieces] == [1, 3, 10, 10, 2]
    body = b"".join(pieces).decode()
    assert [row[2] for row in csv.reader(io.StringIO(body))][1:] == [f"Person {i:04d}" for i in range(25)]


def test_an_unread_csv_runs_nothing(app, team, count_queries) -> None:  # noqa: ANN001
    """Rows are read only when the server asks for them: a response dropped unread (a client gone) reads
    no registration."""
    add_registrations(team.event, 5)
    owner = Visitor(app, team.owner)
    with count_queries() as counter, app.app_context():
        response = owner.client.get(LIST + "export.csv", buffered=False)
        assert response.status_code == 200
        response.close()
    assert not any("FROM registrations" in s and "checkin_code" in s for s in counter.statements)
