"""Scoring over Dask partitions, with the same results as the single-machine run."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from mvvtext.exceptions import optional_import
from mvvtext.store._scoring import resolve_scorer


def score_partitions(ddf: Any, *, scorer: Any = None, profile: Any = None, model: str | Path | None = None,
                     meta: pd.DataFrame | None = None) -> Any:
    """Map mvvtext's scoring over the partitions of a Dask DataFrame of voices.

    Each partition is scored independently by the same scorer, so the computed
    result equals ``scorer(voices)`` on one machine (row for row, same index).
    Store the result with ``score_into_store(result.compute(), store,
    scorer=PRECOMPUTED, model_version=...)``; score only what the store lacks by
    first filtering with :meth:`Store.unscored`.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        A voices frame (``read_voices`` columns) split into partitions.
    scorer, profile, model
        As for :func:`score_into_store`; the scorer must be picklable for a
        distributed cluster (a fitted VoiceClassifier, or a module-level function).
    meta : DataFrame, optional
        Empty frame describing the output; by default the scorer's output for
        the empty input frame.

    Returns
    -------
    dask.dataframe.DataFrame
        The analysed frame, lazily.
    """
    optional_import("dask.dataframe", "mvvtext[dist]", "Scoring over Dask partitions")
    resolved = resolve_scorer(scorer, profile=profile, model=model)
    if meta is None:  # score the empty frame: exact columns, no made-up sample values
        meta = resolved(ddf._meta)
    return ddf.map_partitions(_score_partition, resolved, meta=meta)


def _score_partition(part: pd.DataFrame, resolved: Any) -> pd.DataFrame:
    if len(part) == 0:
        return resolved(part) if resolved.fn is not None else part
    return resolved(part)
