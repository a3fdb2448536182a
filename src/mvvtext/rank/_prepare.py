"""Validate an analysed frame and turn it into flat arrays the ranking works on.

The topic lists are exploded exactly once into ``(row, topic)`` pairs held as
integer arrays; every component is then a ``np.bincount`` / ``np.unique`` over
those arrays, so the cost stays linear in the number of (row, topic) pairs.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.rank._notes import Note

logger = logging.getLogger(__name__)

INTENTS = ("complaint", "request", "question", "report", "praise")
RISKS = ("resignation", "harassment", "health", "legal")


def as_code_list(value: Any) -> list[str]:
    """Coerce one cell of a list column (list, tuple, array, JSON or ``a|b`` string) to a list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        return [str(v) for v in value if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if isinstance(value, float) and np.isnan(value):
        return []
    if value is pd.NA:
        return []
    s = str(value).strip()
    if not s:
        return []
    if s.startswith("["):
        try:
            parsed = json.loads(s)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v) for v in parsed if v is not None]
    return [p.strip() for p in s.replace(",", "|").replace(";", "|").split("|") if p.strip()]


def list_column(series: pd.Series) -> list[list[str]]:
    """A list column as a Python list of lists (fast path when cells are already lists)."""
    values = series.tolist()
    if set(map(type, values)) <= {list}:
        return values
    return [as_code_list(v) for v in values]


@dataclass
class Prepared:
    """Flat arrays describing an analysed frame (internal)."""

    n_rows: int
    topics: list[str]                   # topic code per topic id
    ex_row: np.ndarray                  # row position of each (row, topic) pair
    ex_topic: np.ndarray                # topic id of each pair
    person: np.ndarray                  # person id per row (int64)
    n_people: int
    sentiment: np.ndarray               # float per row (NaN when unknown)
    intent: np.ndarray | None           # intent id per row (-1 unknown)
    intents: list[str]
    risk_flags: dict[str, np.ndarray]   # risk code -> bool per row
    any_risk: np.ndarray
    period: np.ndarray | None           # period id per row (-1 = no time)
    periods: list[Any]
    segments: dict[str, tuple[np.ndarray, list[Any]]]  # column -> (code per row, values)
    notes: list[str] = field(default_factory=list)


def check_columns(df: pd.DataFrame, names: Sequence[str | None], role: str) -> None:
    for name in names:
        if name is not None and name not in df.columns:
            raise InputError(
                f"The {role} column '{name}' is not in the analysed frame. "
                f"Available columns: {', '.join(map(str, df.columns))}.", column=name)


