"""The interface in several languages: choosing one (?lang=, the lang cookie, Accept-Language), the switcher,
pages with no English chrome left in Japanese, dates, times and countries by Babel, API errors in Japanese.

Each request runs in its own app context (tests/organise/helpers.Visitor), as when served: Flask-Babel keeps
the locale of a request in `g`, which the `app` fixture's shared context would carry from one request to the next.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from babel.messages.catalog import Catalog
from lxml import html as lxml_html

from conference.catalogues import TRANSLATIONS, extract, read_catalogue
from conference.db import db
from conference.events.models import AttendanceMode, EventKind
from conference.i18n import LANG_COOKIE, format_day
from conference.sessions.models import SessionKind
from tests.factories import add_member, make_event, make_person, make_room, make_session, make_user
from tests.organise.helpers import Visitor

STARTS = datetime(2026, 12, 28, 1, 0, tzinfo=UTC)  # Monday 28 December 2026, 10:00 in Tokyo


def _html_lang(text: str) -> str:
    return re.search(r'<html lang="([^"]+)"', text).group(1)


def _event():
    event = make_event(
        slug="seoul-tokyo",
        title="Seoul–Tokyo Dialogue",
        timezone="Asia/Tokyo",
        starts_at=STARTS,
        ends_at=STARTS.replace(hour=9),
        kind=EventKind.SYMPOSIUM,
        attendance_mode=AttendanceMode.HYBRID,
        venue_name="Hall",
        city="Chiang Mai",
        registration_enabled=True,
        capacity_in_person=50,
    )
    room = make_room(event, "Hall 1")
    speaker = make_person(name="Aiko Tanaka")
    make_session(event, title="Opening", kind=SessionKind.KEYNOTE, room=room, people=[(speaker, None)])
    make_session(event, title="Memory and law", kind=SessionKind.PANEL, starts_at=STARTS.replace(hour=3))
    db.session.commit()
    return event


# --- choosing the language --------------------------------------------------------------------------


def test_lang_parameter_switches_and_is_remembered_in_a_cookie(app, client):
    visitor = Visitor(app)
    response = visitor.get("/?lang=ja")
    assert response.status_code == 200
    assert _html_lang(response.get_data(as_text=True)) == "ja"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{LANG_COOKIE}=ja;")
    assert "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie and "Path=/" in cookie
    assert "Accept-Language" in response.headers["Vary"] and "Cookie" in response.headers["Vary"]
    # The next page, without ?lang=, is still in Japanese; ?lang= switches back.
    page = visitor.get("/").get_data(as_text=True)
    assert _html_lang(page) == "ja" and "今後のイベント" in page
    assert _html_lang(visitor.get("/?lang=en").get_data(as_text=True)) == "en"
    assert _html_lang(visitor.get("/").get_data(as_text=True)) == "en"


@pytest.mark.parametrize(
    "query",
    [
        "lang=xx",
        "lang=",
        "lang=JA",
        "lang=ja%20",
        "lang=../../etc/passwd",
        "lang=ja-JP-x-" + "a" * 500,
        "lang=zz_ZZ",
    ],
)
def test_an_unknown_lang_is_ignored(app, query: str):
    visitor = Visitor(app)
    response = visitor.get(f"/?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert _html_lang(response.get_data(as_text=True)) == "en"
    assert "Set-Cookie" not in response.headers
    # A bad value on a page already in Japanese keeps Japanese (the cookie).
    visitor.get("/?lang=ja")
    assert _html_lang(visitor.get(f"/?{query}").get_data(as_text=True)) == "ja"


def test_a_forged_lang_cookie_is_ignored(app):
    visitor = Visitor(app)
    visitor.client.set_cookie(LANG_COOKIE, "<script>")
    response = visitor.get("/", headers={"Accept-Language": "ja"})
    assert response.status_code == 200 and _html_lang(response.get_data(as_text=True)) == "ja"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ja-JP,ja;q=0.9,en-US;q=0.8", "ja"),
        ("ko-KR,ko;q=0.9", "ko"),
        ("th", "th"),
        ("fr-FR,fr;q=0.9,ja;q=0.5", "ja"),
        ("fr-FR,de;q=0.9", "en"),
        ("", "en"),
    ],
)
def test_accept_language_chooses_when_nothing_else_does(app, header: str, expected: str):
    response = Visitor(app).get("/", headers={"Accept-Language": header})
    assert _html_lang(response.get_data(as_text=True)) == expected


def test_a_feed_is_in_the_language_of_its_address_alone(app):
    """Feeds and schedule exports are fetched by address (calendar apps, shared links): `?lang=` decides their
    text, never a cookie or Accept-Language, and `?lang=` on them remembers nothing."""
    _event()
    visitor = Visitor(app)
    url = "/events/seoul-tokyo/calendar.ics"
    english = visitor.get(url).data
    japanese = visitor.get(url + "?lang=ja")
    assert japanese.status_code == 200 and "Set-Cookie" not in japanese.headers
    assert japanese.data != english  # the role labels in the descriptions are Japanese
    visitor.client.set_cookie(LANG_COOKIE, "ja")
    assert visitor.get(url, headers={"Accept-Language": "ja"}).data == english
    schedule = visitor.get("/events/seoul-tokyo/schedule.json", headers={"Accept-Language": "ko"})
    assert schedule.status_code == 200 and "Set-Cookie" not in schedule.headers


def test_lang_parameter_beats_cookie_beats_accept_language(app):
    visitor = Visitor(app)
    visitor.get("/?lang=th")
    assert _html_lang(visitor.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)) == "th"
    page = visitor.get("/?lang=ko", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert _html_lang(page) == "ko"


def test_the_switcher_is_on_every_page_and_keeps_path_and_query(app):
    event = _event()
    visitor = Visitor(app)
    for path in ("/", f"/events/{event.slug}/", f"/events/{event.slug}/register", "/events/no-such-event/"):
        response = visitor.get(f"{path}?lang=ja")
        tree = lxml_html.fromstring(response.get_data(as_text=True))
        (nav,) = tree.xpath('//nav[@class="lang-switch"]')
        assert nav.get("aria-label") == "言語"
        links = {a.get("hreflang"): a for a in nav.iter("a")}
        assert [a.text for a in links.values()] == ["English", "日本語", "한국어", "ไทย"]
        for code, a in links.items():
            assert a.get("lang") == code
            assert a.get("href") == f"{path}?lang={code}"
        assert links["ja"].get("aria-current") == "true" and links["en"].get("aria-current") is None
    # Other query parameters stay (a repeated one too); only lang changes.
    tree = lxml_html.fromstring(visitor.get("/?lang=ko&tag=a+b&tag=c").get_data(as_text=True))
    hrefs = [a.get("href") for a in tree.xpath('//nav[@class="lang-switch"]//a')]
    assert hrefs == [f"/?tag=a+b&tag=c&lang={code}" for code in ("en", "ja", "ko", "th")]


# --- no English chrome left -------------------------------------------------------------------------


def _english_messages(catalog: Catalog) -> set[str]:
    """English messages with a translation that differs (so finding the English on the page means a miss);
    whole strings without placeholders, as they stand in a text node or attribute."""
    found = set()
    for message in extract():
        if not message.id or isinstance(message.id, tuple) or "%(" in message.id or len(message.id) < 3:
            continue
        translated = catalog.get(message.id, message.context)
        if translated and translated.string and translated.string != message.id:
            found.add(message.id)
    return found


def _visible_strings(page: str) -> set[str]:
    tree = lxml_html.fromstring(page)
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    strings = {" ".join(t.split()) for t in tree.xpath("//body//text()")}
    for attribute in ("aria-label", "title", "placeholder", "alt"):
        strings |= {" ".join(v.split()) for v in tree.xpath(f"//@{attribute}")}
    strings |= {" ".join(v.split()) for v in tree.xpath("//input[@type='submit']/@value")}
    return {s for s in strings if s}


def _untranslated(page: str, english: set[str]) -> set[str]:
    return _visible_strings(page) & english


@pytest.fixture
def japanese() -> set[str]:
    return _english_messages(read_catalogue(TRANSLATIONS / "ja/LC_MESSAGES/messages.po", "ja"))


def _key_pages(app, event) -> list[tuple[str, Visitor]]:
    from conference.registrations import registering

    registration = registering.register(
        event, registering.RegistrationInput("Ada", "ada@example.org", "in_person", [event.sessions[0].id])
    ).registration
    token = registration.token
    owner = make_user("owner@example.org")
    add_member(event, owner, "owner")
    db.session.commit()
    anonymous, organiser = Visitor(app), Visitor(app, owner)
    session_id = event.sessions[0].id
    return [
        ("/", anonymous),
        (f"/events/{event.slug}/", anonymous),
        (f"/events/{event.slug}/speakers/", anonymous),
        (f"/events/{event.slug}/sessions/{session_id}/", anonymous),
        (f"/events/{event.slug}/register", anonymous),
        (f"/registrations/{token}/", anonymous),
        (f"/registrations/{token}/cancel", anonymous),
        ("/registrations/lost-link", anonymous),
        ("/login", anonymous),
        ("/events/no-such-event/", anonymous),
        ("/organise/", organiser),
        (f"/organise/events/{event.slug}/", organiser),
        (f"/organise/events/{event.slug}/edit", organiser),
        (f"/organise/events/{event.slug}/sessions/{session_id}/edit", organiser),
        (f"/organise/events/{event.slug}/timetable", organiser),
        (f"/organise/events/{event.slug}/registrations/", organiser),
        (f"/organise/events/{event.slug}/registration-settings", organiser),
        (f"/organise/events/{event.slug}/team", organiser),
        (f"/organise/events/{event.slug}/audit", organiser),
    ]


def test_key_pages_in_japanese_have_no_english_chrome(app, japanese: set[str]):
    japanese.discard(app.config["SITE_NAME"])  # "Conference": the site's name, set by its operator
    event = _event()
    for path, visitor in _key_pages(app, event):
        english = visitor.get(f"{path}?lang=en")
        response = visitor.get(f"{path}?lang=ja")
        assert response.status_code == english.status_code, path
        assert response.status_code in (200, 404), path
        page = response.get_data(as_text=True)
        assert _html_lang(page) == "ja", path
        # The check can fail: the English page shows messages that Japanese translates.
        assert _untranslated(english.get_data(as_text=True), japanese), path
        assert _untranslated(page, japanese) == set(), path


def test_event_page_in_japanese_dates_labels_and_times(app):
    event = _event()
    page = Visitor(app).get(f"/events/{event.slug}/?lang=ja").get_data(as_text=True)
    assert "2026年12月28日(月)" in page  # the day heading, by Babel
    assert "シンポジウム" in page and "基調講演" in page and "パネル" in page  # enum labels
    assert "プログラム" in page and "参加登録" in page


def test_timetable_times_are_formatted_by_babel_for_the_locale(app):
    """The organiser timetable's start column was strftime("%H:%M"); Korean writes 오전 11:00."""
    event = _event()
    owner = make_user()
    add_member(event, owner, "owner")
    db.session.commit()
    page = Visitor(app, owner).get(f"/organise/events/{event.slug}/timetable?lang=ko").get_data(as_text=True)
    assert "오전 11:00" in page and "오후 12:00" in page
    assert "2026년 12월 28일 (월)" in page


