"""Who may do what in the organiser area: the role matrix, and the rules that apply it.

`ROLE_MATRIX` is the one table of actions and the roles allowed to take them (documented as a table in
docs/organising.md). Every organiser route declares its action with `@requires(Action.X)`;
tests/organise/test_access.py walks app.url_map and checks every route against the matrix for every role,
and fails for a route that declares no action.

The role that counts depends on the action's scope:
- event actions (`EVENT_ACTIONS`): the role on the event's team (the event of the URL's <slug>, or of the
  registration, question or message the URL names). Refused: 404, so the event's existence is not revealed.
- account actions (home, creating events, people, series and organisations, the lists): the roles the account
  holds on any team. An account on no team yet counts as an organiser (it may start its first event and
  becomes its owner); an account that is only a check-in helper anywhere is refused (403).
- people (`Action.EDIT_PERSON`): the role on *every* event the person takes part in (see
  `person_editable`); a person in no event yet may be edited by any account that may organise.
Admins may do everything.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app
from flask_login import current_user

from conference.auth.models import EventMember, TeamRole, User
from conference.db import db
from conference.events.models import Event
from conference.sessions.models import Session
from conference.speakers.models import Assignment, Person

ADMIN = "admin"


class Action(enum.StrEnum):
    HOME = "home"  # the organiser home: one's own events
    ORGANISE = "organise"  # create events, people, series, organisations; their lists; the outbox
    EDIT_EVENT = "edit_event"  # an event's details, status, programme, rooms, hosts, registrations, mail
    MANAGE_TEAM = "manage_team"  # add members; change or remove managers and check-in helpers
    MANAGE_OWNERS = "manage_owners"  # make someone owner; change or remove an owner
    CHECK_IN = "check_in"  # the check-in page of an event
    EDIT_PERSON = "edit_person"  # edit or merge a person (needed on every event the person is in)
    EDIT_SHARED = "edit_shared"  # edit a series or organisation (needed on every one of its events)
    VIEW_AUDIT = "view_audit"  # an event's audit log (page and API)


_ALL = frozenset({ADMIN, TeamRole.OWNER, TeamRole.MANAGER, TeamRole.CHECKIN})
_EDITORS = frozenset({ADMIN, TeamRole.OWNER, TeamRole.MANAGER})

# action -> the roles allowed to take it. The one table; docs/organising.md shows it.
ROLE_MATRIX: dict[Action, frozenset[str]] = {
    Action.HOME: _ALL,
    Action.ORGANISE: _EDITORS,
    Action.EDIT_EVENT: _EDITORS,
    Action.MANAGE_TEAM: _EDITORS,
    Action.MANAGE_OWNERS: frozenset({ADMIN, TeamRole.OWNER}),
    Action.CHECK_IN: _ALL,
    Action.EDIT_PERSON: _EDITORS,
    Action.EDIT_SHARED: _EDITORS,
    Action.VIEW_AUDIT: _EDITORS,
}
# Actions decided by the role on one event (the others by the account's roles, or by every event of a person).
EVENT_ACTIONS = frozenset(
    {Action.EDIT_EVENT, Action.MANAGE_TEAM, Action.MANAGE_OWNERS, Action.CHECK_IN, Action.VIEW_AUDIT}
)


def team_roles(action: Action) -> tuple[TeamRole, ...]:
    """The team roles allowed to take `action` (admins always may)."""
    return tuple(role for role in TeamRole if role in ROLE_MATRIX[action])


# Kept for callers that name roles: the editors of an event, and everyone on its team.
EDITORS = team_roles(Action.EDIT_EVENT)
EVERYONE = team_roles(Action.CHECK_IN)


def team_role(user: User, event: Event) -> TeamRole | None:
    return db.session.scalar(
        sa.select(EventMember.role).where(EventMember.event_id == event.id, EventMember.user_id == user.id)
    )


def _authenticated(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def may_access(user: User | None, event: Event, roles: Iterable[TeamRole] = EDITORS) -> bool:
    if not _authenticated(user):
        return False
    if user.is_admin:
        return True
    return team_role(user, event) in tuple(roles)


def may(user: User | None, action: Action, event: Event | None = None) -> bool:
    """Whether `user` may take `action` (on `event` for event actions; account actions need no event)."""
    if not _authenticated(user):
        return False
    if user.is_admin:
        return True
    if action in EVENT_ACTIONS and event is not None:
        return may_access(user, event, team_roles(action))
    return bool(account_roles(user) & ROLE_MATRIX[action])


def account_roles(user: User) -> set[str]:
    """The roles an account holds on any team; an account on no team yet counts as a (future) owner."""
    if user.is_admin:
        return {ADMIN}
    roles = set(db.session.scalars(sa.select(EventMember.role).where(EventMember.user_id == user.id)))
    return roles or {TeamRole.OWNER}


def require_event(slug: str, *roles: TeamRole) -> Event:
    """The event with this slug if the current user may work on it in one of `roles` (default: editors)."""
    if not current_user.is_authenticated:
        abort(401)
    event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).first()
    if event is None or not may_access(current_user, event, roles or EDITORS):
        abort(404)
    return event


def visible_events(user: User) -> sa.Select:
    """A query for the events the user may see in the organiser area."""
    query = sa.select(Event).order_by(Event.starts_at.desc())
    if not user.is_admin:
        query = query.join(EventMember, EventMember.event_id == Event.id).where(
            EventMember.user_id == user.id
        )
    return query


def editable_event_ids(user: User) -> sa.Select:
    """The ids of events the user may edit (as owner or manager); admins: every event."""
    if user.is_admin:
        return sa.select(Event.id)
    return sa.select(EventMember.event_id).where(
        EventMember.user_id == user.id, EventMember.role.in_(EDITORS)
    )


# --- Routes declare their action --------------------------------------------------------------------------

ACTION_ATTRIBUTE = "required_action"


def requires(action: Action) -> Callable:
    """Declare (and check) the action a route takes: anonymous users go to the login page; an account
    without any role the matrix allows for `action` gets 403; for event actions with a <slug> in the URL,
    someone without an allowed role on that event's team gets 404. Checks on the item a URL names (a
    person, a registration...) stay in the view, with `may`, `require_event` or `person_editable`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not may(current_user, action):
                abort(403)
            if action in EVENT_ACTIONS and "slug" in kwargs:
                require_event(kwargs["slug"], *team_roles(action))
            return view(*args, **kwargs)

        setattr(wrapper, ACTION_ATTRIBUTE, action)
        return wrapper

    return decorate


