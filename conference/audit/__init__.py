"""The audit log: who did what to an event (its sessions, people, registrations and settings), when, and
what changed. Entries are written by `receivers` (subscribed to `conference.signals` in `create_app`) in
the transaction of the operation they record; the organiser page and the API read them (`queries`)."""