def test_plural_of_events_in_a_series(app):
    from conference.events.models import Series

    owner = make_user(is_admin=True)
    one, two = (
        Series(slug="one", title="One", description=""),
        Series(slug="two", title="Two", description=""),
    )
    db.session.add_all([one, two])
    db.session.flush()
    make_event(series_id=one.id)
    make_event(series_id=two.id)
    make_event(series_id=two.id)
    db.session.commit()
    page = Visitor(app, owner).get("/organise/series/?lang=en").get_data(as_text=True)
    assert "1 event<" in page and "2 events<" in page and "1 events" not in page


def test_country_names_in_the_page_language_without_pseudo_locales(app):
    event = _event()
    page = Visitor(app).get(f"/events/{event.slug}/register?lang=ja").get_data(as_text=True)
    tree = lxml_html.fromstring(page)
    options = {o.get("value"): o.text for o in tree.xpath('//select[@name="country"]/option')}
    assert options["JP"] == "日本" and options["KR"] == "韓国" and options["TH"] == "タイ"
    assert not {"XA", "XB", "ZZ", "EU", "UN"} & set(options)


# --- Babel formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "full", "medium"),
    [
        ("en", "Monday, December 28, 2026", "Dec 28, 2026"),
        ("ja", "2026年12月28日(月)", "2026/12/28"),
        ("ko", "2026년 12월 28일 (월)", "2026. 12. 28."),
        ("th", "วันจันทร์ที่ 28 ธันวาคม ค.ศ. 2026", "28 ธ.ค. 2026"),  # the Gregorian year, not 2569
    ],
)
def test_days_per_locale(app, locale: str, full: str, medium: str):
    day = date(2026, 12, 28)
    assert format_day(day, "full", locale=locale) == full
    assert format_day(day, "medium", locale=locale) == medium


