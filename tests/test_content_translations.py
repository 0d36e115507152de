"""Content in several languages (conference/translations.py): storage and fallback, the organiser pages and
the organiser API writing the same translations through the operations, bad input refused, and readers
(pages, API, feeds) getting their language with the right `lang` marks."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from conference import translation_forms, translations
from conference.audit.models import AuditEntry
from conference.auth.api_tokens import create_token
from conference.db import db
from conference.events.models import Event, Publication
from conference.registrations.models import Question, QuestionKind, SeatStatus
from conference.sessions.models import Session
from conference.speakers.models import Assignment, Person, Role
from tests.api.organiser_world import Api
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.feeds.test_builders import make_registration
from tests.feeds.test_icscheck import CHECK, _icscheck_ready
from tests.organise.helpers import Visitor

JA_TITLE = "アジアにおける人間の安全保障"
KO_TITLE = "아시아의 인간 안보"
JA = {"Accept-Language": "ja"}
EN = {"Accept-Language": "en"}


def _world() -> dict:
    """A published event in English with a Japanese title (not summary), a session translated into Japanese,
    a speaker whose position is translated, and a choice question with Japanese choices."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    event = make_event(
        slug="human-security",
        title="Human Security in Asia",
        summary="A two-day symposium.",
        description="The **second** year.",
        venue_name="Chiang Mai University",
        city="Chiang Mai",
        country="Thailand",
        starts_at=start,
        ends_at=start + timedelta(days=1),
        translations={"ja": {"title": JA_TITLE, "city": "チェンマイ"}},
    )
    session = make_session(
        event,
        title="Opening remarks",
        description="Welcome to all.",
        translations={"ja": {"title": "開会挨拶", "description": "ようこそ。"}},
    )
    plain = make_session(event, title="Coffee break", starts_at=start + timedelta(hours=3))
    person = make_person(
        slug="aiko-tanaka",
        name="Aiko Tanaka",
        position="Professor of Law",
        affiliation="Osaka University",
        bio="Works on **memory**.",
        translations={"ja": {"position": "法学教授"}},
    )
    db.session.add(Assignment(session=session, person=person, role=Role.SPEAKER, position=0))
    question = Question(
        event_id=event.id,
        label="Which meal?",
        help_text="Lunch on day one.",
        kind=QuestionKind.SINGLE_CHOICE,
        options=["Fish", "Vegetarian"],
        translations={"ja": {"label": "お食事は？", "options": ["魚", "ベジタリアン"]}},
    )
    db.session.add(question)
    db.session.add(
        Publication(event=event, title="Annual report", translations={"ja": {"title": "年次報告書"}})
    )
    db.session.commit()
    return {"event": event, "session": session, "plain": plain, "person": person, "question": question}


# --- storage and fallback ----------------------------------------------------------------------------------


def test_a_field_is_read_in_the_asked_language_else_in_its_own_and_says_which(app):
    world = _world()
    event, session, person = world["event"], world["session"], world["person"]
    title = translations.text(event, "title", "ja")
    assert (title, title.language) == (JA_TITLE, "ja")
    summary = translations.text(event, "summary", "ja")  # not translated: the default language's
    assert (summary, summary.language) == ("A two-day symposium.", "en")
    assert translations.text(event, "title", "ko").language == "en"
    assert translations.text(event, "title", "en") == "Human Security in Asia"
    # Sessions, questions and publications are written in the event's language.
    assert translations.text(session, "title", "ja").language == "ja"
    assert translations.text(world["plain"], "title", "ja") == "Coffee break"
    assert [(v, str(t), t.language) for v, t in translations.choice_labels(world["question"], "ja")] == [
        ("Fish", "魚", "ja"),
        ("Vegetarian", "ベジタリアン", "ja"),
    ]
    # A person's texts are in their own language: written in Japanese, read in English where translated.
    person.language, person.translations = "ja", {"en": {"position": "Professor of Law"}}
    person.position = "法学教授"
    db.session.commit()
    assert (translations.text(person, "position", "en"), translations.text(person, "bio", "en").language) == (
        "Professor of Law",
        "ja",
    )
    # An event written in Japanese falls back to Japanese.
    event.language = "ja"
    assert translations.text(event, "summary", "ko").language == "ja"


