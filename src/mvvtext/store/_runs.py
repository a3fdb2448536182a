"""Idempotent, incremental, atomic scoring runs into the store, and explicit re-scoring."""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pandas as pd

from mvvtext.store._aggregate import period_of
from mvvtext.store._input import load_input
from mvvtext.store._scoring import (ResolvedScorer, content_hashes, masked_texts, person_keys,
                                    prediction_columns, resolve_scorer)
from mvvtext.store._lock import StoreLock
from mvvtext.store._store import FUTURE_DAYS, Store
from mvvtext.store._updates import _apply_updates, _classify_incoming, _metadata_updates

logger = logging.getLogger(__name__)

EMPTY_EXPORT = "the export has no rows"
#: ``model=`` value that asks for mvvtext's no-label default model on purpose
DEFAULT_MODEL = "default"

_VOICE_COLS = ["id", "content_hash", "revision", "text_masked", "text_missing", "channel", "timestamp",
               "segments", "run_id", "scored_at", "person_key"]
_RUN_COLS = ["run_id", "kind", "started_at", "finished_at", "status", "input_path", "input_sha256", "input_columns",
             "profile_hash", "model_version", "n_input", "n_new", "n_revised", "n_skipped", "n_duplicates",
             "n_backfilled", "n_empty", "message", "n_updated", "n_undated", "export_ts"]
_PRED_COLS = ["id", "content_hash", "model_version", "profile_hash", "topics", "primary", "intent", "sentiment",
              "risks", "values", "scores", "evidence", "run_id", "scored_at", "is_current"]


@dataclass
class RunSummary:
    """What a run did; ``str()`` gives the one-line message a scheduler logs.

    The rows of an export add up: ``n_input = n_new + n_revised + n_updated +
    n_skipped + n_duplicates``. ``n_updated`` counts rows already scored whose
    date, channel or segments were corrected (stored anew, not scored again);
    ``n_undated`` the stored rows without a date, which count in the week of
    ``export_ts`` (the export's latest date), or of the run when it has none.
    """

    run_id: str
    kind: str
    status: str
    store: str
    started_at: datetime
    finished_at: datetime
    model_version: str
    profile_hash: str
    n_input: int = 0
    n_new: int = 0
    n_revised: int = 0
    n_skipped: int = 0
    n_duplicates: int = 0
    n_backfilled: int = 0
    n_empty: int = 0
    n_updated: int = 0
    n_undated: int = 0
    export_ts: datetime | None = None
    message: str = ""

    @property
    def n_scored(self) -> int:
        """Texts scored by this run (new + revised, or re-scored)."""
        return self.n_new + self.n_revised

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["started_at"], d["finished_at"] = self.started_at.isoformat(), self.finished_at.isoformat()
        d["export_ts"] = None if self.export_ts is None else self.export_ts.isoformat()
        return d

    def __str__(self) -> str:
        return (f"run {self.run_id} ({self.kind}, {self.status}) into {self.store}: {self.n_input} input row(s), "
                f"{self.n_new} new, {self.n_revised} revised, {self.n_updated} updated (same text, corrected "
                f"date/channel/segments/person), {self.n_skipped} already scored, {self.n_duplicates} duplicated, "
                f"{self.n_backfilled} backfilled (older than the store's latest week), {self.n_empty} empty text, "
                f"{self.n_undated} without a date; model {self.model_version}; {self.seconds:.1f} s"
                + (f". {self.message}" if self.message else ""))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@contextlib.contextmanager
def _log_to(log_file: str | Path | None) -> Iterator[None]:
    if log_file is None:
        yield
        return
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("mvvtext")
    old_level = root.level
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


def _progress(total: int, verbose: bool | None, desc: str) -> Any:
    from tqdm.auto import tqdm

    if verbose is None:
        verbose = sys.stderr.isatty()
    return tqdm(total=total, disable=not verbose, desc=desc, unit="text", file=sys.stderr)


def _record_run(con: Any, summary: RunSummary, input_path: str | None, sha: str | None,
                columns: list[str] | None) -> None:
    con.execute(
        f"INSERT INTO runs ({', '.join(map(_q, _RUN_COLS))}) VALUES ({', '.join('?' * len(_RUN_COLS))})",
        [summary.run_id, summary.kind, summary.started_at, summary.finished_at, summary.status, input_path, sha,
         json.dumps(columns, ensure_ascii=False) if columns is not None else None, summary.profile_hash,
         summary.model_version, summary.n_input, summary.n_new, summary.n_revised, summary.n_skipped,
         summary.n_duplicates, summary.n_backfilled, summary.n_empty, summary.message, summary.n_updated,
         summary.n_undated, summary.export_ts])