# --- errors -------------------------------------------------------------------------------------------


def test_api_errors_in_the_requested_language(app):
    visitor = Visitor(app)
    response = visitor.get("/api/v1/events/no-such-event?lang=ja")
    assert response.status_code == 404
    assert response.json["error"]["message"] == "スラッグ 'no-such-event' の公開中のイベントはありません。"
    assert "Set-Cookie" not in response.headers  # the API never sets the cookie
    response = visitor.get("/api/v1/events?upcoming=maybe", headers={"Accept-Language": "ja"})
    assert (
        response.status_code == 400
        and response.json["error"]["message"] == "upcoming は 1 または 0 にしてください"
    )
    response = visitor.get("/api/v1/events/no-such-event?lang=en")
    assert response.json["error"]["message"] == "No published event with the slug 'no-such-event'."


def test_error_pages_in_japanese(app):
    visitor = Visitor(app)
    page = visitor.get("/events/no-such-event/?lang=ja")
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "見つかりません" in text and "このアドレスには何もありません" in text and "Not Found" not in text
    response = visitor.get("/api/v1/no-such-thing?lang=ja")
    assert (
        response.json["error"]["message"]
        == "このアドレスには何もありません。移動または削除された可能性があります。"
    )


def test_templates_translate_in_the_locale_in_force_also_when_forced_and_restored(app) -> None:  # noqa: ANN001
    """Templates read the catalogue through `conference.i18n.translations`, remembered per locale: a mail
    rendered under `force_locale` inside a Japanese request is Korean, and the page after it Japanese again."""
    from flask import render_template_string
    from flask_babel import force_locale, refresh

    template = "{{ _('Event:') }}"
    with app.test_request_context("/?lang=ja"):
        refresh()
        assert render_template_string(template) == "イベント："
        with force_locale("ko"):
            assert render_template_string(template) == "행사:"
            with force_locale("th"):
                assert render_template_string(template) == "กิจกรรม:"
            assert render_template_string(template) == "행사:"
        assert render_template_string(template) == "イベント："
    with app.test_request_context("/?lang=th"):
        refresh()
        assert render_template_string(template) == "กิจกรรม:"
