"""Photos with real image bytes made by Pillow (EXIF and GPS removed, orientation applied, sizes, bombs and
non-images refused), and public pages that show only what the speaker made public and only public
assignments (declined never; with "confirmed only", accepted ones alone)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from conference.db import db
from conference.speakers import operations, photos
from conference.speakers.models import Assignment, PersonPhoto, Role
from tests.factories import make_person
from tests.organise.helpers import Visitor, post_form
from tests.speakers.images import bomb, jpeg_with_gps, png
from tests.speakers.world import build


def _speaker(world: dict, name: str = "Photo Person", session=None, **kw):  # noqa: ANN001, ANN003, ANN202
    person = make_person(name=name, email=f"{name.split()[0].lower()}@example.org", **kw)
    (session or world["opening"]).assignments.append(Assignment(person=person, role=Role.SPEAKER))
    db.session.commit()
    operations.send_invitations(None, world["event"], [person])
    from conference.speakers.private_link import token_of

    token = token_of(person)
    db.session.commit()
    return person, token


def _upload(app, token: str, data: bytes, filename: str = "me.jpg", client=None, **fields):  # noqa: ANN001, ANN003, ANN202
    """POST the profile form with a photo (one client per test: requests share the test's app context)."""
    page = f"/speaking/{token}/"
    values = {"name": fields.pop("name", "Photo Person"), "public": fields.pop("public", ["photo", "bio"])}
    values.update(fields)
    values["photo"] = (io.BytesIO(data), filename)
    return post_form(
        client or app.test_client(), page, values, f"{page}profile", content_type="multipart/form-data"
    )


def test_an_uploaded_photo_is_upright_without_exif_in_several_sizes(app) -> None:  # noqa: ANN001
    world = build(app)
    person, token = _speaker(world)
    original = jpeg_with_gps(1200, 800, orientation=6)
    assert b"SpyCam" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    assert _upload(app, token, original).status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(sa.select(PersonPhoto).where(PersonPhoto.person_id == person.id)).all()
    assert {(r.width, r.format) for r in rows} == {(w, f) for w in (160, 320, 640) for f in ("webp", "jpeg")}
    for row in rows:
        image = Image.open(io.BytesIO(row.data))
        assert image.format == row.format.upper()
        assert not image.getexif() and "exif" not in image.info and b"SpyCam" not in row.data
        # Orientation 6 turned the 1200x800 landscape upright: portrait, 800x1200 scaled.
        assert image.height > image.width and (image.width, image.height) == (row.width, row.height)
    largest = Image.open(io.BytesIO(next(r.data for r in rows if r.width == 640 and r.format == "jpeg")))
    # The blue left half is on top after the turn (clockwise 90°).
    top, bottom = largest.getpixel((320, 100)), largest.getpixel((320, 860))
    assert top[2] > top[0] and bottom[0] > bottom[2]


def test_a_small_png_with_transparency_keeps_its_width(app) -> None:  # noqa: ANN001
    prepared = photos.prepare(png(120, 90))
    assert {(w, h) for w, h, _f, _d in prepared.variants} == {(120, 90)}


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (bomb(), "bomb.png", "too many pixels"),
        (b"%PDF-1.4 not an image at all", "cv.pdf", "not a JPEG, PNG or WebP image"),
        (jpeg_with_gps()[:400], "broken.jpg", "not a JPEG, PNG or WebP image"),
        (b"GIF89a" + b"\x00" * 50, "old.gif", "not a JPEG, PNG or WebP image"),
    ],
)
def test_bombs_and_non_images_are_refused_with_a_message(app, data, filename, message) -> None:  # noqa: ANN001
    world = build(app)
    person, token = _speaker(world)
    response = _upload(app, token, data, filename, bio="Changed bio")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonPhoto)) == 0
    assert db.session.get(type(person), person.id).bio == ""  # nothing of the form was saved


def test_a_photo_over_the_size_limit_is_refused(app) -> None:  # noqa: ANN001
    app.config["SPEAKER_PHOTO_MAX_BYTES"] = 10_000
    world = build(app)
    _person, token = _speaker(world)
    response = _upload(app, token, jpeg_with_gps(1600, 1600) + b"\x00" * 20_000)
    assert response.status_code == 422 and "larger than" in response.get_data(as_text=True)


def test_public_pages_show_only_what_the_speaker_made_public(app) -> None:  # noqa: ANN001
    world = build(app)
    person, token = _speaker(world, position="Professor of Hydrology", affiliation="River University")
    client = app.test_client()
    _upload(
        app,
        token,
        jpeg_with_gps(),
        bio="A *public* bio",
        pronouns="she/her",
        position="Professor of Hydrology",
        affiliation="River University",
        links="Site https://example.org/pia",
        public=["bio", "photo", "pronouns"],
        client=client,
    )
    html = client.get(f"/speakers/{person.slug}/").get_data(as_text=True)
    assert "<em>public</em> bio" in html and "she/her" in html and 'alt="Photo of Photo Person"' in html
    assert "Professor of Hydrology" not in html and "River University" not in html
    assert "https://example.org/pia" not in html
    assert 'property="og:image"' in html and 'property="og:title" content="Photo Person"' in html
    # Same on the session page and the event's speakers page.
    for url in (f"/events/panel/sessions/{world['opening'].id}/", "/events/panel/speakers/"):
        shown = client.get(url).get_data(as_text=True)
        assert "Photo Person" in shown and "River University" not in shown and "<em>public</em>" in shown
        assert "srcset=" in shown
    # The photo: content-hashed URL, cached a year.
    img = html.split('<img src="', 1)[1].split('"', 1)[0]
    served = client.get(img)
    assert served.status_code == 200 and "immutable" in served.headers["Cache-Control"]

    # The speaker hides the photo and the bio: gone from every public page, the photo URL answers 404.
    page = f"/speaking/{token}/"
    hide = post_form(
        client, page, {"name": "Photo Person", "bio": "A *public* bio", "public": []}, f"{page}profile"
    )
    assert hide.status_code == 302, hide.get_data(as_text=True)
    hidden = client.get(f"/speakers/{person.slug}/").get_data(as_text=True)
    assert "<em>public</em>" not in hidden and "<picture" not in hidden and "og:image" not in hidden
    assert client.get(img).status_code == 404


