"""Aspect–opinion pairs with negation from GiNZA dependency parses (opt-in, slow)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any, Iterable

from mvvtext.exceptions import InputError
from mvvtext.text._normalize import _is_missing
from mvvtext.text._tokenize import split_long_text

__all__ = ["Aspect", "AspectExtractor", "add_aspects", "POSITIVE_WORDS", "NEGATIVE_WORDS"]

POSITIVE_WORDS: frozenset[str] = frozenset("""
良い いい よい 満足 公平 明確 丁寧 親切 優しい やさしい 楽しい 嬉しい うれしい 明るい 充実 快適 助かる 感謝 素晴らしい
適切 十分 速い 柔軟 安心 好き 納得 透明 手厚い 綺麗 きれい 清潔 静か 温かい 暖かい 上がる 増える 取れる 働きやすい
分かりやすい わかりやすい 話しやすい 相談しやすい 取りやすい 頼もしい 心強い 円滑 スムーズ 楽 便利 魅力的 誠実
""".split())
NEGATIVE_WORDS: frozenset[str] = frozenset("""
悪い 不満 問題 不安 不公平 不透明 不明確 不十分 不足 足りない 辛い つらい きつい 厳しい 難しい 面倒 遅い 酷い ひどい
嫌 嫌い 困る 怖い 狭い 汚い 古い 暗い 冷たい 高圧的 理不尽 曖昧 疲れる しんどい 苦しい 最悪 残念 心配 過剰 下がる
減る 分かりにくい わかりにくい 分かりづらい わかりづらい 働きにくい 働きづらい 言いにくい 言いづらい 相談しにくい
不便 不親切 乱暴 雑 いい加減 無責任 不適切 不快 過酷 煩雑 非効率 不合理 無駄 うるさい 寒い 暑い
""".split())
_HIGH = frozenset({"高い", "多い", "長い", "大きい", "上がる", "増える"})
_LOW = frozenset({"低い", "少ない", "安い", "短い", "小さい", "下がる", "減る"})
#: aspects where more is better (pay, rest) and where more is worse (workload)
GOOD_WHEN_HIGH: frozenset[str] = frozenset("""
給与 給料 賃金 年収 賞与 ボーナス 手当 報酬 評価 昇給 休み 休日 有給 有休 休暇 満足度 モチベーション 意欲 機会
自由度 柔軟性 福利厚生 待遇 時給 月給 基本給 給与水準 やりがい 裁量 人員 人数
""".split())
BAD_WHEN_HIGH: frozenset[str] = frozenset("""
残業 残業時間 業務量 仕事量 負担 負荷 ストレス 離職率 離職 退職者 休日出勤 会議 ミス 労働時間 勤務時間 作業量
ノルマ 雑務 通勤時間 転勤 異動 クレーム 事故 待ち時間 手続き 書類 承認
""".split())
_NEG_LEMMAS = frozenset({"ない", "無い", "ぬ", "ず", "ん", "ねえ", "まい"})
_EXISTENCE = frozenset({"ない", "無い", "ある", "有る"})
_COMPOUND_AUX = {"やすい": "positive", "にくい": "negative", "づらい": "negative", "辛い": "negative",
                 "すぎる": "negative", "過ぎる": "negative"}
_CONTINUE_DEPS = frozenset({"aux", "cop", "fixed", "mark", "advcl", "case"})


@dataclass(frozen=True)
class Aspect:
    """One aspect–opinion pair.

    Attributes
    ----------
    aspect : str
        The thing evaluated (「給与」); lemma of the noun.
    opinion : str
        The evaluation (「低い」「不満」「わかりにくい」).
    negated : bool
        The opinion is negated (「不満はない」「良くない」).
    polarity : str
        ``"positive"``, ``"negative"`` or ``"neutral"``, after negation.
    phrase : str
        The aspect with its modifiers as written (「上司の対応」).
    """

    aspect: str
    opinion: str
    negated: bool
    polarity: str
    phrase: str

    def to_dict(self) -> dict:
        """Plain dict (JSON-serialisable)."""
        return asdict(self)


def _base_polarity(aspect: str, opinion: str, head_lemma: str) -> str:
    if opinion in POSITIVE_WORDS:
        return "positive"
    if opinion in NEGATIVE_WORDS:
        return "negative"
    for suffix, pol in _COMPOUND_AUX.items():
        if opinion.endswith(suffix) and opinion != suffix:
            return pol
    word = head_lemma if head_lemma in _HIGH | _LOW else opinion
    if word in _HIGH or word in _LOW:
        high = word in _HIGH
        if aspect in GOOD_WHEN_HIGH or any(aspect.endswith(a) for a in GOOD_WHEN_HIGH):
            return "positive" if high else "negative"
        if aspect in BAD_WHEN_HIGH or any(aspect.endswith(a) for a in BAD_WHEN_HIGH):
            return "negative" if high else "positive"
    return "neutral"


def _flip(polarity: str) -> str:
    return {"positive": "negative", "negative": "positive"}.get(polarity, polarity)


def _scan_negation(doc, pred) -> tuple[int, str]:
    """Count negations after ``pred`` in its own phrase; return (count, compound opinion)."""
    count, opinion = 0, pred.lemma_
    for t in doc[pred.i + 1:]:
        if t.pos_ == "PUNCT" or t.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            break
        if t.pos_ in ("VERB", "ADJ") and t.dep_ not in _CONTINUE_DEPS and "非自立" not in t.tag_:
            break
        if t.lemma_ in _COMPOUND_AUX and t.i == pred.i + 1:
            opinion = pred.text + t.lemma_
        if t.lemma_ in _NEG_LEMMAS and t.pos_ in ("AUX", "ADJ"):
            count += 1
        if t.dep_ == "advcl" and t.head.i != pred.i:
            break
    return count, opinion


def _phrase(tok) -> str:
    left = [c for c in tok.children if c.i < tok.i and c.dep_ in ("nmod", "compound", "amod")]
    start = min((c.left_edge.i for c in left), default=tok.i)
    return tok.doc[start:tok.i + 1].text


def _doc_aspects(doc) -> list[Aspect]:
    out: list[Aspect] = []
    seen: set[tuple[int, int]] = set()
    for tok in doc:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ not in ("nsubj", "obl", "dislocated"):
            continue
        head = tok.head
        if head.i == tok.i:
            continue
        aspect = tok.lemma_
        # 「評価に不満はない」: existence predicate with an evaluative subject noun
        if head.lemma_ in _EXISTENCE and tok.dep_ == "obl":
            subj = [c for c in head.children if c.dep_ == "nsubj" and c.pos_ == "NOUN" and c.i != tok.i]
            if subj and (subj[0].lemma_ in NEGATIVE_WORDS or subj[0].lemma_ in POSITIVE_WORDS):
                neg = (head.lemma_ in ("ない", "無い")) ^ (_scan_negation(doc, head)[0] % 2 == 1)
                pol = _base_polarity(aspect, subj[0].lemma_, subj[0].lemma_)
                out.append(Aspect(aspect, subj[0].lemma_, neg, _flip(pol) if neg else pol, _phrase(tok)))
                seen.add((tok.i, head.i))
            continue
        if head.lemma_ in _EXISTENCE and tok.lemma_ in NEGATIVE_WORDS | POSITIVE_WORDS:
            continue  # the evaluative noun itself (handled with its obl above)
        pred, neg_count = head, 0
        if head.lemma_ in ("ない", "無い") and head.pos_ in ("ADJ", "AUX"):
            # 「対応が良くない」: GiNZA heads the subject on ない, the adjective hangs off it
            adv = [c for c in head.children if c.dep_ == "advcl" and c.pos_ in ("ADJ", "VERB") and c.i < head.i
                   and c.i > tok.i]
            if not adv:
                continue
            pred, neg_count = adv[-1], 1
        if pred.pos_ not in ("ADJ", "VERB"):
            continue
        n, opinion = _scan_negation(doc, pred)
        neg_count = max(n, neg_count)  # the scan from the adjective also sees the heading ない
        negated = neg_count % 2 == 1
        if tok.dep_ == "obl" and opinion not in POSITIVE_WORDS | NEGATIVE_WORDS:
            continue
        if pred.pos_ == "VERB" and not negated and opinion == pred.lemma_ and \
                opinion not in POSITIVE_WORDS | NEGATIVE_WORDS | _HIGH | _LOW:
            continue  # a plain action (「課長に相談した」) is not an opinion
        if (tok.i, pred.i) in seen:
            continue
        seen.add((tok.i, pred.i))
        pol = _base_polarity(aspect, opinion, pred.lemma_)
        out.append(Aspect(aspect, opinion, negated, _flip(pol) if negated else pol, _phrase(tok)))
    return out


class AspectExtractor:
    """Extract aspect–opinion pairs with negation using GiNZA.

    GiNZA parses ~70 docs/s on one core, so this is opt-in. ``ja_ginza`` is
    loaded on first use with ``ner`` excluded.

    Parameters
    ----------
    batch_size : int, default 64
        ``nlp.pipe`` batch size.
    nlp : spacy.Language, optional
        An already loaded GiNZA pipeline (with a parser); default loads
        ``ja_ginza`` once per process.

    Examples
    --------
    >>> AspectExtractor().extract("給与が低い")  # doctest: +SKIP
    [Aspect(aspect='給与', opinion='低い', negated=False, polarity='negative', phrase='給与')]
    """

    def __init__(self, batch_size: int = 64, nlp: Any = None) -> None:
        self.batch_size = batch_size
        self.nlp = nlp
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise InputError(f"The 'batch_size' parameter of AspectExtractor must be an int >= 1. "
                             f"Got {batch_size!r} instead.")

    @cached_property
    def _nlp(self):
        if self.nlp is not None:
            return self.nlp
        from mvvtext.text._ginza import load_ginza

        return load_ginza(need_ner=False, need_parser=True)

    def __getstate__(self) -> dict:
        return {"batch_size": self.batch_size, "nlp": None}

    def extract(self, text: str) -> list[Aspect]:
        """Aspect–opinion pairs of one text."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: Iterable[str]) -> list[list[Aspect]]:
        """Aspect–opinion pairs for each text (same order; empty text → ``[]``)."""
        texts = list(texts)
        pieces, owner = [], []
        for i, t in enumerate(texts):
            if _is_missing(t) or not isinstance(t, str) or not t.strip():
                continue
            for p in split_long_text(t):  # Sudachi inside GiNZA has the same input limit
                pieces.append(p)
                owner.append(i)
        out: list[list[Aspect]] = [[] for _ in texts]
        for i, doc in zip(owner, self._nlp.pipe(pieces, batch_size=self.batch_size)):
            out[i].extend(_doc_aspects(doc))
        return out


def add_aspects(df, text: str = "text_masked", *, extractor: AspectExtractor | None = None):
    """Return a copy of ``df`` with an ``aspects`` column (list of dicts per row).

    Parameters
    ----------
    df : pandas.DataFrame
    text : str, default "text_masked"
        Column to parse (use the masked text so names never reach the output).
    extractor : AspectExtractor, optional
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame) or text not in df.columns:
        raise InputError(f"add_aspects needs a DataFrame with a {text!r} column.", column=text)
    ext = extractor if extractor is not None else AspectExtractor()
    rows = ext.extract_many(df[text].tolist())
    out = df.copy()
    out["aspects"] = pd.Series([[a.to_dict() for a in r] for r in rows], index=df.index, dtype=object)
    return out
