"""Real processes: a run killed with SIGKILL half-way, and two runs on one store at once."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from mvvtext.store import Store, StoreLockedError, score_into_store
from mvvtext.exceptions import EXIT_LOCKED
from mvvtext.store._cli import cmd_score
from test_store_helpers import keyword_scorer, synthetic_week

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"

_WORKER = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{src!r}, {tests!r}]
    from mvvtext.store import score_into_store
    from test_store_helpers import keyword_scorer

    def slow(voices):
        time.sleep({delay})
        with open({progress!r}, "a") as f:
            f.write(f"{{len(voices)}}\\n")
        return keyword_scorer(voices)
    slow.model_version = "kw-1"
    s = score_into_store({input!r}, {store!r}, scorer=slow, batch_size={batch}, segments=["site"], wait={wait})
    print(s)
""")


def _start(tmp_path: Path, name: str, input_csv: Path, store: Path, *, delay: float, batch: int,
           wait: float = 0.0) -> tuple[subprocess.Popen, Path]:
    progress = tmp_path / f"{name}.progress"
    script = tmp_path / f"{name}.py"
    script.write_text(_WORKER.format(src=str(SRC), tests=str(TESTS), delay=delay, progress=str(progress),
                                     input=str(input_csv), store=str(store), batch=batch, wait=wait))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    return proc, progress


def _wait_for_batches(progress: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if progress.exists() and len(progress.read_text().splitlines()) >= n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"worker ended early: {proc.communicate()}")
        time.sleep(0.05)
    raise AssertionError("worker made no progress")


def _state(store: Store) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    return (store.counts(), store.voices(all_revisions=True).drop(columns=["scored_at"]),
            store.predictions(current_only=False).drop(columns=["scored_at"]))


def test_run_killed_half_way_leaves_store_as_before_and_next_run_completes(tmp_path):
    store_path = tmp_path / "s.duckdb"
    store = Store(store_path)
    score_into_store(synthetic_week("2026-11-09", 40, seed=1), store, scorer=keyword_scorer, segments=["site"])
    before = _state(store)
    big = tmp_path / "big.csv"
    synthetic_week("2026-11-16", 3000, seed=2, start_id=1000).to_csv(big, index=False)

    proc, progress = _start(tmp_path, "killed", big, store_path, delay=0.15, batch=100)
    _wait_for_batches(progress, 6, proc)  # 600 of 3000 rows written inside the open transaction
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    after = _state(store)
    assert after[0] == before[0] == {"runs": 1, "voices": 40, "predictions": 40}
    pd.testing.assert_frame_equal(before[1], after[1])
    pd.testing.assert_frame_equal(before[2], after[2])

    summary = score_into_store(big, store, scorer=keyword_scorer, segments=["site"])
    assert (summary.n_new, summary.n_skipped) == (3000, 0)
    assert store.counts() == {"runs": 2, "voices": 3040, "predictions": 3040}


def test_two_runs_on_one_store_wait_or_fail_clearly(tmp_path):
    store_path = tmp_path / "s.duckdb"
    week_a, week_b = tmp_path / "a.csv", tmp_path / "b.csv"
    synthetic_week("2026-11-09", 400, seed=1).to_csv(week_a, index=False)
    synthetic_week("2026-11-16", 300, seed=2, start_id=5000).to_csv(week_b, index=False)

    first, progress = _start(tmp_path, "first", week_a, store_path, delay=0.5, batch=50)
    _wait_for_batches(progress, 1, first)
    with pytest.raises(StoreLockedError) as err:
        score_into_store(week_b, store_path, scorer=keyword_scorer)
    msg = str(err.value)
    assert "locked by run" in msg and "started at" in msg and "--wait" in msg
    with pytest.raises(StoreLockedError):  # readers wait for the writer too: no half-written reads
        Store(store_path).runs()
    args = argparse.Namespace(input=str(week_b), store=str(store_path), text_col=None, segment_col=None, wait=0)
    assert cmd_score(args) == EXIT_LOCKED

    second, _ = _start(tmp_path, "second", week_b, store_path, delay=0.0, batch=50, wait=60)
    out_first, err_first = first.communicate(timeout=120)
    out_second, err_second = second.communicate(timeout=120)
    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    store = Store(store_path)
    runs = store.runs()
    assert runs["status"].tolist() == ["ok", "ok"] and runs["n_new"].tolist() == [400, 300]
    assert store.counts()["voices"] == 700
    # the waiting run started only after the first had committed
    assert runs["started_at"].iloc[1] >= runs["finished_at"].iloc[0]
