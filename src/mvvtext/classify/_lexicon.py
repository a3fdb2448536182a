"""Profile-driven sentiment lexicon (with negation and survey filler) and risk patterns."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mvvtext.classify._profile import Profile
from mvvtext.classify._tokens import analyse, cached_analysis, char_pairs

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_FILLER_STRIP = re.compile(r"[\s。、．，.,!！?？ー〜~・…\-]+")
_KATAKANA_TO_HIRAGANA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}
_FILLER_SPELLINGS = (("特に", "とくに"), ("特段", "とくだん"), ("無し", "なし"), ("無い", "ない"), ("ナシ", "なし"),
                     ("ございません", "ありません"), ("です", ""))


def _filler_key(text: str) -> str:
    """The form filler answers are compared in: 「特にナシ」「とくになし」「ﾄｸﾆﾅｼ」 are one answer."""
    core = _FILLER_STRIP.sub("", text or "")
    for spelling, canonical in _FILLER_SPELLINGS:
        core = core.replace(spelling, canonical)
    return core.translate(_KATAKANA_TO_HIRAGANA)
NEGATION_WINDOW = 3
# Tokens a negation reaches across without using up the window: topic/additive
# particles, the copula and polite auxiliaries, the existential ある and the
# nominaliser こと (「不満はありません」 = 不満 は 有る ます ず; 「困っていることはない」).
_TRANSPARENT = frozenset({"は", "も", "有る", "ある", "ます", "です", "こと", "事", "て", "居る", "いる", "た"})
_CLAUSE_END = frozenset({"。", "、", "！", "？", "!", "?", ",", "，"})


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

    A lexicon word followed within three tokens of its clause by a negator flips
    polarity at half strength (「不満はない」 leans slightly positive, 「良くない」
    negative); particles such as は/も, polite auxiliaries, ある and こと do not
    count towards the three (「不満はありません」, 「困っていることはない」).
    A text that is only a filler answer (「特になし」) scores 0.
    """

    def __init__(self, profile: Profile) -> None:
        lex = profile.sentiment
        self.profile = profile
        self._filler = {_filler_key(f) for f in lex.filler}
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
    def _phrase_index(self) -> tuple[dict[str, list[int]], list[int], frozenset]:
        """Phrase positions by their first two characters (and those shorter than two), for a cheap screen."""
        by_pair: dict[str, list[int]] = {}
        short = []
        for k, (phrase, _) in enumerate(self._polar[1]):
            if len(phrase) >= 2:
                by_pair.setdefault(phrase[:2], []).append(k)
            else:
                short.append(k)
        return by_pair, short, frozenset(by_pair)

    def is_filler(self, text: str) -> bool:
        core = _filler_key(text)
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
        by_pair, short, pairs = self._phrase_index
        present = sorted([*short, *(k for pair in doc.bigrams & pairs for k in by_pair[pair])])
        for phrase, sign in (phrases[k] for k in present):  # in lexicon order, only phrases whose start occurs
            start = text.find(phrase)
            while start >= 0:
                hits.append((doc.position_of_char(start + len(phrase) - 1), sign, phrase))
                start = text.find(phrase, start + 1)
        total, pos, neg, negated, words = 0.0, 0, 0, 0, []
        for i, sign, word in hits:
            if self._negated(doc, i):
                sign, strength = -sign, 0.5
                negated += 1
            else:
                strength = 1.0
            total += sign * strength
            pos += sign > 0
            neg += sign < 0
            words.append(word)
        return LexiconScore(float(2.0 * np.tanh(total / 2.0)), pos, neg, negated, False, tuple(words))

    def _negated(self, doc, i: int) -> bool:
        """A negator within NEGATION_WINDOW tokens after token ``i`` in its clause (transparent tokens free)."""
        counted = 0
        for n, d in zip(doc.norm[i + 1:i + 13], doc.dict_form[i + 1:i + 13]):
            if n in self._negators or d in self._negators:
                return True
            if n in _CLAUSE_END:
                return False
            if n not in _TRANSPARENT and d not in _TRANSPARENT:
                counted += 1
                if counted >= NEGATION_WINDOW:
                    return False
        return False

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


_MAX_LITERALS = 32


def _pairs(text: str) -> frozenset:
    """The character pairs of a text (the classifier's analysis has them already for the texts it classifies)."""
    known = cached_analysis(text)
    return known.bigrams if known is not None else char_pairs(text)


def _exact(items) -> set[str] | None:
    """The strings a parsed pattern sequence matches, when it matches only a few fixed strings; else None."""
    out = {""}
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            options = {chr(av)}
        elif name == "IN" and all(str(o) == "LITERAL" for o, _ in av):
            options = {chr(a) for _, a in av}
        elif name == "SUBPATTERN" and not av[1] and not av[2]:
            options = _exact(av[3])
        elif name == "BRANCH":
            parts = [_exact(b) for b in av[1]]
            options = None if any(x is None for x in parts) else set().union(*parts)
        else:
            options = None
        if options is None or len(out) * len(options) > _MAX_LITERALS:
            return None
        out = {a + b for a in out for b in options}
    return out


