"""Classify batches of texts in worker processes.

Each call starts its own pool: the workers receive the fitted classifier once
(as their initializer argument, so a model refitted between calls is never
served stale), then only the raw texts of each batch travel; results come
back in input order.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import pandas as pd

_MODEL: Any = None
_LIMITS: Any = None  # the worker's BLAS thread limits (kept so they can be restored)


def _init(model: Any, threads: int) -> None:
    """Worker start: keep the model, and share the cores with the other workers.

    Each of ``workers`` processes gets ``cores // workers`` compute threads for
    its embedding backend and BLAS, so 2 workers on 2 cores run 2 threads, not 4.
    """
    global _MODEL, _LIMITS
    _MODEL = model
    backend = model._backend() if hasattr(model, "_backend") else None
    if backend is not None:
        backend.limit_threads(threads)
    try:
        from threadpoolctl import threadpool_limits

        _LIMITS = threadpool_limits(threads)
    except ImportError:  # pragma: no cover - a scikit-learn dependency
        pass


def _run(batch: tuple) -> pd.DataFrame:
    return _MODEL._predict_batch(*batch)


def map_batches(model: Any, batches: Iterable[list], workers: int) -> Iterator[pd.DataFrame]:
    """Yield ``model._predict_batch(*b)`` for each batch ``(texts, channels)``, in ``workers`` processes, in order."""
    from concurrent.futures import ProcessPoolExecutor

    import os

    threads = max(1, (os.cpu_count() or 1) // workers)
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(model, threads)) as pool:
        yield from pool.map(_run, batches)
