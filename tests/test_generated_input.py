"""Generated bad input to every route and method of the app (issue 9, finding 12), with hypothesis.

For each rule in `app.url_map` and each of its methods, anonymous and signed in as the owner of every
event's team: path values, query strings, forms (with a valid CSRF token) and, under /api/, JSON bodies
mixing real values with NUL and other control characters, lone surrogates (JSON), "²", numbers beyond
64 bits, very long strings and deep nesting. Every answer is below 500, and an answer in 4xx leaves
every table as it was (no partial writes).

Runs on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL). A few examples per route and
a fixed seed by default; BAD_INPUT_EXAMPLES=200 runs more, BAD_INPUT_RANDOM=1 draws new ones each run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zlib
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from conference import create_app
from conference.auth.models import User
from conference.db import db
from conference.inputs import FlaskForm
from tests.conftest import _empty_all_tables
from tests.factories import add_member, login_as, make_user

EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "5"))
RANDOM = bool(os.environ.get("BAD_INPUT_RANDOM"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OWNER_EMAIL = "owner@generated.test"
OWNER_PASSWORD = "correct horse battery staple"


def _rules() -> list[tuple[str, str, str]]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 32})
    return sorted(
        (rule.rule, method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & set(METHODS))
    )


RULES = _rules()

# --- what is sent --------------------------------------------------------------------------------

BAD_TEXT = [
    "\x00", "a\x00b", "\x0b", "tab\there", "line\r\nbreak", "\x1b[31m", "\x7f\x85\x9f", "\u2028", "²", "١٢",
    "9" * 25, str(2**63), str(2**31), str(-(2**63) - 1), "-1", "0", "1e999", "NaN", "x" * 5000, "%", "_", "%_%",
    "../..",
    "'; --", "<script>alert(1)</script>", "\ufeff", "\ufffe", "e\u0301", "😀", " ", "",
]  # fmt: skip
GOOD_TEXT = [
    "Test", "1", "2", "3", "y", "owner", "manager", "checkin", "in_person", "online", "panel", "speaker",
    "symposium", "short_text", "single_choice", "host", "approve", "2030-12-05T10:00", "2030-12-05T12:00",
    "2030-12-05", "Europe/Berlin", "https://example.org/", "ada@example.org", OWNER_EMAIL, "DE",
]  # fmt: skip
# What broke something before: drawn often, so that a few examples per route meet each of them.
KILLERS = ["\x00", "a\x00b", "9" * 25, str(2**63), str(2**31), "²", "١٢", "a\x0bb\r\nc", "x" * 5000]
# Text a browser could send: anything but surrogates (which UTF-8 cannot carry).
typed = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
bad_text = st.one_of(st.sampled_from(KILLERS), st.sampled_from(BAD_TEXT), typed)
any_text = st.one_of(st.sampled_from(GOOD_TEXT), st.sampled_from(KILLERS), bad_text)


def _form_field_names() -> list[str]:
    names = {"csrf_token", "registration_id", "q_1", "q_2", "cap_1", "cap_2", "confirm", "next"}
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField))
    return sorted(names)


FORM_FIELDS = _form_field_names()
QUERY_KEYS = ["page", "session", "status", "mode", "q", "keep", "merge", "next", "upcoming", "kind", "event"]
ACTIONS = ["approve", "reject", "cancel", "erase", "up", "down", "archive", "restore"]
FILENAMES = ["agenda.ics", "checkin-code.png", "css/site.css"]

# JSON: ordinary values, values that must be refused, and documents nested too deep.
json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from([2**63, 1.5]),
    st.text(max_size=20), st.sampled_from(BAD_TEXT + GOOD_TEXT + ["\ud800", "a\udfffb"]),
)  # fmt: skip
json_value = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(["name", "email", "answers", "1", "\x00", "\ud800"]), children, max_size=4
        ),
    ),
    max_leaves=12,
)


@st.composite
def json_body(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["registration", "any", "deep"]))
    if kind == "deep":
        depth = draw(st.sampled_from([33, 1000, 100_000]))
        return "[" * depth + "]" * depth
    if kind == "any":
        return json.dumps(draw(json_value))
    body = {
        "name": "Ada", "email": draw(st.sampled_from(["ada@example.org", "bob@example.org"])),
        "attendance_mode": "in_person", "consent": True, "session_ids": [], "answers": {},
    }  # fmt: skip
    for key in draw(
        st.lists(st.sampled_from([*body, "affiliation", "country", "idempotency_key"]), max_size=3)
    ):
        body[key] = draw(json_value)
    return json.dumps(body)


# --- the world the requests meet -----------------------------------------------------------------------


def _build_world() -> None:
    from conference.demo import load_demo
    from conference.events.models import Event, EventStatus
    from conference.registrations import registering
    from conference.registrations.models import Question, QuestionKind, RegistrationMode
    from conference.sessions.models import Session

    load_demo()
    owner = make_user(email=OWNER_EMAIL, password=OWNER_PASSWORD)
    events = list(db.session.scalars(sa.select(Event).order_by(Event.id)))
    for event in events:
        add_member(event, owner)
        db.session.add(Question(event_id=event.id, label="Why?", kind=QuestionKind.SHORT_TEXT, options=[]))
        db.session.add(
            Question(event_id=event.id, label="Pick", kind=QuestionKind.SINGLE_CHOICE, options=["A", "B"])
        )
    db.session.commit()
    for event in events:
        if event.status != EventStatus.PUBLISHED:
            continue
        session_ids = list(
            db.session.scalars(sa.select(Session.id).where(Session.event_id == event.id).limit(2))
        )
        for name in ("Ada", "Grace"):
            with contextlib.suppress(registering.RegistrationFull):
                registering.register(
                    event,
                    registering.RegistrationInput(
                        name, f"{name.lower()}@example.org", RegistrationMode.IN_PERSON, session_ids
                    ),
                )
    db.session.commit()


def _row_counts() -> dict[str, int]:
    tables = db.metadata.sorted_tables
    query = sa.union_all(*(sa.select(sa.literal(t.name), sa.func.count()).select_from(t) for t in tables))
    return {name: count for name, count in db.session.execute(query).all()}


class World:
    """The app on the test database with the demo data, an owner and registrations, restored when a
    successful request changed it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.changed = True
        self.values: dict[str, list[str]] = {}
        self.owner_id = 0

    def restore(self) -> None:
        with self.app.app_context():
            db.session.remove()
            _empty_all_tables()
            _build_world()
            self.refresh_values()
        self.changed = False

    def refresh_values(self) -> None:
        from conference.events.models import Event
        from conference.registrations.models import Registration
        from conference.speakers.models import Person

        self.values = {
            "slug": list(db.session.scalars(sa.select(Event.slug)))
            + list(db.session.scalars(sa.select(Person.slug))),
            "token": list(db.session.scalars(sa.select(Registration.token))),
        }
        self.owner_id = db.session.scalar(sa.select(User.id).where(User.email == OWNER_EMAIL))

    def counts(self) -> dict[str, int]:
        with self.app.app_context():
            try:
                return _row_counts()
            finally:
                db.session.remove()


