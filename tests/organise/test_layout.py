"""Every organiser page is in one home (conference/organise/, templates/organise/) and has one layout:
organise/_layout.html, with the event's tabs on every page about an event and the way back to the organiser
home on the others. A check-in helper's check-in page links to no page they may not open."""

from __future__ import annotations

import re

from flask import Flask

from tests.factories import login_as
from tests.organise.test_access import build_world, fill, organise_rules

LAYOUT_CSS = "/static/css/organise.css"
HOME_LINK = '<p class="breadcrumb"><a href="/organise/">'


def _tabs(html: str) -> list[str]:
    nav = re.search(r'<nav class="event-tabs".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


def test_every_organiser_page_has_the_one_layout_and_every_event_page_the_event_tabs(app: Flask) -> None:
    world = build_world()
    client = app.test_client()
    login_as(client, world["owner"])
    slug = world["ids"]["slug"]
    pages = 0
    for rule in organise_rules(app):
        if "GET" not in rule.methods:
            continue
        with app.test_request_context():
            url = fill(rule, world["ids"])
        with app.app_context():
            response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # the CSV export
        html = response.get_data(as_text=True)
        assert LAYOUT_CSS in html and HOME_LINK in html, url
        if "<slug>" in rule.rule:
            tabs = _tabs(html)
            for tab in ("/", "/registrations/", "/registration-settings", "/questions/", "/checkin"):
                assert f"/organise/events/{slug}{tab}" in tabs, (url, tab)
            if url in tabs:  # the tab of this page says so
                assert f'<a href="{url}" aria-current="page">' in html, url
        pages += 1
    assert pages > 25


def test_a_check_in_helper_sees_no_tab_they_may_not_open(app: Flask) -> None:
    world = build_world()
    client = app.test_client()
    login_as(client, world["helper"])
    slug = world["ids"]["slug"]
    html = client.get(f"/organise/events/{slug}/checkin").get_data(as_text=True)
    links = re.findall(r'href="(/organise/[^"?]*)', html)  # the path: the language switcher adds ?lang=
    allowed = {"/organise/", f"/organise/events/{slug}/checkin", f"/organise/events/{slug}/checkin/desk"}
    assert links and set(links) <= allowed, links