def test_translations_are_stored_as_json_on_each_model_and_survive_a_reload(app):
    world = _world()
    ids = {name: obj.id for name, obj in world.items()}
    db.session.expunge_all()
    assert db.session.get(Event, ids["event"]).translations == {
        "ja": {"title": JA_TITLE, "city": "チェンマイ"}
    }
    assert db.session.get(Session, ids["session"]).translations["ja"]["description"] == "ようこそ。"
    assert db.session.get(Person, ids["person"]).translations == {"ja": {"position": "法学教授"}}
    assert db.session.get(Question, ids["question"]).translations["ja"]["options"] == ["魚", "ベジタリアン"]
    assert db.session.scalars(sa.select(Publication)).one().translations == {"ja": {"title": "年次報告書"}}


def test_changes_merge_field_by_field_and_empty_or_null_removes(app):
    current = {"ja": {"title": "A", "summary": "B"}, "ko": {"title": "C"}}
    changes = translations.parse("event", {"ja": {"summary": "", "city": " 京都 "}, "ko": None}, "en")
    assert translations.merged(current, changes) == {"ja": {"title": "A", "city": "京都"}}
    assert translations.merged({"ja": {"title": "A"}}, {"ja": {"title": None}}) == {}


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ({"xx": {"title": "x"}}, "xx"),  # unknown language
        ({"en": {"title": "x"}}, "en"),  # the default language
        ({"ja": {"slug": "x"}}, "ja.slug"),  # not translatable
        ({"ja": {"title": "a\x07b"}}, "ja.title"),  # control character
        ({"ja": {"title": "two\nlines"}}, "ja.title"),  # a line break in a one-line field
        ({"ja": {"title": "x" * 301}}, "ja.title"),  # over the field's limit
        ({"ja": {"title": 5}}, "ja.title"),  # not text
        ({"ja": "title"}, "ja"),
        (["ja"], "_"),
    ],
)
def test_parse_refuses_what_cannot_be_stored_and_says_where(app, raw, where):
    with pytest.raises(translations.TranslationErrors) as refused:
        translations.parse("event", raw, "en")
    assert where in refused.value.errors and all(refused.value.errors[where])


def test_translated_choices_need_one_label_per_choice(app):
    with pytest.raises(translations.TranslationErrors):
        translations.parse("question", {"ja": {"options": ["魚"]}}, "en", options_count=2)
    assert translations.parse("question", {"ja": {"options": ["魚", "肉"]}}, "en", options_count=2) == {
        "ja": {"options": ["魚", "肉"]}
    }


# --- organiser page and API reach the same result -----------------------------------------------------------

EVENT_FORM = {
    "title": "Human Security in Asia", "slug": "", "kind": "symposium", "language": "en",
    "summary": "A two-day symposium.", "description": "", "timezone": "Asia/Bangkok",
    "starts_at": "2030-12-05T09:00", "ends_at": "2030-12-06T17:00", "attendance_mode": "in_person",
    "venue_name": "Chiang Mai University", "venue_address": "", "city": "Chiang Mai", "country": "Thailand",
    "online_url": "", "hashtag": "", "series_id": "0",
}  # fmt: skip
API_EVENT = {
    "title": "Human Security in Asia", "kind": "symposium", "language": "en", "summary": "A two-day symposium.",
    "timezone": "Asia/Bangkok", "starts_at": "2030-12-05T09:00:00+07:00", "ends_at": "2030-12-06T17:00:00+07:00",
    "mode": "in_person", "venue_name": "Chiang Mai University", "city": "Chiang Mai", "country": "Thailand",
}  # fmt: skip
EVENT_TRANSLATIONS = {
    "ja": {
        "title": JA_TITLE,
        "summary": "二日間のシンポジウム。",
        "description": "**二年目**です。\n\n第二段落。",
    },
    "ko": {"title": KO_TITLE, "city": "치앙마이"},
}


