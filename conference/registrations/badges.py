"""Name badges as a PDF for printing (fpdf2): name, affiliation, the role for speakers and the QR code of
the check-in code, for every confirmed registrant attending in person, and for the event's speakers who did
not register (without a QR code: they have no check-in code).

Two layouts: `a4` (four A6 badges on an A4 sheet, cut along the thin lines, for badge holders) and `l7163`
(Avery L7163 and compatible label sheets: 14 labels of 99.1 x 38.1 mm on A4). Names in any script: DejaVu
Sans first, then the system's Noto Sans CJK (Chinese, Japanese, Korean) and TLWG (Thai) fonts as fallbacks,
shaped with HarfBuzz (uharfbuzz) so Thai marks sit right. A font that is not installed is left out (its
names then show missing glyphs); `missing_fonts()` says which.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from fpdf import FPDF

from conference.db import db
from conference.events.models import Event
from conference.labels import label
from conference.registrations.models import Registration, RegistrationMode, RegistrationStatus
from conference.sessions.models import Session, SessionStatus
from conference.speakers.models import Assignment, Person

A4, L7163 = "a4", "l7163"
LAYOUTS = (A4, L7163)

# (family, path, number in a font collection, the script it is needed for); the first is the main font, the
# others fallbacks, loaded only when a badge has a character of their script (a CJK font takes seconds).
FONTS = (
    ("dejavu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0, None),
    ("dejavu-bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0, None),
    ("cjk", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0, "cjk"),
    ("cjk-bold", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 0, "cjk"),
    ("thai", "/usr/share/fonts/truetype/tlwg/Garuda.ttf", 0, "thai"),
    ("thai-bold", "/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf", 0, "thai"),
)
SCRIPTS = {
    "cjk": ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
            (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF)),
    "thai": ((0x0E00, 0x0E7F),),
}  # fmt: skip


def scripts_in(texts: list[str]) -> set[str]:
    """The scripts among SCRIPTS that these texts use."""
    found = set()
    for char in {c for text in texts for c in text if ord(c) > 0x2FF}:
        point = ord(char)
        for script, ranges in SCRIPTS.items():
            if any(low <= point <= high for low, high in ranges):
                found.add(script)
    return found


def missing_fonts() -> list[str]:
    from pathlib import Path

    return [path for _family, path, _n, _script in FONTS if not Path(path).exists()]


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


class _Sheet(FPDF):
    def __init__(self, title: str, texts: list[str]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.set_title(title)
        self.set_creator("Conference")
        families = []
        needed = scripts_in([title, *texts])
        for family, path, number, script in FONTS:
            if script is not None and script not in needed:
                continue
            try:
                self.add_font(family, fname=path, collection_font_number=number)
            except FileNotFoundError:
                continue
            families.append(family)
        self.families = families
        regular = [f for f in families if not f.endswith("-bold")]
        self.regular = regular[0] if regular else "helvetica"
        self.bold = "dejavu-bold" if "dejavu-bold" in families else self.regular
        self.fallback_regular = regular[1:]
        self.fallback_bold = [f for f in families if f.endswith("-bold") and f != self.bold]
        self.set_text_shaping(True)  # HarfBuzz (uharfbuzz): Thai marks, Korean and Latin kerning

    def use(self, bold: bool, size: float) -> None:
        self.set_font(self.bold if bold else self.regular, size=size)
        self.set_fallback_fonts(self.fallback_bold if bold else self.fallback_regular, exact_match=False)

    def fitted_line(self, text: str, x: float, y: float, width: float, size: float, bold: bool,
                    minimum: float = 6) -> float:  # fmt: skip
        """One line of text shrunk to fit the width (cut with an ellipsis below `minimum`); returns its
        height."""
        self.use(bold, size)
        while size > minimum and self.get_string_width(text) > width:
            size -= 0.5
            self.use(bold, size)
        while len(text) > 1 and self.get_string_width(text) > width:
            text = text[:-2] + "…"
        height = size * 0.3528 * 1.25
        self.set_xy(x, y)
        self.cell(width, height, text, align="C")
        return height

    def qr(self, code: str, x: float, y: float, size: float) -> None:
        from conference.registrations.mails import checkin_qr

        rows = list(checkin_qr(code).matrix_iter(scale=1, border=2))
        module = size / len(rows)
        self.set_fill_color(0, 0, 0)
        for row_number, row in enumerate(rows):
            start = None
            for column, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = column
                elif not dark and start is not None:
                    self.rect(x + start * module, y + row_number * module, (column - start) * module, module,
                              style="F")  # fmt: skip
                    start = None


def _a4_badge(pdf: _Sheet, badge: Badge, event: Event, x: float, y: float) -> None:
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


def _label_badge(pdf: _Sheet, badge: Badge, event: Event, x: float, y: float) -> None:
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
    pdf = _Sheet(_("Badges: %(event)s", event=event.title), texts)
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
