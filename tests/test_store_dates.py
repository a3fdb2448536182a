"""Which week a stored row counts in: undated rows, dates far in the future, stores from before."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pytest

from mvvtext.store import Store, score_into_store
from mvvtext.store._aggregate import collect
from test_store_helpers import keyword_scorer, synthetic_week

RUN_AT = datetime(2026, 12, 9, 6, 15)  # a Wednesday of 2026-W50: the weekly job runs late


@pytest.fixture(autouse=True)
def run_at(monkeypatch):
    """Every run of these tests happens at RUN_AT (scored_at), whatever today's date."""
    import mvvtext.store._runs as runs

    monkeypatch.setattr(runs, "_now", lambda: RUN_AT)


def _default_period(store: Store) -> str:
    with store.connect() as con:
        return collect(con).period


def test_undated_rows_count_in_their_exports_week_and_the_run_says_so(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    w46 = synthetic_week("2026-11-09", 12, seed=4)
    w46.loc[[2, 5], "timestamp"] = None  # the desk emptied two broken dates
    summary = score_into_store(w46, store, scorer=keyword_scorer)
    export_ts = pd.to_datetime(w46["timestamp"]).max()
    assert summary.n_undated == 2 and summary.export_ts == export_ts
    assert "2 row(s) without a date count in 2026-W46" in summary.message
    assert f"{export_ts:%Y-%m-%d %H:%M}" in summary.message and "2 without a date" in str(summary)
    assert store.periods() == ["2026-W46"]  # not 2026-W50, the week the job ran in
    undated = store.current().set_index("id").loc[w46.loc[[2, 5], "id"]]
    assert undated["timestamp"].isna().all()  # the export's value stays as it was
    assert (undated["period"] == "2026-W46").all()
    run = store.runs().iloc[-1]
    assert run["n_undated"] == 2 and run["export_ts"] == export_ts

    w47 = score_into_store(synthetic_week("2026-11-16", 8, seed=5, start_id=100), store, scorer=keyword_scorer)
    assert w47.n_backfilled == 0 and w47.n_undated == 0  # no fake latest week W50
    assert store.periods() == ["2026-W46", "2026-W47"]
    assert _default_period(store) == "2026-W47"


def test_undated_new_row_of_an_export_whose_dated_rows_are_already_stored(tmp_path):
    """The export's week comes from the whole export, not only from the rows the run stores."""
    store = Store(tmp_path / "s.duckdb")
    week = synthetic_week("2026-11-16", 10, seed=6)
    score_into_store(week, store, scorer=keyword_scorer)
    late = pd.concat([week, pd.DataFrame([{"id": "Q9000001", "text": "有給の残りを知りたい", "timestamp": None,
                                           "site": "東京", "channel": "inquiry"}])], ignore_index=True)
    summary = score_into_store(late, store, scorer=keyword_scorer)
    assert (summary.n_new, summary.n_skipped, summary.n_undated) == (1, 10, 1)
    assert store.current().set_index("id").loc["Q9000001", "period"] == "2026-W47"
    assert store.periods() == ["2026-W47"] and _default_period(store) == "2026-W47"


def test_an_export_without_any_date_counts_in_the_week_of_its_run(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    week = synthetic_week("2026-11-16", 5, seed=7).assign(timestamp=None)
    summary = score_into_store(week, store, scorer=keyword_scorer)
    assert summary.n_undated == 5 and summary.export_ts is None
    assert "count in 2026-W50, the week of this run: no row of the export has a date" in summary.message
    assert store.periods() == ["2026-W50"]
    assert _default_period(store) == "2026-W50"  # nothing is dated: the latest week of any voice


def test_a_wrong_year_warns_and_never_becomes_the_latest_week(tmp_path, caplog):
    store = Store(tmp_path / "s.duckdb")
    week = synthetic_week("2026-11-30", 10, seed=8)
    week.loc[4, "timestamp"] = "2062-12-04 10:00"
    week.loc[7, "timestamp"] = None
    with caplog.at_level("WARNING", logger="mvvtext.store"):
        summary = score_into_store(week, store, scorer=keyword_scorer)
    assert "1 row(s) dated more than 7 days after this run" in summary.message
    assert week.loc[4, "id"] in summary.message and "2062-12-04" in summary.message
    assert "2062-12-04" in caplog.text
    assert summary.export_ts.year == 2026  # the undated row goes to the real week, not to 2062
    current = store.current().set_index("id")
    assert current.loc[week.loc[7, "id"], "period"] == "2026-W49"
    assert current.loc[week.loc[4, "id"], "period"] == "2062-W49"  # the row keeps the export's value
    assert _default_period(store) == "2026-W49"
    later = score_into_store(synthetic_week("2026-12-07", 6, seed=9, start_id=100), store, scorer=keyword_scorer)
    assert later.n_backfilled == 0 and "dated more than" not in later.message
    assert _default_period(store) == "2026-W50"


def test_a_dated_week_outranks_the_week_of_a_run_without_dates(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(synthetic_week("2026-11-30", 6, seed=10), store, scorer=keyword_scorer)
    score_into_store(synthetic_week("2026-12-07", 3, seed=11, start_id=50).assign(timestamp=None), store,
                     scorer=keyword_scorer)
    assert store.periods() == ["2026-W49", "2026-W50"]
    assert _default_period(store) == "2026-W49"  # W50 holds undated voices only


# the schema of the stores written before runs.n_updated / n_undated / export_ts existed
_OLD_DDL = [
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE runs (
        run_id VARCHAR PRIMARY KEY, kind VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
        status VARCHAR, input_path VARCHAR, input_sha256 VARCHAR, input_columns VARCHAR,
        profile_hash VARCHAR, model_version VARCHAR, n_input BIGINT, n_new BIGINT, n_revised BIGINT,
        n_skipped BIGINT, n_duplicates BIGINT, n_backfilled BIGINT, n_empty BIGINT, message VARCHAR)""",
    """CREATE TABLE voices (
        id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, revision INTEGER NOT NULL,
        text_masked VARCHAR, text_missing BOOLEAN, channel VARCHAR, "timestamp" TIMESTAMP,
        segments JSON, run_id VARCHAR NOT NULL, scored_at TIMESTAMP NOT NULL,
        PRIMARY KEY (id, content_hash))""",
    """CREATE TABLE predictions (
        id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
        profile_hash VARCHAR NOT NULL, topics VARCHAR[], "primary" VARCHAR, intent VARCHAR,
        sentiment DOUBLE, risks VARCHAR[], "values" VARCHAR[], scores JSON, evidence VARCHAR,
        run_id VARCHAR NOT NULL, scored_at TIMESTAMP NOT NULL, is_current BOOLEAN NOT NULL,
        PRIMARY KEY (id, content_hash, model_version, profile_hash))""",
    """CREATE VIEW current_voices AS
        SELECT v.id, v.content_hash, v.revision, v.text_masked, v.text_missing, v.channel,
               v."timestamp", v.segments, v.run_id, v.scored_at,
               coalesce(v."timestamp", v.scored_at) AS week_ts,
               strftime(coalesce(v."timestamp", v.scored_at), '%G-W%V') AS period,
               p.topics, p."primary", p.intent, p.sentiment, p.risks, p."values", p.scores,
               p.evidence, p.model_version, p.profile_hash
        FROM voices v
        JOIN (SELECT id, max(revision) AS latest FROM voices GROUP BY id) m
          ON m.id = v.id AND m.latest = v.revision
        JOIN predictions p ON p.id = v.id AND p.content_hash = v.content_hash
        WHERE p.is_current""",
]


def _old_store(path) -> None:
    """A W46 export scored in W50 by the old code: three dated rows and one without a date."""
    scored = datetime(2026, 12, 7, 6, 0)
    con = duckdb.connect(str(path))
    for ddl in _OLD_DDL:
        con.execute(ddl)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('salt', '00112233445566778899aabbccddeeff')")
    con.execute("INSERT INTO runs VALUES ('r-old', 'score', ?, ?, 'ok', 'w46.csv', 'x', '[\"id\", \"text\"]', "
                "'none', 'kw-1', 4, 4, 0, 0, 0, 0, 0, '')", [scored, scored])
    stamps = ["2026-11-09 10:00", "2026-11-11 12:00", "2026-11-13 15:30", None]
    for i, ts in enumerate(stamps):
        con.execute("INSERT INTO voices VALUES (?, ?, 1, '給与の件', false, NULL, ?, '{}', 'r-old', ?)",
                    [f"Q{i}", f"h{i}", ts, scored])
        con.execute("INSERT INTO predictions VALUES (?, ?, 'kw-1', 'none', ['pay'], 'pay', 'question', 0.0, [], "
                    "[], '{}', '', 'r-old', ?, true)", [f"Q{i}", f"h{i}", scored])
    con.close()


def test_a_store_from_before_keeps_working_and_is_migrated_by_the_next_run(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_store(path)
    store = Store(path)
    assert store.periods() == ["2026-W46", "2026-W50"]  # the old view, read as it is
    assert _default_period(store) == "2026-W46"  # the report already skips the fake week
    summary = score_into_store(synthetic_week("2026-11-16", 5, seed=12, start_id=100), store,
                               scorer=keyword_scorer)
    assert summary.n_backfilled == 0 and summary.status == "ok"
    assert store.periods() == ["2026-W46", "2026-W47"]  # the undated row is in its export's week
    assert store.current().set_index("id").loc["Q3", "timestamp"] is pd.NaT
    runs = store.runs().set_index("run_id")
    assert {"n_updated", "n_undated", "export_ts"} <= set(runs.columns)
    assert runs.loc["r-old", "n_updated"] == 0 and pd.isna(runs.loc["r-old", "n_undated"])
    assert runs.loc[summary.run_id, "n_new"] == 5
    again = score_into_store(synthetic_week("2026-11-16", 5, seed=12, start_id=100), store, scorer=keyword_scorer)
    assert again.n_skipped == 5 and store.counts() == {"runs": 3, "voices": 9, "predictions": 9}


def test_a_date_typed_decades_ahead_does_not_stretch_the_trends(tmp_path):
    week = synthetic_week("2026-11-09", 8, seed=51)
    week.loc[0, "timestamp"] = "2062-11-10 09:00"  # a typo for 2026
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week, store, scorer=keyword_scorer)
    with store.connect(write=False) as con:
        data = collect(con)
    assert data.period == "2026-W46"
    assert data.trends.index.tolist() == ["2026-W46"] and data.totals.index.tolist() == ["2026-W46"]