def _form_fields(values: dict) -> dict:
    return {
        translation_forms.field_name(lang, name): value
        for lang, fields in values.items()
        for name, value in fields.items()
    }


@pytest.fixture
def organiser(app):
    user = make_user(email="owner@example.org")
    db.session.commit()
    _record, token = create_token(user, "test")
    db.session.commit()
    return {"user": user, "page": Visitor(app, user), "api": Api(app), "token": token}


def test_the_event_form_and_the_api_store_the_same_translations(app, organiser):
    page, api, token = organiser["page"], organiser["api"], organiser["token"]
    form = page.get("/organise/events/new").get_data(as_text=True)
    assert 'name="tr_ja_title"' in form and 'name="tr_en_title"' not in form  # no section for the default
    response = page.post("/organise/events/new", {**EVENT_FORM, **_form_fields(EVENT_TRANSLATIONS)})
    assert response.status_code == 302, response.get_data(as_text=True)
    by_form = db.session.scalars(sa.select(Event).where(Event.slug == "human-security-in-asia")).one()

    response = api.post("/api/v1/events", token, json={**API_EVENT, "translations": EVENT_TRANSLATIONS})
    assert response.status_code == 201, response.json
    by_api = db.session.scalars(sa.select(Event).where(Event.slug == response.json["slug"])).one()
    assert by_form.translations == by_api.translations == EVENT_TRANSLATIONS
    assert response.json["translations"] == EVENT_TRANSLATIONS and response.json["language"] == "en"

    # Editing: the page sends every field of every section; the API only what changes. Same result.
    edit = {**EVENT_FORM, **_form_fields(EVENT_TRANSLATIONS), "tr_ja_summary": "", "tr_th_title": "ความมั่นคง"}
    assert page.post(f"/organise/events/{by_form.slug}/edit", edit).status_code == 302
    patch = {"translations": {"ja": {"summary": None}, "th": {"title": "ความมั่นคง"}}}
    response = api.open("PATCH", f"/api/v1/events/{by_api.slug}", token, json=patch)
    assert response.status_code == 200, response.json
    db.session.expire_all()
    expected = {
        "ja": {"title": JA_TITLE, "description": EVENT_TRANSLATIONS["ja"]["description"]},
        "ko": EVENT_TRANSLATIONS["ko"],
        "th": {"title": "ความมั่นคง"},
    }
    assert by_form.translations == by_api.translations == expected
    # The edit page shows what is stored, in the sections.
    html = page.get(f"/organise/events/{by_form.slug}/edit").get_data(as_text=True)
    assert 'lang="ja"' in html and JA_TITLE in html and "ความมั่นคง" in html
    # Both went through the operation: the audit log has the translations' change.
    changed = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.event_id == by_api.id, AuditEntry.action == "event.changed")
    ).one()
    assert changed.after["translations"] == expected
    assert changed.before["translations"] == EVENT_TRANSLATIONS