def _insert_batch(con: Any, batch: pd.DataFrame, analysed: pd.DataFrame, scorer: ResolvedScorer,
                  run_id: str, now: datetime, segments: Sequence[str], with_voices: bool, current: bool) -> None:
    import pyarrow as pa

    n = len(batch)
    str_list = pa.list_(pa.string())
    if with_voices:
        seg_json = ([json.dumps({s: (None if pd.isna(v) else str(v)) for s, v in zip(segments, row)},
                                ensure_ascii=False) for row in batch[list(segments)].itertuples(index=False)]
                    if segments else ["{}"] * n)
        channel = batch["channel"].astype(object).where(batch["channel"].notna(), None)
        voices = pa.table({
            "id": pa.array(batch["id"].astype(str).tolist(), pa.string()),
            "content_hash": pa.array(batch["content_hash"].tolist(), pa.string()),
            "revision": pa.array(batch["revision"].astype(int).tolist(), pa.int32()),
            "text_masked": pa.array(masked_texts(analysed).tolist(), pa.string()),
            "text_missing": pa.array(batch["text_missing"].astype(bool).tolist(), pa.bool_()),
            "channel": pa.array([None if v is None else str(v) for v in channel], pa.string()),
            "timestamp": pa.array(pd.to_datetime(batch["timestamp"]).astype("datetime64[us]"), pa.timestamp("us")),
            "segments": pa.array(seg_json, pa.string()),
            "run_id": pa.array([run_id] * n, pa.string()),
            "scored_at": pa.array([now] * n, pa.timestamp("us")),
            "person_key": pa.array([v if isinstance(v, str) else None for v in batch["person_key"]]
                                   if "person_key" in batch else [None] * n, pa.string()),
        })
        con.register("_mvv_voices_batch", voices)
        con.execute(f"INSERT INTO voices ({', '.join(map(_q, _VOICE_COLS))}) "
                    f"SELECT {', '.join(map(_q, _VOICE_COLS))} FROM _mvv_voices_batch")
        con.unregister("_mvv_voices_batch")
    cols = prediction_columns(analysed)
    preds = pa.table({
        "id": pa.array(batch["id"].astype(str).tolist(), pa.string()),
        "content_hash": pa.array(batch["content_hash"].tolist(), pa.string()),
        "model_version": pa.array([scorer.model_version] * n, pa.string()),
        "profile_hash": pa.array([scorer.profile_hash] * n, pa.string()),
        "topics": pa.array(cols["topics"], str_list), "primary": pa.array(cols["primary"], pa.string()),
        "intent": pa.array(cols["intent"], pa.string()), "sentiment": pa.array(cols["sentiment"], pa.float64()),
        "risks": pa.array(cols["risks"], str_list), "values": pa.array(cols["values"], str_list),
        "scores": pa.array(cols["scores"], pa.string()), "evidence": pa.array(cols["evidence"], pa.string()),
        "run_id": pa.array([run_id] * n, pa.string()), "scored_at": pa.array([now] * n, pa.timestamp("us")),
        "is_current": pa.array([current] * n, pa.bool_()),
    })
    con.register("_mvv_pred_batch", preds)
    con.execute(f"INSERT INTO predictions ({', '.join(map(_q, _PRED_COLS))}) "
                f"SELECT {', '.join(map(_q, _PRED_COLS))} FROM _mvv_pred_batch")
    con.unregister("_mvv_pred_batch")


def _q(name: str) -> str:
    return f'"{name}"'


def _ids(ids: pd.Series, limit: int = 5) -> str:
    shown = ", ".join(map(str, ids.iloc[:limit]))
    return shown + (f", … ({len(ids)} in all)" if len(ids) > limit else "")