def required_action(view: Callable) -> Action | None:
    """The action a view declared with `requires`, if any."""
    return getattr(view, ACTION_ATTRIBUTE, None)


# --- People, shared across teams ----------------------------------------------------------------------------


def person_editable(user: User) -> sa.ColumnElement[bool]:
    """SQL condition on `Person`: the user may edit (and merge) this person.

    Admins: everyone. Otherwise only if the user edits *every* event the person takes part in; a person in
    no event yet may be edited by any account that may organise (nobody records who created a person).
    Others may still find and assign a person who appears in a public event (`person_findable`).
    """
    if user.is_admin:
        return sa.true()
    if not may(user, Action.ORGANISE):
        return sa.false()
    elsewhere = (
        sa.select(Assignment.id)
        .join(Session, Session.id == Assignment.session_id)
        .where(Assignment.person_id == Person.id, Session.event_id.not_in(editable_event_ids(user)))
        .correlate(Person)
    )
    return ~sa.exists(elsewhere)


def person_findable(user: User) -> sa.ColumnElement[bool]:
    """SQL condition on `Person`: shown in the user's people search and assignable to their sessions:
    people they may edit, and speakers of public events."""
    public = (
        sa.select(Assignment.id)
        .join(Session, Session.id == Assignment.session_id)
        .join(Event, Event.id == Session.event_id)
        .where(Assignment.person_id == Person.id, Event.is_published)
        .correlate(Person)
    )
    return sa.or_(person_editable(user), sa.exists(public))


def _person_passes(condition: sa.ColumnElement[bool], person_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(Person.id == person_id, condition))))


def may_edit_person(user: User, person: Person) -> bool:
    """Whether the user may edit (or merge) this person: the rule of `person_editable`."""
    return _person_passes(person_editable(user), person.id)


def may_find_person(user: User, person: Person) -> bool:
    return _person_passes(person_findable(user), person.id)


def editable_person_ids(user: User, ids: Iterable[int]) -> set[int]:
    """Of these people, the ids the user may edit (one query, for lists)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Person.id).where(Person.id.in_(ids), person_editable(user))))
