"""An advisory file lock beside the store, so that two runs never write at once."""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mvvtext.exceptions import StoreError


class StoreLockedError(StoreError):
    """Another process holds the store; the message names its run and start time."""


class StoreLock:
    """Hold ``PATH.lock`` exclusively (writers) or shared (readers) with ``fcntl.flock``.

    The lock belongs to the open file description, so the operating system
    releases it when the holder exits, even after ``SIGKILL``: a killed run never
    leaves a stale lock behind. The holder writes who it is into the file so a
    refused caller can say which run is in the way.

    Parameters
    ----------
    store_path : path
        The DuckDB file; the lock is ``<store_path>.lock``.
    exclusive : bool
        True for a writer, False for a reader (many readers may share it).
    wait : float
        Seconds to keep trying before giving up; 0 fails at once.
    holder : dict, optional
        What to record about the holder (run id, start time); pid is added.
    """

    def __init__(self, store_path: str | Path, *, exclusive: bool = True, wait: float = 0.0,
                 holder: dict[str, Any] | None = None) -> None:
        self.store_path = Path(store_path)
        self.exclusive = exclusive
        self.wait = wait
        self.holder = holder or {}
        self._fd: int | None = None

    @property
    def lock_path(self) -> Path:
        return self.store_path.with_name(self.store_path.name + ".lock")

    def _describe_holder(self) -> str:
        try:
            info = json.loads(self.lock_path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            info = {}
        if not info:
            return "another process"
        return (f"run {info.get('run_id', '?')} ({info.get('command', 'mvvtext')}, pid {info.get('pid', '?')}) "
                f"started at {info.get('started_at', '?')}")

    def acquire(self) -> "StoreLock":
        import fcntl

        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        mode = (fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + max(self.wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    who = self._describe_holder()
                    os.close(fd)
                    hint = (f"waited {self.wait:g} s; " if self.wait > 0 else "") + "wait or use --wait SECONDS"
                    raise StoreLockedError(f"store {self.store_path} is locked by {who}; {hint}.") from None
                time.sleep(min(0.2, max(deadline - time.monotonic(), 0.01)))
        self._fd = fd
        if self.exclusive:
            info = {"pid": os.getpid(), "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    **self.holder}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode("utf-8"), 0)
        return self

    def release(self) -> None:
        import fcntl

        if self._fd is None:
            return
        try:
            if self.exclusive:
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "StoreLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
