"""Linking co-located events: the rule (conference/events/colocation.py), the API's `colocated_with`, the
organiser page, the public event page's "also here" block and the combined programme."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.audit.models import AuditEntry
from conference.auth.api_tokens import create_token
from conference.db import db
from conference.events import colocation
from conference.events.models import EventStatus
from conference.operations import OperationError
from tests.api.organiser_world import Api
from tests.factories import add_member, login_as, make_event, make_session, make_user
from tests.organise.helpers import Visitor
from tests.registrations.helpers import csrf_from

START = datetime(2031, 3, 3, 2, 0, tzinfo=UTC)  # a Monday morning in Bangkok


@pytest.fixture
def world(app):  # noqa: ANN001, ANN201
    """Symposium and congress (one team: owner), a third event of the same team, a published event and a
    draft of another team (stranger)."""
    symposium = make_event(slug="symposium", title="Symposium", timezone="Asia/Bangkok", starts_at=START,
                           ends_at=START + timedelta(days=1, hours=8))  # fmt: skip
    congress = make_event(slug="congress", title="Congress", timezone="Asia/Bangkok",
                          starts_at=START + timedelta(days=2), ends_at=START + timedelta(days=3, hours=8))  # fmt: skip
    workshop = make_event(slug="workshop", title="Workshop", starts_at=START + timedelta(days=4))
    foreign = make_event(slug="foreign", title="Foreign Event", starts_at=START + timedelta(days=1))
    secret = make_event(slug="secret", title="Secret Draft Title", status=EventStatus.DRAFT,
                        starts_at=START + timedelta(days=1))  # fmt: skip
    owner, stranger = make_user("owner@example.org"), make_user("stranger@example.org")
    for event in (symposium, congress, workshop):
        add_member(event, owner, "owner")
    add_member(foreign, stranger, "owner")
    add_member(secret, stranger, "owner")
    make_session(symposium, title="Opening of the symposium", starts_at=START + timedelta(hours=1))
    make_session(congress, title="Congress plenary", starts_at=START + timedelta(days=2, hours=1))
    db.session.commit()
    return {
        "owner": owner,
        "stranger": stranger,
        "tokens": {"owner": create_token(owner, "t")[1], "stranger": create_token(stranger, "t")[1]},
    }


def _patch(api: Api, slug: str, token: str, slugs: object):  # noqa: ANN202
    return api.open("PATCH", f"/api/v1/events/{slug}", token, json={"colocated_with": slugs})


def test_api_links_both_ways_and_a_group_of_three(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    token = world["tokens"]["owner"]
    response = _patch(api, "symposium", token, ["congress"])
    assert response.status_code == 200, response.json
    assert response.json["colocated_with"] == ["congress"]
    # Shown both ways, to the public (no token) and to the team.
    assert api.get("/api/v1/events/congress").json["colocated_with"] == ["symposium"]
    assert api.get("/api/v1/events/symposium").json["colocated_with"] == ["congress"]
    assert api.get("/api/v1/events/congress", token).json["colocated_with"] == ["symposium"]
    public = api.get("/api/v1/events/congress").json["colocated"]
    assert [(e["slug"], e["title"]) for e in public] == [("symposium", "Symposium")]

    # A third event joins the same gathering: everyone sees the two others.
    assert _patch(api, "congress", token, ["symposium", "workshop"]).status_code == 200
    assert api.get("/api/v1/events/workshop").json["colocated_with"] == ["symposium", "congress"]
    assert api.get("/api/v1/events/symposium").json["colocated_with"] == ["congress", "workshop"]

    # An empty list unlinks the event from all; the two others stay together.
    assert _patch(api, "symposium", token, []).json["colocated_with"] == []
    assert api.get("/api/v1/events/congress").json["colocated_with"] == ["workshop"]
    assert api.get("/api/v1/events/symposium").json["colocated_with"] == []
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "colocation.changed" in actions


@pytest.mark.parametrize(
    ("slugs", "message"),
    [
        (["symposium"], "cannot be co-located with itself"),
        (["no-such-event"], "No event with the short name no-such-event"),
        ("congress", "Give a list"),
        ([1], "Give a list"),
        (["foreign"], "You may link only events you may edit: foreign"),
        # Another team's draft is answered as an unknown slug: its existence and title are not told.
        (["secret"], "No event with the short name secret"),
    ],
)
def test_api_refuses_bad_links_and_writes_nothing(app, world, slugs, message) -> None:  # noqa: ANN001
    api = Api(app)
    response = _patch(api, "symposium", world["tokens"]["owner"], slugs)
    assert response.status_code == 422
    assert message in response.json["errors"]["colocated_with"][0]
    assert "Secret Draft Title" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(colocation.Colocation)) == 0


def test_a_refused_link_leaves_the_other_fields_of_the_patch_unchanged(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    response = api.open(
        "PATCH", "/api/v1/events/symposium", world["tokens"]["owner"],
        json={"title": "Renamed", "colocated_with": ["foreign"]},
    )  # fmt: skip
    assert response.status_code == 422
    assert api.get("/api/v1/events/symposium").json["title"] == "Symposium"


def test_another_teams_token_cannot_link_their_event_to_ours(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    # The stranger may not edit the symposium: the event is not theirs (404, as for any edit).
    assert _patch(api, "symposium", world["tokens"]["stranger"], ["foreign"]).status_code == 404
    # From their own event, linking ours is refused: they may not edit it.
    response = _patch(api, "foreign", world["tokens"]["stranger"], ["symposium"])
    assert response.status_code == 422
    assert api.get("/api/v1/events/symposium").json["colocated_with"] == []


def test_either_side_may_unlink(app, world) -> None:  # noqa: ANN001
    from conference.events.models import Event

    by_slug = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    # An admin-made link across teams (actor None: the command line).
    colocation.set_colocated(None, by_slug["symposium"], [by_slug["foreign"]])
    api = Api(app)
    assert api.get("/api/v1/events/foreign").json["colocated_with"] == ["symposium"]
    # The stranger edits only "foreign", and may still unlink it from our symposium.
    response = _patch(api, "foreign", world["tokens"]["stranger"], [])
    assert response.status_code == 200 and response.json["colocated_with"] == []
    assert api.get("/api/v1/events/symposium").json["colocated_with"] == []


def test_create_event_with_colocated_with(app, world) -> None:  # noqa: ANN001
    api = Api(app)
    body = {
        "title": "Satellite meeting", "kind": "workshop", "timezone": "Asia/Bangkok",
        "starts_at": "2031-03-06T09:00:00+07:00", "ends_at": "2031-03-06T17:00:00+07:00", "mode": "in_person",
        "colocated_with": ["congress"],
    }  # fmt: skip
    response = api.post("/api/v1/events", world["tokens"]["owner"], json=body)
    assert response.status_code == 201, response.json
    assert response.json["colocated_with"] == ["congress"]
    slug = response.json["slug"]
    # The new event is a draft: the team sees the link, the public never does.
    assert api.get("/api/v1/events/congress", world["tokens"]["owner"]).json["colocated_with"] == [slug]
    assert api.get("/api/v1/events/congress").json["colocated_with"] == []
    assert "Satellite meeting" not in api.get("/events/congress/").get_data(as_text=True)
    # A refused link creates no event either.
    refused = api.post(
        "/api/v1/events", world["tokens"]["owner"], json=body | {"colocated_with": ["foreign"]}
    )
    assert refused.status_code == 422
    assert api.get("/api/v1/me", world["tokens"]["owner"]).json["events"].__len__() == 4


def test_organiser_page_links_and_event_pages_show_each_other(app, world) -> None:  # noqa: ANN001
    client = app.test_client()
    login_as(client, world["owner"])
    page = client.get("/organise/events/symposium/colocated")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Congress" in html and "Workshop" in html
    assert "Foreign Event" not in html and "Secret Draft Title" not in html  # not theirs to link
    from conference.events.models import Event

    congress_id = db.session.scalar(sa.select(Event.id).where(Event.slug == "congress"))
    foreign_id = db.session.scalar(sa.select(Event.id).where(Event.slug == "foreign"))
    # An id that is not offered is refused with a message, nothing written.
    bad = client.post("/organise/events/symposium/colocated",
                      data={"csrf_token": csrf_from(html), "events": [str(foreign_id)]})  # fmt: skip
    assert bad.status_code == 422 and "Choose events from the list" in bad.get_data(as_text=True)
    done = client.post("/organise/events/symposium/colocated",
                       data={"csrf_token": csrf_from(html), "events": [str(congress_id)]})  # fmt: skip
    assert done.status_code == 302
    db.session.rollback()

    visitor = app.test_client()
    symposium = visitor.get("/events/symposium/").get_data(as_text=True)
    congress = visitor.get("/events/congress/").get_data(as_text=True)
    assert "Also here" in symposium and 'href="/events/congress/"' in symposium
    assert "Also here" in congress and 'href="/events/symposium/"' in congress
    # The other's dates, in the viewer's language (Babel): March 5–6 in English, 3月5日 in Japanese.
    assert "March 5, 2031" in symposium
    japanese = Visitor(app).get("/events/symposium/?lang=ja").get_data(as_text=True)
    assert "2031年3月5日" in japanese
    assert 'href="/events/symposium/together/"' in symposium
    # A page with no co-located event has no block.
    assert "Also here" not in visitor.get("/events/workshop/").get_data(as_text=True)


def test_organiser_page_of_another_teams_event_is_not_found(app, world) -> None:  # noqa: ANN001
    client = app.test_client()
    login_as(client, world["owner"])
    assert client.get("/organise/events/foreign/colocated").status_code == 404


def test_drafts_are_never_shown_through_the_link(app, world) -> None:  # noqa: ANN001
    from conference.events.models import Event

    by_slug = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    colocation.set_colocated(None, by_slug["symposium"], [by_slug["congress"], by_slug["secret"]])
    visitor = app.test_client()
    page = visitor.get("/events/symposium/").get_data(as_text=True)
    assert "Congress" in page and "Secret Draft Title" not in page
    programme = visitor.get("/events/symposium/together/").get_data(as_text=True)
    assert "Secret Draft Title" not in programme
    # The draft's own page stays hidden; its partners' API answers do not name it.
    assert visitor.get("/events/secret/together/").status_code == 404
    assert Api(app).get("/api/v1/events/congress").json["colocated_with"] == ["symposium"]


def test_combined_programme_lists_every_session_by_day(app, world) -> None:  # noqa: ANN001
    from conference.events.models import Event

    by_slug = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    visitor = app.test_client()
    assert visitor.get("/events/symposium/together/").status_code == 404  # nothing co-located yet
    colocation.set_colocated(None, by_slug["symposium"], [by_slug["congress"]])
    response = visitor.get("/events/congress/together/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    opening, plenary = html.index("Opening of the symposium"), html.index("Congress plenary")
    assert opening < plenary
    # By day, in the event's zone (Bangkok: the sessions are at 10:00 on March 3 and March 5).
    days = re.findall(r'<h2 id="day-\d+">([^<]+)</h2>', html)
    assert days == ["Monday, March 3, 2031", "Wednesday, March 5, 2031"]
    assert html.index('id="day-1"') < opening < html.index('id="day-2"') < plenary
    assert "10:00" in html
    assert 'href="/events/symposium/sessions/' in html and 'href="/events/congress/sessions/' in html


def test_operation_refuses_self_and_unknown_actor_rights(app, world) -> None:  # noqa: ANN001
    from conference.events.models import Event

    by_slug = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    with pytest.raises(OperationError):
        colocation.set_colocated(None, by_slug["symposium"], [by_slug["symposium"]])
    with pytest.raises(OperationError):
        colocation.set_colocated(world["owner"], by_slug["symposium"], [by_slug["foreign"]])
    assert colocation.partners(by_slug["symposium"], public=False) == []


def test_moving_an_event_to_another_group_keeps_the_others_together(app, world) -> None:  # noqa: ANN001
    from conference.events.models import Event

    by_slug = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    sym, con, work = by_slug["symposium"], by_slug["congress"], by_slug["workshop"]
    colocation.set_colocated(None, sym, [con, work])
    assert [e.slug for e in colocation.partners(con)] == ["symposium", "workshop"]
    # The symposium now goes with the foreign event only: congress and workshop stay together.
    colocation.set_colocated(None, sym, [by_slug["foreign"]])
    assert [e.slug for e in colocation.partners(sym)] == ["foreign"]
    assert [e.slug for e in colocation.partners(con)] == ["workshop"]
    # Linking the workshop from the symposium's side brings it over; the congress is left alone.
    colocation.set_colocated(None, sym, [by_slug["foreign"], work])
    assert [e.slug for e in colocation.partners(con)] == []
    assert [e.slug for e in colocation.partners(work)] == ["symposium", "foreign"]
    # Setting the same list again changes nothing and logs nothing.
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert colocation.set_colocated(None, sym, [by_slug["foreign"], work]) is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == entries
    # The audit log of the congress says what it lost.
    last = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.event_id == con.id).order_by(AuditEntry.id.desc())
    ).first()
    assert last.action == "colocation.changed"
    assert last.before == {"colocated_with": ["workshop"]} and last.after == {"colocated_with": []}


def test_the_cached_event_page_and_document_change_when_events_are_linked_or_a_partner_changes(
    app, world
) -> None:  # noqa: ANN001
    """The public event page and API document are served from the page cache (conference/pages.py): linking,
    a partner's new title and a partner's unpublishing each give a new answer, never the cached one."""
    from conference.events.models import Event

    by_slug = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    visitor = app.test_client()
    first = visitor.get("/events/symposium/")
    document = visitor.get("/api/v1/events/symposium")
    assert "Congress" not in first.get_data(as_text=True) and document.json["colocated_with"] == []
    assert (
        visitor.get("/events/symposium/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    )

    colocation.set_colocated(None, by_slug["symposium"], [by_slug["congress"]])
    linked = visitor.get("/events/symposium/", headers={"If-None-Match": first.headers["ETag"]})
    assert linked.status_code == 200 and "Congress" in linked.get_data(as_text=True)
    assert visitor.get("/api/v1/events/symposium").json["colocated_with"] == ["congress"]

    db.session.execute(sa.update(Event).where(Event.slug == "congress").values(title="Congress of Asia"))
    db.session.commit()
    assert "Congress of Asia" in visitor.get("/events/symposium/").get_data(as_text=True)

    db.session.execute(sa.update(Event).where(Event.slug == "congress").values(status=EventStatus.DRAFT))
    db.session.commit()
    assert "Congress of Asia" not in visitor.get("/events/symposium/").get_data(as_text=True)
    assert visitor.get("/api/v1/events/symposium").json["colocated_with"] == []
