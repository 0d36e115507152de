"""The one rule for who may touch an event."""

from __future__ import annotations

from conference.auth.models import TeamRole
from conference.auth.permissions import EVERYONE, may_access
from conference.db import db
from tests.factories import add_member, make_event, make_user


def test_may_access_by_team_role(app):
    event, other = make_event(), make_event()
    owner, helper, stranger = make_user(), make_user(), make_user()
    admin = make_user(is_admin=True)
    add_member(event, owner, "owner")
    add_member(event, helper, "checkin")
    db.session.commit()
    assert may_access(owner, event)
    assert not may_access(owner, other)
    assert not may_access(helper, event)
    assert may_access(helper, event, EVERYONE)
    assert may_access(helper, event, [TeamRole.CHECKIN])
    assert not may_access(stranger, event, EVERYONE)
    assert may_access(admin, other)
    assert not may_access(None, event)
