"""Bad input stops at the edge (issue 9, findings 12 and 13): URL converters, the request check, cleaned
form and JSON text, and exports and mail that stay valid whatever an older version stored."""

from __future__ import annotations

import importlib
import json

import flask_wtf
import pytest
import sqlalchemy as sa
from flask import Flask
from icalendar import Calendar
from lxml import etree

from conference import ROUTES
from conference.auth.models import User
from conference.db import db
from conference.inputs import FlaskForm, InputError, load_json, parse_id
from conference.registrations.models import Registration
from conference.speakers.models import Person
from conference.text import clean_text, one_line, xml_safe
from tests.factories import add_member, login_as, make_event, make_session, make_user
from tests.organise.helpers import post_form
from tests.registrations.helpers import register_via_form

HUGE = "9" * 25  # beyond 64 bits: SQLite cannot bind it, PostgreSQL refuses it for a bigint
BEYOND_64_BITS = str(2**63)
BEYOND_32_BITS = str(2**31)  # ids are 32-bit on PostgreSQL: "integer out of range", a 500 before


def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- the helpers -------------------------------------------------------------------------------------


def test_clean_text_keeps_what_people_type_and_drops_control_characters() -> None:
    assert clean_text("Round\x0btable\r\nnext\tline\x00\x1b\x85x\u2028y") == "Roundtable next line x y"
    assert clean_text("a\r\nb\rc\x0bd\te", multiline=True) == "a\nb\ncd\te"
    assert clean_text("Cafe\u0301 \ud800\ufffe") == "Café "  # NFC; no lone surrogate or non-character
    assert one_line("Symposium\r\nBcc: x@example.org") == "Symposium Bcc: x@example.org"
    assert xml_safe("a\x0bb\x00c\ufffed\U0001f600\n") == "abcd\U0001f600\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 12 ", 12), ("0", 0), (str(2**31 - 1), 2**31 - 1), (BEYOND_32_BITS, None),
     (str(2**63 - 1), None), (BEYOND_64_BITS, None), (HUGE, None),
     ("²", None), ("١٢", None), ("-1", None), ("1_000", None), ("", None), (None, None), (True, None)],
)  # fmt: skip
def test_parse_id_takes_ascii_digits_within_the_id_column(raw, expected) -> None:  # noqa: ANN001
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    ("document", "where"),
    [("[" * 100_000 + "]" * 100_000, "nested"), ("[" * 40 + "]" * 40, "nested"), ('{"a": "\\u0000"}', "$.a"),
     ('{"a": ["x", "\\ud800"]}', "$.a[1]"), ('{"\\udfff": 1}', "key"), (f'{{"ids": [{2**64}]}}', "$.ids[0]"),
     ('{"n": 1e999}', "$.n"), ('{"n": NaN}', "NaN"), ("{", "not valid JSON"), (b"\xff\xfe{", "")],
)  # fmt: skip
def test_load_json_refuses_what_would_break_later_saying_where(document, where) -> None:  # noqa: ANN001
    with pytest.raises(InputError) as raised:
        load_json(document)
    assert where in str(raised.value)


def test_load_json_takes_ordinary_documents() -> None:
    document = {"a": [1, -(2**63) + 1, 2.5, "é\n", None, True, {"b": {}}]}
    assert load_json(json.dumps(document)) == document


def test_every_form_of_the_app_derives_from_the_cleaning_base() -> None:
    for module in (m for modules in ROUTES.values() for m in modules):
        importlib.import_module(module)
    pending, forms = list(flask_wtf.FlaskForm.__subclasses__()), []
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("conference.") and form is not FlaskForm:
            forms.append(form)
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, FlaskForm)] == []


# --- finding 12: no 500 from bad input --------------------------------------------------------------


