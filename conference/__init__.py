"""Conference: programmes of symposia and panels, speakers, registration and calendar feeds."""

from __future__ import annotations

import importlib
from pathlib import Path

from dotenv import load_dotenv
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
# Every blueprint and the modules that add its routes (and `flask` commands): area -> modules. The blueprint
# is `bp` in conference/<area>/blueprint.py; each module listed decorates that `bp` (`@bp.get`, `@bp.route`,
# `@bp.cli.command`). `create_app` imports exactly these, and nothing else adds a route: no module imports a
# route module for its side effect (tests/test_routes_table.py checks both ways).
ROUTES: dict[str, tuple[str, ...]] = {
    "events": (
        "conference.events.views",
        "conference.events.series_views",
        "conference.events.follow_views",
        "conference.events.colocation_views",
    ),
    "sessions": ("conference.sessions.views",),
    "speakers": ("conference.speakers.views", "conference.speakers.speaking"),
    "registrations": ("conference.registrations.views", "conference.registrations.together_views"),
    "feeds": ("conference.feeds.views", "conference.feeds.cli"),
    "organise": (
        "conference.organise.views",
        "conference.organise.event_status_views",
        "conference.organise.programme_views",
        "conference.organise.people_views",
        "conference.organise.registrations",
        "conference.organise.registration_setup",
        "conference.organise.outbox",
        "conference.organise.checkin",
        "conference.organise.reminders",
        "conference.organise.colocation",
        "conference.audit.views",
        "conference.speakers.organiser",
        "conference.announcements.organiser",
    ),
    "auth": ("conference.auth.views", "conference.auth.cli"),
    "mail": ("conference.mail.views",),
    "announcements": ("conference.announcements.views",),
    "api": (
        "conference.api.views",
        "conference.api.series",
        "conference.api.registrations",
        "conference.api.organiser",
        "conference.api.organiser_events",
        "conference.api.organiser_sessions",
        "conference.api.organiser_people",
        "conference.audit.api",
        "conference.speakers.api",
        "conference.announcements.api",
        "conference.api.openapi",
    ),
}
AREAS = tuple(ROUTES)


def create_app(config: dict | None = None) -> Flask:
    """The application factory. `config` overrides settings read from the environment."""
    load_dotenv(ROOT / ".env", override=False)

    from conference.config import load_config

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))

    import conference.models  # noqa: F401  (every model registered before the first query)
    from conference import inputs, translations, viewer_zone, web
    from conference.announcements import receivers as announcement_receivers
    from conference.audit import receivers
    from conference.auth import loader
    from conference.events import follow
    from conference.extensions import babel, csrf, db, limiter, login_manager, migrate
    from conference.mail import notices
    from conference.ratelimit import trust_proxies
    from conference.registrations import reactions
    from conference.reminders import planner as reminders
    from conference.sessions import changes
    from conference.speakers import invitations

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    login_manager.init_app(app)
    login_manager.user_loader(loader.load_user)
    limiter.init_app(app)
    trust_proxies(app)
    changes.install()
    receivers.connect()  # the audit log: one entry per operation (conference/audit)
    reactions.connect()  # registrations react to sessions and events cancelled, restored, re-capacitied
    notices.connect()  # registrants and speakers hear of sessions moved or cancelled
    follow.connect()  # followers of a series hear of its new events (conference/events/follow.py)
    announcement_receivers.connect()  # the audit log's entries of announcements (conference/announcements)
    invitations.connect()  # people assigned are invited; organisers hear of declines (conference/speakers)
    reminders.connect()  # new events get the default reminders; pending ones follow changes
    inputs.init_app(app)  # before the blueprints: URL rules take their converters when they are added

    for area, modules in ROUTES.items():
        blueprint = importlib.import_module(f"conference.{area}.blueprint").bp
        for module in modules:
            importlib.import_module(module)  # adds its routes to the blueprint
        app.register_blueprint(blueprint)

    web.init_app(app)
    viewer_zone.init_app(app)  # the visitor's chosen zone (?tz=, cookie) and the times() helper of pages
    translations.init_app(app)  # tr(), lang_attr()... in templates: content in several languages

    from conference.cli import register_commands

    register_commands(app)
    return app
