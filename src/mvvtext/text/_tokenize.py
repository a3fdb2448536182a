"""SudachiPy tokeniser with content-word filtering, stopwords and user dictionaries."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from os import PathLike
from typing import Any, Iterable, Iterator, Sequence

from mvvtext.exceptions import InputError, ModelNotFoundError
from mvvtext.text._normalize import normalize as _normalize

__all__ = ["Token", "Tokenizer", "DEFAULT_POS", "DEFAULT_STOPWORDS", "SUDACHI_MAX_BYTES", "split_long_text"]

#: SudachiPy refuses inputs longer than this many UTF-8 bytes.
SUDACHI_MAX_BYTES = 49149
_CHUNK_BYTES = 40000  # safety margin below the limit
_SAFE_CHARS = _CHUNK_BYTES // 4  # any text this short (in chars) fits in one chunk

DEFAULT_POS: tuple[str, ...] = ("名詞", "動詞", "形容詞", "形状詞", "副詞")

#: Survey filler and light words dropped from content words (matched on the
#: chosen form, i.e. Sudachi's normalised form by default).
DEFAULT_STOPWORDS: frozenset[str] = frozenset("""
特に 特 無し なし ありません ございません 思う 考える 感じる ある 居る いる 為る する 成る なる
出来る できる 言う いう 云う 見る 行く いく 来る くる 呉れる くれる 貰う もらう 頂く いただく 下さる くださる
有る 置く おく 仕舞う しまう 御座る 御座います 事 こと 物 もの 為 ため 様 よう 所 ところ 方 ほう 時 とき
訳 わけ 筈 はず 中 うち 際 上 等 など 他 ほか 是 これ 其れ それ 彼れ あれ 此処 ここ 其処 そこ 何 なに 何処 どこ 皆
全て すべて 色々 いろいろ 様々 さまざま 少し ちょっと 大変 とても 凄く すごく 本当 ほんとう 矢張り やはり 一寸
未だ まだ 既に もう 又 また 更に さらに 是非 ぜひ 今 現在 今後 以上 以下 御 お 感じ 気 自分 私 僕 俺 我々
""".split())
# Negation (ない) and evaluative words (良い) are kept: sentiment needs them.

_SPLIT_MODES = ("A", "B", "C")
# Sudachi word-info fields each content-word form needs (SudachiPy's partial dictionary loading).
_CONTENT_FIELDS = {"normalized": {"pos", "normalized_form"}, "dictionary": {"pos", "surface", "dictionary_form"},
                   "surface": {"pos", "surface"}}
_FORMS = ("normalized", "dictionary", "surface")
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")


def _param_error(name: str, allowed: Iterable[str], got: object) -> InputError:
    options = "{" + ", ".join(repr(a) for a in allowed) + "}"
    return InputError(f"The '{name}' parameter of Tokenizer must be one of {options}. Got {got!r} instead.")


@dataclass(frozen=True, slots=True)
class Token:
    """One Sudachi morpheme.

    Attributes
    ----------
    surface : str
        The text as written (「打合せ」).
    normalized : str
        Sudachi's normalised form (「打ち合わせ」); spelling variants share it.
    dictionary : str
        The dictionary (lemma) form of an inflected word (「安かった」→「安い」).
    pos : str
        Top-level part of speech (「名詞」).
    pos_detail : tuple of str
        The full six-level Sudachi part of speech.
    """

    surface: str
    normalized: str
    dictionary: str
    pos: str
    pos_detail: tuple[str, ...]


def split_long_text(text: str, max_bytes: int = _CHUNK_BYTES) -> list[str]:
    """Split ``text`` into pieces of at most ``max_bytes`` UTF-8 bytes.

    Cuts after sentence ends (。！？!? or a line break) where possible, else at a
    character boundary, so SudachiPy's input limit is never exceeded and no
    character is lost: ``"".join(split_long_text(t)) == t``.
    """
    if len(text) * 4 <= max_bytes or len(text.encode("utf-8")) <= max_bytes:
        return [text]
    pieces: list[str] = []
    buf: list[str] = []
    size = 0
    for sent in _SENTENCE_END.split(text):
        if not sent:
            continue
        n = len(sent.encode("utf-8"))
        if size + n > max_bytes and buf:
            pieces.append("".join(buf))
            buf, size = [], 0
        if n > max_bytes:  # one over-long sentence: cut at character boundaries
            start, acc = 0, 0
            for i, ch in enumerate(sent):
                b = len(ch.encode("utf-8"))
                if acc + b > max_bytes:
                    pieces.append(sent[start:i])
                    start, acc = i, 0
                acc += b
            buf, size = [sent[start:]], acc
        else:
            buf.append(sent)
            size += n
    if buf:
        pieces.append("".join(buf))
    return pieces


@lru_cache(maxsize=1)
def core_dictionary() -> Any:
    """SudachiPy's core system dictionary, loaded once per process.

    Masking, the classifier's analysis and every :class:`Tokenizer` without a
    user dictionary create their tokenizers from this one object, so
    part-of-speech ids mean the same in all of them and one analysis of a text
    can serve masking and classifying (see ``find_personal_data(morphemes=...)``).
    """
    from sudachipy import dictionary

    return dictionary.Dictionary(dict="core")


class Tokenizer:
    """Tokenise Japanese with SudachiPy and pick out content words.

    Parameters
    ----------
    split_mode : {'A', 'B', 'C'}, default 'C'
        Sudachi split mode: A is shortest units, C keeps compounds
        (「評価制度」) and named entities together.
    pos : sequence of str or tuple, default ("名詞", "動詞", "形容詞", "形状詞", "副詞")
        Parts of speech kept by :meth:`content_words`. A string matches the
        top level; a tuple matches a prefix of Sudachi's six levels
        (``("名詞", "固有名詞")``). Numerals (名詞-数詞) are never content words.
    stopwords : iterable of str, optional
        Words (in the chosen ``form``) dropped from content words. None uses
        :data:`DEFAULT_STOPWORDS`; pass ``()`` to keep everything.
    user_dict : path or sequence of paths, optional
        Compiled Sudachi user dictionaries (``sudachipy ubuild``, see
        :func:`build_user_dictionary`) with company terms.
    form : {'normalized', 'dictionary', 'surface'}, default 'normalized'
        Which form :meth:`content_words` returns.
    normalize : bool, default True
        Apply :func:`mvvtext.text.normalize` before tokenising.
    cache_size : int, default 10000
        Number of distinct texts whose content words are remembered (an LRU
        cache, survey answers repeat a lot); 0 disables it.

    Examples
    --------
    >>> Tokenizer().content_words("お給料が安くて打合せが多い")
    ['給料', '安い', '打ち合わせ', '多い']
    """

    def __init__(
        self,
        split_mode: str = "C",
        pos: Sequence[str | tuple[str, ...]] = DEFAULT_POS,
        stopwords: Iterable[str] | None = None,
        user_dict: str | PathLike | Sequence[str | PathLike] | None = None,
        *,
        form: str = "normalized",
        normalize: bool = True,
        cache_size: int = 10000,
    ) -> None:
        self.split_mode = split_mode
        self.pos = pos
        self.stopwords = stopwords
        self.user_dict = user_dict
        self.form = form
        self.normalize = normalize
        self.cache_size = cache_size
        self._validate()

    # -- configuration -------------------------------------------------
    def _validate(self) -> None:
        if self.split_mode not in _SPLIT_MODES:
            raise _param_error("split_mode", _SPLIT_MODES, self.split_mode)
        if self.form not in _FORMS:
            raise _param_error("form", _FORMS, self.form)
        if isinstance(self.pos, str) or not all(isinstance(p, (str, tuple)) for p in self.pos):
            raise InputError(
                "The 'pos' parameter of Tokenizer must be a sequence of part-of-speech strings "
                f"or tuples, e.g. ('名詞', '動詞'). Got {self.pos!r} instead."
            )
        if not isinstance(self.cache_size, int) or self.cache_size < 0:
            raise InputError(
                f"The 'cache_size' parameter of Tokenizer must be an int >= 0. Got {self.cache_size!r} instead."
            )

    def get_params(self, deep: bool = True) -> dict:
        """Constructor parameters (scikit-learn convention)."""
        return {k: getattr(self, k) for k in
                ("split_mode", "pos", "stopwords", "user_dict", "form", "normalize", "cache_size")}

    def __repr__(self) -> str:
        import inspect

        defaults = {k: p.default for k, p in inspect.signature(Tokenizer).parameters.items()}
        changed = {k: v for k, v in self.get_params().items() if v != defaults[k]}
        return "Tokenizer(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    # Sudachi objects are not picklable: rebuild them in each worker process.
    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    # -- lazily built Sudachi state ------------------------------------
    @cached_property
    def _dictionary(self):
        try:
            from sudachipy import Config, Dictionary
        except ImportError as e:  # pragma: no cover - core dependency
            raise ModelNotFoundError("Tokenising needs SudachiPy: pip install sudachipy sudachidict-core") from e
        user = self.user_dict
        if user is None:
            return core_dictionary()
        paths = [str(user)] if isinstance(user, (str, PathLike)) else [str(p) for p in user]
        try:
            return Dictionary(config=Config(user=paths))
        except Exception as e:  # SudachiError does not derive from a public base
            raise InputError(f"Could not load the Sudachi user dictionary {paths}: {e}", path=paths[0]) from e

    @cached_property
    def _sudachi(self):
        return self._dictionary.create(mode=self.split_mode)

    @cached_property
    def _stopset(self) -> frozenset[str]:
        return DEFAULT_STOPWORDS if self.stopwords is None else frozenset(self.stopwords)

    @cached_property
    def _keep_pos(self) -> list[bool]:
        """Whether each Sudachi POS id is a content word (indexed by id)."""
        rules = [(p,) if isinstance(p, str) else tuple(p) for p in self.pos]
        keep, pos_of, i = [], self._dictionary.pos_of, 0
        while (p := pos_of(i)) is not None:
            ok = any(p[: len(r)] == r for r in rules) and p[:2] != ("名詞", "数詞")
            keep.append(ok)
            i += 1
        return keep

    @cached_property
    def _cached_content(self):
        """``_content`` behind functools' C LRU (tuples, so a caller cannot change a cached entry)."""
        content = self._content

        @lru_cache(maxsize=self.cache_size)
        def words(text: str) -> tuple[str, ...]:
            return tuple(content(text))

        return words

    # -- public API ----------------------------------------------------
    def _pieces(self, text: object) -> list[str]:
        text = _normalize(text) if self.normalize else ("" if not isinstance(text, str) else text)
        if not text:
            return []
        return split_long_text(text)

    def tokenize(self, text: str) -> list[Token]:
        """All morphemes of ``text`` (whitespace dropped) as :class:`Token`.

        Parameters
        ----------
        text : str
            Any text; None/NaN give ``[]``, over-long texts are split safely.
        """
        out: list[Token] = []
        tok, pos_of = self._sudachi, self._dictionary.pos_of
        for piece in self._pieces(text):
            for m in tok.tokenize(piece):
                p = pos_of(m.part_of_speech_id())
                if p[0] == "空白":
                    continue
                out.append(Token(m.surface(), m.normalized_form(), m.dictionary_form(), p[0], p))
        return out

    @cached_property
    def _form_getter(self):
        from sudachipy import Morpheme

        return {"normalized": Morpheme.normalized_form, "dictionary": Morpheme.dictionary_form,
                "surface": Morpheme.surface}[self.form]

    @cached_property
    def _content_sudachi(self):
        """A Sudachi tokenizer that loads only the fields content words read, and one reused result list.

        Loading POS + the chosen form instead of every word-info field, and
        writing each result into the same ``MorphemeList`` (``out=``), save
        the per-call loading and allocation that a plain SudachiPy loop pays.
        """
        fields = _CONTENT_FIELDS[self.form]
        tok = self._dictionary.create(mode=self.split_mode, fields=fields)
        return tok, tok.tokenize("")

    def _content(self, text: str) -> list[str]:
        # Hot loop: unbound Morpheme methods and a POS-id table avoid per-token
        # attribute look-ups and POS tuple creation.
        from sudachipy import Morpheme

        sudachi, reused = self._content_sudachi
        keep, stop, tokenize = self._keep_pos, self._stopset, sudachi.tokenize
        form, pos_id = self._form_getter, Morpheme.part_of_speech_id
        out: list[str] = []
        append = out.append
        try:
            for piece in self._pieces(text):
                for m in tokenize(piece, out=reused):
                    if keep[pos_id(m)]:
                        w = form(m)
                        if w not in stop:
                            append(w)
        except IndexError:  # a POS id beyond the table (added by a user dictionary): rebuild it
            del self.__dict__["_keep_pos"]
            if len(self._keep_pos) == len(keep):
                raise
            return self._content(text)
        return out

    def content_words(self, text: str) -> list[str]:
        """Content words of ``text`` in the chosen form, stopwords removed.

        Parameters
        ----------
        text : str
            Any text; None/NaN/empty give ``[]``.

        Returns
        -------
        list of str
        """
        if not self.cache_size or type(text) is not str:
            return self._content(text)
        return list(self._cached_content(text))

    __call__ = content_words  # usable as TfidfVectorizer(tokenizer=Tokenizer(), lowercase=False)

    def iter_content_words(self, texts: Iterable[str]) -> Iterator[list[str]]:
        """Content words for each text, lazily."""
        for t in texts:
            yield self.content_words(t)

