"""Every feed kind through ../shared/tools/icscheck (ical.js, ical, icalendar, vobject + RFC 5545 rules)."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conference.db import db
from conference.events.models import AttendanceMode
from conference.registrations.models import SeatStatus
from conference.sessions.models import SessionStatus
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_room, make_session
from tests.feeds.helpers import SHARED
from tests.feeds.test_builders import make_registration

# CI sets ICSCHECK to a set-up copy of the checker (shared/ itself stays untouched there).
CHECK = Path(os.environ.get("ICSCHECK") or SHARED / "tools" / "icscheck" / "check_ics")


def _icscheck_ready() -> str | None:
    reason = _missing()
    if reason and os.environ.get("REQUIRE_ICSCHECK") == "1":
        pytest.fail(f"REQUIRE_ICSCHECK=1 but {reason}", pytrace=False)
    return reason


def _missing() -> str | None:
    if not CHECK.exists():
        return f"{CHECK} is absent (../shared next to the repository)"
    here = CHECK.parent
    if not (here / ".venv" / "bin" / "python").exists() or not (here / "node_modules" / "ical.js").exists():
        return f"icscheck is not set up: run {here}/setup.sh (CI does)"
    return None


@pytest.mark.skipif(_icscheck_ready() is not None, reason=_icscheck_ready() or "")
def test_every_feed_kind_passes_icscheck(client, tmp_path):
    summer = datetime(2027, 7, 14, 8, 0, tzinfo=UTC)
    winter = datetime(2027, 1, 14, 9, 0, tzinfo=UTC)
    event = make_event(
        slug="berlin",
        title='Berlin; Symposium, "2027"',
        timezone="Europe/Berlin",
        starts_at=winter,
        ends_at=summer + timedelta(days=1),
        venue_name="Haus, am See",
        attendance_mode=AttendanceMode.HYBRID,
        online_url="https://meet.example/x",
    )
    room = make_room(event, "Saal 1")
    person = make_person(
        slug="ada", name="Ada Lovelace", position="Professor of Law", affiliation="Uni, Berlin"
    )
    s1 = make_session(
        event,
        title="Winter session",
        starts_at=winter,
        room=room,
        people=[(person, Role.CHAIR)],
        description="Abstract with ümlauts, semicolons; and a very long line " * 5,
    )
    s2 = make_session(event, title="Summer session", starts_at=summer, people=[(person, Role.SPEAKER)])
    s3 = make_session(event, title="Cancelled", starts_at=summer + timedelta(hours=3))
    db.session.commit()
    s3.status = SessionStatus.CANCELLED
    ny = make_event(slug="ny", timezone="America/New_York", attendance_mode=AttendanceMode.ONLINE)
    make_session(ny, title="New York", people=[(person, Role.MODERATOR)])
    make_event(slug="bangkok", timezone="Asia/Bangkok", venue_name="Chiang Mai University", city="Chiang Mai")
    db.session.commit()
    registration = make_registration(event, [(s1, SeatStatus.CONFIRMED), (s2, SeatStatus.WAITLISTED)])

    urls = {
        "all": "/calendar.ics",
        "event": "/events/berlin/calendar.ics",
        "empty-event": "/events/bangkok/calendar.ics",
        "session": f"/events/berlin/sessions/{s1.id}.ics",
        "speaker": "/speakers/ada/calendar.ics",
        "registration": f"/registrations/{registration.feed_token}/calendar.ics",
    }
    files = []
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.ics"
        path.write_bytes(response.data)
        files.append(str(path))
    result = subprocess.run([str(CHECK), "--werror", *files], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr

    # The one-off "add to calendar" downloads pass every check but the feed's refresh hint, which a file
    # imported once must not carry (it is no subscription).
    once = []
    for name, url in {
        "add-event": "/events/berlin/add.ics",
        "add-session": f"/events/berlin/sessions/{s1.id}/add.ics",
    }.items():
        path = tmp_path / f"{name}.ics"
        path.write_bytes(client.get(url).data)
        once.append(str(path))
    result = subprocess.run(
        [str(CHECK), "--werror", "-q", *once], capture_output=True, text=True, timeout=120
    )
    problems = [line for line in result.stdout.splitlines() if line.lstrip().startswith(("FAIL", "WARN"))]
    assert len(problems) == 2, result.stdout + result.stderr
    assert all("refresh hint" in line for line in problems), result.stdout
