"""Sharing: Open Graph and Twitter card tags with absolute addresses from BASE_URL (never the Host header),
the hashtag as a link, a favicon and a print stylesheet on public pages."""

from __future__ import annotations

import re

import pytest

from conference.db import db
from conference.events.models import Series
from conference.speakers.models import Role
from tests.factories import make_event, make_person, make_session


def meta(html: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return dict(found)


@pytest.fixture
def pages(app):
    series = Series(slug="essays", title="Essay series", description="Essays *on* tensions.")
    db.session.add(series)
    event = make_event(
        slug="panel",
        title="Online panel",
        summary="Five essayists & a moderator.",
        hashtag="#ROKJPN Relations",
        series=series,
    )
    person = make_person(
        slug="alexis", name="Alexis Dudden", position="Professor", bio="Writes on **memory**."
    )
    session = make_session(
        event, title="Conversation", description="We talk.", people=[(person, Role.PANELIST)]
    )
    db.session.commit()
    return {
        "/events/panel/": ("Online panel", "Five essayists &amp; a moderator.", "website"),
        f"/events/panel/sessions/{session.id}/": ("Conversation · Online panel", "We talk.", "website"),
        "/speakers/alexis/": ("Alexis Dudden", "Professor Writes on memory.", "profile"),
        "/series/essays/": ("Essay series", "Essays on tensions.", "website"),
    }


def test_open_graph_and_twitter_tags_use_base_url_not_the_host_header(client, pages):
    for path, (title, description, kind) in pages.items():
        html = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
        tags = meta(html)
        assert tags["og:title"] == tags["twitter:title"] == title.replace("&", "&amp;"), path
        assert tags["og:url"] == "https://conference.test" + path, path
        assert tags["og:type"] == kind and tags["og:site_name"] and tags["twitter:card"] == "summary", path
        assert " ".join(tags["og:description"].split()) == description, path
        assert tags["twitter:description"] == tags["og:description"], path
        assert "evil.example" not in html, path
        assert f'<link rel="canonical" href="https://conference.test{path}">' in html


def test_hashtag_is_a_link_unless_switched_off(client, app, pages):
    html = client.get("/events/panel/").get_data(as_text=True)
    assert (
        '<a href="https://mastodon.social/tags/ROKJPN%20Relations" rel="noopener">#ROKJPN Relations</a>'
        in html
    )
    app.config["HASHTAG_URL"] = ""
    html = client.get("/events/panel/").get_data(as_text=True)
    assert "<dd>#ROKJPN Relations</dd>" in html


def test_favicon_and_print_stylesheet_on_public_pages(client, pages):
    for path in [*pages, "/"]:
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, path
        assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html, path
    assert client.get("/static/favicon.svg").status_code == 200
    css = client.get("/static/css/print.css").get_data(as_text=True)
    assert ".subscribe" in css and "display: none" in css