def score_into_store(
    input: str | Path | pd.DataFrame,
    store: Store | str | Path,
    *,
    scorer: Any = None,
    profile: Any = None,
    model: str | Path | None = None,
    model_version: str | None = None,
    text: str = "text",
    id: str | None = None,
    channel: str | None = None,
    timestamp: str | None = None,
    segments: Sequence[str] | None = None,
    person: str | None = None,
    sheet: str | int = 0,
    dayfirst: bool | None = None,
    batch_size: int = 2000,
    wait: float | None = None,
    verbose: bool | None = None,
    log_file: str | Path | None = None,
    n_jobs: int | None = None,
) -> RunSummary:
    """Score a week's export into the history store, once per text.

    Rows are keyed by ``id`` and a hash of the normalised text: a row already in
    the store is skipped (found by one join, not a scan per row), an edited text
    under a known id is scored and kept as a new revision beside the old one,
    duplicated rows of the export are stored once. The whole run is one
    transaction: a run that is killed leaves the store as it was, and the next
    run does the work again. Only masked text is stored.

    Parameters
    ----------
    input : path or DataFrame
        The export (CSV/TSV in UTF-8 or cp932, xlsx, JSONL, Parquet) or a frame.
    store : Store or path
        The history store; created on the first run.
    scorer : callable, VoiceClassifier, "precomputed" or None
        ``df -> analysed df`` (docs/ARCHITECTURE.md); an object with ``analyze``;
        :data:`PRECOMPUTED` when ``input`` is already analysed; None for mvvtext's
        classifier built from ``profile`` and ``model``.
    profile, model : optional
        Company profile (path or Profile) and trained model folder.
    model_version : str, optional
        Overrides the model version recorded with each prediction.
    text, id, channel, timestamp, segments : column names
        As in :func:`mvvtext.io.read_voices`; ``id``, ``timestamp`` and ``channel``
        default to columns of those names when present. Without an id column a
        text's id is derived from its content and time.
    person : str, optional
        Column naming who wrote each text (employee number, account). The store
        keeps only a keyed digest of it; reports then count people, not texts,
        for their figures and the 5-/10-people privacy thresholds (one employee's
        five inquiries are one person). Without it each text counts as a person.
    dayfirst : bool, optional
        Order of a/b/yyyy dates, as in :func:`mvvtext.io.read_voices`.
    batch_size : int
        Rows scored and written per step.
    wait : float, optional
        Seconds to wait for another run's lock (default: the store's ``wait``).
    verbose : bool, optional
        Progress bar; default only when stderr is a terminal (quiet under cron).
    log_file : path, optional
        Also append mvvtext's INFO log to this file during the run.
    n_jobs : int, optional
        Worker processes for mvvtext's classifier (``-1``: all cores; ``None``:
        this process). Two workers on two cores classify ~1.2x faster than one
        process with USE embeddings (docs/quality.md); the labels are the same
        and scores agree to ~1e-6 (one BLAS thread per worker sums in another order).

    Returns
    -------
    RunSummary

    Raises
    ------
    InputError
        Missing columns (expected vs found), unreadable file, conflicting ids.
    StoreLockedError
        Another run holds the store.
    """
    store = store if isinstance(store, Store) else Store(store)
    with _log_to(log_file):
        # fail fast on a locked store, before reading the export or loading a model
        StoreLock(store.path, wait=store.wait if wait is None else wait, holder={"command": "score (check)"}
                  ).acquire().release()
        started = _now()
        loaded = load_input(input, store=store, text=text, id=id, channel=channel, timestamp=timestamp,
                            segments=segments, sheet=sheet, dayfirst=dayfirst, person=person)
        segs = loaded.segments or list(loaded.voices.attrs.get("mvvtext_segments", []))
        run_id = f"{started:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        summary = RunSummary(run_id, "score", "ok", str(store.path), started, started,
                             model_version or "(none loaded)", "-",
                             n_input=loaded.n_input, n_duplicates=loaded.n_duplicates)

        def get_scorer() -> ResolvedScorer:
            # loaded only when a text needs scoring: a re-run of a scored week loads no model
            if implicit_default:
                _refuse_implicit_default(store_model)
            resolved = resolve_scorer(scorer, profile=profile, model=use_model, model_version=model_version,
                                      n_jobs=n_jobs)
            summary.model_version, summary.profile_hash = resolved.model_version, resolved.profile_hash
            return resolved

        use_model = None if _is_default(model) else model
        implicit_default = scorer is None and model is None and model_version is None
        store_model: str | None = None
        holder = {"run_id": run_id, "command": "score", "input": loaded.path}
        with store.connect(write=True, wait=wait, holder=holder) as con:
            salt = con.execute("SELECT value FROM meta WHERE key = 'salt'").fetchall()[0][0]
            store_model = current_model(con) if implicit_default else None
            voices = loaded.voices.copy()
            voices["content_hash"] = content_hashes(voices["text"], salt) if len(voices) else []
            if "person" in voices:  # only the keyed digest is stored, never the id itself
                voices["person_key"] = person_keys(voices.pop("person"), salt) if len(voices) else []
            if not loaded.id_given and len(voices):
                stamp = voices["timestamp"].astype(str).to_numpy()
                voices["id"] = ["auto-" + hashlib.blake2b(f"{h}|{t}".encode(), digest_size=8).hexdigest()
                                for h, t in zip(voices["content_hash"], stamp)]
                dup = voices["id"].duplicated().to_numpy()
                summary.n_duplicates += int(dup.sum())
                voices = voices.loc[~dup]
            try:
                _score_new(con, voices, get_scorer, summary, segs, verbose, batch_size,
                           (loaded.path, loaded.sha256, loaded.columns))
            except BaseException as e:
                with contextlib.suppress(Exception):
                    con.execute("ROLLBACK")
                summary.status, summary.finished_at = "failed", _now()
                summary.message = f"{type(e).__name__}: {e}"[:500]
                summary.n_new = summary.n_revised = summary.n_backfilled = summary.n_updated = 0
                summary.n_undated = 0
                with contextlib.suppress(Exception):
                    _record_run(con, summary, loaded.path, loaded.sha256, loaded.columns)
                logger.error("%s", summary)
                raise
        logger.info("%s", summary)
        return summary


