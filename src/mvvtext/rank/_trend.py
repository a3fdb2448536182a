"""Trend: the recent window of periods against a trailing baseline.

The test is conditional on the total volume of each window: under "no change",
each text in the recent + baseline windows belongs to the recent window with
probability ``N_recent / (N_recent + N_baseline)`` (N = all texts, every topic),
so ``x_recent ~ Binomial(x_recent + x_baseline, that probability)``. This is the
classic conditional test for comparing two Poisson rates; it stays valid when
the desk simply got busier or quieter, and for weeks with very few texts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mvvtext.rank._notes import Note
from mvvtext.rank._prepare import Prepared


def period_counts(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """(topic × period texts matrix, total texts per period)."""
    k, t = len(p.topics), len(p.periods)
    per = p.period[p.ex_row]
    ok = per >= 0
    mat = np.bincount(p.ex_topic[ok] * t + per[ok], minlength=k * t).reshape(k, t)
    totals = np.bincount(p.period[p.period >= 0], minlength=t)
    return mat, totals


def _windows(t: int, recent_periods: int, baseline_periods: int) -> tuple[int, int]:
    """(recent, baseline) periods for ``t`` periods of data.

    With enough data, as asked. With fewer than ``recent_periods + baseline_periods``
    periods the two windows share them in the asked proportion, the recent one at
    least 1 (three survey waves with the default 4 + 8: the last wave against the
    two before it).
    """
    if t >= recent_periods + baseline_periods:
        return recent_periods, baseline_periods
    recent = min(max(1, round(t * recent_periods / (recent_periods + baseline_periods))), t - 1)
    return recent, t - recent


def trend(
    p: Prepared,
    *,
    recent_periods: int,
    baseline_periods: int,
    alpha: float,
    min_emerging_count: int,
    min_rate_ratio: float,
    notes: list[str],
) -> pd.DataFrame:
    """latest_count, latest_mean, baseline_mean, rate_ratio, trend_z, trend_p, emerging."""
    from scipy import stats

    k = len(p.topics)
    cols = ["latest_count", "latest_mean", "baseline_mean", "rate_ratio", "trend_z", "trend_p", "emerging"]
    if p.period is None or len(p.periods) == 0:
        return pd.DataFrame({c: np.nan for c in cols}, index=p.topics).assign(emerging=False)
    mat, totals = period_counts(p)
    filled = totals > 0      # survey waves: the periods between waves hold no text at all
    if not filled.all():
        notes.append(Note("empty_periods_skipped", n=int((~filled).sum())))
        mat, totals = mat[:, filled], totals[filled]
    t = len(totals)
    if t < 2:
        notes.append(Note("one_period"))
        return pd.DataFrame({c: np.nan for c in cols}, index=p.topics).assign(emerging=False)
    recent, base = _windows(t, recent_periods, baseline_periods)
    if recent != recent_periods or base != baseline_periods:
        notes.append(Note("short_trend", periods=t, recent=recent, base=base))
    x1 = mat[:, t - recent:].sum(axis=1).astype(float)
    x0 = mat[:, t - recent - base:t - recent].sum(axis=1).astype(float)
    n1 = float(totals[t - recent:].sum())
    n0 = float(totals[t - recent - base:t - recent].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        # shrunk rate ratio: +0.5 to both counts so a topic new this window gets a finite ratio
        ratio = ((x1 + 0.5) / max(n1, 1)) / ((x0 + 0.5) / max(n0, 1))
        p0 = n1 / (n0 + n1) if n0 + n1 > 0 else np.nan
        m = x0 + x1
        expected = m * p0
        sd = np.sqrt(m * p0 * (1 - p0))
        z = np.where(sd > 0, (x1 - expected) / np.where(sd > 0, sd, 1), 0.0)
        pval = np.where(m > 0, stats.binom.sf(x1 - 1, m, p0), 1.0) if 0 < p0 < 1 else np.ones(k)
    if n0 == 0 or n1 == 0:
        notes.append(Note("empty_trend_window"))
        return pd.DataFrame({c: np.nan for c in cols}, index=p.topics).assign(emerging=False)
    emerging = (pval < alpha) & (x1 >= min_emerging_count) & (ratio >= min_rate_ratio)
    return pd.DataFrame({
        "latest_count": x1.astype(int), "latest_mean": x1 / recent, "baseline_mean": x0 / base,
        "rate_ratio": ratio, "trend_z": z, "trend_p": pval, "emerging": emerging,
    }, index=p.topics)
