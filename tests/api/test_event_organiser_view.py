"""GET /api/v1/events/<slug>: the public answer without a token (and for anyone else's token); to a token of
someone who may edit the event, the organiser view with every assignment's state, never stored by a cache."""

from __future__ import annotations

from conference.db import db, utcnow
from conference.speakers.models import Assignment, AssignmentStatus, Role
from tests.api.organiser_world import Api, build_world
from tests.factories import make_person

URL = "/api/v1/events/target"


def _declined_speaker(world: dict) -> None:
    """A second speaker of "large" who declined with a note: never public, but the team sees it."""
    person = make_person(name="Dee Declined", slug="dee-declined", email="dee@example.org")
    db.session.add(
        Assignment(
            session=world["large"],
            person=person,
            role=Role.PANELIST,
            position=1,
            status=AssignmentStatus.DECLINED,
            invited_at=utcnow(),
            answered_at=utcnow(),
            answer_note="Abroad that week.",
        )
    )
    db.session.commit()


def _people(answer: dict, title: str = "Large hall") -> list[dict]:
    return next(s for s in answer["sessions"] if s["title"] == title)["people"]


def test_without_a_token_and_with_another_teams_token_the_answer_is_public(app) -> None:  # noqa: ANN001
    world = build_world()
    api = Api(app)
    before = api.get(URL)
    _declined_speaker(world)
    public = api.get(URL)
    assert public.status_code == 200
    assert public.json == before.json  # the declined speaker is not public: nothing changed
    assert _people(public.json) == [{"name": "Sam Speaker", "slug": "sam-speaker", "role": "speaker"}]
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "Authorization" in public.headers.get("Vary", "")
    stranger = api.get(URL, world["tokens"]["stranger"])  # owns another event only
    assert stranger.status_code == 200 and stranger.json == public.json
    assert stranger.headers["Cache-Control"] == "no-store"


def test_the_owners_token_sees_each_assignments_state_never_stored(app) -> None:  # noqa: ANN001
    world = build_world()
    _declined_speaker(world)
    api = Api(app)
    answer = api.get(URL, world["tokens"]["owner"])
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in answer.headers["Vary"]
    people = {p["name"]: p for p in _people(answer.json)}
    assert (
        people["Sam Speaker"]["status"] == "not_invited"
        and people["Sam Speaker"]["id"] == world["ids"]["assignment"]
    )
    dee = people["Dee Declined"]
    assert (dee["status"], dee["note"], dee["no_reply"], dee["confirmed_by_organiser"]) == (
        "declined",
        "Abroad that week.",
        False,
        False,
    )
    assert dee["invited_at"] and dee["answered_at"]
    assert "email" not in dee  # the address stays on the speakers endpoint
    manager = api.get(URL, world["tokens"]["manager"])
    assert _people(manager.json) == _people(answer.json)
    helper = api.get(URL, world["tokens"]["helper"])  # check-in only: may not edit the event
    assert "status" not in _people(helper.json)[0]


def test_a_draft_is_shown_to_its_team_only_and_a_revoked_token_is_refused(app) -> None:  # noqa: ANN001
    from conference.events.models import EventStatus

    world = build_world()
    world["event"].status = EventStatus.DRAFT
    db.session.commit()
    api = Api(app)
    assert api.get(URL).status_code == 404
    assert api.get(URL, world["tokens"]["stranger"]).status_code == 404
    assert api.get(URL, world["tokens"]["owner"]).json["status"] == "draft"
    revoked = api.get(URL, world["tokens"]["revoked"])
    assert revoked.status_code == 401 and revoked.headers["WWW-Authenticate"].startswith("Bearer")
