"""Many people registering together for the last seats of two co-located events at once, through gunicorn
with several workers and the real form (CSRF and all), while others take seats of one event through the
API: no overbooking on either event, and each person gets both events or neither."""

from __future__ import annotations

import http.client
import json
import re
import threading
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from bench.registration import start_gunicorn, stop
from conference.db import db
from conference.events import colocation
from conference.events.models import Event
from conference.registrations.bundles import RegistrationBundle
from conference.registrations.models import Registration, RegistrationStatus
from tests.factories import make_event

SEATS = 3
TOGETHER = 10
ALONE = 4


@pytest.fixture
def served(app, database_url):  # noqa: ANN001, ANN201
    process, base = start_gunicorn(database_url, workers=3)
    try:
        yield base
    finally:
        stop(process)


def _register_together(host: str, port: int, n: int, start: threading.Barrier, out: list) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", "/events/symposium/register/together")
    page = conn.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    fields = {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
        "idempotency_key": re.search(r'name="idempotency_key" type="hidden" value="([^"]*)"', html).group(1),
        "name": f"Person {n}",
        "email": f"together{n}@example.org",
        "consent": "y",
    }
    for event_id in re.findall(r'name="join_(\d+)"', html):
        fields[f"join_{event_id}"] = "y"
        fields[f"mode_{event_id}"] = "in_person"
    body = urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    start.wait()
    conn.request("POST", "/events/symposium/register/together", body, headers)
    response = conn.getresponse()
    text = response.read().decode()
    out.append((n, response.status, "no seat left" in text))


def _register_alone(host: str, port: int, n: int, start: threading.Barrier, out: list) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    body = json.dumps({"name": f"Alone {n}", "email": f"alone{n}@example.org", "consent": True})
    start.wait()
    conn.request("POST", "/api/v1/events/congress/registrations", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    out.append((n, response.status))


def test_registering_together_for_the_last_seats_never_overbooks_and_is_all_or_nothing(app, served) -> None:  # noqa: ANN001
    symposium = make_event(
        slug="symposium", title="Symposium", capacity_in_person=SEATS, waitlist_enabled=False
    )
    congress = make_event(slug="congress", title="Congress", capacity_in_person=SEATS, waitlist_enabled=False,
                          starts_at=symposium.starts_at + timedelta(days=2))  # fmt: skip
    db.session.commit()
    colocation.set_colocated(None, symposium, [congress])
    host, port = served.removeprefix("http://").split(":")
    start = threading.Barrier(TOGETHER + ALONE)
    together: list = []
    alone: list = []
    threads = [
        threading.Thread(target=_register_together, args=(host, int(port), n, start, together))
        for n in range(TOGETHER)
    ] + [
        threading.Thread(target=_register_alone, args=(host, int(port), n, start, alone))
        for n in range(ALONE)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.rollback()

    assert len(together) == TOGETHER and len(alone) == ALONE
    # Each answer is a registration (302) or the form back naming the full event (422), never a 5xx.
    assert all(code == 302 or (code == 422 and full) for _n, code, full in together), together
    assert all(code in (201, 409) for _n, code in alone), alone

    counts = {}
    for event in (symposium, congress):
        fresh = db.session.get(Event, event.id)
        confirmed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        )
        assert fresh.seats_taken_in_person == confirmed <= SEATS  # no overbooking, counters true
        counts[event.slug] = confirmed
    assert counts["congress"] == SEATS  # everyone wanted the congress: it is full
    # All or nothing per person: every person registered together has both events or neither.
    rows = db.session.execute(
        sa.select(Registration.email, Event.slug).join(Event, Event.id == Registration.event_id)
    ).all()
    by_person: dict[str, set] = {}
    for email, slug in rows:
        by_person.setdefault(email, set()).add(slug)
    succeeded = {n for n, code, _full in together if code == 302}
    for n in range(TOGETHER):
        expected = {"symposium", "congress"} if n in succeeded else None
        assert by_person.get(f"together{n}@example.org") == expected, (n, by_person)
    assert counts["symposium"] == len(succeeded)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationBundle)) == 2 * len(succeeded)
    assert counts["congress"] == len(succeeded) + sum(1 for _n, code in alone if code == 201)
