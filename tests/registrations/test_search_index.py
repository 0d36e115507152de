"""The organisers' registration search on SQLite's FTS5 trigram index (migration 0023_search_fts,
`conference/registrations/search_index.py`): it finds exactly what the LIKE scan found (the list's order and
pages, the desk's cap), on SQLite and PostgreSQL alike; nothing typed is read as FTS syntax or answers 500;
the index follows every insert, change, erasure and delete; a rare word or one nobody has costs the same in
a large event as in a small one; the migration fills the index from the rows there and takes it away again."""

from __future__ import annotations

import random
import types
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.auth.api_tokens import create_token
from conference.db import db
from conference.events.models import Event
from conference.registrations import capacity, registering, search_index
from conference.registrations.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.registrations.queries import (
    LIST_COLUMNS,
    PER_PAGE,
    SEARCH_CAP,
    SEARCH_INDEX_FEW,
    find_for_checkin,
    matches,
    registration_page,
    registrations_query,
)
from tests.factories import add_member, make_event, make_session, make_user
from tests.organise.helpers import Visitor

START = datetime(2026, 1, 1, tzinfo=UTC)
SQLITE_ONLY = "the FTS5 index is SQLite's; PostgreSQL keeps the trigram indexes of migration 0018"

PEOPLE = {
    "Ada Lovelace": "ada@example.org",
    "ADA LOVELACE-KING": "ada.king@Example.ORG",
    "Grace Hopper": "grace+hopper@navy.example.mil",
    "山田 太郎": "yamada@example.jp",
    "田中 花子": "hanako@example.jp",
    "김민준": "minjun@example.kr",
    "สมชาย ใจดี": "somchai@example.th",
    "Percy 100% Sure": "percy@example.org",
    "Una Under_Score": "una_score@example.org",
    'Dan O\'Brien "Bob"': "obrien@example.ie",
    "NEAR AND OR NOT": "syntax@example.org",
    "Star * Power (x) {y}": "star@example.org",
    "Minus -one: ^caret": "minus@example.org",
    "Émile Zola": "emile@example.fr",
    "Back\\slash / Slash": "slash@example.org",
    "Åsa Ñúñez": "asa@example.se",
}
# What each typed text finds: the same on SQLite and PostgreSQL (A-Z ignoring case; CJK and Thai as typed;
# letters beyond A-Z as typed, since SQLite's LIKE and lower() fold A-Z only while PostgreSQL's ILIKE folds
# all: "émile" finds "Émile" on PostgreSQL only, as before the index).
EXPECTED = {
    "lovelace": ["Ada Lovelace", "ADA LOVELACE-KING"],
    "LoVeLaCe-K": ["ADA LOVELACE-KING"],
    "ada": ["Ada Lovelace", "ADA LOVELACE-KING", "山田 太郎"],  # yamada@
    "example.jp": ["山田 太郎", "田中 花子"],
    "@EXAMPLE.KR": ["김민준"],
    "grace+hop": ["Grace Hopper"],
    "山田 太郎": ["山田 太郎"],
    "田": ["山田 太郎", "田中 花子"],
    "太郎": ["山田 太郎"],
    "민준": ["김민준"],
    "김민준": ["김민준"],
    "ใจดี": ["สมชาย ใจดี"],
    "สมชาย ใจ": ["สมชาย ใจดี"],
    "100%": ["Percy 100% Sure"],
    "%": ["Percy 100% Sure"],
    "_": ["Una Under_Score"],
    "r_s": ["Una Under_Score"],
    "%_%": [],
    "o'brien": ['Dan O\'Brien "Bob"'],
    '"bob"': ['Dan O\'Brien "Bob"'],
    '"': ['Dan O\'Brien "Bob"'],
    '""': [],
    "'": ['Dan O\'Brien "Bob"'],
    "near and or": ["NEAR AND OR NOT"],
    "AND": ["NEAR AND OR NOT"],
    "NEAR(ada lovelace)": [],
    "ada AND lovelace": [],
    "ada OR grace": [],
    "lovelace NOT": [],
    "* power (x)": ["Star * Power (x) {y}"],
    "*": ["Star * Power (x) {y}"],
    "ada*": [],
    "(x)": ["Star * Power (x) {y}"],
    "{y}": ["Star * Power (x) {y}"],
    "-one: ^": ["Minus -one: ^caret"],
    "^caret": ["Minus -one: ^caret"],
    "name:ada": [],
    "email:ada": [],
    "-ada": [],
    "\\slash": ["Back\\slash / Slash"],
    "/ slash": ["Back\\slash / Slash"],
    "Émile z": ["Émile Zola"],
    "Ñúñez": ["Åsa Ñúñez"],
    "nobody-at-all": [],
}


