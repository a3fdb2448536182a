"""Shared test helpers for the store tests: a small deterministic keyword scorer and synthetic weeks."""
from __future__ import annotations

import random

import pandas as pd

KEYWORDS = {
    "給与": "pay", "賞与": "pay", "残業": "workload", "業務量": "workload", "有給": "work_style",
    "テレワーク": "work_style", "上司": "management", "評価": "evaluation", "研修": "career",
    "申請": "procedures", "パソコン": "environment", "社宅": "benefits",
}
RISK_WORDS = {"辞め": "resignation", "眠れ": "health", "パワハラ": "harassment"}
VALUE_WORDS = {"ありがとう": "teamwork", "挑戦": "challenge"}
TOPICS = sorted(set(KEYWORDS.values())) + ["other"]


def keyword_scorer(voices: pd.DataFrame) -> pd.DataFrame:
    """Deterministic keyword → topic scorer with the analysed-frame columns."""
    out = voices.copy()
    texts = voices["text"].astype(str).tolist()
    topics = [sorted({v for k, v in KEYWORDS.items() if k in t}) or ["other"] for t in texts]
    out["text_masked"] = [t.replace("090-1234-5678", "〈電話〉") for t in texts]
    out["topics"] = topics
    out["primary"] = [t[0] for t in topics]
    out["intent"] = ["praise" if "ありがとう" in t else "question" if "?" in t or "？" in t else "complaint"
                     for t in texts]
    out["sentiment"] = [1.0 if "ありがとう" in t else -1.0 if ("困" in t or "辞め" in t) else 0.0 for t in texts]
    out["risks"] = [sorted({v for k, v in RISK_WORDS.items() if k in t}) for t in texts]
    out["values"] = [sorted({v for k, v in VALUE_WORDS.items() if k in t}) for t in texts]
    for code in TOPICS:
        out[f"score_topic_{code}"] = [1.0 if code in t else 0.0 for t in topics]
    out["evidence"] = ["keywords: " + ",".join(k for k in KEYWORDS if k in t) for t in texts]
    return out


keyword_scorer.model_version = "kw-1"  # type: ignore[attr-defined]

_PHRASES = ["給与の振込日を教えてください", "残業が続いて困っています", "有給の申請方法が分かりません",
            "上司に相談しにくいです", "評価の基準が知りたい", "研修の案内はいつ届きますか",
            "社宅の更新手続きについて", "パソコンが遅くて困っています", "チームの皆さんありがとう",
            "新しい案件に挑戦したい", "テレワークの申請をしたい", "賞与の計算方法を知りたい"]
_SITES = ["東京", "大阪", "名古屋", "福岡", "札幌"]


def synthetic_week(week_monday: str, n: int, seed: int, start_id: int = 0, extra: dict | None = None
                   ) -> pd.DataFrame:
    """``n`` inquiry rows within the week starting ``week_monday``; ids are unique from ``start_id``."""
    rng = random.Random(seed)
    base = pd.Timestamp(week_monday)
    rows = []
    for i in range(n):
        text = rng.choice(_PHRASES) + rng.choice(["", "。", "。よろしくお願いします", "。急ぎです"]) + f"(#{start_id + i})"
        rows.append({"id": f"Q{start_id + i:07d}", "text": text,
                     "timestamp": (base + pd.Timedelta(minutes=rng.randrange(7 * 24 * 60))).strftime("%Y-%m-%d %H:%M"),
                     "site": rng.choice(_SITES), "channel": "inquiry"})
    df = pd.DataFrame(rows)
    for k, v in (extra or {}).items():
        df[k] = v
    return df
