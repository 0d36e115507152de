"""Browser harness: the app on a real loopback server, opened in Debian's headless Chromium via Playwright.

A pytest plugin loaded by tests/conftest.py, so every area shares one browser.

Browser tests are marked `browser`. They are skipped with a reason where Chromium (or axe-core for the
accessibility check) is not installed, and fail instead when REQUIRE_BROWSER=1 (as in CI), so that a
missing browser can never pass silently. No browser is ever downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(os.environ.get("AXE_CORE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the browser is marked `browser` (so `-m browser` / `-m "not browser"` work)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str) -> Iterator:  # noqa: ANN001
    """A fresh browser page; `page.goto(path)` resolves paths against the live server."""
    context = browser.new_context(base_url=live_server, viewport=LAPTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def screenshot():  # noqa: ANN201
    """`screenshot(page, "name")` saves a full-page PNG under test-artifacts/screenshots for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:  # noqa: ANN001
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe():  # noqa: ANN201
    """`axe(page)` runs axe-core in the page and returns its violations of impact serious or critical."""
    if not AXE_JS.exists():
        _unavailable(f"axe-core is not installed at {AXE_JS} (run `npm install` in the repository)")
    source = AXE_JS.read_text(encoding="utf-8")

    def check(page) -> list[dict]:  # noqa: ANN001
        # Evaluated through the DevTools protocol: an inline <script> tag would be refused by the
        # Content-Security-Policy, which the pages are tested with.
        page.evaluate(source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]  # fmt: skip

    return check
