"""`url_pattern` (conference/urls.py): the many links of a programme from one `url_for` per route. Every link
it makes is the one `url_for` makes, quoting and a path prefix (the proxy's SCRIPT_NAME) included."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from conference.urls import url_pattern


@pytest.mark.parametrize("script_name", ["", "/conf"])
def test_links_are_those_of_url_for(app: Flask, script_name: str) -> None:
    with app.test_request_context("/", base_url=f"http://localhost{script_name}/"):
        session_url = url_pattern("sessions.detail", "session_id", slug="a-meeting")
        person_url = url_pattern("speakers.detail", "slug")
        for session_id in (1, 42, 918_273_645):
            assert session_url(session_id) == url_for(
                "sessions.detail", slug="a-meeting", session_id=session_id
            )
        for slug in ("ada-lovelace", "名前", "a b/c?d", "x%41"):
            assert person_url(slug) == url_for("speakers.detail", slug=slug)
        assert session_url(7).startswith(f"{script_name}/events/a-meeting/sessions/7")


def test_an_endpoint_without_the_value_is_refused(app: Flask) -> None:
    with app.test_request_context("/"), pytest.raises(StopIteration):
        url_pattern("speakers.detail", "session_id")


@pytest.mark.parametrize("base", ["https://conference.example.org", "https://example.org/conf"])
def test_absolute_links_are_those_of_absolute_url_for(app: Flask, base: str) -> None:
    """`absolute=True` (the schedule exports): each link is `absolute_url_for`'s, from BASE_URL, never the
    request's host."""
    from conference.urls import absolute_url_for

    app.config["BASE_URL"] = base
    with app.test_request_context("/", base_url="http://attacker.example/"):
        session_url = url_pattern("sessions.detail", "session_id", absolute=True, slug="a-meeting")
        person_url = url_pattern("speakers.detail", "slug", absolute=True)
        for session_id in (1, 42, 918_273_645):
            expected = absolute_url_for("sessions.detail", slug="a-meeting", session_id=session_id)
            assert session_url(session_id) == expected and expected.startswith(base + "/events/")
        for slug in ("ada-lovelace", "名前", "a b/c?d", "x%41"):
            assert person_url(slug) == absolute_url_for("speakers.detail", slug=slug)
        assert "attacker" not in person_url("x")
