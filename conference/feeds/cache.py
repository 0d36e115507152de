"""Byte caches per app instance: for calendar feeds one LRU of VEVENT bytes and one of whole feeds; for the
public pages (conference/pages.py) one of rendered pages. Keys are derived from the database, so every
worker's copy is right or missing, never stale."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import current_app

ENTRY_CACHE_SIZE = 20000
FEED_CACHE_SIZE = 500
PAGE_CACHE_SIZE = 500


class LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = Lock()

    def get(self, key: object) -> object | None:
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key: object, value: object) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


def caches() -> tuple[LRU, LRU]:
    """Per-application caches of VEVENT bytes and of whole feeds."""
    caches = current_app.extensions.get("feeds_cache")
    if caches is None:
        caches = current_app.extensions.setdefault(
            "feeds_cache", (LRU(ENTRY_CACHE_SIZE), LRU(FEED_CACHE_SIZE))
        )
    return caches


def page_cache() -> LRU:
    """Per-application cache of rendered public pages (conference/pages.py)."""
    cache = current_app.extensions.get("page_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("page_cache", LRU(PAGE_CACHE_SIZE))
    return cache


def clear_caches() -> None:
    for cache in (*caches(), page_cache()):
        cache.clear()