def test_sessions_and_people_take_translations_on_their_pages_and_through_the_api(app, organiser):
    user, page, api, token = organiser["user"], organiser["page"], organiser["api"], organiser["token"]
    world = _world()
    event, session, person = world["event"], world["session"], world["person"]
    add_member(event, user)
    db.session.commit()
    session_form = {
        "title": session.title, "kind": "panel", "starts_at": "2030-12-05T09:00", "ends_at": "2030-12-05T10:00",
        "room_id": "0", "description": "", "registration_enabled": "y", "capacity": "",
        **_form_fields({"ja": {"title": "開会の挨拶", "description": ""}, "ko": {"title": "개회사"}}),
    }  # fmt: skip
    url = f"/organise/events/{event.slug}/sessions/{session.id}/edit"
    assert page.post(url, session_form).status_code == 302
    db.session.expire_all()
    by_page = session.translations
    assert by_page == {"ja": {"title": "開会の挨拶"}, "ko": {"title": "개회사"}}

    other = make_session(
        event,
        title="Opening remarks",
        translations={"ja": {"title": "開会挨拶", "description": "ようこそ。"}},
    )
    db.session.commit()
    changes = {
        "translations": {"ja": {"title": "開会の挨拶", "description": None}, "ko": {"title": "개회사"}}
    }
    response = api.open("PATCH", f"/api/v1/events/{event.slug}/sessions/{other.id}", token, json=changes)
    assert response.status_code == 200, response.json
    assert response.json["translations"] == by_page
    db.session.expire_all()
    assert other.translations == by_page

    # A person: the page and the API (PATCH /people/<slug>) alike.
    person_form = {
        "name": person.name, "position": person.position, "affiliation": person.affiliation, "bio": person.bio,
        "language": "en", "email": "", "links": "",
        **_form_fields({"ja": {"position": "法学教授", "bio": "**記憶**を研究。"}}),
    }  # fmt: skip
    assert page.post(f"/organise/people/{person.id}/edit", person_form).status_code == 302
    db.session.expire_all()
    by_page = person.translations
    assert by_page == {"ja": {"position": "法学教授", "bio": "**記憶**を研究。"}}
    response = api.open(
        "PATCH",
        f"/api/v1/people/{person.slug}",
        token,
        json={"translations": {"ja": {"bio": "記憶を研究。"}}},
    )
    assert response.status_code == 200, response.json
    assert response.json["translations"] == {"ja": {"position": "法学教授", "bio": "記憶を研究。"}}
    assert (
        api.get(f"/api/v1/people/{person.slug}", token).json["translations"] == response.json["translations"]
    )


def test_questions_and_publications_take_translations_on_their_pages(app, organiser):
    user, page = organiser["user"], organiser["page"]
    world = _world()
    event, question = world["event"], world["question"]
    add_member(event, user)
    db.session.commit()
    form = {
        "label": "Which meal?", "help_text": "", "kind": "single_choice", "options": "Fish\nVegetarian\nNone",
        "required": "", **_form_fields({"ja": {"label": "お食事", "help_text": "", "options": "魚\n菜食\nなし"}}),
    }  # fmt: skip
    url = f"/organise/events/{event.slug}/questions/{question.id}/edit"
    assert page.get(url).status_code == 200
    response = page.post(url, form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert question.translations == {"ja": {"label": "お食事", "options": ["魚", "菜食", "なし"]}}
    # One label short: refused on the form, nothing stored.
    response = page.post(url, {**form, "tr_ja_options": "魚\n菜食"})
    assert response.status_code == 422 and "one label per choice" in response.get_data(as_text=True)
    response = page.post(
        f"/organise/events/{event.slug}/publications",
        {"pub-title": "Policy brief", "pub-kind": "", "pub-published_on": "", "pub-authors": "", "pub-url": "",
         "pub-tr_ja_title": "政策提言"},
    )  # fmt: skip
    assert response.status_code == 302
    added = db.session.scalars(sa.select(Publication).where(Publication.title == "Policy brief")).one()
    assert added.translations == {"ja": {"title": "政策提言"}}


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tr_ja_title", "bell\x07", "control characters"),
        ("tr_ja_summary", "x" * 2001, "2000 characters"),
        ("tr_ko_venue_name", "x" * 301, "300 characters"),
    ],
)
def test_the_event_form_refuses_bad_translations_with_a_message_and_stores_nothing(app, organiser, field, value,
                                                                                  message):  # fmt: skip
    page = organiser["page"]
    response = page.post("/organise/events/new", {**EVENT_FORM, field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert db.session.scalars(sa.select(Event)).all() == []


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"xx": {"title": "x"}}, "translations.xx"),
        ({"en": {"title": "x"}}, "translations.en"),
        ({"ja": {"slug": "other"}}, "translations.ja.slug"),
        ({"ja": {"title": "a\x00b"}}, None),  # NUL: the request check answers 400 first
        ({"ja": {"title": "a\x1bb"}}, "translations.ja.title"),
        ({"ja": {"description": "x" * 50_001}}, "translations.ja.description"),
        ({"ja": {"title": ["x"]}}, "translations.ja.title"),
        ("ja", "translations"),
    ],
)
def test_the_api_refuses_bad_translations_with_422_and_changes_nothing(app, organiser, raw, key):
    user, api, token = organiser["user"], organiser["api"], organiser["token"]
    world = _world()
    event, session = world["event"], world["session"]
    add_member(event, user)
    db.session.commit()
    before = (dict(event.translations), dict(session.translations), event.title)
    for method, url in (
        ("PATCH", f"/api/v1/events/{event.slug}"),
        ("PATCH", f"/api/v1/events/{event.slug}/sessions/{session.id}"),
    ):
        response = api.open(method, url, token, json={"title": "Changed", "translations": raw})
        if key is None:
            assert response.status_code == 400
            continue
        assert response.status_code == 422, response.json
        assert key in response.json["errors"] and response.json["errors"][key][0]
    response = api.post("/api/v1/events", token, json={**API_EVENT, "translations": raw})
    assert response.status_code == (400 if key is None else 422)
    db.session.expire_all()
    assert (event.translations, session.translations, event.title) == before
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1


