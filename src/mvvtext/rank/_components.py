"""Per-topic components: volume, negativity, intent mix, risk, breadth, trend, outcome."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mvvtext.rank._prepare import INTENTS, Prepared
from mvvtext.rank._util import unique_int


def volume(p: Prepared) -> pd.DataFrame:
    """texts, people, share, repeat_contact_rate per topic."""
    k = len(p.topics)
    texts = np.bincount(p.ex_topic, minlength=k)
    person = p.person[p.ex_row]
    keys, counts = unique_int(p.ex_topic * np.int64(p.n_people) + person, return_counts=True)
    tid = keys // p.n_people
    people = np.bincount(tid, minlength=k)
    repeaters = np.bincount(tid[counts >= 2], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = people / max(p.n_people, 1)
        repeat = np.where(people > 0, repeaters / np.maximum(people, 1), np.nan)
    return pd.DataFrame({"texts": texts, "people": people, "share": share,
                         "repeat_contact_rate": repeat}, index=p.topics)


def negativity(p: Prepared, negative_threshold: float) -> pd.DataFrame:
    """mean_sentiment and negative_share (sentiment <= threshold) per topic."""
    k = len(p.topics)
    s = p.sentiment[p.ex_row]
    ok = np.isfinite(s)
    n = np.bincount(p.ex_topic[ok], minlength=k)
    total = np.bincount(p.ex_topic[ok], weights=s[ok], minlength=k)
    neg = np.bincount(p.ex_topic[ok], weights=(s[ok] <= negative_threshold).astype(float), minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({"mean_sentiment": np.where(n > 0, total / n, np.nan),
                             "negative_share": np.where(n > 0, neg / n, np.nan)}, index=p.topics)


def intent_mix(p: Prepared, intent_weights: dict[str, float]) -> pd.DataFrame:
    """<intent>_share columns and intent_severity (weighted mix) per topic."""
    k = len(p.topics)
    out = pd.DataFrame(index=p.topics)
    if p.intent is None:
        return out
    it = p.intent[p.ex_row]
    ok = it >= 0
    n = np.bincount(p.ex_topic[ok], minlength=k).astype(float)
    severity = np.zeros(k)
    names = list(INTENTS) + [i for i in p.intents if i not in INTENTS]
    for name in names:
        if name in p.intents:
            code = p.intents.index(name)
            c = np.bincount(p.ex_topic[ok & (it == code)], minlength=k)
        else:
            c = np.zeros(k)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(n > 0, c / np.maximum(n, 1), np.nan)
        out[f"{name}_share"] = frac
        severity += np.nan_to_num(frac) * intent_weights.get(name, 0.3)
    out["intent_severity"] = np.where(n > 0, severity, np.nan)
    return out


def risk(p: Prepared) -> pd.DataFrame:
    """risk_texts (any flag) and risk_<code> counts per topic."""
    k = len(p.topics)
    out = pd.DataFrame(index=p.topics)
    if not p.risk_flags:
        return out
    out["risk_texts"] = np.bincount(p.ex_topic[p.any_risk[p.ex_row]], minlength=k)
    for code, flag in p.risk_flags.items():
        out[f"risk_{code}"] = np.bincount(p.ex_topic[flag[p.ex_row]], minlength=k)
    return out


def breadth(p: Prepared, min_people: int) -> pd.DataFrame:
    """segments_raising_<col>: segments where >= ``min_people`` people raised the topic."""
    k = len(p.topics)
    out = pd.DataFrame(index=p.topics)
    fractions = []
    for col, (codes, values) in p.segments.items():
        ns = max(len(values), 1)
        seg = codes[p.ex_row]
        ok = seg >= 0
        person = p.person[p.ex_row][ok]
        # distinct (topic, segment, person) -> people per (topic, segment)
        key = (p.ex_topic[ok] * np.int64(ns) + seg[ok]) * np.int64(p.n_people) + person
        ts = unique_int(key) // p.n_people
        cell_people = np.bincount(ts, minlength=k * ns).reshape(k, ns)
        raising = (cell_people >= min_people).sum(axis=1)
        out[f"segments_raising_{col}"] = raising
        out[f"segments_total_{col}"] = len(values)
        fractions.append(raising / ns)
    if fractions:
        out["breadth"] = np.mean(fractions, axis=0)
    return out
