"""What happened: the signals the operations send (blinker, which Flask itself uses).

Every signal is sent by an operation (`conference/<area>/operations.py`) INSIDE its transaction, after the
change is flushed and before the one commit: a receiver that writes (promotes a waiting list, releases
seats, later an audit entry or a notice in the outbox) writes in the same transaction, so the change and
its consequences are committed together or not at all. A receiver must not commit or roll back, and an
exception in a receiver undoes the whole operation. Receivers are connected explicitly in `create_app`
(for example `conference.registrations.reactions.connect()`), never by importing a module.

The sender (the first argument a receiver gets) is the object the signal is about. Every signal carries
`actor`: the `User` who acted, or None for the command line and `import-schedule`.

| signal | sender | other arguments | sent by |
|---|---|---|---|
| `event_created` | Event | actor | events.operations.create_event |
| `event_changed` | Event | actor, changes: {field: (old, new)}, moved (zone, start or end) | edit_event |
| `event_published` | Event | actor | publish |
| `event_unpublished` | Event | actor | unpublish |
| `event_cancelled` | Event | actor, notify | cancel_event |
| `event_restored` | Event | actor (a cancelled event became a draft again) | restore_event |
| `event_duplicated` | the new Event | actor, source: the Event copied | duplicate_event |
| `event_deleted` | Event (before its rows go) | actor | delete_event |
| `event_capacity_changed` | Event | actor, mode, old, new | registrations.operations.update_settings |
| `session_created` | Session | actor | sessions.operations.create_session |
| `session_changed` | Session | actor, changes: {field: (old, new)}, moved (start, end or room) | edit_session |
| `session_cancelled` | Session | actor | cancel_session (also import-schedule) |
| `session_restored` | Session | actor | restore_session (also import-schedule) |
| `session_deleted` | Session (before its row goes) | actor | delete_session |
| `session_capacity_changed` | Session | actor, old, new (None: no limit) | edit_session, change_capacity, settings |
| `person_assigned` | Assignment | actor, session, person | assign_person |
| `person_unassigned` | Session | actor, person, role | remove_assignment |
| `person_changed` | Person | actor, changes, event_ids, created | speakers.operations: create_person, edit |
| `person_merged` | Person (the one kept) | actor, duplicate_name, event_ids (of both) | merge_people |
| `speaker_invited` | Person | actor, event, assignments (listed), resent | speakers.operations, invitations |
| `assignment_answered` | Assignment | actor (SpeakerActor), accepted, note, by_organiser | answer, confirm_assignment |
| `series_changed` | Series | actor, changes, created | events.operations.save_series |
| `organisation_changed` | Organisation | actor, changes, created | events.operations.save_organisation |
| `registration_approved` | Registration | actor | registrations.operations.approve |
| `registration_rejected` | Registration | actor | reject |
| `registration_cancelled` | Registration | actor | cancel_registration |
| `registration_erased` | Registration (already scrubbed) | actor | erase |
| `registration_checked_in` | Registration | actor | check_in |
| `registration_check_in_undone` | Registration | actor, checked_in_at (the time undone) | undo_check_in |
| `settings_changed` | Event | actor, action, subject_type, subject_id, label, changes | team, rooms, questions |
| `announcement_sent` | Announcement | actor, event | announcements.operations.send |
| `announcements_unsubscribed` | Registration | actor (None: the registrant's link) | announcements.unsubscribe |

Who listens today: `conference.registrations.reactions` (session cancelled or restored, capacity changed,
event cancelled or restored), `conference.mail.notices` (a session moved: `session_changed` or
`event_changed` with moved=True; cancelled or restored) and `conference.audit.receivers` (every signal: one
audit entry each; `session_capacity_changed` with `in_changes=True` is already in `session_changed`'s
changes) and `conference.events.follow` (followers of a series: `event_published`, `event_unpublished`,
`event_cancelled`, `settings_changed` of the registration opening). `settings_changed`'s action names what
happened ("team.added", "room.changed", "question.archived", "settings.changed"); its changes are
{field: (old, new)}. `session_changed`, `event_changed` and `session_cancelled` also carry `notify` (default
True; False: nobody is told of the change).
`conference.reminders.planner` gives new events their default reminders (`event_created`), copies them to a
duplicate (`event_duplicated`) and takes back reminders written but not yet sent when the event or a session
moves or is cancelled, the event is unpublished, or the registration is cancelled.
`event_cancelled` carries `notify` too: `conference.mail.notices` tells the event's registrants and speakers
(and takes back its waiting notices on `event_restored`).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

event_created = _signals.signal("event-created")
event_changed = _signals.signal("event-changed")
event_published = _signals.signal("event-published")
event_unpublished = _signals.signal("event-unpublished")
event_cancelled = _signals.signal("event-cancelled")
event_restored = _signals.signal("event-restored")
event_duplicated = _signals.signal("event-duplicated")
event_deleted = _signals.signal("event-deleted")
event_capacity_changed = _signals.signal("event-capacity-changed")
# The event's team, rooms, registration questions and settings: read by the audit log (conference/audit).
settings_changed = _signals.signal("settings-changed")

session_created = _signals.signal("session-created")
session_changed = _signals.signal("session-changed")
session_cancelled = _signals.signal("session-cancelled")
session_restored = _signals.signal("session-restored")
session_deleted = _signals.signal("session-deleted")
session_capacity_changed = _signals.signal("session-capacity-changed")
person_assigned = _signals.signal("person-assigned")
person_unassigned = _signals.signal("person-unassigned")
# People, series and organisations are shared by events (the people, series and organisation pages).
person_changed = _signals.signal("person-changed")
person_merged = _signals.signal("person-merged")
series_changed = _signals.signal("series-changed")
organisation_changed = _signals.signal("organisation-changed")
# Speakers (conference/speakers/operations.py): an invitation queued or sent again; a speaker's answer.
speaker_invited = _signals.signal("speaker-invited")
assignment_answered = _signals.signal("assignment-answered")

registration_approved = _signals.signal("registration-approved")
registration_rejected = _signals.signal("registration-rejected")
registration_cancelled = _signals.signal("registration-cancelled")
registration_erased = _signals.signal("registration-erased")
registration_checked_in = _signals.signal("registration-checked-in")
registration_check_in_undone = _signals.signal("registration-check-in-undone")
# Announcements (conference/announcements/operations.py): one sent to an audience; a registrant unsubscribed.
announcement_sent = _signals.signal("announcement-sent")
announcements_unsubscribed = _signals.signal("announcements-unsubscribed")
