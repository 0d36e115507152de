"""The online panel discussion of the product brief (America/New_York)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from conference.db import db
from conference.demo.common import (
    PANEL_SLUG,
    DemoDates,
    add_session,
    at,
    link_organisations,
)
from conference.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Publication,
    Series,
)
from conference.sessions.models import SessionKind
from conference.speakers.models import Role


def build_panel(dates: DemoDates) -> Event:
    tz = "America/New_York"
    day = dates.panel_day
    series = db.session.scalars(sa.select(Series).where(Series.slug == "japan-korea-essay-series")).first()
    if series is None:
        series = Series(
            slug="japan-korea-essay-series",
            title="Essay series: new approaches to Japan–South Korea tensions",
            description="Essays and conversations on what divides Seoul and Tokyo and what could bring them closer.",
        )
    event = Event(
        slug=PANEL_SLUG,
        title="Beyond the Impasse: A Conversation on Japan–South Korea Relations",
        kind=EventKind.PANEL_DISCUSSION,
        summary="Five essayists and a moderator discuss fresh ideas for easing the tensions between "
        "Japan and South Korea.",
        description=(
            "Relations between Tokyo and Seoul still stumble over the past: compensation for **forced labour**, "
            "how the war is remembered, and the unresolved legacy of the *comfort women*. Those disputes weigh "
            "on the trilateral partnership with the United States and on stability across Northeast Asia.\n\n"
            "This online conversation brings together the authors of a new essay series. Each proposes a "
            "different way forward — legal, historical, diplomatic — and the panel will test those ideas against "
            "each other before taking questions from the audience.\n\n"
            "Join the discussion on social media with **#ROKJPNRelations**."
        ),
        timezone=tz,
        starts_at=at(day, "10:00", tz),
        ends_at=at(day, "11:30", tz),
        attendance_mode=AttendanceMode.ONLINE,
        online_url="https://meet.example.org/rokjpn-essay-conversation",
        hashtag="#ROKJPNRelations",
        status=EventStatus.PUBLISHED,
        series=series,
    )
    link_organisations(event, [("U.S. Institute of Peace", "USIP", "United States")], [])
    add_session(
        event, day, "10:00", "11:30",
        "New approaches to Japan–South Korea tensions",
        SessionKind.PANEL,
        description="Forced labour, wartime memory, the comfort women issue and the US–ROK–Japan relationship: "
        "the essayists compare their proposals, moderated by Frank Aum.",
        people=[
            ("Alexis Dudden", Role.PANELIST), ("Jonathan Miller", Role.PANELIST), ("Nathan Park", Role.PANELIST),
            ("Dan Sneider", Role.PANELIST), ("Timothy Webster", Role.PANELIST), ("Frank Aum", Role.MODERATOR),
        ],
    )  # fmt: skip
    event.publications = [
        Publication(
            title="NATO and its Indo-Pacific partners: report of an expert study group",
            kind="Report", published_on=date(2024, 2, 19), authors="Expert study group", position=0,
        ),
        Publication(
            title="Keeping the line open: crisis communication between Japan and China",
            kind="Analysis", published_on=date(2023, 10, 4), position=1,
        ),
        Publication(
            title="When ships collide: lessons for Japan–China crisis management",
            kind="Analysis", published_on=date(2023, 9, 7), position=2,
        ),
    ]  # fmt: skip
    return event
