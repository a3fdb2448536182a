"""Profile-driven sentiment lexicon (with negation and survey filler) and risk patterns."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mvvtext.classify._profile import Profile
from mvvtext.classify._tokens import analyse

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_FILLER_STRIP = re.compile(r"[\s。、．，.,!！?？ー〜~・…\-]+")
NEGATION_WINDOW = 3


def sentences(text: str) -> list[str]:
    """Split a normalised text into sentences (。！？ and line breaks)."""
    return [s for s in _SENTENCE.findall(text) if s.strip()] or ([text] if text else [])


@dataclass(frozen=True)
class LexiconScore:
    """Lexicon evidence for one text."""

    score: float          # in [-2, 2]
    positive: int         # positive hits (after negation)
    negative: int         # negative hits (after negation)
    negated: int          # hits whose polarity a negator flipped
    filler: bool          # the whole answer means "nothing to say"
    words: tuple[str, ...]


class SentimentLexicon:
    """Score sentiment from the profile's ``sentiment`` section.

    A lexicon word followed within three tokens by a negator flips polarity at
    half strength (「不満はない」 leans slightly positive, 「良くない」 negative).
    A text that is only a filler answer (「特になし」) scores 0.
    """

    def __init__(self, profile: Profile) -> None:
        lex = profile.sentiment
        self.profile = profile
        self._filler = {_FILLER_STRIP.sub("", f) for f in lex.filler}
        self._negators = self._forms(lex.negators)

    @staticmethod
    def _forms(words) -> set[str]:
        out = set()
        for w in words:
            a = analyse(w)
            if len(a.norm) == 1:
                out.update({a.norm[0], a.dict_form[0]})
            out.add(w)
        return out

    @cached_property
    def _polar(self) -> tuple[dict[str, int], list[tuple[str, int]]]:
        single, phrases = {}, []
        for words, sign in ((self.profile.sentiment.positive, 1), (self.profile.sentiment.negative, -1)):
            for w in words:
                a = analyse(w)
                if len(a.norm) == 1:
                    single[a.norm[0]] = sign
                    single[a.dict_form[0]] = sign
                else:
                    phrases.append((w, sign))
        return single, phrases

    @cached_property
    def _phrase_index(self) -> tuple[dict[str, list[int]], list[int]]:
        """Phrase positions by their first two characters (and those shorter than two), for a cheap screen."""
        by_pair: dict[str, list[int]] = {}
        short = []
        for k, (phrase, _) in enumerate(self._polar[1]):
            if len(phrase) >= 2:
                by_pair.setdefault(phrase[:2], []).append(k)
            else:
                short.append(k)
        return by_pair, short

    def is_filler(self, text: str) -> bool:
        core = _FILLER_STRIP.sub("", text or "")
        return not core or core in self._filler

    def score(self, text: str) -> LexiconScore:
        """Lexicon sentiment of one normalised text (memoised: the head and the decisions both ask)."""
        memo = self.__dict__.setdefault("_memo", {})
        found = memo.get(text)
        if found is None:
            if len(memo) > 20_000:
                memo.clear()
            found = memo[text] = self._score(text)
        return found

    def _score(self, text: str) -> LexiconScore:
        if self.is_filler(text):
            return LexiconScore(0.0, 0, 0, 0, True, ())
        doc = analyse(text)
        single, phrases = self._polar
        hits: list[tuple[int, int, str]] = []  # (token position, sign, word)
        for i, (n, d) in enumerate(zip(doc.norm, doc.dict_form)):
            sign = single.get(n) or single.get(d)
            if sign:
                hits.append((i, sign, n))
        by_pair, short = self._phrase_index
        present = sorted([*short, *(k for pair in by_pair.keys() & doc.bigrams for k in by_pair[pair])])
        for phrase, sign in (phrases[k] for k in present):  # in lexicon order, only phrases whose start occurs
            start = text.find(phrase)
            while start >= 0:
                hits.append((doc.position_of_char(start + len(phrase) - 1), sign, phrase))
                start = text.find(phrase, start + 1)
        total, pos, neg, negated, words = 0.0, 0, 0, 0, []
        for i, sign, word in hits:
            window = doc.norm[i + 1:i + 1 + NEGATION_WINDOW] + doc.dict_form[i + 1:i + 1 + NEGATION_WINDOW]
            if any(w in self._negators for w in window):
                sign, strength = -sign, 0.5
                negated += 1
            else:
                strength = 1.0
            total += sign * strength
            pos += sign > 0
            neg += sign < 0
            words.append(word)
        return LexiconScore(float(2.0 * np.tanh(total / 2.0)), pos, neg, negated, False, tuple(words))

    def features(self, texts) -> np.ndarray:
        """(n, 4) features: lexicon score, positive hits, negative hits, filler flag."""
        rows = []
        for t in texts:
            s = self.score(t)
            rows.append((s.score / 2.0, min(s.positive, 3) / 3.0, min(s.negative, 3) / 3.0, float(s.filler)))
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), 4)


try:  # the regular-expression parser, to tell which patterns are local (3.11+: re._parser)
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_ASSERTIONS = {"AT", "ASSERT", "ASSERT_NOT", "GROUPREF_EXISTS"}


def _is_local(pattern: str) -> bool:
    """True when ``pattern`` has no anchor, look-around or conditional.

    Such a pattern matches a sentence only if it matches any text that
    contains the sentence, so one search of the whole text can rule it out for
    every sentence at once.
    """
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply not screened
        return False
    stack: list = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, _sre_parse.SubPattern):
            for op, av in item:
                if str(op) in _ASSERTIONS:
                    return False
                stack.append(av)
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
    return True


class RiskPatterns:
    """The profile's risk regexes: a pattern flags a sentence unless an ``exclude`` matches that sentence."""

    def __init__(self, profile: Profile) -> None:
        self.codes = list(profile.risks)
        self._compiled = {
            code: ([re.compile(p) for p in r.patterns], [re.compile(p) for p in r.exclude])
            for code, r in profile.risks.items()
        }
        # Patterns without anchors or look-arounds are first searched in the whole text: the
        # (rare) texts they occur in are the only ones whose sentences need that pattern.
        self._local = {code: [_is_local(p) for p in r.patterns] for code, r in profile.risks.items()}

    def match(self, text: str) -> dict[str, str]:
        """risk code -> the matched snippet, for one normalised text.

        For each code the snippet comes from the first sentence with a match
        (the first matching pattern there); codes are listed in the order of
        those sentences, then in profile order.
        """
        found: dict[str, tuple[int, int, str]] = {}
        sents: list[str] | None = None
        for order, (code, (patterns, excludes)) in enumerate(self._compiled.items()):
            live = [p for p, local in zip(patterns, self._local[code]) if not local or p.search(text)]
            if not live:
                continue
            if sents is None:
                sents = sentences(text)
            for i, sentence in enumerate(sents):
                for p in live:
                    m = p.search(sentence)
                    if m and not any(x.search(sentence) for x in excludes):
                        found[code] = (i, order, m.group(0))
                        break
                if code in found:
                    break
        return {code: hit[2] for code, hit in sorted(found.items(), key=lambda kv: kv[1][:2])}
