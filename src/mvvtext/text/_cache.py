"""A text-processing cache: in memory, optionally backed by SQLite on disk (JSON values)."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any, Iterable

from mvvtext.exceptions import InputError

__all__ = ["TextCache", "cache_key"]

_DB_NAME = "text_cache.sqlite"


def cache_key(text: str, settings: str) -> str:
    """sha256 of the settings fingerprint and the text (the text itself is never stored)."""
    h = hashlib.sha256(settings.encode("utf-8"))
    h.update(b"\x00")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class TextCache:
    """Results of text processing keyed by :func:`cache_key`.

    Values are JSON-serialisable (masked text, token lists, aspect dicts); no
    pickle is used. The raw text is never stored, only its hash.

    Parameters
    ----------
    path : str or PathLike, optional
        A directory; results are also kept in ``<path>/text_cache.sqlite`` so
        a later run (another process) does not re-tokenise. None keeps the
        cache in memory only.
    max_items : int, default 200000
        Entries held in memory (least recently used are dropped first; the
        on-disk store is not limited).
    """

    def __init__(self, path: str | os.PathLike | None = None, max_items: int = 200_000) -> None:
        self.path = path
        self.max_items = max_items
        self._mem: OrderedDict[str, Any] = OrderedDict()
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _conn(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._db is None:
            d = Path(self.path)
            if d.exists() and not d.is_dir():
                raise InputError(f"The cache path must be a directory, got a file: {d}", path=str(d))
            d.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(d / _DB_NAME, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.commit()
        return self._db

    def _remember(self, key: str, value: Any) -> None:
        self._mem[key] = value
        self._mem.move_to_end(key)
        while len(self._mem) > self.max_items:
            self._mem.popitem(last=False)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Values for the keys that are cached."""
        keys = list(keys)
        found: dict[str, Any] = {}
        missing = []
        with self._lock:
            for k in keys:
                if k in self._mem:
                    found[k] = self._mem[k]
                    self._mem.move_to_end(k)
                else:
                    missing.append(k)
            db = self._conn()
            if db is not None and missing:
                for i in range(0, len(missing), 500):
                    part = missing[i:i + 500]
                    rows = db.execute(
                        f"SELECT key, value FROM cache WHERE key IN ({','.join('?' * len(part))})", part
                    ).fetchall()
                    for k, v in rows:
                        found[k] = json.loads(v)
                        self._remember(k, found[k])
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def set_many(self, items: dict[str, Any]) -> None:
        """Store values (JSON-serialisable)."""
        if not items:
            return
        with self._lock:
            for k, v in items.items():
                self._remember(k, v)
            db = self._conn()
            if db is not None:
                db.executemany(
                    "INSERT OR REPLACE INTO cache (key, value) VALUES (?, ?)",
                    [(k, json.dumps(v, ensure_ascii=False)) for k, v in items.items()],
                )
                db.commit()

    def __len__(self) -> int:
        db = self._conn()
        if db is None:
            return len(self._mem)
        return db.execute("SELECT COUNT(*) FROM cache").fetchone()[0]

    def clear(self) -> None:
        """Drop every entry (memory and disk)."""
        with self._lock:
            self._mem.clear()
            db = self._conn()
            if db is not None:
                db.execute("DELETE FROM cache")
                db.commit()

    def close(self) -> None:
        """Close the SQLite connection (the cache can still be used; it reopens)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def __getstate__(self) -> dict:
        raise TypeError("TextCache is not picklable; give each process its own (same path is fine)")

    def __repr__(self) -> str:
        return f"TextCache(path={self.path!r}, max_items={self.max_items})"


class _MappingCache(TextCache):
    """Adapter so a plain dict (or any MutableMapping) can be passed as ``cache``."""

    def __init__(self, mapping: MutableMapping) -> None:
        super().__init__(None)
        self._map = mapping

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys)
        found = {k: self._map[k] for k in keys if k in self._map}
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def set_many(self, items: dict[str, Any]) -> None:
        self._map.update(items)

    def __len__(self) -> int:
        return len(self._map)


def as_cache(cache: Any) -> TextCache | None:
    """Turn the ``cache`` argument of the batch functions into a TextCache."""
    if cache is None or cache is False:
        return None
    if isinstance(cache, TextCache):
        return cache
    if cache is True:
        return TextCache()
    if isinstance(cache, (str, os.PathLike)):
        return TextCache(cache)
    if isinstance(cache, MutableMapping):
        return _MappingCache(cache)
    raise InputError(
        "The 'cache' parameter must be None, True, a TextCache, a directory path or a dict. "
        f"Got {type(cache).__name__} instead."
    )
