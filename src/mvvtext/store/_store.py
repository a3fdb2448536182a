"""The history store: one embedded DuckDB file holding runs, masked voices and predictions."""
from __future__ import annotations

import contextlib
import logging
import secrets
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from mvvtext.exceptions import StoreError
from mvvtext.store._lock import StoreLock

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

#: a timestamp more than this many days after the run that stored it is taken for a typo (a wrong
#: year): the run warns, and such a date never decides an export's week or the store's latest week
FUTURE_DAYS = 7

_DDL = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, kind VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
        status VARCHAR, input_path VARCHAR, input_sha256 VARCHAR, input_columns VARCHAR,
        profile_hash VARCHAR, model_version VARCHAR, n_input BIGINT, n_new BIGINT, n_revised BIGINT,
        n_skipped BIGINT, n_duplicates BIGINT, n_backfilled BIGINT, n_empty BIGINT, message VARCHAR,
        n_updated BIGINT DEFAULT 0, n_undated BIGINT, export_ts TIMESTAMP)""",
    # columns added since the first stores: added in place, so existing files keep working (and
    # stay readable by older mvvtext); runs recorded before have n_updated 0, n_undated NULL
    """ALTER TABLE runs ADD COLUMN IF NOT EXISTS n_updated BIGINT DEFAULT 0""",
    """ALTER TABLE runs ADD COLUMN IF NOT EXISTS n_undated BIGINT""",
    """ALTER TABLE runs ADD COLUMN IF NOT EXISTS export_ts TIMESTAMP""",
    """CREATE TABLE IF NOT EXISTS voices (
        id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, revision INTEGER NOT NULL,
        text_masked VARCHAR, text_missing BOOLEAN, channel VARCHAR, "timestamp" TIMESTAMP,
        segments JSON, run_id VARCHAR NOT NULL, scored_at TIMESTAMP NOT NULL, person_key VARCHAR,
        PRIMARY KEY (id, content_hash))""",
    # who wrote it, as a keyed digest (`score --person-col`): reports count people, not texts
    """ALTER TABLE voices ADD COLUMN IF NOT EXISTS person_key VARCHAR""",
    """CREATE TABLE IF NOT EXISTS predictions (
        id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
        profile_hash VARCHAR NOT NULL, topics VARCHAR[], "primary" VARCHAR, intent VARCHAR,
        sentiment DOUBLE, risks VARCHAR[], "values" VARCHAR[], scores JSON, evidence VARCHAR,
        run_id VARCHAR NOT NULL, scored_at TIMESTAMP NOT NULL, is_current BOOLEAN NOT NULL,
        PRIMARY KEY (id, content_hash, model_version, profile_hash))""",
    # the latest revision of every id, with its current prediction: what reports count
    # (a join on each id's highest revision: cheaper than a window over the whole history)
    f"""CREATE OR REPLACE VIEW current_voices AS
        SELECT v.id, v.content_hash, v.revision, v.text_masked, v.text_missing, v.channel,
               v."timestamp", v.segments, v.run_id, v.scored_at, v.person_key,
               coalesce(v."timestamp", r.export_ts, b.latest_ts, v.scored_at) AS week_ts,
               strftime(coalesce(v."timestamp", r.export_ts, b.latest_ts, v.scored_at), '%G-W%V') AS period,
               p.topics, p."primary", p.intent, p.sentiment, p.risks, p."values", p.scores,
               p.evidence, p.model_version, p.profile_hash
        FROM voices v
        JOIN (SELECT id, max(revision) AS latest FROM voices GROUP BY id) m
          ON m.id = v.id AND m.latest = v.revision
        JOIN predictions p ON p.id = v.id AND p.content_hash = v.content_hash
        -- a row without a date belongs to the export it came in: the week of the export's latest
        -- date (runs.export_ts; for runs recorded before that column, the latest date the run
        -- stored), dates more than FUTURE_DAYS days after the run left out as typos
        LEFT JOIN runs r ON r.run_id = v.run_id
        LEFT JOIN (SELECT run_id, max("timestamp") AS latest_ts FROM voices
                   WHERE "timestamp" <= scored_at + INTERVAL {FUTURE_DAYS} DAY GROUP BY run_id) b
          ON b.run_id = v.run_id
        WHERE p.is_current""",
]


class Store:
    """A weekly-scoring history store in one DuckDB file (nothing to start).

    Tables (see docs/weekly.md): ``runs``, ``voices`` (masked text only, one row per
    id and content hash, revisions kept), ``predictions`` (one row per text and
    model version / profile hash, ``is_current`` marks the one reports use), and
    the view ``current_voices`` (latest revision of every id with its current
    prediction and its ISO week ``period``).

    Parameters
    ----------
    path : str or Path
        The store file; created with its tables on the first write.
    wait : float
        Default seconds to wait for another run's lock before failing.

    Examples
    --------
    >>> store = Store("desk.duckdb")               # doctest: +SKIP
    >>> store.runs()                               # doctest: +SKIP
    """

    def __init__(self, path: str | Path, *, wait: float = 0.0) -> None:
        self.path = Path(path)
        self.wait = wait

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- connections -----------------------------------------------------------------
    @contextlib.contextmanager
    def connect(self, *, write: bool = False, wait: float | None = None,
                holder: dict[str, Any] | None = None) -> Iterator[Any]:
        """Open the store under its lock and yield a DuckDB connection.

        Writers hold the lock exclusively, readers share it, so a report never
        reads a half-written run and two runs never write at once.

        Raises
        ------
        StoreLockedError
            When another run holds the lock for longer than ``wait`` seconds.
        StoreError
            When the file is not a DuckDB store, or a reader finds no store.
        """
        import duckdb

        if not write and not self.path.exists():
            raise StoreError(f"no store at {self.path}; create one with `mvvtext score INPUT --store {self.path}`.")
        lock = StoreLock(self.path, exclusive=write, wait=self.wait if wait is None else wait, holder=holder)
        with lock:
            try:
                con = duckdb.connect(str(self.path), read_only=not write)
                con.execute("SET enable_progress_bar = false")  # quiet under cron and in libraries
            except duckdb.Error as e:
                raise StoreError(f"cannot open the store {self.path}: {e}") from e
            try:
                if write:
                    self._ensure_schema(con)
                else:
                    self._check_schema(con)
                yield con
            finally:
                con.close()

    def _ensure_schema(self, con: Any) -> None:
        for ddl in _DDL:
            con.execute(ddl)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('salt', ?) ON CONFLICT DO NOTHING",
                    [SCHEMA_VERSION, secrets.token_hex(16)])
        self._check_schema(con)

    def _check_schema(self, con: Any) -> None:
        try:
            rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
            row = rows[0] if rows else None
        except Exception as e:  # duckdb.CatalogException: not an mvvtext store
            raise StoreError(f"{self.path} is not an mvvtext store (no meta table): {e}") from e
        if row is None or row[0] != SCHEMA_VERSION:
            raise StoreError(f"{self.path} has store schema {row and row[0]!r}; this mvvtext reads "
                             f"schema {SCHEMA_VERSION!r}.")

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a read-only SQL query against the store and return a DataFrame."""
        with self.connect(write=False) as con:
            return _to_frame(con.execute(sql, params or []))

    # -- convenient reads --------------------------------------------------------------
    def runs(self) -> pd.DataFrame:
        """All recorded runs, oldest first."""
        return self.query("SELECT * FROM runs ORDER BY started_at, run_id")

    def voices(self, *, all_revisions: bool = False) -> pd.DataFrame:
        """Stored voices (latest revision per id unless ``all_revisions``)."""
        if all_revisions:
            return self.query("SELECT * FROM voices ORDER BY id, revision")
        return self.query("SELECT * FROM voices QUALIFY row_number() OVER "
                          "(PARTITION BY id ORDER BY revision DESC) = 1 ORDER BY id")

    def predictions(self, *, current_only: bool = True) -> pd.DataFrame:
        """Stored predictions (only ``is_current`` ones unless ``current_only=False``)."""
        where = "WHERE is_current" if current_only else ""
        return self.query(f"SELECT * FROM predictions {where} ORDER BY id, content_hash, model_version")

    def current(self, period: str | None = None) -> pd.DataFrame:
        """The scored voices reports count: latest revision, current prediction.

        Parameters
        ----------
        period : str, optional
            An ISO week such as ``"2026-W47"``; all weeks when omitted.
        """
        if period is None:
            return self.query("SELECT * FROM current_voices ORDER BY week_ts, id")
        return self.query("SELECT * FROM current_voices WHERE period = ? ORDER BY week_ts, id", [period])

    def periods(self) -> list[str]:
        """ISO weeks that hold at least one voice, oldest first."""
        return self.query("SELECT DISTINCT period FROM current_voices ORDER BY period")["period"].tolist()

    def unscored(self, voices: pd.DataFrame) -> pd.DataFrame:
        """The rows of a voices frame (``id``, ``text``) that the store has not scored yet.

        One join of the frame's (id, content hash) pairs against the history; use it
        to score only new texts elsewhere (Dask, Spark) before storing them.
        """
        from mvvtext.store._scoring import content_hashes

        if not self.path.exists():
            return voices.copy()
        with self.connect(write=False) as con:
            salt = con.execute("SELECT value FROM meta WHERE key = 'salt'").fetchall()[0][0]
            keys = pd.DataFrame({"pos": range(len(voices)), "id": voices["id"].astype(str).to_numpy(),
                                 "content_hash": content_hashes(voices["text"], salt)})
            con.register("_mvv_keys", keys)
            seen = con.execute("""SELECT k.pos FROM _mvv_keys k SEMI JOIN voices v
                                  ON v.id = k.id AND v.content_hash = k.content_hash""").fetchall()
            con.unregister("_mvv_keys")
        mask = pd.Series(True, index=voices.index)
        mask.iloc[[r[0] for r in seen]] = False
        return voices.loc[mask.to_numpy()].copy()

    def counts(self) -> dict[str, int]:
        """Row counts of the tables (for checks and logs)."""
        with self.connect(write=False) as con:
            return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
                    for t in ("runs", "voices", "predictions")}


def _to_frame(result: Any) -> pd.DataFrame:
    """DuckDB result → DataFrame with list columns as Python lists (not numpy arrays)."""
    df = result.df()
    for col in df.columns:
        if df[col].dtype == object:
            df[col] = df[col].map(lambda v: v.tolist() if hasattr(v, "tolist") else v)
    return df
