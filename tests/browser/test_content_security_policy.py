"""The pages work in headless Chromium under the Content-Security-Policy (issue 9, finding 6): no
violation is reported on any main page, public or organiser, and the pages still do their job (a
registration through the form, logging in, the capacity bars that moved from a style attribute to the
stylesheet)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conference.auth.cli import DEMO_EMAIL, DEMO_PASSWORD, demo_organiser
from conference.demo import PANEL_SLUG, SYMPOSIUM_SLUG
from tests.browser_fixtures import LAPTOP, PHONE, SCREENSHOTS
from tests.conftest import serve

SHOTS = SCREENSHOTS / "csp"
SMALL_PANEL = "Memory, apology and reconciliation between Japan and Korea"  # 20 seats in the demo
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def demo_site(app, make_app, demo) -> Iterator[str]:  # noqa: ANN001
    """The demo (with its organiser) served in demo mode, so the demo mailbox is there too."""
    demo_organiser()
    with serve(make_app(DEMO_MODE=True)) as base_url:
        yield base_url


@pytest.fixture
def watched(browser, demo_site):  # noqa: ANN001, ANN201
    context = browser.new_context(base_url=demo_site, viewport=LAPTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    page.console = console
    yield page
    context.close()


def visit(page, path: str) -> None:  # noqa: ANN001
    response = page.goto(path)
    assert response.status == 200, (path, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert_no_violation(page, path)


def assert_no_violation(page, where: str) -> None:  # noqa: ANN001
    violations = page.evaluate("window.__cspViolations")
    reported = [line for line in page.console if "Content Security Policy" in line]
    assert violations == [] and reported == [], (where, violations, reported)


def test_the_watch_sees_a_violation(watched):
    """The check below can fail: an inline script is refused and reported."""
    visit(watched, "/")
    watched.evaluate("""() => { const s = document.createElement("script");
                                s.textContent = "window.ran = true"; document.body.append(s); }""")
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert watched.evaluate("window.ran") is None
    assert "script-src" in watched.evaluate("window.__cspViolations")[0]


def test_main_pages_work_without_csp_violations(watched, screenshot, axe):
    page = watched
    for path in ("/", f"/events/{PANEL_SLUG}/", f"/events/{SYMPOSIUM_SLUG}/", f"/events/{SYMPOSIUM_SLUG}/speakers/",
                 "/speakers/aiko-tanaka/", "/registrations/lost-link", "/login"):  # fmt: skip
        visit(page, path)
    page.goto(f"/events/{SYMPOSIUM_SLUG}/")
    page.get_by_role("link", name=SMALL_PANEL).first.click()
    page.wait_for_url("**/sessions/*/")
    assert_no_violation(page, "session page")
    assert page.locator(".subscribe input[readonly]").input_value().endswith(".ics")

    # Register through the real form; land on the manage page with its QR code and calendar links.
    visit(page, f"/events/{SYMPOSIUM_SLUG}/register")
    page.get_by_label("Name", exact=True).fill("Csp Tester")
    page.get_by_label("Email").fill("csp@example.org")
    page.get_by_label(SMALL_PANEL).check()
    page.locator("#consent").check()
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/registrations/*/")
    assert page.get_by_role("heading", name="Your registration", exact=True).is_visible()
    assert_no_violation(page, "manage page")
    manage = page.url
    visit(page, manage + "cancel")

    # Log in through the form and walk the organiser pages.
    visit(page, "/login")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/organise/")
    assert_no_violation(page, "organiser home")
    event = f"/organise/events/{SYMPOSIUM_SLUG}"
    for path in (f"{event}/", f"{event}/edit", f"{event}/timetable", f"{event}/rooms", f"{event}/team",
                 f"{event}/registrations/", f"{event}/checkin", "/organise/people/", "/organise/outbox/",
                 "/account/password", "/demo-mailbox/", f"/events/{SYMPOSIUM_SLUG}/"):  # fmt: skip
        visit(page, path)

    visit(page, "/account/password")
    assert axe(page) == []

    # The capacity bar (a class now, no style attribute) shows the one seat taken of twenty.
    page.goto(f"{event}/registrations/")
    row = page.locator("tr", has_text=SMALL_PANEL)
    bar, fill = row.locator(".capacity-bar"), row.locator(".capacity-bar > span")
    assert fill.get_attribute("class") == "fill-5"
    width, full = fill.bounding_box()["width"], bar.bounding_box()["width"]
    assert 0 < width < full / 10, (width, full)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        for path, shot in ((f"{event}/registrations/", "registrations"), ("/account/password", "password")):
            page.goto(path)
            screenshot(page, f"csp/{shot}-{name}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, name, overflow)
    assert_no_violation(page, "screenshots")
