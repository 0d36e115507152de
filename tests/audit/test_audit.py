"""The audit log: every kind of operation, done through its organiser page, leaves one entry naming its
author's e-mail with before and after; erasing a registrant scrubs the earlier entries about them; another
team's organiser sees neither the page nor the API; the filters filter. Real database, real HTTP routes."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from conference.audit.models import AuditEntry
from conference.auth.api_tokens import create_token
from conference.db import db
from conference.registrations.models import Registration
from conference.sessions.models import Session
from conference.timeutil import local
from tests.api.organiser_world import Api, build_world
from tests.factories import add_member, make_person, make_user
from tests.operations.test_consequences import _session_form
from tests.organise.helpers import Visitor
from tests.organise.test_people_and_teams import person_form


def _entries(event_id: int, action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def _one_new(event_id: int, seen: int, action: str) -> AuditEntry:
    """Exactly one entry more than `seen`, with this action."""
    entries = _entries(event_id)
    assert [e.action for e in entries[seen:]] == [action], [(e.action, e.before, e.after) for e in entries]
    return entries[-1]


def test_each_kind_of_operation_through_its_page_leaves_one_entry_with_author_and_change(app: Flask):
    world = build_world()
    event, small = world["event"], world["small"]
    owner = world["users"]["owner"]
    newcomer = make_user("newcomer@example.org")
    speaker = make_person(name="Dana Dudden")
    db.session.commit()
    slug, event_id, small_id, speaker_id = event.slug, event.id, small.id, speaker.id
    base = f"/organise/events/{slug}"
    web = Visitor(app, owner)

    def step(response, action: str) -> AuditEntry:  # noqa: ANN001
        assert response.status_code in (200, 302), (action, response.status_code)
        entry = _one_new(event_id, step.seen, action)
        step.seen += 1
        assert entry.actor_email == "owner@example.org"
        assert entry.actor_id == owner.id
        return entry

    step.seen = len(_entries(event_id))

    # A session's title and capacity in one form: one entry with both fields.
    db.session.expire_all()
    small = db.session.get(Session, small_id)
    # Half an hour later, so the start always changes (the world's times may or may not have seconds).
    later = local(small.starts_at + timedelta(minutes=30), small.event.timezone).strftime("%Y-%m-%dT%H:%M")
    form = _session_form(small, small.event, title="Smaller seminar", capacity="2", starts_at=later)
    entry = step(web.post(f"{base}/sessions/{small_id}/edit", form), "session.changed")
    assert {k: entry.before[k] for k in ("title", "capacity")} == {"title": "Small seminar", "capacity": 1}
    assert {k: entry.after[k] for k in ("title", "capacity")} == {"title": "Smaller seminar", "capacity": 2}
    assert entry.after["starts_at"].endswith("+00:00")  # times ISO 8601 with offset
    assert datetime.fromisoformat(entry.after["starts_at"]) > datetime.fromisoformat(
        entry.before["starts_at"]
    )
    assert entry.subject_label == "Smaller seminar"

    entry = step(web.post(f"{base}/sessions/{small_id}/cancel", {"confirm": "y"}), "session.cancelled")
    assert (entry.before, entry.after) == ({"status": "scheduled"}, {"status": "cancelled"})
    step(web.post(f"{base}/sessions/{small_id}/restore"), "session.restored")

    people = f"{base}/sessions/{small_id}/people"
    entry = step(
        web.post(people, {"add-person_id": str(speaker_id), "add-role": "speaker"}), "person.assigned"
    )
    assert entry.after == {"session": "Smaller seminar", "role": "speaker"}
    assert (entry.subject_type, entry.subject_label) == ("person", "Dana Dudden")

    entry = step(
        web.post(f"/organise/people/{speaker_id}/edit", person_form("Dana Dudden-Ray")), "person.changed"
    )
    assert (entry.before, entry.after) == ({"name": "Dana Dudden"}, {"name": "Dana Dudden-Ray"})

    settings = {"registration_enabled": "y", "capacity_in_person": "", "capacity_online": "",
                "waitlist_enabled": "y", "approval_required": "y", f"cap_{small_id}": "2"}  # fmt: skip
    entry = step(web.post(f"{base}/registration-settings", settings), "settings.changed")
    assert (entry.before, entry.after) == ({"approval_required": False}, {"approval_required": True})

    entry = step(web.post(f"{base}/rooms", {"name": "Hall B", "position": ""}), "room.added")
    assert entry.after == {"name": "Hall B"}

    question = {"label": "Dietary needs?", "help_text": "", "kind": "short_text", "options": ""}
    entry = step(web.post(f"{base}/questions/new", question), "question.added")
    assert entry.after["label"] == "Dietary needs?"

    entry = step(web.post(f"{base}/team", {"email": "newcomer@example.org", "role": "checkin"}), "team.added")
    assert (entry.subject_label, entry.after) == ("newcomer@example.org", {"role": "checkin"})
    assert newcomer.id == entry.subject_id

    cy = world["ids"]["bob"]
    entry = step(web.post(f"{base}/registrations/{cy}/cancel", {"confirm": "y"}), "registration.cancelled")
    assert (entry.subject_label, entry.after) == ("Bob", {"status": "cancelled"})

    entry = step(web.post(f"{base}/unpublish"), "event.unpublished")
    assert (entry.before, entry.after) == ({"status": "published"}, {"status": "draft"})

    # The page shows them, newest first, with the author and the change.
    page = web.get(f"{base}/audit").get_data(as_text=True)
    assert page.index("Event back to draft") < page.index("Session changed")
    assert "owner@example.org" in page and "Small seminar → Smaller seminar" in page
    from conference.audit.fields import FIELDS, SUBJECT_FIELDS

    for logged in _entries(event_id):  # every field these operations log has a label
        for name in [*logged.before, *logged.after]:
            assert name in FIELDS or (logged.subject_type, name) in SUBJECT_FIELDS, (logged.action, name)


def test_erasing_a_registrant_scrubs_the_earlier_entries_about_them_and_keeps_the_rest(app: Flask):
    world = build_world()
    event, owner = world["event"], world["users"]["owner"]
    ada = world["ids"]["ada"]
    slug, event_id = event.slug, event.id
    web = Visitor(app, owner)
    web.post(f"/organise/events/{slug}/registrations/{ada}/cancel", {"confirm": "y"})
    cancelled = _entries(event_id, "registration.cancelled")
    assert [e.subject_label for e in cancelled] == ["Ada"]

    web.post(f"/organise/events/{slug}/registrations/{ada}/erase", {"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(Registration, ada).erased_at is not None
    entries = [e for e in _entries(event_id) if e.subject_type == "registration" and e.subject_id == ada]
    assert [e.action for e in entries] == ["registration.cancelled", "registration.erased"]
    for entry in entries:
        assert entry.actor_email == "owner@example.org" and entry.created_at is not None
        text = repr((entry.subject_label, entry.before, entry.after))
        assert "Ada" not in text and "ada@example.org" not in text, text
    page = web.get(f"/organise/events/{slug}/audit").get_data(as_text=True)
    assert "Ada" not in page and "Registration cancelled" in page
    api = Api(app).get(f"/api/v1/events/{slug}/audit", world["tokens"]["owner"]).get_data(as_text=True)
    assert "Ada" not in api and "registration.erased" in api


def test_another_team_gets_404_on_the_page_and_the_api_and_helpers_get_nothing(app: Flask):
    world = build_world()
    slug = world["event"].slug
    stranger = Visitor(app, world["users"]["stranger"])
    assert stranger.get(f"/organise/events/{slug}/audit").status_code == 404
    api = Api(app)
    assert api.get(f"/api/v1/events/{slug}/audit", world["tokens"]["stranger"]).status_code == 404
    assert api.get(f"/api/v1/events/{slug}/audit", world["tokens"]["helper"]).status_code == 403
    assert api.get(f"/api/v1/events/{slug}/audit").status_code == 401
    assert Visitor(app, world["users"]["helper"]).get(f"/organise/events/{slug}/audit").status_code in (
        403,
        404,
    )
    assert api.get(f"/api/v1/events/{slug}/audit", world["tokens"]["manager"]).status_code == 200


def test_filters_by_subject_and_action_on_the_page_and_in_the_api(app: Flask):
    world = build_world()
    event, owner = world["event"], world["users"]["owner"]
    slug, small_id, large_id = event.slug, world["small"].id, world["large"].id
    web = Visitor(app, owner)
    web.post(f"/organise/events/{slug}/sessions/{small_id}/cancel", {"confirm": "y"})
    web.post(f"/organise/events/{slug}/sessions/{large_id}/cancel", {"confirm": "y"})
    web.post(f"/organise/events/{slug}/registrations/{world['ids']['ada']}/cancel", {"confirm": "y"})
    api, token = Api(app), world["tokens"]["owner"]

    def actions(query: str) -> list[str]:
        body = api.get(f"/api/v1/events/{slug}/audit?{query}", token).json
        return [e["action"] for e in body["entries"]]

    assert actions("subject=session") == ["session.cancelled", "session.cancelled"]
    assert actions("subject=registration") == ["registration.cancelled"]
    assert actions("action=registration.cancelled") == ["registration.cancelled"]
    every = actions("")
    assert every[0] == "registration.cancelled"  # newest first
    first = api.get(f"/api/v1/events/{slug}/audit?per_page=1&subject=session", token).json
    assert first["total"] == 2 and len(first["entries"]) == 1 and "subject=session" in first["next"]
    assert first["entries"][0]["actor"] == "owner@example.org"
    assert first["entries"][0]["created_at"][-6:] in ("-05:00", "-04:00")  # the event's zone, with offset
    assert api.get(f"/api/v1/events/{slug}/audit?subject=nope", token).status_code == 422

    page = web.get(f"/organise/events/{slug}/audit?subject=registration").get_data(as_text=True)
    assert "<td>Registration cancelled<br>" in page and "<td>Session cancelled<br>" not in page
    page = web.get(f"/organise/events/{slug}/audit?action=session.cancelled").get_data(as_text=True)
    assert page.count("<td>Session cancelled<br>") == 2 and "<td>Registration cancelled<br>" not in page


def test_a_deleted_account_leaves_its_email_in_the_log(app: Flask):
    world = build_world()
    manager = world["users"]["manager"]
    web = Visitor(app, manager)
    web.post(f"/organise/events/{world['event'].slug}/sessions/{world['small'].id}/cancel", {"confirm": "y"})
    db.session.delete(db.session.get(type(manager), manager.id))
    db.session.commit()
    (entry,) = _entries(world["event"].id, "session.cancelled")
    assert (entry.actor_id, entry.actor_email) == (None, "manager@example.org")


def test_an_admin_token_reads_any_event_log(app: Flask):
    world = build_world()
    admin_token = world["tokens"]["admin"]
    other = make_user("second-owner@example.org")
    add_member(world["other"], other, "owner")
    db.session.commit()
    _record, token = create_token(other, "t")
    api = Api(app)
    assert api.get(f"/api/v1/events/{world['event'].slug}/audit", admin_token).status_code == 200
    assert api.get(f"/api/v1/events/{world['event'].slug}/audit", token).status_code == 404


def test_people_series_and_organisation_pages_write_through_operations_that_leave_entries(app: Flask):
    """Merging two people, renaming a series and an organisation of an event: each through its page leaves
    one entry on the event naming the author (the operations' signals), and a refused rename writes nothing."""
    from conference.events.models import EventOrganisation, Organisation, OrganisationRole, Series
    from tests.factories import make_event, make_session

    event = make_event(title="Audit fair")
    keep, twin = make_person(name="Ada Lovelace"), make_person(name="A. Lovelace", affiliation="Analytical")
    make_session(event, people=[(keep, "speaker")])
    make_session(event, people=[(twin, "speaker")])
    series = Series(slug="fairs", title="Fairs")
    event.series = series
    host, other = Organisation(name="Host Society"), Organisation(name="Other Club")
    db.session.add_all([series, host, other])
    db.session.flush()
    db.session.add(EventOrganisation(event_id=event.id, organisation_id=host.id, role=OrganisationRole.HOST))
    owner = make_user("fair-owner@example.org")
    add_member(event, owner, "owner")
    db.session.commit()
    event_id, keep_id, twin_id, series_id, host_id = event.id, keep.id, twin.id, series.id, host.id
    web = Visitor(app, owner)

    response = web.post("/organise/people/merge", {"keep_id": str(keep_id), "merge_id": str(twin_id)})
    assert response.status_code == 302
    entry = _one_new(event_id, 0, "person.changed")
    assert (entry.actor_email, entry.before, entry.after) == (
        "fair-owner@example.org", {"merged": "A. Lovelace"}, {"merged": "Ada Lovelace"})  # fmt: skip

    response = web.post(f"/organise/series/{series_id}/edit", {"title": "Fairs of reason", "slug": "fairs"})
    assert response.status_code == 302
    entry = _one_new(event_id, 1, "series.changed")
    assert (entry.before, entry.after) == ({"title": "Fairs"}, {"title": "Fairs of reason"})

    clash = web.post(f"/organise/organisations/{host_id}/edit", {"name": "other club"})
    assert clash.status_code == 200 and "exists already" in clash.get_data(as_text=True)
    assert len(_entries(event_id)) == 2
    response = web.post(f"/organise/organisations/{host_id}/edit", {"name": "Host Guild"})
    assert response.status_code == 302
    entry = _one_new(event_id, 2, "organisation.changed")
    assert (entry.actor_email, entry.before, entry.after) == (
        "fair-owner@example.org", {"name": "Host Society"}, {"name": "Host Guild"})  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Organisation, host_id).name == "Host Guild"


