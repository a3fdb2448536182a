"""Batch processing of many texts: normalise, mask, tokenise (optionally in parallel, cached)."""
from __future__ import annotations

import json
import logging
import numbers
import re
from collections import deque
from dataclasses import dataclass
from itertools import islice
from typing import Any, Iterable, Iterator, NamedTuple

from mvvtext._version import __version__
from mvvtext.exceptions import InputError
from mvvtext.text._cache import as_cache, cache_key
from mvvtext.text._mask import DEFAULT_EMPLOYEE_ID_PATTERN, PLACEHOLDERS, mask_personal_data
from mvvtext.text._normalize import _is_missing, normalize
from mvvtext.text._tokenize import Tokenizer

__all__ = ["ProcessedText", "iter_process", "process_frame"]

logger = logging.getLogger(__name__)

_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


class ProcessedText(NamedTuple):
    """Result for one text: the masked normalised text and its content words."""

    text_masked: str
    tokens: list[str]


def _code_hash() -> str:
    """Hash of the normalising/masking code, so a changed install never serves stale masked text."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("_normalize.py", "_mask.py", "_tokenize.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


_MASK_CODE_HASH = _code_hash()


@dataclass(frozen=True)
class _Settings:
    mask: bool
    tokenize: bool
    names: bool
    employee_id_pattern: str | None
    tokenizer_params: dict

    def fingerprint(self) -> str:
        d = {"v": __version__, "code": _MASK_CODE_HASH, "mask": self.mask, "tokenize": self.tokenize, "names": self.names,
             "emp": self.employee_id_pattern, "tok": self.tokenizer_params}
        return json.dumps(d, sort_keys=True, ensure_ascii=False, default=str)


class _Processor:
    """Does the per-text work; one per process (Sudachi objects are not shared)."""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        params = dict(settings.tokenizer_params)
        params["normalize"] = False  # the text is normalised once, here
        # Repeats are served per chunk by many() (and across runs by the TextCache): the
        # tokeniser's own LRU would only add a lookup and an insert for every unique text.
        params["cache_size"] = 0
        self.tokenizer = Tokenizer(**params)

    def one(self, text: Any) -> tuple[str, list[str]]:
        s = self.settings
        norm = normalize(text)
        if s.mask:
            norm = mask_personal_data(norm, names=s.names, employee_id_pattern=s.employee_id_pattern,
                                      normalize=False)
        if not s.tokenize or not norm:
            return norm, []
        # placeholders are not words: never let 〈氏名〉 become the token 氏名
        plain = _PLACEHOLDER_RE.sub(" ", norm) if "〈" in norm else norm
        return norm, self.tokenizer.content_words(plain)

    def many(self, texts: list) -> list[tuple[str, list[str]]]:
        """Results in order; a text repeated in the chunk (「特になし」) is processed once."""
        out: list[tuple[str, list[str]]] = []
        seen: dict[str, tuple[str, list[str]]] = {}
        one, append = self.one, out.append
        for t in texts:
            if type(t) is not str:
                append(one(t))
                continue
            done = seen.get(t)
            if done is None:
                done = seen[t] = one(t)
                append(done)
            else:  # a copy: rows must not share a mutable token list
                append((done[0], list(done[1])))
        return out


_WORKER: _Processor | None = None


def _init_worker(settings: _Settings) -> None:
    global _WORKER
    _WORKER = _Processor(settings)


# Results cross the process boundary as two strings per chunk, not 2 x N objects: one
# pickled string is a memory copy, and str.split rebuilds the lists in C. normalize()
# removes every C0 control character, so these separators never occur in the text.
_TEXT_SEP, _TOKEN_SEP = "\x1e", "\x1f"


def _work(texts: list) -> tuple[str, str]:
    done = _WORKER.many(texts)  # type: ignore[union-attr]
    return (_TEXT_SEP.join(m for m, _ in done), _TEXT_SEP.join(_TOKEN_SEP.join(t) for _, t in done))


def _unpack(packed: tuple[str, str], n: int) -> list[tuple[str, list[str]]]:
    if n == 0:
        return []
    masked = packed[0].split(_TEXT_SEP)
    tokens = [t.split(_TOKEN_SEP) if t else [] for t in packed[1].split(_TEXT_SEP)]
    if len(masked) != n or len(tokens) != n:  # pragma: no cover - guarded by normalize()
        raise RuntimeError(f"a worker returned {len(masked)} results for {n} texts")
    return list(zip(masked, tokens))


def _settings(mask, tokenize, names, employee_id_pattern, tokenizer) -> _Settings:
    if tokenizer is None:
        tokenizer = Tokenizer()
    if not isinstance(tokenizer, Tokenizer):
        raise InputError(f"The 'tokenizer' parameter must be a mvvtext Tokenizer. Got {type(tokenizer).__name__}.")
    return _Settings(bool(mask), bool(tokenize), bool(names), employee_id_pattern, tokenizer.get_params())


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InputError(f"The '{name}' parameter must be an int >= {low}. Got {value!r} instead.")
    return value


def _chunks(it: Iterable, size: int) -> Iterator[list]:
    it = iter(it)
    while chunk := list(islice(it, size)):
        yield chunk


def _run_chunks(chunks: Iterator[list], settings: _Settings, n_jobs: int) -> Iterator[list]:
    """Process chunks in order; with n_jobs > 1 keep at most 2 * n_jobs chunks in flight."""
    if n_jobs == 1:
        proc = _Processor(settings)
        for c in chunks:
            yield proc.many(c) if c else []
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(settings,)) as ex:
        pending: deque = deque()
        for c in chunks:
            # None: a chunk fully served by the cache
            pending.append((ex.submit(_work, c), len(c)) if c else None)
            if len(pending) >= 2 * n_jobs:
                f = pending.popleft()
                yield _unpack(f[0].result(), f[1]) if f is not None else []
        while pending:
            f = pending.popleft()
            yield _unpack(f[0].result(), f[1]) if f is not None else []


def resolve_n_jobs(n_jobs: Any) -> int:
    """Worker processes for ``n_jobs``, in joblib's convention.

    None means 1; a negative value counts from the number of cores
    (-1: all, -2: all but one), never below 1; 0, floats, strings and bools
    are refused with an :class:`~mvvtext.exceptions.InputError` (a ValueError).
    """
    import os

    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise InputError(
            f"The 'n_jobs' parameter must be a non-zero int or None (-1: all cores). Got {n_jobs!r} instead."
        )
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + int(n_jobs))
    return int(n_jobs)


def iter_process(
    texts: Iterable[Any],
    *,
    mask: bool = True,
    tokenize: bool = True,
    names: bool = True,
    employee_id_pattern: str | None = DEFAULT_EMPLOYEE_ID_PATTERN,
    tokenizer: Tokenizer | None = None,
    n_jobs: int = 1,
    cache: Any = None,
    chunksize: int = 2000,
) -> Iterator[ProcessedText]:
    """Normalise, mask and tokenise a stream of texts, one result per text, in order.

    Texts are read and processed ``chunksize`` at a time, so a stream of
    millions of texts never sits in memory at once (with ``n_jobs > 1`` at
    most ``2 * n_jobs`` chunks are in flight).

    Parameters
    ----------
    texts : iterable
        Strings; None/NaN are treated as ``""``.
    mask : bool, default True
        Replace personal data (see :func:`mask_personal_data`).
    tokenize : bool, default True
        Compute content words (``tokens``); False gives empty lists.
    names, employee_id_pattern
        Passed to :func:`mask_personal_data`.
    tokenizer : Tokenizer, optional
        Its parameters configure the tokeniser each worker builds.
    n_jobs : int, default 1
        Worker processes (-1: all cores, -2: all but one; see
        :func:`resolve_n_jobs`). Each builds its own Sudachi tokenizer.
    cache : None, True, dict, TextCache or directory path
        Reuse earlier results, keyed by sha256 of settings + text.
    chunksize : int, default 2000
        Texts per chunk.

    Yields
    ------
    ProcessedText
        ``(text_masked, tokens)``.
    """
    settings = _settings(mask, tokenize, names, employee_id_pattern, tokenizer)
    chunksize = _check_int("chunksize", chunksize, 1)
    n_jobs = resolve_n_jobs(n_jobs)
    store = as_cache(cache)
    if store is None:
        for out in _run_chunks(_chunks(texts, chunksize), settings, n_jobs):
            for masked, toks in out:
                yield ProcessedText(masked, toks)
        return

    fp = settings.fingerprint()
    # Only cache misses go to the workers; the chunk's own bookkeeping rides along.
    todo: deque = deque()

    def misses() -> Iterator[list]:
        for chunk in _chunks(texts, chunksize):
            keys = [cache_key("" if _is_missing(t) else str(t), fp) for t in chunk]
            found = store.get_many(keys)
            todo.append((keys, found))
            yield [t for t, k in zip(chunk, keys) if k not in found]

    for computed in _run_chunks(misses(), settings, n_jobs):
        keys, found = todo.popleft()
        it = iter(computed)
        new = {}
        for k in keys:
            if k in found:
                v = found[k]
            elif k in new:  # a repeat inside the chunk was sent twice; both results are equal
                next(it)
                v = new[k]
            else:
                masked, toks = next(it)
                v = new[k] = {"m": masked, "t": toks}
            yield ProcessedText(v["m"], list(v["t"]))
        store.set_many(new)


def process_frame(
    df,
    text: str = "text",
    *,
    mask: bool = True,
    tokenize: bool = True,
    aspects: bool = False,
    names: bool = True,
    employee_id_pattern: str | None = DEFAULT_EMPLOYEE_ID_PATTERN,
    tokenizer: Tokenizer | None = None,
    aspect_extractor: Any = None,
    n_jobs: int = 1,
    cache: Any = None,
    verbose: bool = True,
    chunksize: int = 2000,
):
    """Add ``text_masked``, ``tokens`` (and optionally ``aspects``) to a frame.

    Parameters
    ----------
    df : pandas.DataFrame
        Input; it is not modified.
    text : str, default "text"
        The text column (strings; NaN/None allowed).
    mask, tokenize, names, employee_id_pattern, tokenizer, n_jobs, cache, chunksize
        See :func:`iter_process`.
    aspects : bool, default False
        Also run GiNZA (slow, opt-in) and add an ``aspects`` column of
        aspect–opinion dicts (see :class:`AspectExtractor`), computed on the
        masked text.
    aspect_extractor : AspectExtractor, optional
        The extractor to use when ``aspects`` is True.
    verbose : bool, default True
        Show a tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        A new frame, same index and rows, all input columns plus
        ``text_masked`` (str) and ``tokens`` (list of str).

    Raises
    ------
    InputError
        When ``df`` is not a DataFrame, the column is missing or not text.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputError(f"process_frame expects a pandas DataFrame, got {type(df).__name__}.")
    if text not in df.columns:
        raise InputError(f"The text column {text!r} is not in the frame (columns: {list(df.columns)}).",
                         column=text)
    col = df[text]
    if isinstance(col, pd.DataFrame):
        raise InputError(f"The column name {text!r} is not unique.", column=text)
    values = col.tolist()
    bad = [i for i, v in zip(df.index, values) if not (isinstance(v, str) or _is_missing(v))]
    if bad:
        raise InputError(
            f"The column {text!r} must hold text; {len(bad)} row(s) hold other values "
            f"(first: {values[list(df.index).index(bad[0])]!r}). Convert them with .astype(str) if intended.",
            column=text, rows=bad[:100],
        )
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(values), desc="mvvtext text", unit="text")
    masked, tokens = [], []
    for r in iter_process(values, mask=mask, tokenize=tokenize, names=names,
                          employee_id_pattern=employee_id_pattern, tokenizer=tokenizer,
                          n_jobs=n_jobs, cache=cache, chunksize=chunksize):
        masked.append(r.text_masked)
        tokens.append(r.tokens)
        if bar is not None and len(masked) % 500 == 0:
            bar.update(500)
    if bar is not None:
        bar.update(len(masked) - bar.n)
        bar.close()
    out = df.copy()
    out["text_masked"] = pd.Series(masked, index=df.index, dtype=object)
    out["tokens"] = pd.Series(tokens, index=df.index, dtype=object)
    if aspects:
        from mvvtext.text._aspects import AspectExtractor

        ext = aspect_extractor if aspect_extractor is not None else AspectExtractor()
        out["aspects"] = pd.Series(
            [[a.to_dict() for a in row] for row in ext.extract_many(masked)], index=df.index, dtype=object
        )
    return out