@pytest.fixture(scope="module")
def world(base_config: dict, _schema: None) -> Iterator[World]:
    app = create_app(dict(base_config))
    made = World(app)
    yield made
    with app.app_context():
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def fresh_world(world: World) -> World:
    if world.changed:
        world.restore()
    return world


# --- the property ----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


@st.composite
def path_for(draw: st.DrawFn, rule: str, world: World, killer: str) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group("converter") or "default", match.group("name")
        if converter == "int":
            real = st.integers(min_value=0, max_value=40).map(str)
        elif name == "action":
            real = st.sampled_from(ACTIONS)
        elif name == "filename":
            real = st.sampled_from(FILENAMES)
        else:
            real = st.sampled_from(world.values.get(name) or ["x"])
        chosen = draw(st.one_of(real, real, st.just(killer)))  # mostly real: a bad one only finds a 404
        return quote(chosen, safe="/" if converter == "path" else "")

    return _PLACEHOLDER.sub(value, rule)


_INPUT_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')
_METHODS = {rule: set() for rule, _method, _endpoint in RULES}
for _rule, _method, _endpoint in RULES:
    _METHODS[_rule].add(_method)


def _methods(rule: str) -> set[str]:
    return _METHODS[rule]


def _real_path(rule: str, world: World) -> str:
    """The rule with the first real value of each part (id 1), for reading the page's form."""

    def value(match: re.Match) -> str:
        if match.group("converter") == "int":
            return "1"
        return quote((world.values.get(match.group("name")) or ["x"])[0], safe="")

    return _PLACEHOLDER.sub(value, rule)


