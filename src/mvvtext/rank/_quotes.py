"""Representative quotes: the most typical and the most severe text of a topic.

Quotes always come from ``text_masked`` (never the raw text), and only from
writers in segments large enough to quote (``min_people_quotes``) for a topic
raised by at least that many people.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.rank._prepare import Prepared, list_column, prepare
from mvvtext.rank._util import unique_int
from mvvtext.text._mask import PLACEHOLDERS

_MAX_CANDIDATES = 200
_MAX_CHARS = 160


# sentences that are letter furniture rather than content (greetings, headers, signatures)
_BOILERPLATE = re.compile(
    r"^(件名|Re:|RE:|Fw:|FW:|宛先|From|To|TEL|Tel|Mail|携帯|--|──|■|【|電話メモ|発信者|→)"
    r"|お疲れ(さま|様)|お世話になって|よろしくお願い|御中|ご担当|担当者様|皆さま|失礼いたします|と申します"
    r"|恐縮ですが|幸いです|ご対応いただけると助かります|よろしくです|確認お願いします"
    r"|より入電|様より。|^社員番号|^\d\d/\d\d")
# the masking's placeholders of a person's identity and contact data (every one but 〈URL〉)
_PERSONAL = "|".join(re.escape(v) for k, v in PLACEHOLDERS.items() if k != "url")
_INTRO = re.compile(rf"({_PERSONAL}|社員番号|常駐している|所属の).{{0,20}}です。?$"
                    r"|^[^、。]{2,20}の[^、。はがをにでも]{1,10}です[（(。]")
_SENT = re.compile(r"[^。！？!?\n]+[。！？!?」]*")
# defence in depth: contact data and bare ids that upstream masking may have missed
_SCRUB = (
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "〈メール〉"),
    (re.compile(r"(?<!\d)0\d{1,4}[-(（ ]?\d{1,4}[-)） ]?\d{3,4}(?!\d)"), "〈電話〉"),
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,4}-?\d{4,10}(?![A-Za-z0-9])"), "〈社員番号〉"),
)
_SELF_INTRO = re.compile(r"[(（][^)）]*〈社員番号〉[)）]です|^[^。]{0,30}〈社員番号〉[^。]{0,5}です")
_PREFIX = re.compile(r"^(ご本人談[:：]「|内容[:：]\s*|要件[:：]\s*|相談内容\s*|用件[:：]\s*)")
_END = re.compile(r"[。！？!?」]$")


def _content_sentence(x: str) -> bool:
    if (len(x) < 10 or _BOILERPLATE.search(x) or _INTRO.search(x) or _SELF_INTRO.search(x)
            or ("社員番号" in x and len(x) < 60)):
        return False
    return bool(_END.search(x)) or len(x) >= 30


def _clip(text: str, n: int = _MAX_CHARS) -> str:
    """The content of a text for quoting: greetings, headers and signatures dropped, then clipped."""
    raw = str(text)
    for pattern, placeholder in _SCRUB:
        raw = pattern.sub(placeholder, raw)
    sentences = [m.group(0).strip() for line in raw.splitlines() for m in _SENT.finditer(line)]
    sentences = [_PREFIX.sub("", x) for x in sentences]
    content = [x for x in sentences if _content_sentence(x)]
    text = "".join(content) if content else " ".join(raw.split())
    if text.endswith("」") and text.count("「") < text.count("」"):
        text = text[:-1]
    return text if len(text) <= n else text[: n - 1] + "…"


def quotable_rows(df: pd.DataFrame, p: Prepared, segments: Sequence[str], min_people: int) -> np.ndarray:
    """Bool per row: masked text present and every segment of the writer has >= min_people people."""
    if "text_masked" not in df.columns:
        return np.zeros(len(df), dtype=bool)
    tm = df["text_masked"]
    ok = (tm.notna() & (tm.astype("string").str.strip().str.len() > 0)).to_numpy(dtype=bool, na_value=False)
    for col in segments:
        codes, values = p.segments[col]
        valid = codes >= 0
        size = np.bincount(unique_int(codes[valid] * np.int64(p.n_people) + p.person[valid]) // p.n_people,
                           minlength=len(values))
        good = np.zeros(len(df), dtype=bool)
        good[valid] = size[codes[valid]] >= min_people
        ok &= good
    return ok


def _typical_order(texts: list[str]) -> np.ndarray:
    """Indices of ``texts`` sorted by cosine similarity to their TF-IDF centroid (character bigrams)."""
    if len(texts) <= 2:
        return np.arange(len(texts))
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        x = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit_transform(
            [t[:300] for t in texts])
    except ValueError:
        return np.arange(len(texts))
    centroid = np.asarray(x.mean(axis=0)).ravel()
    sims = x @ centroid / (np.linalg.norm(centroid) or 1.0)
    return np.argsort(-np.asarray(sims).ravel(), kind="stable")


def _dominant_tone(rows: np.ndarray, sentiment: np.ndarray, cut: float = 0.5) -> np.ndarray:
    """The rows of the topic's commonest tone (negative <= -cut, positive >= cut, else neutral).

    A typical quote of a topic that is mostly complaints should be a complaint, not
    the praise that happens to share its words. All rows when no sentiment is known.
    """
    s = sentiment[rows]
    known = np.isfinite(s)
    if not known.any():
        return rows
    tone = np.where(s <= -cut, 0, np.where(s >= cut, 2, 1))
    counts = np.bincount(tone[known], minlength=3)
    return rows[known & (tone == int(np.argmax(counts)))]


@dataclass
class QuoteSource:
    """Per-row arrays the quote picker needs, extracted from the frame once."""

    texts: np.ndarray            # masked text per row (object)
    lengths: np.ndarray          # its length
    primary: np.ndarray | None   # primary topic per row (object) when present

    @classmethod
    def of(cls, df: pd.DataFrame) -> "QuoteSource":
        tm = df["text_masked"]
        lengths = tm.astype("string").str.len().fillna(0).to_numpy(dtype=np.int64)
        primary = df["primary"].astype("string").to_numpy(dtype=object, na_value="") \
            if "primary" in df.columns else None
        return cls(tm.to_numpy(dtype=object), lengths, primary)


def topic_quotes(src: QuoteSource, p: Prepared, topic_id: int, eligible: np.ndarray, n: int,
                 kind: str, seed: int = 0) -> list[int]:
    """Row positions of up to ``n`` quotes of ``kind`` ("typical" or "severe") for one topic."""
    rows = p.ex_row[(p.ex_topic == topic_id)]
    rows = rows[eligible[rows]]
    if len(rows) == 0:
        return []
    if src.primary is not None:  # texts mainly about the topic quote it best
        main = rows[src.primary[rows] == p.topics[topic_id]]
        if len(main) >= n:
            rows = main
    texts_all = src.texts
    lengths = src.lengths[rows]
    readable = rows[(lengths >= 15) & (lengths <= 600)]
    if len(readable):
        rows = readable
    if kind == "severe":
        nrisk = p.any_risk[rows].astype(int)
        if p.risk_flags:
            nrisk = sum(f[rows].astype(int) for f in p.risk_flags.values())
        sent = np.nan_to_num(p.sentiment[rows], nan=0.0)
        order = np.lexsort((sent, -nrisk))  # most risk flags first, then most negative
        rows, nrisk, sent = rows[order], nrisk[order], sent[order]
        top = (nrisk == nrisk[0]) & (sent == sent[0])
        best, rest = rows[top][:_MAX_CANDIDATES], rows[~top][:n]
        if len(best) > 1:  # among equally severe texts prefer the most typical
            best = best[_typical_order([str(texts_all[r]) for r in best])]
        return [int(r) for r in np.concatenate([best, rest])[:n]]
    rows = _dominant_tone(rows, p.sentiment)
    if len(rows) > _MAX_CANDIDATES:
        rows = np.random.default_rng(seed).choice(rows, _MAX_CANDIDATES, replace=False)
        rows.sort()
    order = _typical_order([str(texts_all[r]) for r in rows])
    return [int(r) for r in rows[order[:n]]]


def quotes(
    analyzed: pd.DataFrame,
    topic: str,
    n: int = 3,
    *,
    kind: str = "typical",
    topic_field: str = "topics",
    person: str | None = "person_id",
    segments: Sequence[str] = ("site",),
    min_people_quotes: int = 10,
) -> pd.DataFrame:
    """Up to ``n`` representative masked quotes for one topic.

    Parameters
    ----------
    analyzed : DataFrame
        Analysed frame with ``text_masked``; never modified.
    topic : str
        Topic code.
    n : int
        Number of quotes.
    kind : {"typical", "severe"}
        ``typical`` = closest to the topic's TF-IDF centroid (character bigrams) among
        the texts of its commonest tone (negative / neutral / positive);
        ``severe`` = most risk flags, then lowest sentiment.
    topic_field, person, segments, min_people_quotes
        As in :func:`rank_issues`. Segment columns missing from the frame are ignored.

    Returns
    -------
    DataFrame
        Index = the rows of ``analyzed`` quoted; columns ``quote`` (masked text,
        whitespace-collapsed), ``sentiment``, ``risks``, ``kind``. Empty when the
        topic is raised by fewer than ``min_people_quotes`` people.
    """
    if kind not in ("typical", "severe"):
        raise InputError(f"The 'kind' parameter of quotes must be one of {{'typical', 'severe'}}. Got {kind!r} instead.")
    if "text_masked" not in analyzed.columns:
        raise InputError("quotes() needs the 'text_masked' column (quotes are never taken from raw text).",
                         column="text_masked")
    segs = [s for s in segments if s in analyzed.columns]
    person = person if person in analyzed.columns else None
    p = prepare(analyzed, topic_field=topic_field, time=None, person=person, segments=segs, period="W",
                negative_threshold=-0.5, want_time=False)
    empty = pd.DataFrame(columns=["quote", "sentiment", "risks", "kind"])
    if topic not in p.topics:
        return empty
    tid = p.topics.index(topic)
    people = len(unique_int(p.person[p.ex_row[p.ex_topic == tid]]))
    if people < min_people_quotes:
        return empty
    eligible = quotable_rows(analyzed, p, segs, min_people_quotes)
    src = QuoteSource.of(analyzed)
    pos, seen = [], set()
    for r in topic_quotes(src, p, tid, eligible, max(10 * n, 30), kind):
        text = _clip(src.texts[r])
        if text not in seen:  # the same words from several rows are one quote
            seen.add(text)
            pos.append(r)
        if len(pos) == n:
            break
    idx = analyzed.index[pos]
    risks = list_column(analyzed["risks"].iloc[pos]) if "risks" in analyzed.columns else [[] for _ in pos]
    return pd.DataFrame({
        "quote": [_clip(t) for t in analyzed["text_masked"].iloc[pos]],
        "sentiment": p.sentiment[pos], "risks": risks, "kind": kind}, index=idx)
