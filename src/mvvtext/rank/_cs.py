"""Importance × satisfaction (CS portfolio, 改善度指数) from numeric survey items."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError


def cs_portfolio(df: pd.DataFrame, items: Mapping[str, str], overall: str) -> pd.DataFrame:
    """Importance, satisfaction and improvement index per item (= topic code).

    importance = Pearson correlation of the item with the overall score (rows with
    both present); satisfaction = mean of the item. Both are standardised across
    items (z-scores) and the improvement index is the projection of
    (z_importance, z_satisfaction) on the "important but unsatisfying" direction
    (1, -1)/√2 — the distance-times-cosine index of the usual Japanese CS-portfolio
    analysis. Positive = improve first.

    Returns
    -------
    DataFrame
        Index = topic codes; columns ``cs_importance``, ``cs_satisfaction``,
        ``cs_importance_z``, ``cs_satisfaction_z``, ``cs_improvement_index``.
    """
    cols = [overall, *items.values()]
    for c in cols:
        if c not in df.columns:
            raise InputError(f"Survey item column '{c}' is not in the analysed frame.", column=c)
    num = {}
    for c in cols:
        v = pd.to_numeric(df[c], errors="coerce")
        bad = v.isna() & df[c].notna()
        if bad.any():
            rows = df.index[bad.to_numpy()][:20].tolist()
            raise InputError(f"Survey item column '{c}' must be numeric; {int(bad.sum())} row(s) are "
                             f"not (first: {rows}).", column=c, rows=rows)
        num[c] = v.to_numpy(dtype=float, na_value=np.nan)
    y = num[overall]
    imp, sat = [], []
    for topic, c in items.items():
        x = num[c]
        ok = np.isfinite(x) & np.isfinite(y)
        r = np.corrcoef(x[ok], y[ok])[0, 1] if ok.sum() >= 3 and x[ok].std() > 0 and y[ok].std() > 0 else np.nan
        imp.append(r)
        sat.append(np.nanmean(x) if np.isfinite(x).any() else np.nan)
    imp_a, sat_a = np.array(imp, dtype=float), np.array(sat, dtype=float)

    def z(a: np.ndarray) -> np.ndarray:
        sd = np.nanstd(a)
        return (a - np.nanmean(a)) / sd if sd > 0 else np.zeros_like(a)

    zi, zs = z(imp_a), z(sat_a)
    return pd.DataFrame({"cs_importance": imp_a, "cs_satisfaction": sat_a, "cs_importance_z": zi,
                         "cs_satisfaction_z": zs, "cs_improvement_index": (zi - zs) / np.sqrt(2)},
                        index=list(items.keys()))