def prepare(
    df: pd.DataFrame,
    *,
    topic_field: str,
    time: str | None,
    person: str | None,
    segments: Sequence[str],
    period: str,
    negative_threshold: float,
    want_time: bool = True,
) -> Prepared:
    """Validate ``df`` and build the :class:`Prepared` arrays. ``df`` is not modified."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"rank_issues expects an analysed DataFrame, got {type(df).__name__}.")
    check_columns(df, [topic_field], "topic")
    check_columns(df, [person], "person")
    check_columns(df, list(segments), "segment")
    notes: list[str] = []
    n = len(df)

    lists = list_column(df[topic_field])
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=n)
    flat = np.fromiter(chain.from_iterable(lists), dtype=object, count=int(lengths.sum()))
    codes, uniques = pd.factorize(flat, sort=True) if len(flat) else (np.array([], dtype=np.int64), [])
    ex_row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    ex_topic = np.asarray(codes, dtype=np.int64)
    n_empty = int((lengths == 0).sum())
    if n_empty:
        notes.append(Note("rows_without_topic", n=n_empty))

    # persons: a missing person id counts as its own (anonymous) voice
    if person is not None:
        pcodes, puniq = pd.factorize(df[person], use_na_sentinel=True)
        pcodes = np.asarray(pcodes, dtype=np.int64)
        missing = pcodes < 0
        n_known = len(puniq)
        if missing.any():
            pcodes = pcodes.copy()
            pcodes[missing] = n_known + np.arange(int(missing.sum()))
            notes.append(Note("rows_without_person", n=int(missing.sum()), person=person))
        n_people = n_known + int(missing.sum())
    else:
        pcodes = np.arange(n, dtype=np.int64)
        n_people = n
        notes.append(Note("no_person"))

    if "sentiment" in df.columns:
        sent = pd.to_numeric(df["sentiment"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = np.isfinite(sent) & ((sent < -2) | (sent > 2))
        if bad.any():
            rows = df.index[bad][:20].tolist()
            raise InputError(f"Column 'sentiment' must lie in [-2, 2]; {int(bad.sum())} row(s) do not "
                             f"(first: {rows}).", column="sentiment", rows=rows)
    else:
        sent = np.full(n, np.nan)
        notes.append(Note("no_sentiment"))

    intent_ids = None
    intents: list[str] = []
    if "intent" in df.columns:
        icodes, iuniq = pd.factorize(df["intent"].astype("string"), use_na_sentinel=True)
        intents = [str(u) for u in iuniq]
        intent_ids = np.asarray(icodes, dtype=np.int64)
    else:
        notes.append(Note("no_intent"))

    risk_flags: dict[str, np.ndarray] = {}
    any_risk = np.zeros(n, dtype=bool)
    if "risks" in df.columns:
        rlists = list_column(df["risks"])
        rlen = np.fromiter(map(len, rlists), dtype=np.int64, count=n)
        any_risk = rlen > 0
        rflat = np.fromiter(chain.from_iterable(rlists), dtype=object, count=int(rlen.sum()))
        rrow = np.repeat(np.arange(n), rlen)
        for code in sorted(set(RISKS) | set(rflat.tolist())):
            m = np.zeros(n, dtype=bool)
            m[rrow[rflat == code]] = True
            risk_flags[code] = m
    else:
        notes.append(Note("no_risks"))

    period_ids, periods = _periods(df, time, period, notes) if want_time or time else (None, [])

    seg: dict[str, tuple[np.ndarray, list[Any]]] = {}
    for col in segments:
        scodes, suniq = pd.factorize(df[col], use_na_sentinel=True, sort=True)
        seg[col] = (np.asarray(scodes, dtype=np.int64), list(suniq))

    return Prepared(
        n_rows=n, topics=[str(t) for t in uniques], ex_row=ex_row, ex_topic=ex_topic,
        person=pcodes, n_people=n_people, sentiment=sent, intent=intent_ids, intents=intents,
        risk_flags=risk_flags, any_risk=any_risk, period=period_ids, periods=periods,
        segments=seg, notes=notes)


def _periods(df: pd.DataFrame, time: str | None, period: str, notes: list[str]):
    """Period id per row (``-1`` where the time is missing) and the full period range."""
    if time is None or time not in df.columns:
        msg = Note("no_time") if time is None else Note("time_not_found", time=time)
        notes.append(msg)
        logger.warning(msg)
        return None, []
    ts = df[time]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        parsed = pd.to_datetime(ts, errors="coerce")
        bad = parsed.isna() & ts.notna() & (ts.astype("string").str.strip() != "")
        if bad.any():
            rows = df.index[bad.to_numpy()][:20].tolist()
            raise InputError(f"Column '{time}' holds values that are not dates/times "
                             f"({int(bad.sum())} row(s); first: {rows}).", column=time, rows=rows)
        ts = parsed
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    if ts.notna().sum() == 0:
        msg = Note("no_timestamps", time=time)
        notes.append(msg)
        logger.warning(msg)
        return None, []
    try:
        per = ts.dt.to_period(period)
    except (ValueError, TypeError) as e:
        raise InputError(f"The 'period' parameter must be a pandas period alias such as 'W', 'M' "
                         f"or 'D'. Got {period!r} instead.") from e
    valid = per.notna().to_numpy()
    ordinals = np.full(len(df), -1, dtype=np.int64)
    ords = np.asarray(per[valid].array.asi8, dtype=np.int64)
    lo, hi = int(ords.min()), int(ords.max())
    ordinals[valid] = ords - lo
    periods = [pd.Period(ordinal=o, freq=per.dt.freq) for o in range(lo, hi + 1)]
    n_missing = int((~valid).sum())
    if n_missing:
        notes.append(Note("rows_without_time", n=n_missing))
    return ordinals, periods