def test_declined_and_unconfirmed_assignments_stay_off_public_pages(app) -> None:  # noqa: ANN001
    world = build(app)
    yes, _ = _speaker(world, "Yes Speaker")
    no, _ = _speaker(world, "Nope Speaker")
    waiting, _ = _speaker(world, "Waiting Speaker")
    operations.answer(yes, yes.assignments[0], True, "")
    operations.answer(no, no.assignments[0], False, "")
    client = app.test_client()
    session_url = f"/events/panel/sessions/{world['opening'].id}/"
    shown = client.get(session_url).get_data(as_text=True)
    assert "Yes Speaker" in shown and "Waiting Speaker" in shown and "Nope Speaker" not in shown
    assert client.get(f"/speakers/{no.slug}/").status_code == 404
    api = client.get("/api/v1/events/panel").json
    names = {p["name"] for s in api["sessions"] for p in s["people"]}
    assert names == {"Yes Speaker", "Waiting Speaker"}

    owner = Visitor(app, world["owner"])
    owner.post("/organise/events/panel/speakers", {"confirmed_only": "y"})
    shown = client.get(session_url).get_data(as_text=True)
    assert "Yes Speaker" in shown and "Waiting Speaker" not in shown
    assert b"Waiting Speaker" not in client.get(f"/events/panel/sessions/{world['opening'].id}.ics").data
    assert "Waiting Speaker" not in client.get("/events/panel/speakers/").get_data(as_text=True)
    assert client.get(f"/speakers/{waiting.slug}/").status_code == 404
    # The organiser confirms the waiting speaker (by phone): public again.
    owner.post(
        f"/organise/events/panel/speakers/assignments/{waiting.assignments[0].id}/answer",
        {"answer": "accept"},
    )
    assert "Waiting Speaker" in client.get(session_url).get_data(as_text=True)


def test_organisers_edit_the_same_profile_and_the_audit_log_says_who(app) -> None:  # noqa: ANN001
    from conference.audit.models import AuditEntry

    world = build(app)
    person, token = _speaker(world, "Audit Person")
    page = f"/speaking/{token}/"
    post_form(app.test_client(), page, {"name": "Audit Person", "bio": "By the speaker"}, f"{page}profile")
    owner = Visitor(app, world["owner"])
    form = owner.get(f"/organise/people/{person.id}/profile")
    assert form.status_code == 200 and "By the speaker" in form.get_data(as_text=True)
    saved = owner.post(
        f"/organise/people/{person.id}/profile",
        {"name": "Audit Person", "bio": "By the organiser", "public": ["bio"]},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(person), person.id).bio == "By the organiser"  # the last edit wins
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "person.changed").order_by(AuditEntry.id)
    ).all()
    assert [e.actor_email for e in entries] == ["audit@example.org", "owner@example.org"]
    assert entries[0].after["bio"] == "By the speaker" and entries[1].after["bio"] == "By the organiser"


def test_a_photo_larger_than_the_sites_body_limit_but_within_the_photo_limit_is_taken(app) -> None:  # noqa: ANN001
    import os

    world = build(app)
    person, token = _speaker(world)
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=98)
    data = out.getvalue()
    assert app.config["MAX_CONTENT_LENGTH"] < len(data) < app.config["SPEAKER_PHOTO_MAX_BYTES"]
    assert _upload(app, token, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(person), person.id).photo_digest
    # Other forms keep the site's limit.
    big = app.test_client().post("/organise/people/new", data={"name": "x" * len(data)})
    assert big.status_code == 413


def test_the_public_speaker_feed_leaves_out_a_declined_session(app) -> None:  # noqa: ANN001
    world = build(app)
    person, _ = _speaker(world, "Half Declined")
    world["closing"].assignments.append(Assignment(person=person, role=Role.CHAIR))
    db.session.commit()
    operations.answer(person, person.assignments[0], False, "")
    feed = app.test_client().get(f"/speakers/{person.slug}/calendar.ics").data
    assert b"Closing round" in feed and b"Opening panel" not in feed


def test_photos_on_the_event_speakers_page_cost_no_query_per_speaker(app, count_queries) -> None:  # noqa: ANN001
    world = build(app)
    prepared = photos.prepare(png(200, 200, "RGB"))
    client = app.test_client()
    counts = []
    for number in (2, 6):
        while len(world["opening"].assignments) < number:
            person = make_person(name=f"Listed {len(world['opening'].assignments)}")
            world["opening"].assignments.append(Assignment(person=person, role=Role.SPEAKER))
            db.session.flush()
            photos.store(person, prepared)
        db.session.commit()
        client.get("/events/panel/speakers/")  # warm caches
        with count_queries() as counter:
            page = client.get("/events/panel/speakers/").get_data(as_text=True)
        assert page.count("<picture") == number
        counts.append(counter.count)
    assert counts[0] == counts[1]