def _is_default(model: Any) -> bool:
    return isinstance(model, str) and model.strip().lower() == DEFAULT_MODEL


def is_default_version(version: str | None) -> bool:
    """Whether a recorded model version is mvvtext's no-label default model (any fit of it)."""
    return bool(version) and str(version).startswith("mvvtext-") and "-default" in str(version)


def current_model(con: Any) -> str | None:
    """The store's current model: that of its latest successful run that scored texts (a score run
    with new or revised texts, or a rescore); None for a new store."""
    rows = con.execute(
        """SELECT model_version FROM runs WHERE status = 'ok' AND (kind = 'rescore' OR n_new + n_revised > 0)
           ORDER BY started_at DESC, run_id DESC LIMIT 1""").fetchall()
    return rows[0][0] if rows else None


def _refuse_implicit_default(store_model: str | None) -> None:
    """A run without ``model=`` on a store whose current model is another one would score the new
    week with the default model beside a history scored by ``store_model``: refused."""
    from mvvtext.exceptions import ModelMismatchError

    if store_model is None or is_default_version(store_model):
        return
    raise ModelMismatchError(
        f"the store's texts are scored by the model {store_model!r} (its latest run or rescore), but no model "
        f"was given, which means mvvtext's default model: the new week would be compared with weeks scored by "
        f"another model. Pass that model's folder again (`--model DIR`, model=DIR), or `--model default` "
        f"(model='default') to switch to the default model on purpose (then `mvvtext rescore` the history).")