def _required(items) -> set[str] | None:
    """Strings one of which every match of a parsed pattern sequence contains (None: no such set found).

    Runs of consecutive fixed elements give candidate sets (「(辞|や)め」 gives
    {辞め, やめ}); groups, branches and repeats of at least one are looked
    into; the candidate whose shortest string is longest is kept.
    """
    candidates, run = [], {""}

    def close() -> None:
        nonlocal run
        if run != {""}:
            candidates.append(run)
        run = {""}

    for item in items:
        fixed = _exact([item])
        if fixed is not None and len(run) * len(fixed) <= _MAX_LITERALS:
            run = {a + b for a in run for b in fixed}
            continue
        close()
        if fixed is not None:
            run = fixed
            continue
        op, av = item
        name = str(op)
        inner = None
        if name == "SUBPATTERN" and not av[1] and not av[2]:
            inner = _required(av[3])
        elif name == "BRANCH":
            parts = [_required(b) for b in av[1]]
            inner = None if any(x is None for x in parts) else set().union(*parts)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            inner = _required(av[2])
        if inner:
            candidates.append(inner)
    close()
    candidates = [c for c in candidates if c and "" not in c and len(c) <= _MAX_LITERALS]
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c))) if candidates else None


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Fixed strings one of which occurs in every match of ``pattern`` (None when none are known).

    A text that contains none of them cannot match, which a substring test
    decides far faster than the regular expression. Case-insensitive patterns
    get None.
    """
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply not screened
        return None
    if tree.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    found = _required(tree.data)
    return tuple(sorted(found)) if found else None


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
        # Before that, a pattern one of whose fixed strings every match holds (「眠れ(ない|なく)」: 眠れない,
        # 眠れなく) is only tried when the text has the first two characters of one of them: one set
        # intersection with the text's character pairs picks those patterns out of all of them.
        self._by_pair: dict[str, list[tuple[str, int]]] = {}
        self._always: dict[str, list[int]] = {}
        for code, r in profile.risks.items():
            for k, pattern in enumerate(r.patterns):
                literals = required_literals(pattern)
                if literals is None or min(map(len, literals)) < 2:
                    self._always.setdefault(code, []).append(k)
                    continue
                for pair in {q[:2] for q in literals}:
                    self._by_pair.setdefault(pair, []).append((code, k))
        self._pair_keys = frozenset(self._by_pair)

    def match(self, text: str) -> dict[str, str]:
        """risk code -> the matched snippet, for one normalised text.

        For each code the snippet comes from the first sentence with a match
        (the first matching pattern there); codes are listed in the order of
        those sentences, then in profile order.
        """
        return self.match_and_excluded(text)[0]

    def match_and_excluded(self, text: str) -> tuple[dict[str, str], dict[str, str]]:
        """(:meth:`match`, code -> a snippet that matched but an exclude cancelled).

        The second mapping holds only codes with no match left: the text uses a
        risk word in a sense the profile says is not the risk (「限界値」,
        「辞めたいと思ったことは一度もない」).
        """
        found: dict[str, tuple[int, int, str]] = {}
        cancelled: dict[str, str] = {}
        sents: list[str] | None = None
        candidates = {code: list(ks) for code, ks in self._always.items()}
        for pair in _pairs(text) & self._pair_keys:
            for code, k in self._by_pair[pair]:
                candidates.setdefault(code, []).append(k)
        for order, (code, (patterns, excludes)) in enumerate(self._compiled.items()):
            if code not in candidates:
                continue
            local = self._local[code]
            live = [patterns[k] for k in sorted(set(candidates[code])) if not local[k] or patterns[k].search(text)]
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
                    if m:
                        cancelled.setdefault(code, m.group(0))
                if code in found:
                    break
        hits = {code: hit[2] for code, hit in sorted(found.items(), key=lambda kv: kv[1][:2])}
        return hits, {code: snippet for code, snippet in cancelled.items() if code not in hits}

    def excluded_throughout(self, text: str, code: str) -> str | None:
        """The first ``exclude`` snippet of ``code`` when every sentence of ``text`` matches one, else None.

        For a text no pattern of ``code`` matched but the model flagged: where the
        profile says each sentence uses the risk's words in another sense
        (「睡眠不足にならないよう気をつけています」), the model's score is lowered as
        for a cancelled match. One sentence outside the excludes keeps the score.
        """
        excludes = self._compiled.get(code, ((), ()))[1]
        if not excludes:
            return None
        first = None
        for sentence in sentences(text):
            m = next((m for m in (x.search(sentence) for x in excludes) if m), None)
            if m is None:
                return None
            first = first or m.group(0)
        return first
