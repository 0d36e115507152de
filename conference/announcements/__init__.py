"""Announcements: an organiser's message to a chosen audience of an event's registrants (issue 13).

`audience.py` says who is in an audience, `operations.py` sends (one outbox message per recipient, with
List-Unsubscribe), `mails.py` writes each copy, `organiser.py` the organiser pages, `api.py` the API,
`views.py` the public one-click unsubscribe.
"""
