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


def _init(model: Any) -> None:
    global _MODEL
    _MODEL = model


def _run(batch: tuple) -> pd.DataFrame:
    return _MODEL._predict_batch(*batch)


def map_batches(model: Any, batches: Iterable[list], workers: int) -> Iterator[pd.DataFrame]:
    """Yield ``model._predict_batch(*b)`` for each batch ``(texts, channels)``, in ``workers`` processes, in order."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(model,)) as pool:
        yield from pool.map(_run, batches)
