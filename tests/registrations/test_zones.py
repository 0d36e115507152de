"""Each registrant's language and zone, and the zone a visitor chooses for viewing (issue 11, part 3).

A New York panel watched from Seoul: 19:00 in New York is 09:00 the next morning in Seoul (the date line),
and the US clocks go back on Sunday 2 November 2031 (EDT, UTC-4, before; EST, UTC-5, after).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from conference.db import db
from conference.registrations.models import Registration
from conference.sessions.models import Session
from conference.speakers.models import Role
from conference.timeutil import from_local
from conference.viewer_zone import COOKIE
from conference.zones import country_zone, known_zone, time_range, when
from tests.factories import make_event, make_person, make_session
from tests.registrations.helpers import csrf_from, outbox, register_via_form

NY = "America/New_York"
SEOUL = "Asia/Seoul"


def shows_kst(page: str) -> bool:
    """Whether a page shows a time in Seoul's zone: "KST" as the pages write it, after a space or "(" (a
    manage link's or a form's random token may hold the letters K, S, T in a row)."""
    return re.search(r"[\s(]KST\b", page) is not None


def _ny(*args: int) -> datetime:
    return from_local(datetime(*args), NY)


@pytest.fixture
def panel(app):  # noqa: ANN001, ANN201
    """The panel: one session before the US clocks go back (Saturday 1 November, EDT) and one after
    (Monday 3 November, EST), both 19:00-20:30 in New York, and a speaker on the first."""
    event = make_event(
        slug="panel",
        title="Online panel",
        timezone=NY,
        starts_at=_ny(2031, 11, 1, 19, 0),
        ends_at=_ny(2031, 11, 3, 20, 30),
    )
    speaker = make_person(name="Grace Speaker", slug="grace")
    before = make_session(
        event,
        title="Before the change",
        starts_at=_ny(2031, 11, 1, 19, 0),
        ends_at=_ny(2031, 11, 1, 20, 30),
        people=[(speaker, Role.SPEAKER)],
    )
    after = make_session(
        event, title="After the change", starts_at=_ny(2031, 11, 3, 19, 0), ends_at=_ny(2031, 11, 3, 20, 30)
    )
    db.session.commit()
    return event, before, after


# --- the one formatter ----------------------------------------------------------------------------------


def test_time_range_names_both_zones_and_the_day_change(app) -> None:  # noqa: ANN001
    start, end = _ny(2031, 12, 1, 10, 0), _ny(2031, 12, 1, 11, 30)
    with app.test_request_context():
        assert time_range(start, end, NY, SEOUL) == (
            "10:00\u202fAM\u201311:30\u202fAM EST \u00b7 12:00\u202fAM\u20131:30\u202fAM KST, next day"
        )
        # Same clock (Tokyo and Seoul), or no other zone: the event's zone alone.
        assert time_range(start, end, "Asia/Tokyo", SEOUL) == time_range(start, end, "Asia/Tokyo")
        # Seoul's evening is New York's morning of the same day; a Honolulu morning is the day before Seoul's.
        assert time_range(start, end, SEOUL, "Pacific/Honolulu").endswith("HST, previous day")
        with force_locale("ja"):
            assert time_range(start, end, NY, SEOUL).startswith(
                "10:00\u201311:30 EST \u00b7 0:00\u20131:30 KST"
            )
            assert when(start, end, NY, SEOUL) == "2031年12月1日(月) 10:00–11:30 EST · 0:00–1:30 KST（翌日）"
        with force_locale("ko"):
            assert "오전 12:00" in time_range(start, end, NY, SEOUL)


def test_a_zone_is_one_of_the_iana_names_and_a_country_suggests_one() -> None:
    assert known_zone(SEOUL) == SEOUL and known_zone("UTC") == "UTC"
    for bad in ("Mars/Olympus", "asia/seoul", "Asia/Seoul\x00", "../etc/passwd", "A" * 5000, "", None, 9):
        assert known_zone(bad) is None
    assert (country_zone("KR"), country_zone("jp"), country_zone("US"), country_zone("ZZ")) == (
        SEOUL,
        "Asia/Tokyo",
        NY,
        None,
    )


# --- the viewer's zone on every page kind ---------------------------------------------------------------


def _pages(event, before) -> dict[str, str]:  # noqa: ANN001
    return {
        "event": f"/events/{event.slug}/",
        "session": f"/events/{event.slug}/sessions/{before.id}/",
        "speaker": "/speakers/grace/",
        "register": f"/events/{event.slug}/register",
    }


def _manage_url(client, event) -> str:  # noqa: ANN001
    before = db.session.scalars(
        sa.select(Session).where(Session.event_id == event.id).order_by(Session.id)
    ).first()
    response = register_via_form(client, event.slug, attendance_mode="in_person", sessions=[before.id])
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_each_page_shows_both_clocks_across_the_date_line_once_a_zone_is_chosen(app, client, panel) -> None:  # noqa: ANN001
    event, before, _after = panel
    pages = _pages(event, before)
    pages["manage"] = _manage_url(app.test_client(), event)
    # Saturday 1 November, 19:00 EDT in New York is Sunday 08:00 KST in Seoul.
    both = "7:00\u202fPM\u20138:30\u202fPM EDT \u00b7 8:00\u202fAM\u20139:30\u202fAM KST, next day"
    for kind, url in pages.items():
        plain = client.get(url).get_data(as_text=True)
        assert not shows_kst(plain), kind  # no choice: the event's zone only, as before
        assert "7:00\u202fPM\u20138:30\u202fPM" in plain, kind
        response = client.get(url + "?tz=Asia/Seoul")
        page = response.get_data(as_text=True)
        assert response.status_code == 200, kind
        assert both in page, kind
        assert "America/New_York (EDT) and Asia/Seoul (KST)" in page or kind == "speaker", kind
        assert '<option value="Asia/Seoul" selected>' in page, kind
        assert "Cookie" in response.headers.get("Vary", ""), kind
        # Remembered in the cookie: the next page without ?tz= shows both clocks too.
        assert both in client.get(url).get_data(as_text=True), kind
        client.get(url + "?tz=")  # "only the event's zone" forgets the choice
        assert not shows_kst(client.get(url).get_data(as_text=True)), kind


def test_the_cookie_is_set_by_tz_and_deleted_by_an_empty_choice(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    response = client.get(f"/events/{event.slug}/?tz=Asia/Seoul")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=Asia/Seoul;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get_cookie(COOKIE).value == SEOUL
    client.get(f"/events/{event.slug}/?tz=")
    assert client.get_cookie(COOKIE) is None


def test_the_dst_change_shows_edt_before_and_est_after(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    page = client.get(f"/events/{event.slug}/?tz=Asia/Seoul").get_data(as_text=True)
    # Before: 19:00 EDT (UTC-4) = 08:00 KST; after: 19:00 EST (UTC-5) = 09:00 KST, both the next day.
    assert "7:00\u202fPM\u20138:30\u202fPM EDT \u00b7 8:00\u202fAM\u20139:30\u202fAM KST, next day" in page
    assert "7:00\u202fPM\u20138:30\u202fPM EST \u00b7 9:00\u202fAM\u201310:30\u202fAM KST, next day" in page
    # A viewer in London: an hour less apart for the week the US is still on summer time.
    page = client.get(f"/events/{event.slug}/?tz=Europe/London").get_data(as_text=True)
    assert "7:00\u202fPM\u20138:30\u202fPM EDT \u00b7 11:00\u202fPM\u201312:30\u202fAM GMT" in page
    assert "7:00\u202fPM\u20138:30\u202fPM EST \u00b7 12:00\u202fAM\u20131:30\u202fAM GMT, next day" in page


@pytest.mark.parametrize(
    "value",
    ["Mars/Olympus", "Asia/Seoul%01", "%01%02%7F", "A" * 3000, "Asia%2FSeoul%0D%0ASet-Cookie:x=1", "%FF%FE"],
)
def test_an_unknown_zone_is_refused_with_a_message_on_every_page(app, client, panel, value) -> None:  # noqa: ANN001
    event, before, _after = panel
    pages = _pages(event, before)
    pages["manage"] = _manage_url(app.test_client(), event)
    client.get(f"/events/{event.slug}/?tz=Asia/Seoul")  # an earlier good choice is kept, unused here
    for kind, url in pages.items():
        response = client.get(f"{url}?tz={value}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200, kind
        assert "That time zone is not known" in page, kind
        assert not shows_kst(page), kind
        assert "x=1" not in response.headers.get("Set-Cookie", ""), kind
    assert client.get_cookie(COOKIE).value == SEOUL


def test_a_bad_cookie_is_refused_with_a_message_and_deleted(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    client.set_cookie(COOKIE, "Nowhere/Land")
    response = client.get(f"/events/{event.slug}/")
    assert response.status_code == 200
    assert "That time zone is not known" in response.get_data(as_text=True)
    assert client.get_cookie(COOKIE) is None


def test_the_picker_works_without_javascript_and_offers_the_browser_zone_with_it(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert '<form method="get" action="/events/panel/" class="zone-picker"' in page
    assert '<select id="viewer-tz" name="tz" data-browser-zone="offer"' in page
    assert '<option value="" selected>' in page and "Asia/Seoul (UTC+09:00)" in page
    assert '<script src="/static/js/zones.js" defer></script>' in page
    script = client.get("/static/js/zones.js").get_data(as_text=True)
    assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in script


# --- the registrant's language and zone -----------------------------------------------------------------


def _registration(email: str = "ada@example.org") -> Registration:
    return db.session.scalars(sa.select(Registration).where(Registration.email == email)).one()


def test_the_form_records_the_page_language_and_the_chosen_zone(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ja,en;q=0.5"
    response = register_via_form(client, event.slug, timezone=SEOUL)
    assert response.status_code == 302
    registration = _registration()
    assert (registration.language, registration.timezone) == ("ja", SEOUL)


def test_without_a_chosen_zone_the_country_or_the_event_zone_is_taken(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    register_via_form(client, event.slug, email="kim@example.org", country="KR", timezone="")
    register_via_form(client, event.slug, email="bob@example.org", timezone="")
    assert _registration("kim@example.org").timezone == SEOUL
    assert (_registration("bob@example.org").timezone, _registration("bob@example.org").language) == (
        NY,
        "en",
    )


@pytest.mark.parametrize("value", ["Mars/Olympus", "Asia/Seoul\x01", "A" * 500])
def test_the_form_refuses_an_unknown_zone(app, client, panel, value) -> None:  # noqa: ANN001
    event, _before, _after = panel
    response = register_via_form(client, event.slug, timezone=value)
    assert response.status_code == 422
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_the_register_form_offers_the_zones_with_the_browser_suggestion(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'data-browser-zone="suggest"' in page and 'name="timezone"' in page
    assert "From my country, or the event&#39;s zone" in page


def _api(client, event, headers: dict | None = None, **fields):  # noqa: ANN001, ANN202
    body = {"name": "Ada", "email": "ada@example.org", "consent": True, "attendance_mode": "in_person"}
    body.update(fields)
    return client.post(f"/api/v1/events/{event.slug}/registrations", json=body, headers=headers)


def test_the_api_takes_language_and_timezone(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    response = _api(client, event, language="ko", timezone=SEOUL)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["language"], body["timezone"]) == ("ko", SEOUL)
    assert (_registration().language, _registration().timezone) == ("ko", SEOUL)
    token = body["manage_url"].rstrip("/").rsplit("/", 1)[-1]
    own = client.get(f"/api/v1/registrations/{token}").get_json()
    assert (own["language"], own["timezone"]) == ("ko", SEOUL)


def test_the_api_defaults_from_accept_language_and_the_country(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    response = _api(client, event, country="TH", headers={"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"})
    assert response.status_code == 201
    assert (response.get_json()["language"], response.get_json()["timezone"]) == ("th", "Asia/Bangkok")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("language", "xx"),
        ("language", "EN"),
        ("language", 3),
        ("language", ["ja"]),
        ("timezone", "Mars/Olympus"),
        ("timezone", "Asia/Seoul\u0001"),
        ("timezone", "A" * 10_000),
        ("timezone", 9),
        ("timezone", ""),
    ],
)
def test_the_api_refuses_a_bad_language_or_zone(app, client, panel, field, value) -> None:  # noqa: ANN001
    event, _before, _after = panel
    response = _api(client, event, **{field: value})
    assert response.status_code == 422
    (message,) = response.get_json()["errors"][field]
    assert ("en, ja, ko, th" in message) if field == "language" else ("IANA time zone" in message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def _preferences(client, manage_url: str, **fields):  # noqa: ANN001, ANN202
    page = client.get(manage_url).get_data(as_text=True)
    return client.post(manage_url + "preferences", data={"csrf_token": csrf_from(page), **fields})


def test_the_manage_page_changes_language_and_zone(app, client, panel) -> None:  # noqa: ANN001
    event, _before, _after = panel
    manage_url = _manage_url(client, event)
    page = client.get(manage_url).get_data(as_text=True)
    assert '<option selected value="en">English</option>' in page and "日本語" in page and "ไทย" in page
    assert '<option selected value="America/New_York">' in page
    response = _preferences(client, manage_url, language="ja", timezone="Asia/Tokyo")
    assert response.status_code == 302
    page = client.get(manage_url).get_data(as_text=True)
    assert "Your language and time zone were saved" in page
    assert (_registration().language, _registration().timezone) == ("ja", "Asia/Tokyo")
    # Refused: nothing changes, and the page says why.
    for fields, message in (
        ({"language": "xx", "timezone": SEOUL}, "Choose a language from the list."),
        ({"language": "ko", "timezone": "Mars/Olympus"}, "Choose a time zone from the list."),
        ({"language": "ko", "timezone": "A" * 3000}, "Choose a time zone from the list."),
    ):
        response = _preferences(client, manage_url, **fields)
        assert response.status_code == 302
        assert message in client.get(manage_url).get_data(as_text=True)
        db.session.expire_all()
        assert (_registration().language, _registration().timezone) == ("ja", "Asia/Tokyo")
    # The next mail is written in them: a cancellation in Japanese, with New York's and Tokyo's clocks.
    outbox_before = len(outbox())
    page = client.get(manage_url + "cancel").get_data(as_text=True)
    client.post(manage_url + "cancel", data={"csrf_token": csrf_from(page)})
    (mail,) = outbox()[outbox_before:]
    # The event: three days across the change of the US clocks; in Tokyo it starts the next morning.
    assert "2031年11月1日(土) 19:00 EDT\u20132031/11/03, 20:30 EST \u00b7 " in mail.body_text
    assert "\u00b7 8:00\u20132031/11/04, 10:30 JST（翌日）" in mail.body_text


def test_a_notice_gives_the_registrant_both_clocks_and_the_speaker_the_event_zone(app, panel) -> None:  # noqa: ANN001
    from datetime import timedelta

    from conference.registrations import registering
    from conference.sessions import operations as session_operations

    event, before, _after = panel
    event.first_published_at = datetime.now(UTC)
    before.assignments[0].person.email = "grace@example.org"
    db.session.commit()
    data = registering.RegistrationInput(
        "Kim", "kim@example.org", "in_person", [before.id], language="ko", timezone=SEOUL
    )
    registering.register(event, data)
    start = before.starts_at + timedelta(hours=1)
    session_operations.edit_session(
        None, before, {"starts_at": start, "ends_at": start + timedelta(minutes=90)}
    )
    notices = {m.to_address: m for m in outbox("session_moved")}
    kim = notices["kim@example.org"].body_text
    # In Korean (Babel's dates and times), the old and the new time in New York's and Seoul's clocks.
    assert "2031년 11월 1일 (토) 오후 7:00–오후 8:30 EDT · 다음 날 오전 8:00–오전 9:30 KST" in kim
    assert "2031년 11월 1일 (토) 오후 8:00–오후 9:30 EDT · 다음 날 오전 9:00–오전 10:30 KST" in kim
    grace = notices["grace@example.org"].body_text
    # The speaker has no registration: the site's language and the event's zone only.
    assert "Now: Saturday, November 1, 2031, 8:00\u202fPM\u20139:30\u202fPM EDT\n" in grace
    assert not shows_kst(grace)


def test_own_data_holds_language_and_zone_and_erasing_forgets_the_zone(app, client, panel) -> None:  # noqa: ANN001
    from conference.registrations import operations

    event, _before, _after = panel
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ko"
    manage_url = _manage_url(client, event)
    registration = _registration()
    operations.set_preferences(None, registration, language="ko", timezone=SEOUL)
    data = client.get(manage_url + "my-data.json").get_json()
    assert (data["language"], data["timezone"]) == ("ko", SEOUL)
    operations.erase(None, _registration())
    db.session.expire_all()
    erased = db.session.get(Registration, registration.id)
    assert erased.timezone == "" and erased.name == ""
