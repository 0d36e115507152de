"""The event day: the check-in desk (check in, undo with an audit entry, live counter), the API's undo and
its audited check-in, and the badges PDF (read back with pypdf, names in Latin, CJK and Thai scripts)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from conference import pdf
from conference.audit.models import AuditEntry
from conference.auth.api_tokens import create_token
from conference.db import db
from conference.registrations import badges, capacity, registering
from conference.registrations.models import Registration, RegistrationMode
from conference.speakers.models import Role
from tests.api.organiser_world import Api
from tests.factories import add_member, make_event, make_person, make_session, make_user
from tests.organise.helpers import Visitor


def _register(event, name: str, mode: str, sessions, email: str | None = None) -> Registration:  # noqa: ANN001
    data = registering.RegistrationInput(
        name, email or f"{abs(hash(name))}@example.org", RegistrationMode(mode), [s.id for s in sessions]
    )
    registration = registering.register(event, data).registration
    db.session.commit()
    return registration


@pytest.fixture
def day(app):  # noqa: ANN001, ANN201
    event = make_event(slug="day", title="Chiang Mai Symposium", attendance_mode="hybrid",
                       online_url="https://meet.example/x")  # fmt: skip
    morning = make_session(event, title="Morning panel", capacity=10)
    evening = make_session(event, title="Evening panel")
    speaker = make_person(name="Grace Speaker", email="grace@example.org", affiliation="Kyoto University")
    make_session(event, title="Keynote", people=[(speaker, Role.KEYNOTE)])
    users = {role: make_user(f"{role}@example.org") for role in ("owner", "manager", "checkin", "stranger")}
    for role in ("owner", "manager", "checkin"):
        add_member(event, users[role], role)
    other = make_event(slug="other")
    add_member(other, users["stranger"], "owner")
    db.session.commit()
    people = {
        "ada": _register(event, "Ada Lovelace", "in_person", [morning, evening]),
        "taro": _register(event, "山田 太郎", "in_person", [morning]),
        "somchai": _register(event, "สมชาย ใจดี", "in_person", [evening]),
        "minsu": _register(event, "김민수", "online", [morning]),
        "grace": _register(event, "Grace Speaker", "in_person", [], email="grace@example.org"),
        "gone": _register(event, "Gone Person", "in_person", [morning]),
    }
    capacity.cancel(people["gone"])
    db.session.commit()
    return {"event": event, "morning": morning, "evening": evening, "users": users, "people": people}


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_desk_checks_in_and_undoes_with_audit_entries(app, day):
    helper = Visitor(app, day["users"]["checkin"])
    ada = day["people"]["ada"]
    page = helper.get(f"/organise/events/day/checkin/desk?q={ada.checkin_code}").get_data(as_text=True)
    assert "Check in Ada Lovelace" in page and "Taro" not in page
    response = helper.post(f"/organise/events/day/checkin/desk/{ada.id}/arrive")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"?last={ada.id}")
    assert db.session.get(Registration, ada.id).checked_in_at is not None
    page = helper.get(f"/organise/events/day/checkin/desk?last={ada.id}").get_data(as_text=True)
    assert "Ada Lovelace is checked in." in page and "Undo this check-in" in page

    response = helper.post(f"/organise/events/day/checkin/desk/{ada.id}/undo")
    assert response.status_code == 302
    assert db.session.get(Registration, ada.id).checked_in_at is None
    (checked,) = _audit("registration.checked_in")
    (undone,) = _audit("registration.check_in_undone")
    assert undone.subject_id == ada.id and undone.actor_email == "checkin@example.org"
    assert undone.before["checked_in_at"] and undone.after == {"checked_in_at": None}
    # Undoing again changes nothing and records nothing.
    page = helper.get(helper.post(f"/organise/events/day/checkin/desk/{ada.id}/undo").headers["Location"])
    assert "was not checked in" in page.get_data(as_text=True)
    assert len(_audit("registration.check_in_undone")) == 1
    # A cancelled registration is refused with a message; another event's registration is not found.
    gone = day["people"]["gone"]
    page = helper.get(helper.post(f"/organise/events/day/checkin/desk/{gone.id}/arrive").headers["Location"])
    assert "is not confirmed" in page.get_data(as_text=True)
    assert db.session.get(Registration, gone.id).checked_in_at is None
    other_event = make_event(slug="elsewhere")
    db.session.commit()
    foreign = _register(other_event, "Foreign", "in_person", [])
    assert helper.post(f"/organise/events/day/checkin/desk/{foreign.id}/arrive").status_code == 404
    assert helper.post(f"/organise/events/day/checkin/desk/{foreign.id}/undo").status_code == 404


def test_desk_post_without_csrf_is_refused(app, day):
    from tests.factories import login_as

    client = app.test_client()
    login_as(client, day["users"]["checkin"])
    ada = day["people"]["ada"]
    assert client.post(f"/organise/events/day/checkin/desk/{ada.id}/arrive").status_code == 400
    assert db.session.get(Registration, ada.id).checked_in_at is None


def test_counter_per_mode_and_session(app, day):
    helper = Visitor(app, day["users"]["checkin"])
    for name in ("ada", "taro"):
        helper.post(f"/organise/events/day/checkin/desk/{day['people'][name].id}/arrive")
    counts = helper.get("/organise/events/day/checkin/counts.json").json
    assert (counts["checked_in"], counts["expected"]) == (2, 5)
    modes = {m["mode"]: (m["checked_in"], m["expected"]) for m in counts["modes"]}
    assert modes == {"in_person": (2, 4), "online": (0, 1)}
    sessions = {s["title"]: (s["checked_in"], s["expected"]) for s in counts["sessions"]}
    # Morning: Ada, Taro, Minsu confirmed (Gone cancelled); evening: Ada and Somchai; the keynote: nobody.
    assert sessions == {"Morning panel": (2, 3), "Evening panel": (1, 2), "Keynote": (0, 0)}
    page = helper.get("/organise/events/day/checkin/desk").get_data(as_text=True)
    assert f'data-count="session-{day["morning"].id}">2<' in page and 'data-count="total">2<' in page
    # An undo lowers the count.
    helper.post(f"/organise/events/day/checkin/desk/{day['people']['taro'].id}/undo")
    assert helper.get("/organise/events/day/checkin/counts.json").json["checked_in"] == 1
    # Not on this event's team: not found.
    assert (
        Visitor(app, day["users"]["stranger"]).get("/organise/events/day/checkin/counts.json").status_code
        == 404
    )


def test_api_check_in_is_audited_and_undone_by_delete(app, day):
    api = Api(app)
    token = create_token(day["users"]["checkin"], "door")[1]
    ada = day["people"]["ada"]
    url = f"/api/v1/events/day/registrations/{ada.id}/check-in"
    assert api.post(url, token).json["already_checked_in"] is False
    assert len(_audit("registration.checked_in")) == 1
    response = api.open("DELETE", url, token)
    assert response.status_code == 200 and response.json["was_checked_in"] is True
    assert response.json["registration"]["checked_in_at"] is None
    assert api.open("DELETE", url, token).json["was_checked_in"] is False
    assert len(_audit("registration.check_in_undone")) == 1
    stranger = create_token(day["users"]["stranger"], "x")[1]
    assert api.open("DELETE", url, stranger).status_code == 404


def _texts(pdf: bytes) -> list[str]:
    # pypdf puts a NUL before each character of a CID-keyed CFF font (the Noto CJK subset) although the
    # font's ToUnicode map is right (<0001> <5C71>; PDFium reads the same PDF clean): dropped here.
    return [page.extract_text().replace("\x00", "") for page in PdfReader(io.BytesIO(pdf)).pages]


def test_badges_pdf_has_every_in_person_name_in_every_script(app, day):
    assert pdf.missing_fonts() == [], "install fonts-dejavu-core, fonts-noto-cjk and fonts-thai-tlwg"
    owner = Visitor(app, day["users"]["owner"])
    response = owner.get("/organise/events/day/badges.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="day-badges-a4.pdf"'
    pages = _texts(response.data)
    assert len(pages) == 1  # four in-person registrants on one A4 sheet (Minsu online, Gone cancelled)
    text = "".join(pages).replace(" ", "")
    for name in ("AdaLovelace", "山田太郎", "สมชายใจดี", "GraceSpeaker", "KyotoUniversity", "Keynote"):
        assert name in text, (name, text)
    assert "김민수" not in text and "GonePerson" not in text
    assert day["people"]["ada"].checkin_code in text

    labels = Api(app).get(
        "/api/v1/events/day/badges.pdf?layout=l7163", create_token(day["users"]["owner"], "t")[1]
    )
    assert labels.status_code == 200
    assert "".join(_texts(labels.data)).replace(" ", "").count("ChiangMaiSymposium") == 4
    # Check-in helpers do not get everyone's badges (403: their role may not, page and API alike).
    assert Visitor(app, day["users"]["checkin"]).get("/organise/events/day/badges.pdf").status_code == 403
    helper_token = create_token(day["users"]["checkin"], "door")[1]
    assert Api(app).get("/api/v1/events/day/badges.pdf", helper_token).status_code == 403
    assert owner.get("/organise/events/day/badges.pdf?layout=poster").status_code == 400


def test_label_sheet_has_fourteen_per_page(app):
    event = make_event(slug="many")
    owner = make_user("o@example.org")
    add_member(event, owner, "owner")
    db.session.commit()
    for n in range(15):
        _register(event, f"Person {n:02d}", "in_person", [], email=f"p{n}@example.org")
    pages = _texts(badges.badges_pdf(event, badges.L7163))
    assert len(pages) == 2
    assert [sum(f"Person {n:02d}" in page for n in range(15)) for page in pages] == [14, 1]


def test_the_check_in_qr_is_a_full_qr_code_never_a_micro_qr(app, day):
    """segno.make picks a Micro QR for a 16-character code: cameras and jsQR cannot read those."""
    from conference.registrations.mails import checkin_qr, qr_png

    ada = day["people"]["ada"]
    assert checkin_qr(ada.checkin_code).is_micro is False
    assert qr_png(ada).startswith(b"\x89PNG")
