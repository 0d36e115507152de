"""The printed programme: the event page with the print stylesheet leaves out the site's navigation, the
registration and calendar boxes, and keeps the programme, with recording links spelled out."""

from __future__ import annotations

from datetime import timedelta

from conference.db import db
from tests.factories import make_event, make_session


def test_the_event_page_prints_the_programme_only(page, screenshot, tmp_path):  # noqa: ANN001
    event = make_event(slug="printed", title="Printed symposium", registration_enabled=True)
    make_session(event, title="Opening panel", recording_url="https://video.example.org/opening")
    make_session(event, title="Closing panel", starts_at=event.starts_at + timedelta(hours=4))
    db.session.commit()
    assert page.goto("/events/printed/").status == 200
    assert page.locator(".site-header").is_visible() and page.locator(".subscribe").first.is_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".subscribe", ".add-once", ".reg-box"):
        assert page.locator(hidden).count() == 0 or not page.locator(hidden).first.is_visible(), hidden
    for text in ("Printed symposium", "Opening panel", "Closing panel"):
        assert page.get_by_text(text, exact=True).first.is_visible(), text
    after = page.evaluate("() => getComputedStyle(document.querySelector('.materials a'), '::after').content")
    assert "https://video.example.org/opening" in after
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "programme.pdf").write_bytes(pdf)
    screenshot(page, "programme-print")
