"""The check-in desk in Chromium at phone width (390 px): find by code, check in, undo, the counter refreshed
by its fetch, axe, no sideways scrolling; and the camera path: Chromium's fake camera shows a confirmation's
QR code, the page reads it (BarcodeDetector where Chromium has one, else the vendored jsQR) and finds the
person."""

from __future__ import annotations

from pathlib import Path

from conference.db import db
from conference.registrations import operations, registering
from conference.registrations.mails import qr_png
from conference.registrations.models import Registration
from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, LAPTOP, PHONE
from tests.factories import add_member, make_event, make_session, make_user

PASSWORD = "a good long password"


def _desk_world() -> tuple:
    event = make_event(slug="door", title="Door test symposium")
    panel = make_session(event, title="Opening panel")
    helper = make_user("helper@example.org", password=PASSWORD)
    add_member(event, helper, "checkin")
    db.session.commit()
    people = [
        registering.register(
            event, registering.RegistrationInput(name, f"{n}@example.org", "in_person", [panel.id])
        ).registration
        for n, name in enumerate(("Ada Lovelace", "Grace Hopper"))
    ]
    db.session.commit()
    return event, panel, people


def _log_in(page) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill("helper@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_the_desk_works_at_phone_width(page, axe, screenshot):  # noqa: ANN001
    event, panel, (ada, grace) = _desk_world()
    _log_in(page)
    page.set_viewport_size(PHONE)
    assert page.goto("/organise/events/door/checkin/desk").status == 200
    assert axe(page) == []
    assert page.locator('[data-count="total"]').inner_text() == "0"
    assert page.get_by_role("button", name="Scan the QR code").is_visible()  # the camera is offered

    page.get_by_label("Name, email or the code under the QR").fill(ada.checkin_code)
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("button", name="Check in Ada Lovelace").click()
    page.get_by_text("Ada Lovelace is checked in.").wait_for()
    assert page.locator('[data-count="total"]').inner_text() == "1"
    assert page.locator(f'[data-count="session-{panel.id}"]').inner_text() == "1"
    assert axe(page) == []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, overflow
    screenshot(page, "checkin-desk-phone")
    page.set_viewport_size(LAPTOP)
    assert axe(page) == []
    screenshot(page, "checkin-desk-laptop")
    page.set_viewport_size(PHONE)

    # Someone at the other door checks Grace in: the counter follows without a reload.
    operations.check_in(None, grace)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("() => document.querySelector('[data-count=\"total\"]').textContent === '2'")

    page.get_by_role("button", name="Undo this check-in").click()
    page.get_by_text("Check-in of Ada Lovelace undone.").wait_for()
    db.session.rollback()
    assert db.session.get(Registration, ada.id).checked_in_at is None
    assert page.locator('[data-count="total"]').inner_text() == "1"
    assert page.js_errors == []


def _qr_video(registration: Registration, path: Path) -> Path:
    """A few seconds of Y4M video (what Chromium's fake camera plays) showing the QR code the confirmation
    mail attaches."""
    from io import BytesIO

    from PIL import Image

    qr = Image.open(BytesIO(qr_png(registration, scale=8))).convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(30):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def test_the_camera_reads_the_confirmation_qr_code(browser, live_server, tmp_path):  # noqa: ANN001
    _event, _panel, (ada, _grace) = _desk_world()
    video = _qr_video(ada, tmp_path / "qr.y4m")
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )  # fmt: skip
    try:
        context = camera.new_context(base_url=live_server, viewport=PHONE, locale="en-GB")
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        _log_in(page)
        page.goto("/organise/events/door/checkin/desk")
        page.get_by_role("button", name="Scan the QR code").click()
        page.get_by_role("button", name="Check in Ada Lovelace").wait_for(timeout=20_000)
        assert page.get_by_label("Name, email or the code under the QR").input_value() == ada.checkin_code
        assert errors == []
    finally:
        camera.close()