def test_the_page_shows_labelled_fields_and_readable_values_and_the_api_keeps_them_raw(app: Flask):
    """Field names become labels, times show in the event's zone, enum values by their labels, an empty
    capacity as "no limit"; the API keeps the stored names and values. Every field the receivers wrote has a
    label in the one table."""
    from datetime import UTC, datetime, timedelta

    from conference.audit.fields import FIELDS, SUBJECT_FIELDS
    from conference.events import status as event_status
    from conference.registrations import operations as registration_operations
    from conference.registrations.models import RegistrationMode
    from conference.sessions import operations as session_operations
    from tests.factories import make_event, make_session

    start = datetime(2031, 3, 10, 0, 0, tzinfo=UTC)
    event = make_event(slug="fmt", title="Format fair", starts_at=start, timezone="Asia/Tokyo")
    session = make_session(event, title="Talk", starts_at=start + timedelta(hours=1), capacity=3)
    owner = make_user("fmt-owner@example.org")
    add_member(event, owner, "owner")
    db.session.commit()
    token = create_token(owner, "fmt")[1]
    session_operations.edit_session(
        owner,
        session,
        {"starts_at": start + timedelta(hours=2), "ends_at": start + timedelta(hours=3), "capacity": None},
        notify=False,
    )
    session_operations.cancel_session(owner, db.session.get(Session, session.id), notify=False)
    registration_operations.update_settings(
        owner,
        event,
        enabled=True,
        opens_at=None,
        closes_at=None,
        capacities={RegistrationMode.IN_PERSON: 40, RegistrationMode.ONLINE: None},
        waitlist=True,
        approval=True,
    )
    event_status.change_status(owner, event, event_status.DRAFT)

    page = Visitor(app, owner).get("/organise/events/fmt/audit").get_data(as_text=True)
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    for raw in ("starts_at", "ends_at", "capacity_in_person", "approval_required", "+00:00", ">scheduled"):
        assert raw not in table, raw
    # 02:00 UTC is 11:00 in Tokyo; the capacity left empty has no limit; statuses by their labels.
    assert "Starts:</span> Mar 10, 2031, 10:00\u202fAM → Mar 10, 2031, 11:00\u202fAM" in table
    assert "Seats:</span> 3 → no limit" in table
    assert "Status:</span> Scheduled → Cancelled" in table
    assert "Status:</span> Published → Draft" in table
    assert "Seats in person:</span> no limit → 40" in table
    assert "Approval required:</span> no → yes" in table

    body = Api(app).get("/api/v1/events/fmt/audit", token).json
    changed = next(e for e in body["entries"] if e["action"] == "session.changed")
    assert changed["before"]["capacity"] == 3 and changed["after"]["capacity"] is None
    assert changed["after"]["starts_at"] == "2031-03-10T02:00:00+00:00"
    cancelled = next(e for e in body["entries"] if e["action"] == "session.cancelled")
    assert cancelled["after"] == {"status": "cancelled"}

    for entry in _entries(event.id):
        for name in [*entry.before, *entry.after]:
            assert name in FIELDS or (entry.subject_type, name) in SUBJECT_FIELDS, name