def test_ids_in_urls_beyond_64_bits_or_in_other_digits_are_not_found(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    session = make_session(event)
    db.session.commit()
    assert client.get(f"/events/ev/sessions/{session.id}/").status_code == 200
    arabic = "".join(chr(0x0660 + int(d)) for d in str(session.id))  # "١" is a digit to int() and \d
    for value in (HUGE, BEYOND_64_BITS, BEYOND_32_BITS, str(2**63 - 1), "²", arabic):
        assert client.get(f"/events/ev/sessions/{value}/").status_code == 404, value
        assert client.get(f"/events/ev/sessions/{value}.ics").status_code == 404, value


def test_ids_beyond_the_id_column_are_not_found_on_organiser_pages(client, app) -> None:  # noqa: ANN001
    """Found by the probe on PostgreSQL after the merge: ids between 2**31 and 2**63 passed the converter and
    parse_id, and PostgreSQL answered "integer out of range" (a 500) for its 32-bit id columns."""
    event = make_event(slug="ev")
    user = make_user()
    add_member(event, user)
    db.session.commit()
    login_as(client, user)
    for value in (BEYOND_32_BITS, str(2**63 - 1)):
        for path in (
            f"/organise/people/{value}/edit",
            f"/organise/series/{value}/edit",
            f"/organise/organisations/{value}/edit",
            f"/organise/events/ev/sessions/{value}/edit",
            f"/organise/events/ev/questions/{value}/edit",
            f"/organise/events/ev/registrations/{value}",
        ):
            assert client.get(path).status_code == 404, path
        assert client.get(f"/organise/people/merge?keep={value}&merge={value}").status_code == 200
        assert post_form(client, "/organise/events/ev/checkin", {"registration_id": value}).status_code == 400
        merge = post_form(client, "/organise/people/merge", {"keep_id": value, "merge_id": value})
        assert merge.status_code == 200, value


def test_nul_and_control_characters_in_url_segments_are_not_found(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    for path in ("/events/ev%00/", "/events/e%0bv/", "/registrations/abc%00def/", "/speakers/%00/",
                 "/api/v1/registrations/%00", "/api/v1/events/ev%00"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.delete("/api/v1/registrations/%00").status_code == 404
    assert client.get("/events/ev/").status_code == 200


def test_nul_in_a_form_or_query_is_refused_with_a_message(client, app) -> None:  # noqa: ANN001
    user = make_user(email="owner@example.org")
    db.session.commit()
    response = post_form(client, "/login", {"email": "owner@example.org\x00", "password": "x"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True) and "email" in response.get_data(as_text=True)
    assert client.get("/?q=a%00b").status_code == 400
    assert client.get("/api/v1/events?upcoming=%00").get_json()["error"]["code"] == 400
    assert user.email == "owner@example.org"


def test_json_bodies_that_would_break_are_400_saying_what_to_fix(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    url = "/api/v1/events/ev/registrations"
    good = {"name": "Ada", "email": "ada@example.org", "attendance_mode": "in_person", "consent": True}
    bodies = {
        "nested": "[" * 100_000 + "]" * 100_000,
        "$.name": json.dumps(good)[:-1] + ', "name": "Ada\\ud800"}',
        "$.affiliation": json.dumps({**good, "affiliation": "A\x00B"}),
        "$.session_ids[0]": json.dumps({**good, "session_ids": [2**64]}),
    }
    for where, body in bodies.items():
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, where
        assert where in response.get_json()["error"]["message"], where
    assert _count(Registration) == 0


def test_query_numbers_in_other_digits_or_beyond_64_bits_are_ignored(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    user = make_user()
    add_member(event, user)
    db.session.commit()
    login_as(client, user)
    for value in ("²", HUGE, BEYOND_64_BITS):
        response = client.get(f"/organise/events/ev/registrations/?session={value}")
        assert response.status_code == 200, value
    for value in ("²", HUGE):
        response = client.get(f"/organise/people/merge?keep={value}&merge={value}")
        assert response.status_code == 200, value


def test_ids_in_forms_in_other_digits_or_beyond_64_bits_are_refused(client, app) -> None:  # noqa: ANN001
    event = make_event(slug="ev")
    session_id = make_session(event).id
    user = make_user()
    add_member(event, user)
    db.session.commit()
    login_as(client, user)
    for value in (HUGE, "²"):
        response = register_via_form(client, "ev", sessions=[value])
        assert response.status_code == 422 and _count(Registration) == 0, value
    for value in ("²", HUGE):
        response = post_form(client, "/organise/events/ev/checkin", {"registration_id": value})
        assert response.status_code == 400, value  # not an id: a bad request (404 would read as "refused")
        response = post_form(client, "/organise/people/merge", {"keep_id": value, "merge_id": value})
        assert response.status_code == 200, value
        assert "whole number" in response.get_data(as_text=True)
        response = post_form(
            client,
            "/organise/events/ev/registration-settings",
            {"registration_enabled": "y", f"cap_{session_id}": value},
        )
        assert response.status_code == 422 and "A whole number" in response.get_data(as_text=True), value


def test_the_error_page_renders_after_a_database_error(make_app) -> None:  # noqa: ANN001
    app: Flask = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-broken-write")
    def broken_write() -> str:
        db.session.add(User(email="twice@example.org", name="Again", password_hash="x"))
        db.session.flush()  # IntegrityError: the session now needs a rollback
        return "unreachable"

    with app.app_context():
        user = make_user(email="twice@example.org")
        db.session.commit()
        client = app.test_client()
        login_as(client, user)
        response = client.get("/test-broken-write")
        assert response.status_code == 500
        page = response.get_data(as_text=True)
        assert "Back to the list of events" in page and "Organise" in page  # the full page, signed in
        db.session.remove()
        db.session.execute(sa.delete(User))
        db.session.commit()


# --- finding 13: control characters ------------------------------------------------------------------


def test_form_text_is_cleaned_single_lines_lose_breaks_text_areas_keep_them(client, app) -> None:  # noqa: ANN001
    user = make_user()
    db.session.commit()
    login_as(client, user)
    response = post_form(
        client,
        "/organise/people/new",
        {"name": "Ada\x0b Love\r\nlace\x1b", "affiliation": "Cafe\u0301", "bio": "One\r\nTwo\x0b\tthree\x07"},
    )
    assert response.status_code == 302
    person = db.session.scalars(sa.select(Person)).one()
    assert (person.name, person.affiliation, person.bio) == ("Ada Love lace", "Café", "One\nTwo\tthree")


def test_registration_text_is_cleaned_in_the_form_and_the_api(client, app) -> None:  # noqa: ANN001
    make_event(slug="ev")
    db.session.commit()
    response = register_via_form(
        client, "ev", name="Ada\r\nLovelace\x0c", accessibility_needs="Step-free\r\naccess\x0b"
    )
    assert response.status_code in (200, 302)
    response = client.post(
        "/api/v1/events/ev/registrations",
        json={"name": "Grace\nHopper\x0b", "email": "grace@example.org", "attendance_mode": "in_person",
              "consent": True, "accessibility_needs": "A\r\nB\x1b"},
    )  # fmt: skip
    assert response.status_code == 201
    stored = {r.name: r.accessibility_needs for r in db.session.scalars(sa.select(Registration))}
    assert stored == {"Ada Lovelace": "Step-free\naccess", "Grace Hopper": "A\nB"}


def _event_as_an_older_version_stored_it():  # noqa: ANN202
    """Control characters written straight to the database, as a version before the cleaning could."""
    event = make_event(slug="ev", title="Human\r\nsecurity\x0b symposium", summary="Two\x0bdays")
    make_session(event, title="Round\x0btable\x1b", description="About\x0b things")
    db.session.commit()
    return event


def test_schedule_xml_stays_valid_with_control_characters_stored(client, app) -> None:  # noqa: ANN001
    _event_as_an_older_version_stored_it()
    response = client.get("/events/ev/schedule.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.data)  # lxml refuses what is not well-formed XML
    assert root.findtext("conference/title") == "Human\r\nsecurity symposium"
    assert root.findtext(".//event/title") == "Roundtable"
    assert root.findtext(".//event/abstract") == "About things"
    data = client.get("/events/ev/schedule.json").get_json()
    assert data["schedule"]["conference"]["title"].startswith("Human")


def test_calendar_feeds_leave_out_control_characters_stored(client, app) -> None:  # noqa: ANN001
    _event_as_an_older_version_stored_it()
    for url in ("/events/ev/calendar.ics", "/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200
        assert not any(byte in response.data for byte in (b"\x0b", b"\x1b")), url
        calendar = Calendar.from_ical(response.data)
        summaries = {str(component["SUMMARY"]) for component in calendar.walk("VEVENT")}
        assert summaries & {"Roundtable", "Human\nsecurity symposium"}, summaries


def test_an_oversized_body_is_refused_before_it_is_read(app: Flask) -> None:
    """Found by the probe after the merge: a 20 MB form or JSON body was read, parsed and (for a form)
    echoed back in the page; now anything over MAX_CONTENT_LENGTH (1 MiB by default) is a 413."""
    event = make_event()
    user = make_user()
    db.session.commit()
    client = app.test_client()
    big = "x" * (2 * 2**20)
    api = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        data=json.dumps({"name": big, "email": "big@example.org", "consent": True}),
        content_type="application/json",
    )
    assert api.status_code == 413 and api.get_json()["error"]["code"] == 413
    login_as(client, user)
    page = post_form(client, "/organise/people/new", {"name": "Big", "bio": big})
    assert page.status_code == 413 and big not in page.get_data(as_text=True)
    assert _count(Registration) == 0 and _count(Person) == 0
    normal = post_form(client, "/organise/people/new", {"name": "Normal", "bio": "y" * 10_000})
    assert normal.status_code == 302 and _count(Person) == 1
