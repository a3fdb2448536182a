"""Re-score the stored history with another model, keeping the old scores beside the new."""
from __future__ import annotations

import contextlib
import json
import logging
import secrets
from pathlib import Path
from typing import Any

import pandas as pd

from mvvtext.store._runs import RunSummary, _insert_batch, _log_to, _now, _progress, _record_run
from mvvtext.store._scoring import resolve_scorer
from mvvtext.store._store import Store, _to_frame

logger = logging.getLogger(__name__)


def stored_voices_frame(stored: pd.DataFrame) -> pd.DataFrame:
    """Rebuild a voices frame (``text`` = the stored masked text) from ``voices`` rows."""
    segs = [json.loads(s) if isinstance(s, str) and s else {} for s in stored["segments"]]
    seg_frame = pd.DataFrame(segs, index=stored.index)
    out = pd.DataFrame({
        "id": stored["id"].astype(object), "text": stored["text_masked"].fillna("").astype(object),
        "text_masked": stored["text_masked"].fillna("").astype(object),
        "channel": stored["channel"].astype("string"),
        "timestamp": pd.to_datetime(stored["timestamp"]).astype("datetime64[ns]"),
        "text_missing": stored["text_missing"].fillna(False).astype(bool),
        "content_hash": stored["content_hash"], "revision": stored["revision"],
    }, index=stored.index)
    for col in seg_frame.columns:
        if col not in out.columns:
            out[col] = seg_frame[col]
    out.attrs["mvvtext_segments"] = list(seg_frame.columns)
    return out


def rescore(
    store: Store | str | Path,
    *,
    model: str | Path | None = None,
    scorer: Any = None,
    profile: Any = None,
    model_version: str | None = None,
    batch_size: int = 2000,
    wait: float | None = None,
    verbose: bool | None = None,
    log_file: str | Path | None = None,
) -> RunSummary:
    """Score every stored text (all revisions) with another model, in one transaction.

    The new predictions are added beside the old ones (``predictions`` is keyed by
    id, content hash, model version and profile hash) and become the current ones
    (``is_current`` flips); the old scores stay for comparison. Texts that already
    have a prediction of this model version and profile are not scored again, so
    an interrupted or repeated rescore is cheap. The store holds masked text only,
    so re-scoring reads the masked text.

    Parameters
    ----------
    store : Store or path
    model, scorer, profile, model_version
        As for :func:`score_into_store`.

    Returns
    -------
    RunSummary
        ``n_new`` is the number of texts scored, ``n_skipped`` those that already
        had this model's scores.
    """
    store = store if isinstance(store, Store) else Store(store)
    with _log_to(log_file):
        if isinstance(model, str) and model.strip().lower() == "default":  # `--model default`: the same as none
            model = None
        resolved = resolve_scorer(scorer, profile=profile, model=model, model_version=model_version)
        started = _now()
        run_id = f"{started:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        summary = RunSummary(run_id, "rescore", "ok", str(store.path), started, started, resolved.model_version,
                             resolved.profile_hash)
        with store.connect(write=True, wait=wait, holder={"run_id": run_id, "command": "rescore"}) as con:
            key = [resolved.model_version, resolved.profile_hash]
            todo = _to_frame(con.execute(
                """SELECT v.* FROM voices v ANTI JOIN
                   (SELECT id, content_hash FROM predictions WHERE model_version = ? AND profile_hash = ?) p
                   ON p.id = v.id AND p.content_hash = v.content_hash ORDER BY v.id, v.revision""", key))
            summary.n_input = int(con.execute("SELECT count(*) FROM voices").fetchall()[0][0])
            summary.n_new, summary.n_skipped = len(todo), summary.n_input - len(todo)
            try:
                con.execute("BEGIN TRANSACTION")
                frame = stored_voices_frame(todo) if len(todo) else todo
                segs = frame.attrs.get("mvvtext_segments", []) if len(todo) else []
                with _progress(len(todo), verbose, "re-scoring") as bar:
                    for start in range(0, len(todo), batch_size):
                        batch = frame.iloc[start:start + batch_size]
                        _insert_batch(con, batch, resolved(batch), resolved, run_id, started, segs,
                                      with_voices=False, current=False)
                        bar.update(len(batch))
                con.execute("""UPDATE predictions SET is_current = (model_version = ? AND profile_hash = ?)
                               WHERE is_current <> (model_version = ? AND profile_hash = ?)""", key + key)
                summary.finished_at = _now()
                summary.message = f"predictions of {resolved.model_version} are now current; older ones kept"
                _record_run(con, summary, None, None, None)
                con.execute("COMMIT")
            except BaseException as e:
                with contextlib.suppress(Exception):
                    con.execute("ROLLBACK")
                summary.status, summary.finished_at = "failed", _now()
                summary.message = f"{type(e).__name__}: {e}"[:500]
                with contextlib.suppress(Exception):
                    _record_run(con, summary, None, None, None)
                raise
        logger.info("%s", summary)
        return summary