def test_a_person_created_from_the_session_page_or_the_api_is_logged_on_the_event(app: Flask):
    """Both paths create the person through `speakers.operations.create_person`: one `person.created` entry
    on the event (with the author), then `person.assigned`; a refused creation (similar name) logs nothing."""
    world = build_world()
    event, small = world["event"], world["small"]
    owner = world["users"]["owner"]
    slug, event_id, small_id = event.slug, event.id, small.id
    web = Visitor(app, owner)
    seen = len(_entries(event_id))

    response = web.post(
        f"/organise/events/{slug}/sessions/{small_id}/people/new",
        {"new-name": "Page Person", "new-affiliation": "Page College", "new-role": "chair"},
    )
    assert response.status_code == 302
    entries = _entries(event_id)[seen:]
    assert [e.action for e in entries] == ["person.created", "person.assigned"]
    created = entries[0]
    assert (created.subject_label, created.actor_email) == ("Page Person", "owner@example.org")
    assert created.after == {"name": "Page Person", "affiliation": "Page College", "language": "en"}
    seen += 2

    api = Api(app)
    url = f"/api/v1/events/{slug}/sessions/{small_id}/people"
    response = api.post(
        url, world["tokens"]["manager"], json={"name": "Zora Quill", "email": "api@example.org"}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    entries = _entries(event_id)[seen:]
    # With an address, the person assigned is invited too (conference/speakers/invitations.py).
    assert [e.action for e in entries] == ["person.created", "person.assigned", "person.invited"]
    assert (entries[0].subject_label, entries[0].actor_email) == ("Zora Quill", "manager@example.org")
    assert entries[0].after == {"name": "Zora Quill", "email": "api@example.org", "language": "en"}
    seen += 3

    refused = api.post(url, world["tokens"]["manager"], json={"name": "zora  quill"})
    assert refused.status_code == 422
    assert len(_entries(event_id)) == seen


def test_entries_of_the_same_second_come_newest_first_by_their_order_of_writing(app: Flask):
    """Times are stored to the second, so several entries often share one: the page and the API order them
    by time and then by id, never by time alone (which leaves ties to the database's whim)."""
    from datetime import UTC, datetime

    from conference.audit.receivers import record
    from tests.factories import make_event

    event = make_event(slug="same-second")
    owner = make_user("second@example.org")
    add_member(event, owner, "owner")
    db.session.flush()
    moment = datetime(2031, 1, 1, 12, 0, tzinfo=UTC)
    for title in ("first", "second", "third", "fourth"):
        entry = record(owner, "session.changed", event_id=event.id, subject_type="session", subject_id=1,
                       label=title, after={"title": title})  # fmt: skip
        entry.created_at = moment
        db.session.flush()
    db.session.commit()
    token = create_token(owner, "t")[1]
    body = Api(app).get("/api/v1/events/same-second/audit", token).json
    assert [e["subject"]["label"] for e in body["entries"]] == ["fourth", "third", "second", "first"]
    paged = [
        Api(app).get(f"/api/v1/events/same-second/audit?per_page=1&page={n}", token).json["entries"][0]
        for n in (1, 2, 3, 4)
    ]
    assert [e["subject"]["label"] for e in paged] == ["fourth", "third", "second", "first"]
    page = Visitor(app, owner).get("/organise/events/same-second/audit").get_data(as_text=True)
    at = [page.index(f"Title:</span> {title}") for title in ("fourth", "third", "second", "first")]
    assert at == sorted(at)
