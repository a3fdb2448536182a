"""SQL aggregations over the store for the weekly report and alerts."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError, StoreError
from mvvtext.store._store import FUTURE_DAYS, _to_frame

_PERIOD = re.compile(r"^(\d{4})-W(\d{2})$")

BASELINE_WEEKS = 8
MIN_PEOPLE_FIGURES = 5
MIN_PEOPLE_QUOTES = 10
EMERGING_Z = 2.0
EMERGING_MIN_COUNT = 3
NEGATIVE_THRESHOLD = -0.5  # a text is negative when sentiment <= this, as in rank_issues


def week_start(period: str) -> date:
    """Monday of an ISO week such as ``"2026-W47"``."""
    m = _PERIOD.match(period or "")
    if not m:
        raise InputError(f"period must be an ISO week like 2026-W47, got {period!r}.")
    try:
        return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError as e:
        raise InputError(f"period {period!r} is not a valid ISO week: {e}") from e


def period_of(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def weeks_between(first: str, last: str) -> list[str]:
    """Every ISO week from ``first`` to ``last`` inclusive (empty weeks included)."""
    start, end = week_start(first), week_start(last)
    return [period_of(start + timedelta(weeks=i)) for i in range((end - start).days // 7 + 1)]


@dataclass
class WeeklyData:
    """Everything the weekly report shows, as DataFrames."""

    period: str
    previous: str
    baseline_weeks: list[str]
    n_period: int
    n_previous: int
    issues: pd.DataFrame
    emerging: pd.DataFrame
    risk_texts: pd.DataFrame
    trends: pd.DataFrame
    totals: pd.Series
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    values: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: dict[str, list[str]] = field(default_factory=dict)
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    model_versions: list[str] = field(default_factory=list)
    window: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: writers of the week's voices, when the store knows them (``score --person-col``); else None
    n_people: int | None = None
    #: rows of the week with an empty or blank text: stored, but no voice (left out of every figure)
    n_empty: int = 0
    empty_ids: list[str] = field(default_factory=list)
    #: the latest week, still in progress at the last run: the days (Monday on) its texts cover; else None
    partial_days: int | None = None


def _issues(counts: pd.DataFrame, period: str, previous: str, base: list[str]) -> pd.DataFrame:
    """Per topic: this week, last week, baseline mean/sd, z, negativity, risk, priority."""
    wide = counts.pivot_table(index="topic", columns="period", values="n", aggfunc="sum", fill_value=0)
    for p in [period, previous, *base]:
        if p not in wide.columns:
            wide[p] = 0
    this = counts[counts["period"] == period].set_index("topic")
    out = pd.DataFrame(index=wide.index)
    out["n"] = wide[period].astype(int)
    out["n_last_week"] = wide[previous].astype(int)
    bmat = wide[base].to_numpy(float) if base else np.zeros((len(wide), 0))
    # the store's first week has no baseline: its mean and z are unknown (NaN), not 0 and n
    out["baseline_mean"] = bmat.mean(axis=1) if base else np.nan
    out["baseline_sd"] = bmat.std(axis=1, ddof=1) if len(base) > 1 else (0.0 if base else np.nan)
    # Poisson floor: a quiet topic's first few mentions are not a 10-sigma event
    scale = np.sqrt(np.maximum.reduce([np.nan_to_num(out["baseline_sd"].to_numpy()) ** 2,
                                       np.nan_to_num(out["baseline_mean"].to_numpy()), np.ones(len(out))]))
    out["z"] = (out["n"] - out["baseline_mean"]) / scale
    out["n_negative"] = this["n_negative"].reindex(out.index).fillna(0).astype(int)
    out["n_risk"] = this["n_risk"].reindex(out.index).fillna(0).astype(int)
    out["share_negative"] = np.where(out["n"] > 0, out["n_negative"] / out["n"].clip(lower=1), 0.0)
    out["priority"] = ((out["n"] * (0.5 + out["share_negative"]) + 3 * out["n_risk"])
                       * (1 + 0.25 * out["z"].fillna(0).clip(lower=0)))
    out["emerging"] = (len(base) >= 2) & (out["n"] >= EMERGING_MIN_COUNT) & (out["z"] >= EMERGING_Z)
    out = out[(out["n"] > 0) | (out["n_last_week"] > 0)]
    out = out.sort_values(["priority", "n"], ascending=False).reset_index()
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def _seg_expr(key: str) -> str:
    """SQL for one segment's value (keys are quoted JSON paths; quotes in keys escaped)."""
    path = '$."' + key.replace('"', '\\"') + '"'
    return "coalesce(json_extract_string(segments, '" + path.replace("'", "''") + "'), '(不明)')"


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _breakdown(con: Any, period: str, key: str, topics: list[str]) -> pd.DataFrame:
    """People (``who``: the writer when the store knows it, else the text) per segment group and topic."""
    seg = _seg_expr(key)
    people = con.execute(f"SELECT {seg} AS seg, count(DISTINCT who) FROM wk WHERE period = ? GROUP BY 1",
                         [period]).df().set_index("seg").iloc[:, 0]
    if people.empty:
        return pd.DataFrame()
    cells = con.execute(
        f"""SELECT seg, topic, count(DISTINCT who) AS n FROM
            (SELECT {seg} AS seg, who, unnest(topics) AS topic FROM wk WHERE period = ?) GROUP BY 1, 2""",
        [period]).df().pivot_table(index="seg", columns="topic", values="n", aggfunc="sum", fill_value=0)
    cells = cells.reindex(index=people.index, columns=[t for t in topics if t in cells.columns], fill_value=0)
    small = people[people < MIN_PEOPLE_FIGURES].index
    table = cells.loc[people.index.difference(small)].astype(object)
    table.insert(0, "people", people.loc[table.index].astype(int))
    if len(small):
        merged_people = int(con.execute(  # a person may write from two small groups: counted once
            f"SELECT count(DISTINCT who) FROM wk WHERE period = ? AND list_contains(?, {seg})",
            [period, [str(s) for s in small]]).fetchall()[0][0])
        if merged_people >= MIN_PEOPLE_FIGURES:
            merged = cells.loc[small].sum().astype(object)
            table.loc[f"(合算: {MIN_PEOPLE_FIGURES}人未満の{len(small)}区分)"] = [merged_people, *merged.tolist()]
        else:
            table.loc[f"(非表示: {MIN_PEOPLE_FIGURES}人未満)"] = ["–"] * table.shape[1]
    for col in table.columns[1:]:
        table[col] = [("–" if isinstance(v, (int, np.integer)) and v < MIN_PEOPLE_FIGURES else v)
                      for v in table[col]]
    table.index.name = key
    table.columns.name = None
    return table.reset_index()


