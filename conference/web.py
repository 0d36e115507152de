"""Cross-cutting web pieces: locale, template filters, error pages, security headers (conference/security.py)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import format_time, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from conference import access_log, i18n, pages, security, sharing
from conference.db import db
from conference.labels import label
from conference.text import render_markdown
from conference.timeutil import local, zone_label
from conference.urls import url_pattern


def select_locale() -> str | None:
    """Flask-Babel's locale selector: `?lang=`, the `lang` cookie, Accept-Language, English (conference/i18n.py)."""
    return i18n.select_locale()


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _local_date(dt: datetime, tzname: str, fmt: str = "full") -> str:
    return i18n.format_day(local(dt, tzname).date(), fmt)


def _local_time(dt: datetime, tzname: str, fmt: str = "short") -> str:
    return format_time(local(dt, tzname).time(), fmt)


def _error_response(error: HTTPException):  # noqa: ANN202
    code = error.code or 500
    # A failed statement leaves the session unusable (PendingRollbackError) until it is rolled back, and
    # the error page still reads the database (the signed-in user): roll back whatever the view left.
    db.session.rollback()
    # The error's own headers (WWW-Authenticate on 401, Allow on 405, Retry-After on 429) go along.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    title, message = i18n.error_text(error)
    if wants_json():
        return jsonify({"error": {"code": code, "message": message}}), code, headers
    return (
        render_template("error.html", code=code, title=title, message=message),
        code,
        headers,
    )


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["local_date"] = _local_date
    app.jinja_env.filters["local_time"] = _local_time
    app.jinja_env.filters["label"] = label  # what a person reads for an enum value: conference/labels.py
    app.jinja_env.globals["zone_label"] = zone_label
    app.jinja_env.globals["local"] = local
    app.jinja_env.globals["url_pattern"] = url_pattern  # many links to one route (conference/urls.py)
    app.jinja_env.globals["format_date"] = i18n.format_day  # a day in the reader's language
    app.jinja_env.globals["format_time"] = format_time
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.add_extension("jinja2.ext.loopcontrols")

    @app.context_processor
    def site_context() -> dict:
        return {"site_name": current_app.config["SITE_NAME"]}

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # noqa: ANN202
        error.description = _("The form expired or was sent from elsewhere. Reload the page and try again.")
        return _error_response(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        return _error_response(error)

    i18n.init_app(app)  # the lang cookie, the language switcher
    # Caching of private pages and security headers: one hook in conference/security.py.
    security.init_app(app)
    sharing.init_app(app)  # Open Graph addresses and hashtag links (conference/sharing.py)
    pages.init_app(app)  # public pages kept as bytes, seats left filled in per answer (conference/pages.py)
    access_log.install_werkzeug_filter()
