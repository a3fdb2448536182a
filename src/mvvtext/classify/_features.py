"""Text features for the supervised heads: Sudachi word TF-IDF, char TF-IDF, embeddings, rule hits."""
from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from mvvtext.classify._tokens import analyse
from mvvtext.exceptions import NotFittedError


def sudachi_words(text: str) -> list[str]:
    """Analyzer for TfidfVectorizer: normalised words plus word bigrams (text is already normalised)."""
    doc = analyse(text)
    words = [n for n, p in zip(doc.norm, doc.pos) if p not in ("空白",)]
    out = list(words)
    out.extend(f"{a} {b}" for a, b in zip(words, words[1:]))
    out.extend(s for _, s in doc.sub)
    return out


# A channel is guessed from the text only when fit saw at least this many texts of each.
MIN_CHANNEL_TEXTS = 10

_BITS = 21  # a code point fits in 21 bits: up to three characters pack into one int64 key


class _CharVocabulary:
    """A fitted ``char`` vectorizer's vocabulary as sorted integer keys, one array per n-gram length."""

    def __init__(self, vocabulary: dict[str, int], low: int, high: int) -> None:
        self.vocabulary = vocabulary  # the dict it was built from: a refit in place makes a new one
        self.tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for n in range(low, high + 1):
            terms = [(t, j) for t, j in vocabulary.items() if len(t) == n]
            keys = np.array([_pack(t) for t, _ in terms], dtype=np.int64)
            cols = np.array([j for _, j in terms], dtype=np.int64)
            order = np.argsort(keys, kind="stable")
            self.tables[n] = (keys[order], cols[order])


def _pack(term: str) -> int:
    key = 0
    for ch in term:
        key = (key << _BITS) | ord(ch)
    return key