def _score_new(con: Any, voices: pd.DataFrame, get_scorer: Callable[[], ResolvedScorer], summary: RunSummary,
               segments: Sequence[str], verbose: bool | None, batch_size: int,
               source: tuple[str | None, str | None, list[str]]) -> None:
    if len(voices) == 0:
        summary.message = (f"WARNING: {EMPTY_EXPORT}: nothing to score (a run with 0 rows is recorded). A failed "
                           f"upstream export? `mvvtext score` exits with status 2 unless --allow-empty is given"
                           if summary.n_input == 0 else "")
        if summary.n_input == 0:
            logger.warning("%s", summary.message)
        con.execute("BEGIN TRANSACTION")
        summary.finished_at = _now()
        _record_run(con, summary, *source)
        con.execute("COMMIT")
        return
    notes: list[str] = []
    # the export's own week: its latest date, leaving out dates far after the run (a wrong year)
    stamps = pd.to_datetime(voices["timestamp"])
    horizon = pd.Timestamp(summary.started_at) + pd.Timedelta(days=FUTURE_DAYS)
    future = (stamps > horizon).to_numpy()
    plausible = stamps[stamps.notna().to_numpy() & ~future]
    summary.export_ts = None if plausible.empty else plausible.max().to_pydatetime()
    if future.any():
        notes.append(f"warning: {int(future.sum())} row(s) dated more than {FUTURE_DAYS} days after this run "
                     f"(id {_ids(voices.loc[future, 'id'])}; latest {stamps[future].max():%Y-%m-%d}): a wrong "
                     f"year? A new row counts in that week but never decides the export's or the store's "
                     f"latest week, and an already stored row keeps its stored date; correct the date in the "
                     f"export and score it again (the stored row is then updated)")
        logger.warning("%s", notes[-1])

    seen = _classify_incoming(con, voices)
    latest = con.execute(  # undated rows count in their export's week; a wrong year never is the latest
        f"SELECT max(week_ts) FILTER (WHERE week_ts <= scored_at + INTERVAL {FUTURE_DAYS} DAY) "
        f"FROM current_voices").fetchall()[0][0]
    is_seen = seen["seen"].to_numpy(bool)
    updates = _metadata_updates(voices, seen, segments, horizon)
    todo = voices.loc[~is_seen].copy()
    todo["revision"] = seen["maxrev"].to_numpy()[~is_seen] + 1
    summary.n_updated = len(updates)
    summary.n_skipped = int(is_seen.sum()) - summary.n_updated
    summary.n_new = int((todo["revision"] == 1).sum())
    summary.n_revised = int((todo["revision"] > 1).sum())
    summary.n_empty = int(todo["text_missing"].sum())
    summary.n_undated = int(todo["timestamp"].isna().sum())
    export_week = pd.Timestamp(summary.export_ts or summary.started_at)
    if latest is not None:
        week_start = pd.Timestamp(latest).normalize() - pd.Timedelta(days=pd.Timestamp(latest).weekday())
        weeks = pd.to_datetime(todo["timestamp"]).fillna(export_week)
        summary.n_backfilled = int((weeks < week_start).sum())
    scorer = get_scorer() if len(todo) else None
    con.execute("BEGIN TRANSACTION")
    with _progress(len(todo), verbose, "scoring") as bar:
        for start in range(0, len(todo), batch_size):
            batch = todo.iloc[start:start + batch_size]
            analysed = scorer(batch)
            _insert_batch(con, batch, analysed, scorer, summary.run_id, summary.started_at, segments,
                          with_voices=True, current=True)
            bar.update(len(batch))
    if len(updates):
        _apply_updates(con, updates)
    if not len(todo):
        notes.insert(0, "every text was already scored; nothing new")
    else:
        others = [r[0] for r in con.execute(
            "SELECT DISTINCT model_version FROM predictions WHERE is_current AND model_version <> ?",
            [scorer.model_version]).fetchall()]
        if others:
            notes.append(f"note: older texts are scored by {', '.join(others[:3])}; to compare like with "
                         f"like, re-score them (`mvvtext rescore`) or score with that model")
            logger.warning("%s", notes[-1])
    if len(updates):
        what = ", ".join(f"{name} ({int(updates[col].sum())})" for name, col in
                         (("date", "date"), ("channel", "channel_changed"), ("segments", "segments_changed"),
                          ("person", "person_changed")) if updates[col].any())
        notes.append(f"{len(updates)} already scored row(s) came with a corrected {what}: stored, not scored "
                     f"again (id {_ids(updates['id'])})")
    if summary.n_empty:
        empty = todo.loc[todo["text_missing"].astype(bool).to_numpy(), "id"]
        notes.append(f"{summary.n_empty} row(s) with an empty or blank text (id {_ids(empty)}): stored, but not "
                     f"counted as voices, topics or alerts in any report")
        logger.warning("%s", notes[-1])
    if summary.n_undated:
        week = period_of(export_week.date())
        notes.append(f"{summary.n_undated} row(s) without a date count in {week}, "
                     + (f"the week of the export's latest date ({export_week:%Y-%m-%d %H:%M})"
                        if summary.export_ts is not None else
                        "the week of this run: no row of the export has a date")
                     + "; their timestamp stays empty")
    summary.message = ". ".join(notes)
    summary.finished_at = _now()
    _record_run(con, summary, *source)
    con.execute("COMMIT")
