"""Sudachi analysis shared by the rule, sentiment and supervised parts (cached per text)."""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from functools import lru_cache

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

    def position_of_char(self, offset: int) -> int:
        """Index of the token that holds character ``offset``."""
        return max(bisect.bisect_right(self.begin, offset) - 1, 0)

    def words(self) -> list[str]:
        """Normalised forms without punctuation, plus the A-mode pieces of compounds."""
        out = [n for n, p in zip(self.norm, self.pos) if p not in _SKIP_POS]
        out.extend(s for _, s in self.sub)
        return out


def _sudachi():
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import dictionary, tokenizer

        tok = (dictionary.Dictionary().create(), tokenizer.Tokenizer.SplitMode)
        _local.tokenizer = tok
    return tok


@lru_cache(maxsize=100_000)
def analyse(text: str) -> Analysis:
    """Analyse an already-normalised text with Sudachi (split mode C, with A pieces)."""
    if not text:
        return Analysis("", (), (), (), (), (), frozenset())
    tok, modes = _sudachi()
    norm, dict_form, pos, begin, sub = [], [], [], [], []
    # Sudachi refuses inputs over ~49,000 bytes: analyse long texts in chunks
    step = 10_000
    for offset in range(0, len(text), step):
        for m in tok.tokenize(text[offset:offset + step], modes.C):
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


def term_forms(term: str) -> tuple[str, ...]:
    """Normalised forms of a codebook term (may be several tokens)."""
    return analyse(term).norm
