"""Zero-shot classification by similarity to each label's description and examples."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from mvvtext.exceptions import NotFittedError


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class ZeroShotClassifier(ClassifierMixin, BaseEstimator):
    """Score texts by embedding similarity to each label's description and examples.

    The label's score mixes its prototype (mean of description + examples)
    similarity and the mean of its ``k`` nearest examples, turned into
    probabilities by a softmax with ``temperature``.

    Parameters
    ----------
    embedder : Embedder, str or None
        Embedding backend (``None``: ``get_embedder("auto")``).
    field : {'topics', 'intent', 'values', 'risks'}
    profile : Profile, str or None
    temperature : float
    k : int
    """

    def __init__(self, embedder=None, field: str = "topics", profile=None, temperature: float = 0.05,
                 k: int = 3) -> None:
        self.embedder = embedder
        self.field = field
        self.profile = profile
        self.temperature = temperature
        self.k = k

    def _backend(self):
        from mvvtext.embed import get_embedder

        return get_embedder("auto" if self.embedder is None else self.embedder)

    def fit(self, X=None, y=None) -> "ZeroShotClassifier":
        """Embed the profile's label descriptions and examples (``X``/``y`` ignored)."""
        from mvvtext.classify._profile import load_profile
        from mvvtext.embed import l2_normalize

        if self.temperature <= 0:
            raise ValueError(f"The 'temperature' parameter of ZeroShotClassifier must be > 0. "
                             f"Got {self.temperature!r} instead.")
        labels = load_profile(self.profile).labels(self.field)
        texts, owner = [], []
        for i, (code, label) in enumerate(labels.items()):
            described = f"{label.name}: {label.description}" if label.description else label.name
            for t in (described, *label.examples, *getattr(label, "behaviours", ())):
                texts.append(t)
                owner.append(i)
        self.classes_ = np.array(list(labels), dtype=object)
        self.example_texts_ = texts
        self.example_owner_ = np.asarray(owner, dtype=np.int64)
        self.example_embeddings_ = self._backend().encode(texts)
        self.prototypes_ = l2_normalize(np.vstack([
            self.example_embeddings_[self.example_owner_ == i].mean(axis=0) for i in range(len(self.classes_))
        ]))
        return self

    def similarities(self, X=None, embeddings=None) -> np.ndarray:
        """(n, n_labels) mixed prototype / kNN cosine similarity."""
        if not hasattr(self, "prototypes_"):
            raise NotFittedError("This ZeroShotClassifier is not fitted yet. Call 'fit' first.")
        E = self._backend().encode(list(X)) if embeddings is None else np.asarray(embeddings, np.float32)
        proto = E @ self.prototypes_.T
        sims = E @ self.example_embeddings_.T
        knn = np.empty_like(proto)
        for i in range(len(self.classes_)):
            s = sims[:, self.example_owner_ == i]
            k = min(self.k, s.shape[1])
            knn[:, i] = np.sort(s, axis=1)[:, -k:].mean(axis=1)
        return 0.5 * proto + 0.5 * knn

    def predict_proba(self, X=None, embeddings=None) -> np.ndarray:
        """Softmax over labels of the similarities."""
        return _softmax(self.similarities(X, embeddings) / self.temperature)

    def predict(self, X=None, embeddings=None) -> np.ndarray:
        """The most similar label of each text."""
        proba = self.predict_proba(X, embeddings)
        return self.classes_[np.argmax(proba, axis=1)]

    def nearest_example(self, X=None, embeddings=None) -> list[tuple[str, str, float]]:
        """(label code, example text, cosine) of each text's nearest example."""
        if not hasattr(self, "prototypes_"):
            raise NotFittedError("This ZeroShotClassifier is not fitted yet. Call 'fit' first.")
        E = self._backend().encode(list(X)) if embeddings is None else np.asarray(embeddings, np.float32)
        sims = E @ self.example_embeddings_.T
        best = np.argmax(sims, axis=1)
        return [(self.classes_[self.example_owner_[j]], self.example_texts_[j], float(sims[i, j]))
                for i, j in enumerate(best)]
