"""People shared across teams (issue 9, finding 7) and who manages owners (finding 8), through the real
organiser pages. Each user's requests run in their own app context (tests.organise.helpers.Visitor)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.auth.models import EventMember, TeamRole
from conference.db import db
from conference.events.models import EventOrganisation, EventStatus, Organisation, Series
from conference.speakers.models import Assignment, Person, Role
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor


@pytest.fixture
def teams(app) -> dict:
    """Team A runs a published event with a speaker (with a private email) and a draft with another;
    team B runs its own event; a check-in helper of A; an admin."""
    a_event = make_event(title="A's symposium")
    a_draft = make_event(title="A's draft", status=EventStatus.DRAFT)
    b_event = make_event(title="B's panel")
    speaker = make_person(name="Grace Hopper", email="grace.private@example.org")
    secret = make_person(name="Secret Keynote", email="secret.private@example.org")
    a_session = make_session(a_event, people=[(speaker, Role.SPEAKER)])
    make_session(a_draft, people=[(secret, Role.KEYNOTE)])
    b_session = make_session(b_event)
    a_owner, b_owner, helper, admin = make_user(), make_user(), make_user(), make_user(is_admin=True)
    for event in (a_event, a_draft):
        add_member(event, a_owner, "owner")
    add_member(a_event, helper, "checkin")
    add_member(b_event, b_owner, "owner")
    db.session.commit()
    return {
        "a_event": a_event, "b_event": b_event, "a_session": a_session, "b_session": b_session,
        "speaker": speaker, "secret": secret, "a_owner": a_owner, "b_owner": b_owner, "helper": helper,
        "admin": admin,
    }  # fmt: skip


def person_form(name: str, email: str = "") -> dict:
    return {"name": name, "position": "", "affiliation": "", "bio": "", "email": email, "links": ""}


def assign(visitor: Visitor, event, session, person: Person):  # noqa: ANN001, ANN201
    return visitor.post(
        f"/organise/events/{event.slug}/sessions/{session.id}/people",
        {"add-person_id": str(person.id), "add-role": "speaker"},
    )


def test_another_team_may_assign_a_public_speaker_but_not_change_or_merge_them(app, teams):
    b = Visitor(app, teams["b_owner"])
    speaker = teams["speaker"]
    search = b.get("/organise/people/?q=hopper").get_data(as_text=True)
    assert "Grace Hopper" in search
    assert f"/organise/people/{speaker.id}/edit" not in search  # no edit link
    assert "grace.private" not in search

    assert assign(b, teams["b_event"], teams["b_session"], speaker).status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Assignment).where(Assignment.person_id == speaker.id)
        )
        == 2
    )

    page = b.get(f"/organise/people/{speaker.id}/edit")
    assert page.status_code == 404 and "grace.private" not in page.get_data(as_text=True)
    response = b.post(f"/organise/people/{speaker.id}/edit", person_form("Hijacked", "b@example.org"))
    assert response.status_code == 404
    own = make_person(name="B's own person")
    db.session.commit()
    merge = b.post("/organise/people/merge", {"keep_id": str(own.id), "merge_id": str(speaker.id)})
    assert merge.status_code == 404
    person = db.session.get(Person, speaker.id)
    assert (
        person is not None and person.name == "Grace Hopper" and person.email == "grace.private@example.org"
    )


def test_once_a_person_speaks_for_two_teams_only_someone_on_both_or_an_admin_edits_them(app, teams):
    speaker = teams["speaker"]
    a = Visitor(app, teams["a_owner"])
    assert a.get(f"/organise/people/{speaker.id}/edit").status_code == 200  # only in A's events so far
    assert "grace.private@example.org" in a.get(f"/organise/people/{speaker.id}/edit").get_data(as_text=True)
    assert (
        assign(Visitor(app, teams["b_owner"]), teams["b_event"], teams["b_session"], speaker).status_code
        == 302
    )

    assert a.get(f"/organise/people/{speaker.id}/edit").status_code == 404
    admin = Visitor(app, teams["admin"])
    assert admin.get(f"/organise/people/{speaker.id}/edit").status_code == 200
    add_member(teams["b_event"], teams["a_owner"], "manager")
    db.session.commit()
    assert a.get(f"/organise/people/{speaker.id}/edit").status_code == 200


def test_a_speaker_only_in_another_teams_draft_is_neither_found_nor_assignable(app, teams):
    b = Visitor(app, teams["b_owner"])
    secret = teams["secret"]
    assert "Secret Keynote" not in b.get("/organise/people/?q=secret").get_data(as_text=True)
    page = f"/organise/events/{teams['b_event'].slug}/sessions/{teams['b_session'].id}/edit?q=secret"
    assert "Secret Keynote" not in b.get(page).get_data(as_text=True)
    assert assign(b, teams["b_event"], teams["b_session"], secret).status_code == 404
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Assignment).where(Assignment.person_id == secret.id)
        )
        == 1
    )


def test_merging_needs_the_right_on_both_people(app, teams):
    a = Visitor(app, teams["a_owner"])
    own = make_person(name="Grace M. Hopper")
    other_teams = make_person(name="B's speaker")
    teams["b_session"].assignments.append(Assignment(person=other_teams, role=Role.SPEAKER))
    db.session.commit()
    refused = a.post("/organise/people/merge", {"keep_id": str(own.id), "merge_id": str(other_teams.id)})
    assert refused.status_code == 404
    assert db.session.get(Person, other_teams.id) is not None
    own_id = own.id
    done = a.post("/organise/people/merge", {"keep_id": str(teams["speaker"].id), "merge_id": str(own_id)})
    assert done.status_code == 302
    assert db.session.get(Person, own_id) is None


def test_a_person_in_no_event_is_edited_by_any_organiser_but_not_by_a_check_in_helper(app, teams):
    loose = make_person(name="Not yet placed")
    db.session.commit()
    assert Visitor(app, teams["b_owner"]).get(f"/organise/people/{loose.id}/edit").status_code == 200
    helper = Visitor(app, teams["helper"])
    assert helper.get(f"/organise/people/{loose.id}/edit").status_code == 403
    assert helper.post("/organise/people/new", person_form("Helper's person")).status_code == 403
    assert db.session.scalar(sa.select(Person.id).where(Person.name == "Helper's person")) is None


def test_a_check_in_helper_creates_no_organisations_or_series(app, teams):
    helper = Visitor(app, teams["helper"])
    home = helper.get("/organise/").get_data(as_text=True)
    assert "/organise/people/" not in home and "/organise/events/new" not in home
    assert f"/organise/events/{teams['a_event'].slug}/checkin" in home
    organisation = helper.post("/organise/organisations/new", {"name": "Helper Institute"})
    series = helper.post("/organise/series/new", {"title": "Helper series", "slug": "", "description": ""})
    event = helper.post("/organise/events/new", {"title": "Helper event"})
    assert (organisation.status_code, series.status_code, event.status_code) == (403, 403, 403)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0


# --- owners --------------------------------------------------------------------------------------------------


@pytest.fixture
def team(app) -> dict:
    event = make_event()
    owner, manager, newcomer = make_user(), make_user(), make_user(email="newcomer@example.org")
    owner_member = add_member(event, owner, "owner")
    manager_member = add_member(event, manager, "manager")
    db.session.commit()
    return {"event": event, "owner": owner, "manager": manager, "owner_member": owner_member,
            "manager_member": manager_member, "newcomer": newcomer}  # fmt: skip


def role_of(member_id: int) -> TeamRole | None:
    return db.session.scalar(sa.select(EventMember.role).where(EventMember.id == member_id))


def test_a_manager_cannot_make_himself_owner_nor_add_an_owner(app, team):
    manager = Visitor(app, team["manager"])
    base = f"/organise/events/{team['event'].slug}/team"
    page = manager.get(base).get_data(as_text=True)
    assert 'value="owner"' not in page
    assert manager.post(f"{base}/{team['manager_member'].id}/role", {"role": "owner"}).status_code == 400
    assert role_of(team["manager_member"].id) == TeamRole.MANAGER
    added = manager.post(base, {"email": "newcomer@example.org", "role": "owner"})
    assert added.status_code == 200 and "Not a valid choice" in added.get_data(as_text=True)
    assert db.session.scalar(sa.select(EventMember).where(EventMember.user_id == team["newcomer"].id)) is None
    # Managers and helpers are theirs to manage.
    assert manager.post(base, {"email": "newcomer@example.org", "role": "checkin"}).status_code == 302


def test_a_manager_cannot_demote_or_remove_an_owner(app, team):
    manager = Visitor(app, team["manager"])
    base = f"/organise/events/{team['event'].slug}/team/{team['owner_member'].id}"
    # A second owner, so "the last owner stays" is not what refuses.
    add_member(team["event"], team["newcomer"], "owner")
    db.session.commit()
    assert manager.post(f"{base}/role", {"role": "checkin"}).status_code == 403
    assert manager.post(f"{base}/remove").status_code == 403
    assert role_of(team["owner_member"].id) == TeamRole.OWNER


def test_an_owner_manages_owners(app, team):
    owner = Visitor(app, team["owner"])
    base = f"/organise/events/{team['event'].slug}/team"
    member_id = team["manager_member"].id
    assert 'value="owner"' in owner.get(base).get_data(as_text=True)
    assert owner.post(f"{base}/{member_id}/role", {"role": "owner"}).status_code == 302
    assert role_of(member_id) == TeamRole.OWNER
    assert owner.post(f"{base}/{member_id}/remove", {"confirm": "y"}).status_code == 302
    assert role_of(member_id) is None


def test_linking_another_teams_organisation_or_series_does_not_let_you_change_it(app, teams):
    """Found by the probe after the merge: B linked A's host organisation to B's event (allowed, as
    assigning a public speaker is) and then renamed it, on A's pages too; the same with a series."""
    organisation = Organisation(name="A's host institute")
    series = Series(slug="a-series", title="A's series")
    db.session.add_all([organisation, series])
    db.session.flush()
    db.session.add(
        EventOrganisation(event_id=teams["a_event"].id, organisation_id=organisation.id, role="host")
    )
    teams["a_event"].series_id = series.id
    db.session.commit()
    b = Visitor(app, teams["b_owner"])
    link = b.post(
        f"/organise/events/{teams['b_event'].slug}/organisations",
        {"organisation_id": str(organisation.id), "new_name": "", "role": "partner"},
    )
    assert link.status_code == 302
    teams["b_event"].series_id = series.id  # the event form offers every series
    db.session.commit()

    renamed = b.post(
        f"/organise/organisations/{organisation.id}/edit",
        {"name": "Hijacked", "short_name": "", "url": "", "country": ""},
    )
    retitled = b.post(
        f"/organise/series/{series.id}/edit", {"title": "Hijacked", "slug": "", "description": ""}
    )
    assert (renamed.status_code, retitled.status_code) == (404, 404)
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).name == "A's host institute"
    assert db.session.get(Series, series.id).title == "A's series"
    # An admin may.
    admin = Visitor(app, teams["admin"])
    assert (
        admin.post(
            f"/organise/organisations/{organisation.id}/edit",
            {"name": "Renamed by admin", "short_name": "", "url": "", "country": ""},
        ).status_code
        == 302
    )
