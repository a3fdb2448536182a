"""Sudachi analysis shared by the rule, sentiment and supervised parts (cached per text)."""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from functools import cached_property

from mvvtext.text._mask import core_dictionary, find_personal_data, mask_personal_data, replace_spans

_SKIP_POS = {"補助記号", "空白"}
_local = threading.local()


@dataclass(frozen=True)
class Analysis:
    """Tokens of one normalised text.

    ``norm`` holds the split-mode-C normalised forms, ``dict_form`` their
    dictionary forms, ``pos`` the first part-of-speech level and ``begin`` the
    character offsets. ``sub`` lists (C position, normalised form) of split-mode-A
    pieces of compound words, so that ``給与`` also matches inside ``給与明細``.
    """

    text: str
    norm: tuple[str, ...]
    dict_form: tuple[str, ...]
    pos: tuple[str, ...]
    begin: tuple[int, ...]
    sub: tuple[tuple[int, str], ...]
    forms: frozenset = frozenset()

    @cached_property
    def bigrams(self) -> frozenset:
        """The text's character pairs (computed on first use; the rule index looks substrings up by them)."""
        return char_pairs(self.text)

    def position_of_char(self, offset: int) -> int:
        """Index of the token that holds character ``offset``."""
        return max(bisect.bisect_right(self.begin, offset) - 1, 0)

    def words(self) -> list[str]:
        """Normalised forms without punctuation, plus the A-mode pieces of compounds."""
        out = [n for n, p in zip(self.norm, self.pos) if p not in _SKIP_POS]
        out.extend(s for _, s in self.sub)
        return out


def char_pairs(text: str) -> frozenset:
    """The set of two-character substrings of ``text``."""
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _sudachi():
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import tokenizer

        tok = (core_dictionary().create(), tokenizer.Tokenizer.SplitMode)
        _local.tokenizer = tok
    return tok


_EMPTY = Analysis("", (), (), (), (), (), frozenset())
_CACHE: dict[str, Analysis] = {}
# An analysis with its character pairs takes ~16 KB (measured on the benchmark texts), so the
# cache holds 20,000 (~320 MB at most); it only has to span a batch and a fit, where the rules,
# TF-IDF, lexicon and risks all ask for the same texts.
_CACHE_SIZE = 20_000
_STEP = 10_000  # Sudachi refuses inputs over ~49,000 bytes: long texts are analysed in chunks


def _remember(text: str, analysis: Analysis) -> Analysis:
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[text] = analysis
    return analysis


def _build(text: str, chunks) -> Analysis:
    """An Analysis from ``(offset, MorphemeList)`` pairs that cover ``text``."""
    modes = _sudachi()[1]
    norm, dict_form, pos, begin, sub = [], [], [], [], []
    for offset, morphemes in chunks:
        for m in morphemes:
            i = len(norm)
            surface = m.surface()
            norm.append(m.normalized_form())
            dict_form.append(m.dictionary_form())
            pos.append(m.part_of_speech()[0])
            begin.append(offset + m.begin())
            if len(surface) >= 3 and pos[-1] == "名詞":
                pieces = m.split(modes.A)
                if len(pieces) > 1:
                    sub.extend((i, p.normalized_form()) for p in pieces)
    forms = frozenset({*norm, *dict_form, *(piece for _, piece in sub)})
    return Analysis(text, tuple(norm), tuple(dict_form), tuple(pos), tuple(begin), tuple(sub), forms)


def cached_analysis(text: str) -> Analysis | None:
    """The memoised analysis of ``text``, or None when it has not been analysed (no Sudachi call)."""
    return _CACHE.get(text)


def analyse(text: str) -> Analysis:
    """Analyse an already-normalised text with Sudachi (split mode C, with A pieces); memoised per text."""
    found = _CACHE.get(text)
    if found is not None:
        return found
    if not text:
        return _EMPTY
    tok, modes = _sudachi()
    chunks = [(o, tok.tokenize(text[o:o + _STEP], modes.C)) for o in range(0, len(text), _STEP)]
    return _remember(text, _build(text, chunks))


def mask_and_analyse(text: str) -> str:
    """Mask personal data in a normalised text, analysing it with Sudachi once for both.

    Returns what ``mask_personal_data(text, normalize=False)`` returns. Masking
    needs a Sudachi pass for names without an honorific, and the classifier
    analyses the text it classifies: when nothing is masked (most texts) that
    is the same text, so the one analysis is kept for :func:`analyse`.
    """
    if not text or len(text) > _STEP:
        return mask_personal_data(text, normalize=False)
    cached = _CACHE.get(text)
    if cached is not None:  # analysed before: masking takes its own (cheaper) pass
        return replace_spans(text, find_personal_data(text))
    tok, modes = _sudachi()
    morphemes = tok.tokenize(text, modes.C)
    spans = find_personal_data(text, morphemes=morphemes)
    if not spans:
        _remember(text, _build(text, [(0, morphemes)]))
        return text
    return replace_spans(text, spans)


def term_forms(term: str) -> tuple[str, ...]:
    """Normalised forms of a codebook term (may be several tokens)."""
    return analyse(term).norm
