"""SudachiPy tokeniser (minimal first version; the text layer owner extends it)."""
from __future__ import annotations

from functools import cached_property

_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}


class Tokenizer:
    """Tokenise Japanese with SudachiPy.

    Parameters
    ----------
    split_mode : {'A', 'B', 'C'}
        Sudachi split mode.
    """

    def __init__(self, split_mode: str = "C") -> None:
        self.split_mode = split_mode

    @cached_property
    def _sudachi(self):
        from sudachipy import dictionary

        return dictionary.Dictionary().create()

    @cached_property
    def _mode(self):
        from sudachipy import tokenizer

        return getattr(tokenizer.Tokenizer.SplitMode, self.split_mode)

    def content_words(self, text: str) -> list[str]:
        """Normalised forms of the content words of ``text``."""
        out = []
        for m in self._sudachi.tokenize(text, self._mode):
            if m.part_of_speech()[0] in _CONTENT_POS:
                out.append(m.normalized_form())
        return out