_CHAR_VOCABULARIES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def char_counts(vectorizer: TfidfVectorizer, texts: list[str]) -> sp.csr_matrix:
    """The n-gram count matrix scikit-learn's ``char`` analyzer gives, computed with array operations.

    Each text's code points are packed into one integer per n-gram (n <= 3)
    and looked up in the vocabulary's sorted keys (``searchsorted``) for the
    whole batch at once, instead of a dictionary lookup per n-gram in Python.
    """
    v = vectorizer
    low, high = v.ngram_range
    vocab = _CHAR_VOCABULARIES.get(v)
    if vocab is None or vocab.vocabulary is not v.vocabulary_:
        vocab = _CHAR_VOCABULARIES[v] = _CharVocabulary(v.vocabulary_, low, high)
    spaces = v._white_spaces
    docs = [spaces.sub(" ", t.lower() if v.lowercase else t) for t in texts]
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    ends = np.cumsum(lengths)
    codes = np.frombuffer("".join(docs).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    row_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    end_of = np.repeat(ends, lengths)
    rows, cols = [], []
    key = np.zeros(0, dtype=np.int64)
    for n in range(1, high + 1):
        width = len(codes) - n + 1
        if width <= 0:
            break
        key = codes[:width] if n == 1 else (key[:width] << _BITS) | codes[n - 1:]
        if n < low:
            continue
        keys, table_cols = vocab.tables[n]
        inside = np.flatnonzero(np.arange(width) + n <= end_of[:width])  # n-grams within one text
        if not len(keys) or not len(inside):
            continue
        wanted = key[inside]
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        hit = keys[at] == wanted
        rows.append(row_of[inside[hit]])
        cols.append(table_cols[at[hit]])
    shape = (len(docs), len(v.vocabulary_))
    if not rows:
        return sp.csr_matrix(shape, dtype=v.dtype)
    r, c = np.concatenate(rows), np.concatenate(cols)
    counts = sp.csr_matrix((np.ones(len(r), dtype=v.dtype), (r, c)), shape=shape)
    counts.sum_duplicates()
    return counts


def tfidf_transform(vectorizer: TfidfVectorizer, texts: list[str]):
    """``vectorizer.transform(texts)`` for a fitted vectorizer, with the ``char`` counting done in arrays.

    scikit-learn counts the n-grams of each text in a Python loop (a dictionary
    lookup per n-gram); :func:`char_counts` counts a whole batch with array
    operations and the vectorizer's own TF-IDF step finishes the matrix, so
    the result is the same matrix (a test compares them). Other settings
    (word analyzers, preprocessors, binary counts, n > 3) take scikit-learn's path.
    """
    v = vectorizer
    tfidf = getattr(v, "_tfidf", None)
    fast = (tfidf is not None and v.analyzer == "char" and v.preprocessor is None and v.strip_accents is None
            and v.input == "content" and not v.binary and v.ngram_range[1] <= 3 and hasattr(v, "vocabulary_")
            and hasattr(v, "_white_spaces")  # scikit-learn internals the array path mirrors
            and all(isinstance(t, str) for t in texts))
    if not fast:
        return v.transform(texts)
    return tfidf.transform(char_counts(v, list(texts)), copy=False)


def channel_codes(channels) -> list:
    """Channel values as lower-case codes (``None`` for missing), one per text."""
    out = []
    for c in channels:
        if c is None or (not isinstance(c, str) and bool(pd.isna(c))):
            out.append(None)
        else:
            code = str(c).strip().lower()
            out.append(code or None)
    return out


class TextFeatures(TransformerMixin, BaseEstimator):
    """Combine sparse word / char TF-IDF with dense embeddings, rule hits and the channel.

    ``transform`` takes normalised texts. Embeddings are passed in by the
    caller (computed once per batch and shared); ``None`` skips them.
    ``channels`` (one value per text: inquiry / survey / post, or missing)
    become a one-hot block over the channels seen in ``fit``. Where a text
    comes from changes what it means: a question is rare on the internal
    SNS, praise rare at the desk. A missing or unseen channel is guessed
    from the text: ``fit`` trains a logistic regression of the channel on
    the other blocks, and its probabilities fill the block (heads trained
    with the channel misread a text whose block is all zeros).

    Parameters
    ----------
    word_weight, char_weight, embedding_weight, rule_weight, channel_weight : float
        Block weights (each block is L2-normalised per row before weighting).
    rules : list of RuleClassifier, optional
        Fitted rule classifiers whose hit counts are added as features.

    Attributes
    ----------
    channels_ : list of str
        Channel codes of the one-hot block (empty: no channel block).
    channel_model_ : LogisticRegression or None
        The channel guessed from the text, for rows without one (None: fewer
        than two channels, or too few texts of one, in ``fit``).
    """

    def __init__(self, word_weight: float = 1.0, char_weight: float = 1.0, embedding_weight: float = 1.0,
                 rule_weight: float = 0.5, rules=None, channel_weight: float = 1.0) -> None:
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.embedding_weight = embedding_weight
        self.rule_weight = rule_weight
        self.rules = rules
        self.channel_weight = channel_weight

    def fit(self, X, y=None, embeddings=None, channels=None) -> "TextFeatures":
        X = list(X)
        targets = self._fit_vocabularies(X, embeddings, channels)
        if targets is not None:
            self._fit_channel_model(self._base(X, embeddings), *targets)
        return self

    def fit_transform(self, X, y=None, embeddings=None, channels=None, guess_channels=True):
        """``fit`` then ``transform``, building the blocks of ``X`` once."""
        X = list(X)
        targets = self._fit_vocabularies(X, embeddings, channels)
        base = self._base(X, embeddings)
        if targets is not None:
            self._fit_channel_model(base, *targets)
        return self._stack(base, channels, guess_channels)

    def _fit_vocabularies(self, X: list, embeddings, channels):
        """Fit all but the channel model; return the rows it learns from and their channels (None: no model)."""
        codes = np.array([None] * len(X) if channels is None or self.channel_weight <= 0
                         else channel_codes(channels), dtype=object)
        self.channels_ = sorted(set(codes) - {None})
        self.word_ = TfidfVectorizer(analyzer=sudachi_words, sublinear_tf=True, min_df=2, max_features=30000,
                                     dtype=np.float32).fit(X)
        self.char_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                     max_features=30000, dtype=np.float32).fit(X)
        self.embedding_dim_ = 0 if embeddings is None else int(np.asarray(embeddings).shape[1])
        self.channel_model_ = None
        known = np.array([c is not None for c in codes], dtype=bool)
        if len(self.channels_) < 2 or pd.Series(codes[known]).value_counts().min() < MIN_CHANNEL_TEXTS:
            return None
        return known, codes[known].astype(str)

    def _fit_channel_model(self, base, known: np.ndarray, labels: np.ndarray) -> None:
        self.channel_model_ = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(
            base[known], labels)

    def _channel_block(self, n: int, channels, base, guess_rows=True) -> sp.csr_matrix:
        block = np.zeros((n, len(self.channels_)), dtype=np.float32)
        codes = [None] * n if channels is None else channel_codes(channels)
        if len(codes) != n:
            raise ValueError(f"got {len(codes)} channels for {n} texts")
        where = {c: j for j, c in enumerate(self.channels_)}
        for i, c in enumerate(codes):
            if c in where:
                block[i, where[c]] = 1.0
        may_guess = np.broadcast_to(np.asarray(guess_rows, dtype=bool), (n,))
        guess = [i for i, c in enumerate(codes) if c not in where and may_guess[i]]
        model = getattr(self, "channel_model_", None)  # models saved before the guess have none
        if guess and model is not None:
            proba = model.predict_proba(base[guess])
            block[np.ix_(guess, [where[str(c)] for c in model.classes_])] = proba
        return sp.csr_matrix(self.channel_weight * block)

    def predict_channels(self, X, embeddings=None) -> list:
        """The most likely channel of each text, from the text alone (None without a channel model)."""
        model = getattr(self, "channel_model_", None)
        X = list(X)
        if model is None or not X:
            return [None] * len(X)
        return [str(c) for c in model.predict(self._base(X, embeddings))]

    def _base(self, X: list, embeddings=None):
        """Every block but the channel's."""
        blocks = [self.word_weight * self.word_.transform(X), self.char_weight * tfidf_transform(self.char_, X)]
        if self.embedding_dim_:
            if embeddings is None:
                raise ValueError("these features were fitted with embeddings; pass embeddings= to transform")
            blocks.append(sp.csr_matrix(self.embedding_weight * np.asarray(embeddings, dtype=np.float32)))
        for rule in self.rules or ():
            hits = np.minimum(rule.hit_counts(X), 2.0) / 2.0
            blocks.append(sp.csr_matrix(self.rule_weight * hits.astype(np.float32)))
        return sp.hstack(blocks, format="csr")

    def transform(self, X, embeddings=None, channels=None, guess_channels=True):
        """The feature matrix.

        ``guess_channels``: whether a missing or unknown channel is guessed from
        the text: a bool, or one bool per text; ``False`` leaves the block all
        zeros, as for the profile's examples in training.
        """
        if not hasattr(self, "word_"):
            raise NotFittedError("This TextFeatures is not fitted yet. Call 'fit' first.")
        return self._stack(self._base(list(X), embeddings), channels, guess_channels)

    def _stack(self, base, channels, guess_channels):
        if not getattr(self, "channels_", None):  # models saved before the channel block have none
            return base
        return sp.hstack([base, self._channel_block(base.shape[0], channels, base, guess_channels)], format="csr")
