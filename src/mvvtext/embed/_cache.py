"""A caching wrapper: each text is embedded once per model."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from mvvtext.embed._base import Embedder


def _key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x00{text}".encode("utf-8")).hexdigest()


class CachedEmbedder(Embedder):
    """Wrap an embedder with a cache keyed by sha256(model id + text).

    Parameters
    ----------
    embedder : Embedder
        The backend that computes missing vectors.
    cache_dir : str or Path, optional
        Folder for a SQLite file of float32 blobs (no pickle). ``None`` keeps the
        cache in memory only.
    max_memory_items : int
        Vectors kept in memory at most; past it the older half is dropped (a
        weekly batch of a million texts would otherwise hold 2 GB of 512-dim
        vectors). Dropped vectors stay in the SQLite file when there is one.
    """

    def __init__(self, embedder: Embedder, cache_dir: str | Path | None = None,
                 max_memory_items: int = 100_000) -> None:
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.max_memory_items = max_memory_items
        self.model_id = embedder.model_id
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._db = None
        if cache_dir is not None:
            path = Path(cache_dir)
            path.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path / "embeddings.sqlite3", check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS vec (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
            self._db.commit()

    def __getstate__(self) -> dict:
        """Picklable for worker processes: the lock and the SQLite connection are reopened there."""
        state = dict(self.__dict__)
        state["_lock"] = None
        state["_db"] = None
        state["_memory"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        if self.cache_dir is not None:
            self._db = sqlite3.connect(Path(self.cache_dir) / "embeddings.sqlite3", check_same_thread=False)

    def limit_threads(self, n: int) -> None:
        self.embedder.limit_threads(n)

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def _encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - encode is overridden
        return self.encode(texts)

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in keys if k not in found]
        if self._db is not None and missing:
            for start in range(0, len(missing), 500):
                chunk = missing[start:start + 500]
                rows = self._db.execute(
                    f"SELECT k, v FROM vec WHERE k IN ({','.join('?' * len(chunk))})", chunk).fetchall()
                for k, v in rows:
                    found[k] = np.frombuffer(v, dtype=np.float32)
        return found

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        texts = ["" if t is None else str(t) for t in texts]
        keys = [_key(self.model_id, t) for t in texts]
        with self._lock:
            found = self._lookup(list(dict.fromkeys(keys)))
        todo = {k: t for k, t in zip(keys, texts) if k not in found}
        if todo:
            vectors = self.embedder.encode(list(todo.values()), batch_size=batch_size,
                                           show_progress=show_progress)
            new = dict(zip(todo.keys(), vectors))
            with self._lock:
                found.update(new)
                if self._db is not None:
                    self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)",
                                         [(k, v.astype(np.float32).tobytes()) for k, v in new.items()])
                    self._db.commit()
        with self._lock:
            self._memory.update(found)
            limit = max(int(getattr(self, "max_memory_items", 100_000)), 1)
            if len(self._memory) > limit:  # insertion order: drop the oldest entries down to half the limit
                for k in list(self._memory)[:len(self._memory) - limit // 2]:
                    del self._memory[k]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.embedder!r}, cache_dir={self.cache_dir!r})"
