"""A small per-process cache with a time-to-live read from a setting (0 disables it), bounded in size.

For rows that every request reads and that change rarely (exams, xqueue queues, xqueue accounts): a read
saves a query, and staleness is bounded by the setting.
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.conf import settings

Value = TypeVar("Value")


class TTLCache(Generic[Value]):
    def __init__(self, ttl_setting: str, *, max_entries: int = 10_000, cache_none: bool = True):
        self.ttl_setting = ttl_setting
        self.max_entries = max_entries
        self.cache_none = cache_none
        self._entries: dict[Hashable, tuple[float, Value | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], Value | None]) -> Value | None:
        ttl = getattr(settings, self.ttl_setting)
        now = time.monotonic()
        if ttl > 0:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                return entry[1]
        value = load()
        if ttl > 0 and (value is not None or self.cache_none):
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (now + ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
