"""A dependency-free fallback backend: hashed character n-gram TF vectors."""
from __future__ import annotations

import numpy as np

from mvvtext.embed._base import Embedder


class TfidfEmbedder(Embedder):
    """Character n-gram vectors hashed into a fixed dense space.

    Stateless (nothing to fit, nothing to download), so it can serve as the
    last-resort backend for zero-shot similarity and for fast runs.
    Sub-linear term frequencies over hashed 1-3 character n-grams, L2-normalised.

    Parameters
    ----------
    n_features : int
        Dimension of the hashed space.
    ngram_range : tuple of int
        Character n-gram lengths.
    """

    def __init__(self, n_features: int = 4096, ngram_range: tuple[int, int] = (1, 3)) -> None:
        self.n_features = int(n_features)
        self.ngram_range = tuple(ngram_range)
        self.model_id = f"tfidf-hash-char{self.ngram_range[0]}{self.ngram_range[1]}-{self.n_features}"
        self._vectorizer = None

    @property
    def dim(self) -> int:
        return self.n_features

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._vectorizer is None:
            from sklearn.feature_extraction.text import HashingVectorizer

            self._vectorizer = HashingVectorizer(
                analyzer="char", ngram_range=self.ngram_range, n_features=self.n_features,
                alternate_sign=False, norm=None,
            )
        counts = self._vectorizer.transform(texts)
        counts.data = 1.0 + np.log(counts.data)
        return counts.toarray().astype(np.float32)
