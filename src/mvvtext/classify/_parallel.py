"""Classify batches of texts in worker processes.

Each worker receives the fitted classifier once (as its initializer argument),
then only the raw texts of each batch travel; results come back in order.
Workers are loky processes (joblib's), reused across calls with the same model.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import pandas as pd

_MODEL: Any = None


def _init(model: Any) -> None:
    global _MODEL
    _MODEL = model


def _run(batch: list) -> pd.DataFrame:
    return _MODEL._predict_batch(batch)


def map_batches(model: Any, batches: Iterable[list], workers: int) -> Iterator[pd.DataFrame]:
    """Yield ``model._predict_batch(b)`` for each batch, computed in ``workers`` processes, in order."""
    from joblib.externals.loky import get_reusable_executor

    executor = get_reusable_executor(max_workers=workers, initializer=_init, initargs=(model,),
                                     reuse="auto", timeout=60)
    futures = [executor.submit(_run, b) for b in batches]
    for f in futures:
        yield f.result()
