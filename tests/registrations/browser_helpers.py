"""Headless Chromium for this area's browser tests (the system Chromium, never a downloaded one)."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):  # noqa: ANN001, ANN201
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
