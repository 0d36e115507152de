"""Name badges as a PDF for printing (fpdf2): name, affiliation, the role for speakers and the QR code of
the check-in code, for every confirmed registrant attending in person, and for the event's speakers who did
not register (without a QR code: they have no check-in code).

Two layouts: `a4` (four A6 badges on an A4 sheet, cut along the thin lines, for badge holders) and `l7163`
(Avery L7163 and compatible label sheets: 14 labels of 99.1 x 38.1 mm on A4). Names in any script (fonts:
`conference.pdf`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _

from conference.db import db
from conference.events.models import Event
from conference.labels import label
from conference.pdf import Sheet
from conference.registrations.models import Registration, RegistrationMode, RegistrationStatus
from conference.sessions.models import Session, SessionStatus
from conference.speakers.models import Assignment, Person

A4, L7163 = "a4", "l7163"
LAYOUTS = (A4, L7163)


class Badge:
    """What one badge shows."""

    def __init__(self, name: str, affiliation: str, role: str, code: str | None) -> None:
        self.name, self.affiliation, self.role, self.code = name, affiliation, role, code


def badges_of(event: Event) -> list[Badge]:
    """Confirmed in-person registrants (by name), then speakers without a registration of their own (an
    email address in both makes them one person: the registrant's badge carries the role)."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.attendance_mode == RegistrationMode.IN_PERSON,
            Registration.erased_at.is_(None),
        )
        .order_by(Registration.name, Registration.id)
    ).all()
    assignments = db.session.execute(
        sa.select(Person, Assignment.role)
        .join(Assignment, Assignment.person_id == Person.id)
        .join(Session, Session.id == Assignment.session_id)
        .where(Session.event_id == event.id, Session.status != SessionStatus.CANCELLED)
        .order_by(Person.name, Person.id, Assignment.role)
    ).all()
    roles: dict[int, list[str]] = {}
    people: dict[int, Person] = {}
    for person, role in assignments:
        people[person.id] = person
        text = label(role)
        if text not in roles.setdefault(person.id, []):
            roles[person.id].append(text)
    by_email = {p.email.lower(): p for p in people.values() if p.email}
    badges, matched = [], set()
    for r in registrations:
        person = by_email.get(r.email.lower())
        role, affiliation = "", r.affiliation
        if person is not None:
            matched.add(person.id)
            role = ", ".join(roles[person.id])
            affiliation = affiliation or person.affiliation or ""
        badges.append(Badge(r.name, affiliation, role, r.checkin_code))
    for person in people.values():
        if person.id not in matched:
            badges.append(Badge(person.name, person.affiliation or "", ", ".join(roles[person.id]), None))
    return badges


def _a4_badge(pdf: Sheet, badge: Badge, event: Event, x: float, y: float) -> None:
    width, height, pad = 105.0, 148.5, 8.0
    pdf.set_draw_color(180, 180, 180)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, width, height)
    inner = width - 2 * pad
    pdf.set_text_color(90, 90, 90)
    top = y + pad + pdf.fitted_line(event.title, x + pad, y + pad, inner, 11, False)
    pdf.set_text_color(0, 0, 0)
    top += 10
    top += pdf.fitted_line(badge.name, x + pad, top, inner, 26, True, minimum=12)
    if badge.affiliation:
        top += 2 + pdf.fitted_line(badge.affiliation, x + pad, top + 2, inner, 14, False)
    if badge.role:
        pdf.set_text_color(40, 70, 140)
        top += 3 + pdf.fitted_line(badge.role, x + pad, top + 3, inner, 14, True)
        pdf.set_text_color(0, 0, 0)
    if badge.code:
        size = 38.0
        pdf.qr(badge.code, x + (width - size) / 2, y + height - pad - size - 5, size)
        pdf.set_text_color(90, 90, 90)
        pdf.fitted_line(badge.code, x + pad, y + height - pad - 5, inner, 8, False)
        pdf.set_text_color(0, 0, 0)


def _label_badge(pdf: Sheet, badge: Badge, event: Event, x: float, y: float) -> None:
    width, height, pad = 99.1, 38.1, 3.0
    qr_size = height - 2 * pad if badge.code else 0.0
    text_width = width - 2 * pad - (qr_size + 2 if badge.code else 0)
    top = y + pad
    pdf.set_text_color(0, 0, 0)
    top += pdf.fitted_line(badge.name, x + pad, top + 2, text_width, 16, True, minimum=8) + 2
    if badge.affiliation:
        top += pdf.fitted_line(badge.affiliation, x + pad, top, text_width, 10, False)
    if badge.role:
        pdf.set_text_color(40, 70, 140)
        top += pdf.fitted_line(badge.role, x + pad, top, text_width, 10, True)
    pdf.set_text_color(90, 90, 90)
    pdf.fitted_line(event.title, x + pad, y + height - pad - 4, text_width, 7, False)
    pdf.set_text_color(0, 0, 0)
    if badge.code:
        pdf.qr(badge.code, x + width - pad - qr_size, y + pad, qr_size)


# layout -> (columns, rows, left, top, horizontal pitch, vertical pitch, draw one)
GRIDS = {
    A4: (2, 2, 0.0, 0.0, 105.0, 148.5, _a4_badge),
    L7163: (2, 7, 4.65, 15.15, 101.6, 38.1, _label_badge),
}


def badges_pdf(event: Event, layout: str = A4) -> bytes:
    columns, rows, left, top, across, down, draw = GRIDS[layout]
    everyone = badges_of(event)
    texts = [text for b in everyone for text in (b.name, b.affiliation, b.role)]
    pdf = Sheet(_("Badges: %(event)s", event=event.title), texts)
    per_page = columns * rows
    if not everyone:
        pdf.add_page()
        pdf.use(False, 12)
        pdf.set_xy(20, 20)
        pdf.cell(
            170, 10, _("Nobody to make a badge for yet: no confirmed in-person registrants or speakers.")
        )
    for index, badge in enumerate(everyone):
        if index % per_page == 0:
            pdf.add_page()
        place = index % per_page
        column, row = place % columns, place // columns
        draw(pdf, badge, event, left + column * across, top + row * down)
    return bytes(pdf.output())


def pdf_response(event: Event, layout: str) -> Response:
    response = Response(badges_pdf(event, layout), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-badges-{layout}.pdf"'
    return response