def _examples(rule: str, role: str) -> int:
    if role == "anonymous" and rule.startswith("/organise/"):
        return 1  # sent to the login page, whatever the input
    return EXAMPLES * (3 if rule.startswith("/api/") else 1)


@pytest.mark.parametrize("role", ["anonymous", "owner"])
@pytest.mark.parametrize(("rule", "method", "endpoint"), RULES, ids=[f"{m} {r}" for r, m, _ in RULES])
def test_generated_input_never_makes_a_5xx_or_a_partial_write(
    fresh_world, rule, method, endpoint, role
) -> None:  # noqa: ANN001
    world: World = fresh_world
    client = world.app.test_client()
    if role == "owner":
        with world.app.app_context():
            login_as(client, db.session.get(User, world.owner_id))
            db.session.remove()
    token_page = client.get("/login" if role == "anonymous" else "/organise/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page)
    assert csrf, "no CSRF token on the page"
    # The fields of the form on this page (when it has one), else every field name of the app's forms.
    page = client.get(_real_path(rule, world)) if "GET" in _methods(rule) else None
    names = (
        set(_INPUT_NAME.findall(page.get_data().decode("utf-8", "replace"))) - {"csrf_token"}
        if page
        else set()
    )
    fields = sorted(names) or FORM_FIELDS

    @settings(SETTINGS, max_examples=_examples(rule, role))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        if role == "owner":  # again each time: an example may have signed out
            with world.app.app_context():
                login_as(client, db.session.get(User, world.owner_id))
                db.session.remove()
        # One kind of bad value per example, put into every place at once (and other values elsewhere).
        killers = st.sampled_from(KILLERS)
        bad = st.one_of(killers, killers, bad_text)
        killer = data.draw(bad, label="bad value")
        value = st.one_of(st.just(killer), killers, st.sampled_from(GOOD_TEXT), bad)
        path = data.draw(path_for(rule, world, killer), label="path")
        query = {key: data.draw(value, label=key) for key in QUERY_KEYS}
        kwargs: dict = {"query_string": query}
        if method != "GET":
            if path.startswith("/api/"):
                kwargs["data"] = data.draw(json_body(), label="json")
                kwargs["content_type"] = "application/json"
            else:
                chosen = (
                    fields if len(fields) <= 20 else data.draw(st.lists(st.sampled_from(fields), max_size=10))
                )
                form = {name: data.draw(value, label=name) for name in chosen}
                if data.draw(st.integers(0, 9), label="csrf") > 0:
                    form["csrf_token"] = csrf.group(1)
                kwargs["data"] = form
        before = world.counts()
        response = client.open(path, method=method, **kwargs)
        status = response.status_code
        assert status < 500, (method, path, kwargs, response.get_data()[:2000].decode("utf-8", "replace"))
        after = world.counts()
        if 400 <= status < 500:
            assert after == before, ("a refused request changed the database", method, path, kwargs)
        elif after != before or (method != "GET" and 300 <= status < 400):
            world.changed = True  # the next test starts from the original world again

    if not RANDOM:  # a fixed seed per route: the same examples on every run, different ones per route
        run = seed(zlib.crc32(f"{method} {rule} {role}".encode()))(run)
    run()
