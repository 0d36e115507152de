"""Page numbers of the organiser lists (registrations, outbox, audit log): from the query string, where
anything but a whole number from 1 to MAX_PAGE (nothing, "0", "-1", "²", a NUL, 10**30) means the first
page, so a bad link shows the list rather than an error; the offset stays far below any integer limit."""

from __future__ import annotations

from collections.abc import Mapping

from conference.inputs import parse_id

MAX_PAGE = 1_000_000


def page_number(args: Mapping[str, str]) -> int:
    number = parse_id(args.get("page", ""))
    return number if number is not None and 1 <= number <= MAX_PAGE else 1
