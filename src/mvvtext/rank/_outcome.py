"""Outcome link: is raising a topic associated with a person-level 0/1 outcome?"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.rank._notes import Note
from mvvtext.rank._prepare import Prepared
from mvvtext.rank._util import unique_int

_WORDS = {"1": 1.0, "1.0": 1.0, "true": 1.0, "yes": 1.0, "0": 0.0, "0.0": 0.0, "false": 0.0, "no": 0.0}


def person_outcome(df: pd.DataFrame, column: str, p: Prepared, notes: list[str]) -> np.ndarray:
    """Outcome per person id (0.0, 1.0 or NaN) after validation.

    Raises
    ------
    InputError
        When a value is not 0/1 (naming the column and rows), or when one person
        has both 0 and 1.
    """
    raw = df[column]
    missing = raw.isna().to_numpy()
    if pd.api.types.is_bool_dtype(raw.dtype) or pd.api.types.is_numeric_dtype(raw.dtype):
        num = pd.to_numeric(raw, errors="coerce").astype(float)
        vals = num.to_numpy(dtype=float, na_value=np.nan)
        bad = ~missing & ~np.isin(vals, [0.0, 1.0])
    else:
        text = raw.astype("string").str.normalize("NFKC").str.strip().str.lower()
        missing = missing | (text == "").fillna(False).to_numpy(dtype=bool)  # an emptied cell is no answer
        mapped = text.map(_WORDS)
        vals = pd.to_numeric(mapped, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~missing & np.isnan(vals)
    bad_pos = np.flatnonzero(bad)
    if len(bad_pos):
        obj = raw.to_numpy(dtype=object)
        rows = df.index[bad_pos].tolist()
        shown = ", ".join(f"{r!r}: {obj[i]!r}" for r, i in list(zip(rows, bad_pos))[:10])
        raise InputError(
            f"The outcome column '{column}' must hold 0/1 values (or be empty); "
            f"{len(bad_pos)} row(s) hold something else — {shown}.",
            column=column, rows=rows,
            failure_cases=[{"index": r, "value": obj[i]} for r, i in zip(rows, bad_pos)])
    if missing.any():
        notes.append(Note("rows_without_outcome", n=int(missing.sum()), column=column))
    ok = ~missing
    mx = np.full(p.n_people, -1.0)
    mn = np.full(p.n_people, 2.0)
    np.maximum.at(mx, p.person[ok], vals[ok])
    np.minimum.at(mn, p.person[ok], vals[ok])
    conflict = (mx >= 0) & (mx != mn)
    if conflict.any():
        pos = np.flatnonzero(ok & conflict[p.person])
        rows = df.index[pos].tolist()
        raise InputError(
            f"The outcome column '{column}' must be constant per person, but {int(conflict.sum())} "
            f"person(s) have both 0 and 1 (rows {rows[:10]}).", column=column, rows=rows)
    return np.where(mx >= 0, mx, np.nan)


def outcome_link(p: Prepared, outcome: np.ndarray, min_people: int, z: float = 1.959963984540054
                 ) -> pd.DataFrame:
    """outcome_rate, outcome_lift, outcome_odds_ratio (+95% CI), outcome_p per topic.

    ``outcome`` is indexed by person id. Zero cells get the Haldane–Anscombe +0.5
    correction for the odds ratio and its CI; the p-value is Fisher's exact test.
    Topics raised by fewer than ``min_people`` people with a known outcome get NaN.
    """
    from scipy import stats

    k = len(p.topics)
    known = np.isfinite(outcome)
    keys = unique_int(p.ex_topic * np.int64(p.n_people) + p.person[p.ex_row])
    tid, pid = keys // p.n_people, keys % p.n_people
    sel = known[pid]
    raised = np.bincount(tid[sel], minlength=k).astype(float)
    raised_pos = np.bincount(tid[sel], weights=outcome[pid[sel]], minlength=k)
    n_known = float(known.sum())
    n_pos = float(np.nansum(outcome))
    a, b = raised_pos, raised - raised_pos
    c, d = n_pos - raised_pos, (n_known - raised) - (n_pos - raised_pos)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_in = a / raised
        rate_out = c / (c + d)
        lift = rate_in / rate_out
        zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
        aa, bb, cc, dd = (x + 0.5 * zero for x in (a, b, c, d))
        log_or = np.log(aa * dd / (bb * cc))
        se = np.sqrt(1 / aa + 1 / bb + 1 / cc + 1 / dd)
    pvals = np.full(k, np.nan)
    for i in range(k):
        if raised[i] > 0 and (c[i] + d[i]) > 0:
            table = np.array([[a[i], b[i]], [c[i], d[i]]], dtype=np.int64)
            pvals[i] = stats.fisher_exact(table).pvalue
    out = pd.DataFrame({
        "outcome_people": raised.astype(int), "outcome_rate": rate_in, "outcome_lift": lift,
        "outcome_odds_ratio": np.exp(log_or), "outcome_or_low": np.exp(log_or - z * se),
        "outcome_or_high": np.exp(log_or + z * se), "outcome_p": pvals}, index=p.topics)
    small = raised < min_people
    out.loc[small, ["outcome_rate", "outcome_lift", "outcome_odds_ratio", "outcome_or_low",
                    "outcome_or_high", "outcome_p"]] = np.nan
    return out
