"""Dask partitions give the same results and the same store content as one machine."""
from __future__ import annotations

import pandas as pd
import pytest

from mvvtext.store import PRECOMPUTED, Store, score_into_store, score_partitions
from test_store_helpers import keyword_scorer, synthetic_week

dd = pytest.importorskip("dask.dataframe")


def test_score_partitions_matches_single_machine(tmp_path):
    import dask

    from mvvtext.io import read_voices

    voices = read_voices(synthetic_week("2026-11-16", 250, seed=4), id="id", timestamp="timestamp",
                         segments=["site"])
    single = keyword_scorer(voices)
    with dask.config.set(scheduler="processes", num_workers=2):
        distributed = score_partitions(dd.from_pandas(voices, npartitions=5), scorer=keyword_scorer).compute()
    distributed = distributed.loc[single.index]
    for col in ["id", "primary", "intent", "sentiment", "text_masked", "evidence"]:
        assert distributed[col].tolist() == single[col].tolist()
    for col in ["topics", "risks", "values"]:
        assert [list(v) for v in distributed[col]] == [list(v) for v in single[col]]

    # storing the distributed result equals a single-machine run, and a re-run skips everything
    a, b = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    score_into_store(voices, a, scorer=keyword_scorer, segments=["site"])
    todo = b.unscored(voices)
    scored = score_partitions(dd.from_pandas(todo, npartitions=3), scorer=keyword_scorer).compute()
    score_into_store(scored, b, scorer=PRECOMPUTED, model_version="kw-1", segments=["site"])
    cols = ["id", "text_masked", "timestamp", "segments"]
    pd.testing.assert_frame_equal(a.voices()[cols], b.voices()[cols])
    pcols = ["id", "model_version", "topics", "primary", "risks", "scores"]
    pd.testing.assert_frame_equal(a.predictions()[pcols], b.predictions()[pcols])
    assert len(b.unscored(voices)) == 0