def add(event: Event, name: str, email: str, minute: int, **row: object) -> int:
    """One registration row (Core INSERT: the index's triggers see it as any INSERT)."""
    values = {
        "event_id": event.id,
        "token": f"t-{event.id}-{minute}",
        "feed_token": f"f-{event.id}-{minute}",
        "checkin_code": f"{event.id:04X}{minute:012X}",
        "name": name,
        "email": email,
        "attendance_mode": RegistrationMode.IN_PERSON,
        "status": RegistrationStatus.CONFIRMED,
        "created_at": START + timedelta(minutes=minute),
        "updated_at": START,
        **row,
    }
    return db.session.execute(sa.insert(Registration).values(values).returning(Registration.id)).scalar_one()


def add_many(event: Event, n: int, *, start: int = 0, name: str = "Person") -> None:
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "event_id": event.id,
                "token": f"t-{event.id}-{i}",
                "feed_token": f"f-{event.id}-{i}",
                "checkin_code": f"{event.id:04X}{i:012X}",
                "name": f"{name} {i:05d}",
                "email": f"{name.lower()}{i}@example.org",
                "attendance_mode": RegistrationMode.ONLINE if i % 3 else RegistrationMode.IN_PERSON,
                "status": RegistrationStatus.CONFIRMED if i % 4 else RegistrationStatus.CANCELLED,
                "created_at": START + timedelta(minutes=(i * 7919) % n + start),  # not in id order
                "updated_at": START,
            }
            for i in range(start, start + n)
        ],
    )


@pytest.fixture
def world(app):  # noqa: ANN001, ANN201
    """Event "ev" with PEOPLE (registered in an order that is not the alphabet's) and another event with the
    same people: a search never crosses events."""
    event = make_event(slug="ev")
    other = make_event(slug="other")
    owner = make_user()
    add_member(event, owner)
    db.session.flush()
    for minute, (name, email) in enumerate(reversed(PEOPLE.items())):
        add(event, name, email, minute)
        add(other, name, email, 1000 + minute)
    db.session.commit()
    return types.SimpleNamespace(event=event, other=other, owner=owner)


