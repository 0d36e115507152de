"""The language of a request, the language switcher, and dates in the reader's language: one module.

Which language a page is in (`select_locale`, Flask-Babel's locale selector through `web.select_locale`):
  1. `?lang=xx` when xx is one of `LANGUAGES` (the switcher's links; remembered in the `lang` cookie for a
     year, SameSite=Lax), an unknown value is ignored;
  2. the `lang` cookie;
  3. the browser's `Accept-Language`;
  4. English.
The organiser API reads the same `?lang=` for its error messages (it never sets the cookie). Outside a
request (mail, CLI) the locale is the default unless a caller forces one (`flask_babel.force_locale`).

Dates: `format_day` is the one place that says how a day is written in each language. Babel's CLDR
patterns, except the long day heading in Japanese and Korean, which uses CLDR's abbreviated-weekday
skeleton (`2026年12月28日(月)`, `2026년 12월 28일 (월)`), the way public institutions there write a date. Thai
keeps the Gregorian year (2026, CLDR's default calendar for `th`, marked "ค.ศ." in the long form): our
events are international, and a Buddhist-era year (2569) beside the same date in other languages would mislead.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

import flask_babel
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.support import NullTranslations
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.exceptions import HTTPException

LANG_PARAMETER = "lang"
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

# Per language, the Babel skeleton used instead of a named CLDR pattern (others use the pattern).
DAY_SKELETONS: dict[str, dict[str, str]] = {
    "full": {"ja": "yMMMEd", "ko": "yMMMEd"},
}


# What an error page or an API error says when the view gave no reason of its own (Werkzeug's are English;
# the titles keep Werkzeug's names as the English).
HTTP_ERRORS: dict[int, tuple[LazyString, LazyString]] = {
    400: (
        _l("Bad Request"),
        _l("The request could not be understood. Check the address or the form and try again."),
    ),
    401: (_l("Unauthorized"), _l("Sign in to see this page.")),
    403: (_l("Forbidden"), _l("Your account may not see or do this.")),
    404: (_l("Not Found"), _l("There is nothing at this address. It may have moved or been removed.")),
    405: (_l("Method Not Allowed"), _l("This address does not accept this kind of request.")),
    409: (_l("Conflict"), _l("This cannot be done in the current state. Reload the page and try again.")),
    413: (_l("Request Entity Too Large"), _l("What was sent is too large.")),
    415: (_l("Unsupported Media Type"), _l("Send the body as JSON (Content-Type: application/json).")),
    422: (_l("Unprocessable Entity"), _l("Some of what was sent is not valid.")),
    429: (
        _l("Too Many Requests"),
        _l("Too many requests from your connection. Please wait a few minutes and try again."),
    ),
    500: (_l("Internal Server Error"), _l("Something went wrong on our side. Please try again later.")),
}


def error_text(error: HTTPException) -> tuple[str, str]:
    """(title, message) of an HTTP error in the reader's language: the view's own reason when it gave one."""
    code = error.code or 500
    title, default = HTTP_ERRORS.get(code, (error.name, error.description or error.name))
    own = error.description and error.description != type(error).description
    return str(title), str(error.description if own else default)


def languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def _known(code: str | None) -> str | None:
    return code if code and code in current_app.config["LANGUAGES"] else None


def requested_language() -> str | None:
    """A valid `?lang=` on this request, or None."""
    return _known(request.args.get(LANG_PARAMETER, type=str))


# Documents that calendar and conference apps fetch by address (feeds, schedule exports): their language is
# the address's `?lang=` alone, never a cookie or Accept-Language, so that one URL always gives one text.
ADDRESSED_SUFFIXES = (".ics", "/schedule.xml", "/schedule.json")


def addressed_document() -> bool:
    return request.path.endswith(ADDRESSED_SUFFIXES)


def select_locale() -> str | None:
    if not has_request_context():  # mail, CLI and feed building outside a request: the default locale
        return None
    if addressed_document():
        return requested_language() or current_app.config["BABEL_DEFAULT_LOCALE"]
    return (
        requested_language()
        or _known(request.cookies.get(LANG_COOKIE))
        or request.accept_languages.best_match(languages())
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def language_name(code: str) -> str:
    """A language named in itself: English, 日本語, 한국어, ไทย."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_links() -> list[dict[str, str | bool]]:
    """The switcher: for each language, this page (path and query kept) with `?lang=` set."""
    current = str(get_locale() or "en")
    links = []
    for code in languages():
        query = [(k, v) for k, v in request.args.items(multi=True) if k != LANG_PARAMETER]
        query.append((LANG_PARAMETER, code))
        links.append(
            {
                "code": code,
                "name": language_name(code),
                "url": f"{request.path}?{urlencode(query)}",
                "current": code == current,
            }
        )
    return links


def format_day(day: date, style: str = "full", locale: str | None = None) -> str:
    """A day in the reader's language (or `locale`); `style` is a CLDR name: full, long, medium, short."""
    return _format_day(day, style, str(locale or get_locale() or "en"))


@lru_cache(maxsize=4096)
def _format_day(day: date, style: str, code: str) -> str:
    """`format_day` for one language: the same day in the same language is written once per process (a
    programme writes the days of its sessions thousands of times)."""
    skeleton = DAY_SKELETONS.get(style, {}).get(Locale.parse(code).language)
    if skeleton:
        return format_skeleton(skeleton, day, locale=code)
    return babel_format_date(day, style, locale=code)


def country_name(code: str | None) -> str:
    """An ISO 3166 country code as the reader's language names it (the code itself if Babel has no name)."""
    if not code:
        return ""
    return Locale.parse(str(get_locale() or "en")).territories.get(code, code)


def remember_language(response: Response) -> Response:
    """Keep a `?lang=` choice made on a page in the `lang` cookie; responses vary with the language."""
    if request.path.startswith(("/api/", "/static/")) or addressed_document():
        return response
    chosen = requested_language()
    if chosen and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def translations() -> NullTranslations:
    """The catalogue of the locale in force, as Flask-Babel's `get_translations` gives it, remembered beside
    the locale it is for on the context Flask-Babel keeps for the request: a page's or a mail's `_()` in
    templates then skips Flask-Babel's chain of lookups (domain, locale, cache), which cost more than the
    translating itself. `force_locale` sets another locale object, which is looked up afresh."""
    context = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(context, "babel_locale", None)
    if locale is None:
        return flask_babel.get_translations()
    remembered = getattr(context, "conference_translations", None)
    if remembered is not None and remembered[0] is locale:
        return remembered[1]
    catalogue = flask_babel.get_translations()
    context.conference_translations = (locale, catalogue)
    return catalogue


def init_app(app: Flask) -> None:
    app.after_request(remember_language)
    # Templates' `_`, `ngettext`... read the catalogue through `translations` (installed over Flask-Babel's).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["language_links"] = language_links
    app.jinja_env.globals["format_day"] = format_day
    app.jinja_env.filters["country_name"] = country_name
