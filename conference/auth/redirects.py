"""Where to go after logging in: only paths on this site, never another host."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a local path ('/organise/...'), else `default`.

    Refuses absolute URLs, scheme-relative '//host', backslash tricks ('/\\host') and control characters,
    which browsers may turn into another host.
    """
    if not target or not isinstance(target, str):
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
