"""The programme of an event as a PDF to print or send (`/events/<slug>/programme.pdf`): days, times in the
event's zone, titles, kind and room, the people with their roles; cancelled sessions marked. The same
content as the event page (which also prints through its print stylesheet)."""

from __future__ import annotations

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from conference.events.models import Event
from conference.events.queries import group_by_day, programme
from conference.labels import label
from conference.pdf import Sheet
from conference.timeutil import local

LEFT, WIDTH, TIME_WIDTH, BOTTOM = 15.0, 180.0, 30.0, 282.0
NEXT = {"new_x": "LMARGIN", "new_y": "NEXT", "align": "L"}  # each cell starts a new line


def _when(event: Event) -> str:
    first, last = local(event.starts_at, event.timezone), local(event.ends_at, event.timezone)
    if first.date() == last.date():
        return format_date(first.date(), "full")
    return f"{format_date(first.date(), 'full')} – {format_date(last.date(), 'full')}"


def programme_pdf(event: Event) -> bytes:
    sessions = programme(event)
    people = {s.id: "; ".join(f"{a.person.name} ({label(a.role)})" for a in s.assignments) for s in sessions}
    texts = [event.title, event.venue_name or "", event.city or ""]
    texts += [s.title for s in sessions] + list(people.values())
    pdf = Sheet(_("Programme: %(event)s", event=event.title), texts)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_margins(LEFT, 15, LEFT)
    pdf.add_page()
    pdf.use(True, 18)
    pdf.multi_cell(WIDTH, 8, event.title, **NEXT)
    pdf.use(False, 10.5)
    where = ", ".join(p for p in (event.venue_name, event.city, event.country) if p) or label(
        event.attendance_mode
    )
    pdf.multi_cell(WIDTH, 5.5, _when(event), **NEXT)
    pdf.multi_cell(WIDTH, 5.5, where, **NEXT)
    pdf.multi_cell(WIDTH, 5.5, _("Times in %(zone)s", zone=event.timezone), **NEXT)
    if not sessions:
        pdf.ln(4)
        pdf.multi_cell(WIDTH, 6, _("The programme has not been published yet."), **NEXT)
    for day in group_by_day(sessions, event.timezone):
        if pdf.get_y() > BOTTOM - 30:
            pdf.add_page()
        pdf.ln(5)
        pdf.use(True, 13)
        pdf.multi_cell(WIDTH, 7, format_date(day.day, "full"), **NEXT)
        pdf.set_draw_color(0, 0, 0)
        pdf.line(LEFT, pdf.get_y(), LEFT + WIDTH, pdf.get_y())
        pdf.ln(1.5)
        for session in day.sessions:
            lines = 2 + (1 if people[session.id] else 0)
            if pdf.get_y() + lines * 5.5 > BOTTOM:
                pdf.add_page()
            top = pdf.get_y()
            start = format_time(local(session.starts_at, event.timezone).time(), "short")
            end = format_time(local(session.ends_at, event.timezone).time(), "short")
            pdf.use(False, 10)
            pdf.set_xy(LEFT, top)
            pdf.multi_cell(TIME_WIDTH, 5.5, f"{start} –\n{end}", **NEXT)
            below_time = pdf.get_y()
            pdf.set_xy(LEFT + TIME_WIDTH, top)
            pdf.use(True, 11)
            title = session.title + (f" ({_('Cancelled')})" if session.is_cancelled else "")
            pdf.multi_cell(WIDTH - TIME_WIDTH, 5.5, title, **NEXT)
            pdf.use(False, 9.5)
            details = label(session.kind) + (f" · {session.room.name}" if session.room else "")
            pdf.set_x(LEFT + TIME_WIDTH)
            pdf.multi_cell(WIDTH - TIME_WIDTH, 5, details, **NEXT)
            if people[session.id]:
                pdf.set_x(LEFT + TIME_WIDTH)
                pdf.multi_cell(WIDTH - TIME_WIDTH, 5, people[session.id], **NEXT)
            pdf.set_y(max(pdf.get_y(), below_time) + 2)
    return bytes(pdf.output())
