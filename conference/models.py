"""Every model of every area, imported in one place (for Alembic and the shell)."""

from conference.announcements.models import Announcement, AnnouncementMessage, AnnouncementOptOut
from conference.audit.models import AuditEntry
from conference.auth.models import ApiToken, EventMember, TeamRole, User
from conference.events.colocation import Colocation
from conference.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventOrganisation,
    EventStatus,
    Organisation,
    OrganisationRole,
    Publication,
    Series,
    SeriesFollower,
    SeriesNotice,
)
from conference.mail.models import OutboxMessage, OutboxStatus
from conference.mail.throttle import LinkMailThrottle
from conference.registrations.bundles import RegistrationBundle
from conference.registrations.models import (
    Answer,
    Question,
    QuestionKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SeatStatus,
    SessionSeat,
)
from conference.reminders.models import EventReminder, ReminderDelivery
from conference.sessions.models import Room, Session, SessionKind, SessionStatus
from conference.speakers.models import Assignment, Person, Role

__all__ = [
    "Announcement", "AnnouncementMessage", "AnnouncementOptOut",
    "Answer", "ApiToken", "Assignment", "AuditEntry", "AttendanceMode", "Event", "EventKind", "EventMember",
    "EventOrganisation", "EventStatus", "LinkMailThrottle", "Organisation", "OrganisationRole", "OutboxMessage",
    "OutboxStatus", "Person", "Publication", "Question", "QuestionKind", "Registration", "RegistrationMode",
    "RegistrationStatus",
    "EventReminder", "ReminderDelivery",
    "Role", "Room", "SeatStatus", "Series", "SeriesFollower", "SeriesNotice",
    "Session", "SessionKind", "SessionSeat", "SessionStatus",
    "TeamRole", "User",
    "Colocation", "RegistrationBundle",
]  # fmt: skip