def test_an_unknown_lang_in_the_api_or_a_feed_is_400(reader, app):
    _world()
    for url in ("/api/v1/events?lang=xx", "/api/v1/events/human-security?lang=de", "/calendar.ics?lang=x%00"):
        response = reader.get(url)
        assert response.status_code == 400, url


# --- readers ---------------------------------------------------------------------------------------------------


@pytest.fixture
def reader(app):
    """A visitor whose every request has its own app context, so each gets its own locale."""
    return Visitor(app)


def _html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_public_pages_in_japanese_show_the_translations_and_mark_english_parts(reader, app):
    world = _world()
    event, session, person = world["event"], world["session"], world["person"]
    html = reader.get("/events/human-security/", headers=JA).get_data(as_text=True)
    assert _html_lang(html) == "ja"
    assert f'<h1 id="event-title"><span>{JA_TITLE}</span>' in html  # in the page's language: no mark
    assert '<p class="lead" lang="en">A two-day symposium.</p>' in html  # not translated: marked
    assert '<div class="description" lang="en">' in html
    assert '<span lang="en">Chiang Mai University</span>' in html and "チェンマイ" in html
    assert ">開会挨拶</a>" in html and '<span lang="en">Coffee break</span>' in html
    assert "年次報告書" in html
    # The same page in English: the English texts, no marks; slugs and links the same.
    english = reader.get("/events/human-security/", headers=EN).get_data(as_text=True)
    body = english.split("<body", 1)[1]
    # Content marks only: the language switcher names each language in itself (lang="ja" hreflang="ja").
    body = re.sub(r'<a [^>]*hreflang="[^"]+"[^>]*>', "", body)
    assert "Human Security in Asia" in body and JA_TITLE not in body and " lang=" not in body
    assert f'href="/events/human-security/sessions/{session.id}/"' in html
    assert f'href="/events/human-security/sessions/{session.id}/"' in english

    html = reader.get(f"/events/human-security/sessions/{session.id}/", headers=JA).get_data(as_text=True)
    assert '<h1 id="session-title"><span>開会挨拶</span>' in html and "ようこそ。" in html
    plain = reader.get(f"/events/human-security/sessions/{world['plain'].id}/", headers=JA).get_data(
        as_text=True
    )
    assert '<h1 id="session-title"><span lang="en">Coffee break</span>' in plain

    html = reader.get(f"/speakers/{person.slug}/", headers=JA).get_data(as_text=True)
    assert "法学教授, Osaka University" in html
    assert '<div class="description" lang="en"><p>Works on <strong>memory</strong>.</p>' in html
    assert ">開会挨拶</a>" in html and JA_TITLE in html

    html = reader.get("/events/human-security/speakers/", headers=JA).get_data(as_text=True)
    assert "法学教授" in html and ">開会挨拶</a>" in html

    html = reader.get("/", headers=JA).get_data(as_text=True)
    assert JA_TITLE in html and '<p lang="en">A two-day symposium.</p>' in html

    html = reader.get("/events/human-security/register", headers=JA).get_data(as_text=True)
    assert "お食事は？" in html and ">魚</label>" in html and "ベジタリアン" in html
    assert '<span lang="en">Lunch on day one.</span>' in html  # help text not translated
    assert '<span lang="en">Coffee break</span>' in html and "開会挨拶" in html
    assert 'value="Fish"' in html  # the answer is the choice in the event's language

    registration = make_registration(event, [(session, SeatStatus.CONFIRMED)])
    html = reader.get(f"/registrations/{registration.token}/", headers=JA).get_data(as_text=True)
    assert f'<h2 id="summary-heading">{JA_TITLE}</h2>' in html and "開会挨拶" in html