def scanned_page(event: Event, q: str, page: int = 1, **filters: object) -> list[tuple]:
    """The list's page as the LIKE scan reads it (what the search found before the index)."""
    query = sa.select(*LIST_COLUMNS).where(Registration.event_id == event.id, matches(q))
    for column, value in filters.items():
        if column == "session_id":
            held = sa.select(SessionSeat.registration_id).where(
                SessionSeat.session_id == value, SessionSeat.status != SeatStatus.CANCELLED
            )
            query = query.where(Registration.id.in_(held))
        else:
            query = query.where(getattr(Registration, column) == value)
    rows = db.session.execute(
        query.order_by(Registration.created_at, Registration.id)
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return [tuple(row) for row in rows]


def scanned_desk(event: Event, q: str) -> list[tuple]:
    alive = sa.and_(Registration.event_id == event.id, Registration.erased_at.is_(None))
    rows = db.session.execute(
        sa.select(*LIST_COLUMNS).where(alive, matches(q)).order_by(Registration.id).limit(SEARCH_CAP + 1)
    ).all()
    shown = [tuple(row) for row in sorted(rows[:SEARCH_CAP], key=lambda row: (row.name.casefold(), row.id))]
    return shown + ([("more",)] if len(rows) > SEARCH_CAP else [])


def searched(event: Event, q: str, page: int = 1, **filters: object) -> list[tuple]:
    rows, more = registration_page(event, q=q, page=page, **filters)
    return [tuple(row) for row in rows] + ([("more",)] if more else [])


def scanned(event: Event, q: str, page: int = 1, **filters: object) -> list[tuple]:
    rows = scanned_page(event, q, page, **filters)
    return rows[:PER_PAGE] + ([("more",)] if len(rows) > PER_PAGE else [])


def desk(event: Event, q: str) -> list[tuple]:
    rows, more = find_for_checkin(event, q)
    return [tuple(row) for row in rows] + ([("more",)] if more else [])


def test_each_text_finds_the_same_people_on_either_database(world) -> None:  # noqa: ANN001
    """The table above, on the list and the desk, on SQLite and PostgreSQL: the same people for each text,
    whether the index (three characters or more on SQLite) or the scan answers."""
    for q, expected in EXPECTED.items():
        listed = [row.name for row in registration_page(world.event, q=q)[0]]
        assert sorted(listed) == sorted(expected), q
        at_desk = [row.name for row in find_for_checkin(world.event, q)[0]]
        assert sorted(at_desk) == sorted(expected), q
        assert searched(world.event, q) == scanned(world.event, q), q
        assert desk(world.event, q) == scanned_desk(world.event, q), q


@pytest.mark.parametrize("url", ["/organise/events/ev/registrations/", "/organise/events/ev/checkin/desk",
                                 "/organise/events/ev/checkin"])  # fmt: skip
def test_no_text_is_read_as_search_syntax_over_http(app, world, url) -> None:  # noqa: ANN001
    """Every text of the table through the pages: 200 and the people expected, never FTS5's syntax error
    (an unbalanced quote or parenthesis, a bare operator or column filter would be one)."""
    owner = Visitor(app, world.owner)
    for q, expected in EXPECTED.items():
        response = owner.get(url, query_string={"q": q})
        assert response.status_code == 200, (url, q)
        html = response.get_data(as_text=True)
        shown = [name for name in PEOPLE if f">{_escaped(name)}<" in html]
        assert sorted(shown) == sorted(expected), (url, q, shown)


def _escaped(name: str) -> str:
    return name.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")


def test_no_text_is_read_as_search_syntax_in_the_api(app, world) -> None:  # noqa: ANN001
    _token, secret = create_token(world.owner, "search")
    db.session.commit()
    client = app.test_client()
    for q, expected in EXPECTED.items():
        response = client.get(
            "/api/v1/events/ev/registrations",
            query_string={"q": q, "per_page": 100},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 200, (q, response.get_data(as_text=True))
        assert sorted(r["name"] for r in response.get_json()["registrations"]) == sorted(expected), q


def test_the_list_and_the_desk_read_the_same_rows_as_the_scan(app) -> None:  # noqa: ANN001
    """Pages (with filters), the order and the cap, for every text of three to five characters taken from
    the names and addresses and for random ones, in an event with a common name (more matches than the
    index's share of the list) and rows not registered in id order."""
    event = make_event(slug="ev")
    other = make_event(slug="other")
    db.session.flush()
    add_many(event, SEARCH_INDEX_FEW + 120, name="Common")
    add_many(other, 200, start=50_000, name="Common")
    for minute, (name, email) in enumerate(PEOPLE.items()):
        add(event, name, email, 90_000 + minute)
    session = make_session(event)
    db.session.flush()
    ids = db.session.scalars(sa.select(Registration.id).where(Registration.event_id == event.id)).all()
    db.session.execute(
        sa.insert(SessionSeat),
        [
            {
                "registration_id": rid,
                "session_id": session.id,
                "status": SeatStatus.CANCELLED if rid % 3 else SeatStatus.CONFIRMED,
            }
            for rid in ids[::2]
        ],
    )
    db.session.commit()
    texts = set()
    for name, email in [*PEOPLE.items(), ("Common 00042", "common7@example.org")]:
        for value in (name, email):
            for length in (3, 4, 5):
                texts.update(value[i : i + length] for i in range(len(value) - length + 1))
    rng = random.Random(15)
    texts = set(rng.sample(sorted(texts), 300))
    alphabet = "aeiouAEIOU cmn0123@._%'\"*()-:^田ใ"
    texts.update("".join(rng.choice(alphabet) for _ in range(rng.randint(3, 6))) for _ in range(100))
    paths = set()
    for q in sorted(texts):
        assert searched(event, q) == scanned(event, q), q
        assert desk(event, q) == scanned_desk(event, q), q
        if db.engine.dialect.name == "sqlite":
            paths.add(search_index.matching_ids(event.id, q, SEARCH_INDEX_FEW) is None)
    for q in ("common", "COMMON 0", "mon 01", "1@exam", "ple.org"):
        for page in (1, 2, 7, 23, 24):
            assert searched(event, q, page) == scanned(event, q, page), (q, page)
        assert searched(event, q, 2, status=RegistrationStatus.CANCELLED) == scanned(
            event, q, 2, status=RegistrationStatus.CANCELLED
        ), q
        assert searched(event, q, mode=RegistrationMode.IN_PERSON) == scanned(
            event, q, attendance_mode=RegistrationMode.IN_PERSON
        ), q
        for page in (1, 3):
            assert searched(event, q, page, session_id=session.id) == scanned(
                event, q, page, session_id=session.id
            ), q
    for q in ("ada", "lovelace", "example.jp", "ple.org", "9@"):
        assert searched(event, q, session_id=session.id) == scanned(event, q, session_id=session.id), q
    for q in (
        "ada",
        "example.jp",
        "ple.org",
        "mon 00",
        "9@",
        "zzz",
    ):  # the API's query: every match, in order
        for filters in ({}, {"session_id": session.id}, {"status": RegistrationStatus.CANCELLED}):
            api = db.session.scalars(registrations_query(event, q=q, **filters)).all()
            held = sa.select(SessionSeat.registration_id).where(
                SessionSeat.session_id == session.id, SessionSeat.status != SeatStatus.CANCELLED
            )
            reference = sa.select(Registration.id).where(Registration.event_id == event.id, matches(q))
            if "session_id" in filters:
                reference = reference.where(Registration.id.in_(held))
            if "status" in filters:
                reference = reference.where(Registration.status == filters["status"])
            expected = db.session.scalars(reference.order_by(Registration.created_at, Registration.id)).all()
            assert [r.id for r in api] == expected, (q, filters)
    if db.engine.dialect.name == "sqlite":
        assert paths == {True, False}  # both the common words' scan and the index's ids were compared


def test_the_index_follows_inserts_changes_erasure_and_deletes(app) -> None:  # noqa: ANN001
    """Registering, registering again under another name after cancelling, erasing (the old name and
    address are found no more, the blanked ones are), deleting rows and a whole event: each time the index
    holds exactly the registrations' lower(name) and lower(email)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip(SQLITE_ONLY)
    event = make_event(slug="ev", registration_enabled=True)
    other = make_event(slug="other", registration_enabled=True)
    db.session.commit()

    def register(target: Event, name: str, email: str) -> Registration:
        data = registering.RegistrationInput(name, email, RegistrationMode.IN_PERSON)
        return db.session.get(Registration, registering.register(target, data).registration.id)

    def in_step() -> None:
        indexed = db.session.execute(sa.text("SELECT rowid, name, email FROM registrations_search")).all()
        rows = db.session.execute(
            sa.select(Registration.id, sa.func.lower(Registration.name), sa.func.lower(Registration.email))
        ).all()
        assert sorted(map(tuple, indexed)) == sorted(map(tuple, rows))

    ada = register(event, "Ada Lovelace", "Ada@Example.org")
    register(event, "Grace Hopper", "grace@example.org")
    register(other, "Ada Lovelace", "ada@example.org")
    in_step()
    assert [r.name for r in find_for_checkin(event, "LOVELACE")[0]] == ["Ada Lovelace"]
    capacity.cancel(ada)
    renamed = register(event, "Augusta King", "Ada@Example.org")  # the cancelled registration, revived
    assert renamed.id == ada.id
    in_step()
    assert find_for_checkin(event, "lovelace")[0] == [] and registration_page(event, q="lovelace")[0] == []
    assert [r.name for r in registration_page(event, q="augusta")[0]] == ["Augusta King"]
    capacity.erase(renamed)
    in_step()
    for q in ("augusta", "King", "ada@ex", "example.org"):
        found = [r.id for r in registration_page(event, q=q)[0]] + [
            r.id for r in find_for_checkin(event, q)[0]
        ]
        assert ada.id not in found, q
    assert [r.id for r in registration_page(event, q=f"erased-{ada.id}@")[0]] == [ada.id]  # as the scan
    db.session.execute(sa.delete(Registration).where(Registration.name == "Grace Hopper"))
    db.session.commit()
    in_step()
    db.session.execute(sa.delete(Event).where(Event.id == other.id))  # its registrations go by cascade
    db.session.commit()
    in_step()
    assert db.session.scalar(sa.text("SELECT count(*) FROM registrations_search")) == 1


def _vm_steps(run) -> int:  # noqa: ANN001
    """SQLite virtual machine instructions (in hundreds) that `run` makes the database execute: the rows
    its statements step through. (The FTS5 index's own look-ups run inside single instructions.)"""
    connection = db.session.connection().connection.driver_connection
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    connection.set_progress_handler(count, 100)
    try:
        run()
    finally:
        connection.set_progress_handler(None, 100)
    return steps[0]


@pytest.mark.parametrize("q", ["person", "son1017@", "nobody", "nob", "person 00017"])
def test_a_search_costs_the_same_in_a_large_event_as_in_a_small_one(app, q) -> None:  # noqa: ANN001
    """A common word, a rare one and one nobody has, on the list and the desk: the work SQLite does for an
    event of 12,000 registrations is that for 1,500 (the scan read every row: eight times as much)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip(SQLITE_ONLY)
    small = make_event(slug="small")
    large = make_event(slug="large")
    db.session.flush()
    add_many(small, 1_500, name="Person")
    add_many(large, 12_000, start=100_000, name="Person")
    db.session.commit()
    costs = {}
    for event in (small, large):
        costs[event.slug] = [
            _vm_steps(lambda event=event: registration_page(event, q=q)),
            _vm_steps(lambda event=event: find_for_checkin(event, q)),
        ]
    for small_cost, large_cost in zip(costs["small"], costs["large"], strict=True):
        assert large_cost <= small_cost * 1.5 + 20, (q, costs)


def test_the_migration_fills_the_index_and_takes_it_away(make_app, tmp_path) -> None:  # noqa: ANN001
    """Upgrading a database that has registrations indexes them all (a search finds them through the
    index); downgrading drops the table and its triggers and the search goes on by scanning."""
    from flask_migrate import downgrade, upgrade

    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        upgrade(revision="0022_registration_counters")
        event = make_event(slug="ev")
        db.session.flush()
        for minute, (name, email) in enumerate(PEOPLE.items()):
            add(event, name, email, minute)
        db.session.commit()
        event_id = event.id
        before = {q: scanned(event, q) for q in EXPECTED}  # the scan, as before the index
        db.session.remove()
        upgrade()
        event = db.session.get(Event, event_id)
        count = db.session.scalar(sa.text("SELECT count(*) FROM registrations_search"))
        assert count == len(PEOPLE)
        ada = db.session.scalar(
            sa.text("SELECT rowid FROM registrations_search WHERE registrations_search MATCH '\"lovelace\"'")
        )
        assert ada == db.session.scalar(sa.select(Registration.id).where(Registration.name == "Ada Lovelace"))
        assert {q: searched(event, q) for q in EXPECTED} == before
        db.session.remove()
        downgrade(revision="0022_registration_counters")
        left = db.session.scalars(
            sa.text("SELECT name FROM sqlite_master WHERE name LIKE 'registrations_search%'")
        ).all()
        assert left == []
        add(db.session.get(Event, event_id), "Late Comer", "late@example.org", 500)  # no trigger is left
        db.session.commit()
        db.session.remove()
        upgrade()
        assert db.session.scalar(sa.text("SELECT count(*) FROM registrations_search")) == len(PEOPLE) + 1
        db.session.remove()
        db.engine.dispose()


def test_the_search_never_reads_the_index_of_another_event(app, world) -> None:  # noqa: ANN001
    """The same people in two events: each event's search finds its own registrations only."""
    for q in ("lovelace", "example.jp", "山田 太郎"):
        ours = {row.id for row in registration_page(world.event, q=q)[0]}
        theirs = {row.id for row in registration_page(world.other, q=q)[0]}
        assert ours and theirs and not ours & theirs
        assert ours == set(db.session.scalars(
            sa.select(Registration.id).where(Registration.event_id == world.event.id, matches(q))
        ))  # fmt: skip