def _quotes(con: Any, period: str, issues: pd.DataFrame, topics: list[str], keys: list[str]) -> dict[str, list[str]]:
    """Up to 3 masked quotes for each top topic raised by 10+ voices, only from writers
    whose every segment group holds 10+ people this week (risk texts never quoted)."""
    n_by_topic = issues.set_index("topic")["n"] if len(issues) else pd.Series(dtype=int)
    wanted = [t for t in topics[:5] if n_by_topic.get(t, 0) >= MIN_PEOPLE_QUOTES]
    if not wanted:
        return {}
    sizes = ", ".join(f"count(DISTINCT who) OVER (PARTITION BY {_seg_expr(k)}) AS n{i}" for i, k in enumerate(keys))
    ok = " AND ".join(f"n{i} >= {MIN_PEOPLE_QUOTES}" for i in range(len(keys))) or "TRUE"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE quotable AS
        SELECT * FROM (SELECT id, text_masked, topics, sentiment, risks, text_missing{', ' + sizes if sizes else ''}
                       FROM wk WHERE period = ?)
        WHERE {ok} AND len(risks) = 0 AND NOT text_missing""", [period])
    out: dict[str, list[str]] = {}
    for topic in wanted:
        picked = [r[0] for r in con.execute(  # one quote per distinct text: the most negative, then by id
            "SELECT text_masked FROM quotable WHERE list_contains(topics, ?) GROUP BY text_masked "
            "ORDER BY min(sentiment), min(id) LIMIT 3", [topic]).fetchall()]
        if picked:
            out[topic] = picked
    return out


def late_risk_texts(con: Any, period: str) -> pd.DataFrame:
    """Risk texts that count in another week but are new to the report of ``period``.

    A text counted in an earlier week (backfilled: a late export, a late row) or dated more
    than ``FUTURE_DAYS`` days after its run (a wrong year such as 2062) never shows in the
    risk list of its own week's report, made before it arrived (or decades ahead). Each run
    belongs to a **report week**: the latest export week of the runs up to it (an export's
    week is that of its latest plausible date, ``runs.export_ts``), so a late or backfill-only
    run belongs to the week the store had reached, not to the old week it fills. A text is
    listed in the report of ``period`` when its current prediction has a risk and was made by a
    run started after the first run of the previous report week (the latest one before
    ``period``; every run when there is none) and before the first run of a later report week
    (no bound for the latest week). With a weekly job (score the week's export, then report
    it) these are the runs since the previous week's report; neighbouring windows may overlap,
    never leave a gap. A text whose risks equal those of an earlier prediction of its id (a
    rescore, a revision) is not listed again. Reads the temp table ``cv_all``.
    """
    run_cols = {d[0] for d in con.execute("SELECT * FROM runs LIMIT 0").description}
    export_week = "strftime(r.export_ts, '%G-W%V')" if "export_ts" in run_cols else "NULL"
    return _to_frame(con.execute(
        f"""WITH own AS (
               SELECT r.run_id, r.started_at, coalesce({export_week}, b.week) AS week
               FROM runs r LEFT JOIN (
                   SELECT run_id, strftime(max("timestamp"), '%G-W%V') AS week FROM voices
                   WHERE "timestamp" <= scored_at + INTERVAL {FUTURE_DAYS} DAY GROUP BY run_id) b
                 ON b.run_id = r.run_id
               WHERE r.status = 'ok'),
           rep AS (SELECT run_id, started_at, max(week) OVER (ORDER BY started_at, run_id
                                                              ROWS UNBOUNDED PRECEDING) AS week FROM own),
           win AS (SELECT (SELECT min(started_at) FROM rep
                           WHERE week = (SELECT max(week) FROM rep WHERE week < $1)) AS lo,
                          (SELECT min(started_at) FROM rep WHERE week > $1) AS hi)
           SELECT c.id, v."timestamp", c.risks, c."primary", v.text_masked, c.period AS counted_in,
                  CASE WHEN c.plausible THEN 'backfilled' ELSE 'future_date' END AS late
           FROM cv_all c
           JOIN voices v ON v.id = c.id AND v.content_hash = c.content_hash
           JOIN predictions p ON p.id = c.id AND p.content_hash = c.content_hash AND p.is_current
           JOIN runs r ON r.run_id = p.run_id
           CROSS JOIN win
           WHERE NOT c.empty AND len(c.risks) > 0
             AND ((c.plausible AND c.period < $1) OR NOT c.plausible)
             AND (win.lo IS NULL OR r.started_at > win.lo) AND (win.hi IS NULL OR r.started_at < win.hi)
             AND NOT EXISTS (SELECT 1 FROM predictions q WHERE q.id = c.id AND q.scored_at < p.scored_at
                             AND list_sort(q.risks) = list_sort(p.risks))
           ORDER BY c.period, v."timestamp", c.id""", [period]))


def latest_dated_period(con: Any) -> str | None:
    """The default report week: the latest ISO week holding a dated voice.

    Undated rows (they count in their export's week) and dates more than
    ``FUTURE_DAYS`` days after the run that stored them (a wrong year such as
    2062) never make a week the latest. Falls back to the latest week of any
    voice when none is; None for an empty store. Reads the temp table ``cv``.
    """
    row = con.execute("SELECT max(period) FILTER (WHERE dated), max(period) FROM cv").fetchall()[0]
    return row[0] or row[1]


def collect(con: Any, period: str | None = None, *, baseline_weeks: int = BASELINE_WEEKS) -> WeeklyData:
    """Aggregate the store for one ISO week (default: the latest week holding dated voices,
    see :func:`latest_dated_period`)."""
    # evaluate the view once, light columns over the whole history; the texts of the
    # report's window are joined back below (every query reads this one snapshot)
    columns = {d[0] for d in con.execute("SELECT * FROM current_voices LIMIT 0").description}
    # a store written before person_key, read (read-only) before its next run migrates it
    person = "person_key" if "person_key" in columns else "NULL"
    # an empty or blank text (text_missing) is kept in the store but is no voice: it is left out of
    # every figure, topic, breakdown and alert (cv), and only counted apart (n_empty, empty_ids)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cv_all AS
        SELECT id, content_hash, period, week_ts, topics, "primary", intent, sentiment, risks, "values",
               model_version, coalesce("timestamp" <= scored_at + INTERVAL {FUTURE_DAYS} DAY, false) AS dated,
               ("timestamp" IS NULL OR "timestamp" <= scored_at + INTERVAL {FUTURE_DAYS} DAY) AS plausible,
               coalesce({person}, 'text:' || id) AS who, run_id, coalesce(text_missing, false) AS empty
        FROM current_voices""")
    con.execute("CREATE OR REPLACE TEMP TABLE cv AS SELECT * EXCLUDE (empty) FROM cv_all WHERE NOT empty")
    bounds = con.execute("SELECT min(period), max(period), count(*) FROM cv_all").fetchall()[0]
    if not bounds[2]:
        raise StoreError("the store holds no scored voices yet; run `mvvtext score` first.")
    first = bounds[0]
    # the trends run to the latest plausible week: one date typed as 2062 does not add 36 years of empty weeks
    last = latest_dated_period(con) or bounds[1]
    period = period or last
    start = week_start(period)
    previous = period_of(start - timedelta(weeks=1))
    base = [p for p in (period_of(start - timedelta(weeks=i)) for i in range(baseline_weeks, 0, -1)) if p >= first]
    counts = _to_frame(con.execute(
        """SELECT period, topic, count(*) AS n, count(*) FILTER (WHERE sentiment <= ?) AS n_negative,
                  count(*) FILTER (WHERE len(risks) > 0) AS n_risk
           FROM (SELECT period, unnest(topics) AS topic, sentiment, risks FROM cv)
           GROUP BY period, topic""", [NEGATIVE_THRESHOLD]))
    totals = _to_frame(con.execute("SELECT period, count(*) AS n FROM cv GROUP BY period"))
    totals = totals.set_index("period")["n"].reindex(weeks_between(first, max(last, period)), fill_value=0)
    issues = _issues(counts, period, previous, base) if not counts.empty else pd.DataFrame()
    marks = ",".join("?" * (len(base) + 1))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE wk AS
        SELECT c.*, v.text_masked, v.text_missing, v.segments, v."timestamp"
        FROM cv c JOIN voices v ON v.id = c.id AND v.content_hash = c.content_hash
        WHERE c.period IN ({marks})""", [*base, period])
    emerging = issues[issues["emerging"]].copy() if len(issues) else pd.DataFrame()
    risk_texts = _to_frame(con.execute(
        """SELECT id, "timestamp", risks, "primary", text_masked, period AS counted_in,
                  CAST(NULL AS VARCHAR) AS late FROM wk
           WHERE period = ? AND len(risks) > 0 ORDER BY "timestamp", id""", [period]))
    late = late_risk_texts(con, period)
    if len(late):
        risk_texts = pd.concat([risk_texts, late], ignore_index=True) if len(risk_texts) else late
    empty = con.execute("SELECT id FROM cv_all WHERE empty AND period = ? ORDER BY id", [period]).fetchall()
    trends = counts.pivot_table(index="period", columns="topic", values="n", aggfunc="sum", fill_value=0)
    trends = trends.reindex(weeks_between(first, max(last, period)), fill_value=0)
    keys = [r[0] for r in con.execute(
        """SELECT DISTINCT unnest(json_keys(segments)) FROM wk WHERE period = ? ORDER BY 1""",
        [period]).fetchall()]
    topic_order = issues["topic"].tolist() if len(issues) else []
    breakdowns = {k: _breakdown(con, period, k, topic_order) for k in keys}
    n_period = int(totals.get(period, 0))
    values = _to_frame(con.execute(
        f"""WITH v AS (SELECT period, unnest("values") AS value FROM cv
                       WHERE period = ? OR period IN ({','.join('?' * len(base)) or "NULL"}))
            SELECT value, count(*) FILTER (WHERE period = ?) AS n, count(*) FILTER (WHERE period <> ?) AS n_base
            FROM v GROUP BY value ORDER BY n DESC""", [period, *base, period, period]))
    n_base = int(totals.reindex(base, fill_value=0).sum()) if base else 0
    if len(values):
        values["share"] = values["n"] / max(n_period, 1)
        values["baseline_share"] = values["n_base"] / max(n_base, 1) if n_base else math.nan
    quotes = _quotes(con, period, issues, topic_order, keys)
    runs = _to_frame(con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 10"))
    models = [r[0] for r in con.execute(
        "SELECT DISTINCT model_version FROM cv WHERE period = ? ORDER BY 1", [period]).fetchall()]
    # the window for the ranking layer: segment values as columns, lists left as arrays
    reserved = {"id", "week_ts", "period", "text_masked", "text_missing", "topics", "primary", "intent",
                "sentiment", "risks", "values", "person"}
    seg_cols = "".join(f", {_seg_expr(k)} AS {_quote_ident(k)}" for k in keys if k not in reserved)
    window = con.execute(
        f"""SELECT id, week_ts, period, text_masked, text_missing, topics, "primary", intent, sentiment,
                   risks, "values", who AS person{seg_cols} FROM wk""").df()
    n_people, n_known = con.execute(
        "SELECT count(DISTINCT who), count(*) FILTER (WHERE NOT starts_with(who, 'text:')) FROM wk WHERE period = ?",
        [period]).fetchall()[0]
    return WeeklyData(period, previous, base, n_period, int(totals.get(previous, 0)), issues, emerging,
                      risk_texts, trends, totals, breakdowns, values, quotes, runs, models, window,
                      int(n_people) if n_known else None, len(empty), [str(r[0]) for r in empty[:5]],
                      _partial_days(con, period, last, start))


def _partial_days(con: Any, period: str, last: str | None, start: date) -> int | None:
    """Days of ``period`` its texts cover, when it is the latest week and the last run started before its end.

    A week still in progress is no week of its own yet: its counts look like a drop
    in the trend. None for a finished week.
    """
    if period != last:
        return None
    end = start + timedelta(days=7)
    last_run, last_ts = con.execute(
        """SELECT (SELECT max(started_at) FROM runs), (SELECT max(week_ts) FROM cv_all WHERE period = ?)""",
        [period]).fetchall()[0]
    if last_run is None or last_ts is None or pd.Timestamp(last_run) >= pd.Timestamp(end):
        return None
    return max(1, min(7, (pd.Timestamp(last_ts).normalize() - pd.Timestamp(start)).days + 1))