def test_a_page_in_korean_falls_back_to_english_marked_when_only_japanese_exists(reader, app):
    _world()
    html = reader.get("/events/human-security/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert _html_lang(html) == "ko"
    assert (
        '<h1 id="event-title"><span lang="en">Human Security in Asia</span>' in html and JA_TITLE not in html
    )


def test_the_public_api_gives_text_in_lang_and_says_which_language_each_is_in(reader, app):
    world = _world()
    data = reader.get("/api/v1/events/human-security?lang=ja").json
    assert (data["title"], data["summary"], data["language"]) == (JA_TITLE, "A two-day symposium.", "en")
    assert data["languages"]["title"] == "ja" and data["languages"]["summary"] == "en"
    assert data["venue"]["city"] == "チェンマイ" and data["languages"]["city"] == "ja"
    opening = next(s for s in data["sessions"] if s["id"] == world["session"].id)
    assert (opening["title"], opening["languages"]) == ("開会挨拶", {"title": "ja", "description": "ja"})
    assert data["slug"] == "human-security" and data["url"].endswith("/events/human-security/")
    plain = reader.get("/api/v1/events/human-security", headers=JA).json  # no ?lang: the own language
    assert plain["title"] == "Human Security in Asia" and plain["languages"]["title"] == "en"
    listed = reader.get("/api/v1/events?lang=ja").json["events"]
    assert [(e["title"], e["languages"]) for e in listed] == [(JA_TITLE, {"title": "ja"})]


def _events_of(body: bytes) -> dict:
    return {str(c["UID"]): c for c in Calendar.from_ical(body).walk("VEVENT")}


def test_feeds_follow_lang_with_the_same_uids_and_separate_cache_entries(reader, app, tmp_path):
    world = _world()
    session = world["session"]
    english = reader.get("/events/human-security/calendar.ics")
    japanese = reader.get("/events/human-security/calendar.ics?lang=ja")
    again = reader.get("/events/human-security/calendar.ics")  # cached, and still English
    assert english.status_code == japanese.status_code == 200
    assert english.data == again.data != japanese.data
    en, ja = _events_of(english.data), _events_of(japanese.data)
    assert en.keys() == ja.keys()
    uid = next(u for u in ja if u.startswith(session.uid))
    assert str(ja[uid]["SUMMARY"]) == "開会挨拶" and str(en[uid]["SUMMARY"]) == "Opening remarks"
    assert "ようこそ。" in str(ja[uid]["DESCRIPTION"]) and JA_TITLE in str(ja[uid]["DESCRIPTION"])
    assert "法学教授" in str(ja[uid]["DESCRIPTION"])
    assert "チェンマイ" in str(ja[uid]["LOCATION"]) and "Chiang Mai University" in str(ja[uid]["LOCATION"])
    assert str(ja[uid]["URL"]) == str(en[uid]["URL"])
    assert Calendar.from_ical(japanese.data)["X-WR-CALNAME"] == JA_TITLE
    # The other feed kinds too.
    one = reader.get(f"/events/human-security/sessions/{session.id}.ics?lang=ja")
    assert str(next(iter(_events_of(one.data).values()))["SUMMARY"]) == "開会挨拶"
    speaker = reader.get(f"/speakers/{world['person'].slug}/calendar.ics?lang=ja")
    assert "開会挨拶" in speaker.get_data(as_text=True)
    everything = reader.get("/calendar.ics?lang=ja")
    assert str(next(iter(_events_of(everything.data).values()))["SUMMARY"]) == JA_TITLE
    if _icscheck_ready() is None:
        files = []
        for name, response in (
            ("event", japanese),
            ("session", one),
            ("speaker", speaker),
            ("all", everything),
        ):
            path = tmp_path / f"{name}.ics"
            path.write_bytes(response.data)
            files.append(str(path))
        result = subprocess.run([str(CHECK), "--werror", *files], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_translation_change_reaches_the_cached_feed(reader, app):
    world = _world()
    first = reader.get("/events/human-security/calendar.ics?lang=ja").get_data(as_text=True)
    assert "開会挨拶" in first
    session = world["session"]
    session.translations = {"ja": {"title": "開会の挨拶"}}
    db.session.commit()
    second = reader.get("/events/human-security/calendar.ics?lang=ja").get_data(as_text=True)
    assert "開会の挨拶" in second


def test_the_demo_has_the_chiang_mai_symposium_in_japanese_and_korean(app, reader):
    from conference.demo import SYMPOSIUM_SLUG, load_demo

    load_demo()
    event = db.session.scalars(sa.select(Event).where(Event.slug == SYMPOSIUM_SLUG)).one()
    for language in ("ja", "ko"):
        assert {"title", "summary"} <= set(event.translations[language])
        assert any(language in (s.translations or {}) for s in event.sessions)
    html = reader.get(f"/events/{SYMPOSIUM_SLUG}/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert event.translations["ko"]["title"] in html and "기조연설" in html


def test_a_new_person_added_through_the_api_takes_position_language_and_translations(app, organiser):
    user, api, token = organiser["user"], organiser["api"], organiser["token"]
    world = _world()
    event, session = world["event"], world["session"]
    add_member(event, user)
    db.session.commit()
    url = f"/api/v1/events/{event.slug}/sessions/{session.id}/people"
    bad = {
        "name": "Kenji Mori",
        "position": "教授",
        "language": "ja",
        "translations": {"ja": {"position": "x"}},
    }
    response = api.post(url, token, json=bad)  # Japanese is this person's own language: nothing to translate
    assert response.status_code == 422 and "translations.ja" in response.json["errors"]
    assert db.session.scalars(sa.select(Person).where(Person.name == "Kenji Mori")).first() is None
    good = {**bad, "translations": {"en": {"position": "Professor"}}}
    response = api.post(url, token, json=good)
    assert response.status_code == 201, response.json
    kenji = db.session.scalars(sa.select(Person).where(Person.name == "Kenji Mori")).one()
    assert (kenji.position, kenji.language, kenji.translations) == (
        "教授",
        "ja",
        {"en": {"position": "Professor"}},
    )
    assert translations.text(kenji, "position", "en") == "Professor"
