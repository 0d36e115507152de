"""Secret tokens never reach an access log.

A manage link (`/registrations/<token>/...`, also `/api/v1/registrations/<token>`) is the only key to a
registration, and so are the speaker links to come (`/speaking/<token>/`). Access logs are kept, copied
and shown to more people than the database, so every line is masked before it is written:

- gunicorn: `gunicorn.conf.py` (repository root) sets `logger_class` to `GunicornLogger` below, which
  masks every field of the access log (request line, path, query string, Referer, Location, any header);
- the Flask development server (`make run`): `install_werkzeug_filter()`, called by the app factory,
  masks the werkzeug request log.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

MASK = "***"
# Path segments whose next segment is a secret token.
SECRET_PARENTS = ("registrations", "speaking")
# Segments after a secret parent that are pages, not tokens.
NOT_SECRET = frozenset({"lost-link"})

_SLASH = (
    r"(?:/|%2f)"  # a slash, also percent-encoded (a path inside a query string: ?next=%2Fregistrations...)
)
_SEGMENT_AFTER_PARENT = re.compile(
    rf"({_SLASH}(?:{'|'.join(SECRET_PARENTS)}){_SLASH})((?:(?!%2f)[^/?#&\s\"'])+)", re.IGNORECASE
)
_TOKEN_PARAMETER = re.compile(r"([?&;][^=&\s\"']*token[^=&\s\"']*=)([^&#\s\"']+)", re.IGNORECASE)


def _mask_segment(match: re.Match) -> str:
    if match[2].lower() in NOT_SECRET:
        return match[0]
    return match[1] + MASK


def mask_secrets(text: str) -> str:
    """`text` with the token of every secret path (and any `...token...=` query parameter) replaced by ***.

    >>> mask_secrets('"GET /registrations/AbC-12_x/cancel?next=%2Fregistrations%2FAbC-12_x%2F HTTP/1.1"')
    '"GET /registrations/***/cancel?next=%2Fregistrations%2F***%2F HTTP/1.1"'
    """
    if not text:
        return text
    return _TOKEN_PARAMETER.sub(rf"\g<1>{MASK}", _SEGMENT_AFTER_PARENT.sub(_mask_segment, text))


class _MaskingLogRecords(logging.Filter):
    """Masks secrets in a record's formatted message (for loggers that format request lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_secrets(record.getMessage())
        record.args = ()
        return True


_werkzeug_filter = _MaskingLogRecords()


def install_werkzeug_filter() -> None:
    """Mask tokens in the request log of the development server (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if _werkzeug_filter not in logger.filters:
        logger.addFilter(_werkzeug_filter)


try:
    from gunicorn.glogging import Logger as _GunicornBase
except ImportError:  # gunicorn is a runtime dependency, but does not import everywhere (Windows)
    _GunicornBase = object


_FORMAT_KEY = re.compile(r"%\(([^)]*)\)")


@functools.cache
def _format_keys(access_log_format: str) -> frozenset[str]:
    """The fields an access-log format writes (`%(r)s`, `%({referer}i)s`...), lower-cased."""
    return frozenset(key.lower() for key in _FORMAT_KEY.findall(access_log_format))


class GunicornLogger(_GunicornBase):  # type: ignore[misc, valid-type]
    """gunicorn's logger with every access-log field masked (see gunicorn.conf.py): every field the
    configured format writes. The others (gunicorn offers every request and response header) are left out,
    not masked one by one (that cost 0.06 ms a request, 7% of a JSON 404 served by gunicorn)."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:  # noqa: ANN401
        atoms = super().atoms(resp, req, environ, request_time)
        keys = _format_keys(self.cfg.access_log_format)
        return {
            key: mask_secrets(value) if isinstance(value, str) else value
            for key, value in atoms.items()
            if key.lower() in keys
        }
