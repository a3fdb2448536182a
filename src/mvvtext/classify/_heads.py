"""The sentiment head: ridge regression blended with a classifier's expected score."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LogisticRegression, Ridge

from mvvtext.exceptions import NotFittedError


class BlendedSentiment(RegressorMixin, BaseEstimator):
    """Sentiment in [-2, 2] as a blend of a regression and an ordinal-class expectation.

    Ridge regression reads the strength of a text; a multinomial logistic
    regression over the rounded scores (-2 … 2) reads which kind of text it
    is, and its expected score ``sum_k p_k * k`` rewards confident classes.
    The blend ranks texts better than either alone.

    Parameters
    ----------
    alpha : float
        Ridge regularisation.
    C : float
        Inverse regularisation of the logistic regression.
    blend : float
        Weight of the classifier's expected score (0: ridge only, 1: classifier only).

    Attributes
    ----------
    ridge_ : Ridge
    classifier_ : LogisticRegression or None
        None when the training scores hold fewer than two classes.
    """

    def __init__(self, alpha: float = 3.0, C: float = 4.0, blend: float = 0.5) -> None:
        self.alpha = alpha
        self.C = C
        self.blend = blend

    def fit(self, X, y, sample_weight=None) -> "BlendedSentiment":
        y = np.asarray(y, dtype=float)
        self.ridge_ = Ridge(alpha=self.alpha).fit(X, y, sample_weight=sample_weight)
        classes = np.clip(np.round(y), -2, 2).astype(int)
        self.classifier_ = None
        if self.blend > 0 and len(np.unique(classes)) >= 2:
            self.classifier_ = LogisticRegression(C=self.C, max_iter=3000).fit(X, classes, sample_weight=sample_weight)
        return self

    def predict(self, X) -> np.ndarray:
        if not hasattr(self, "ridge_"):
            raise NotFittedError("This BlendedSentiment is not fitted yet. Call 'fit' first.")
        score = np.clip(self.ridge_.predict(X), -2.0, 2.0)
        if self.classifier_ is None:
            return score
        expected = self.classifier_.predict_proba(X) @ self.classifier_.classes_.astype(float)
        return (1.0 - self.blend) * score + self.blend * expected


def search_labelled_weight(head, X, labels: np.ndarray, sample_weight, labelled: np.ndarray,
                           grid, cv: int = 3) -> tuple[float | None, dict]:
    """Choose the weight of the labelled rows of a single-label head by cross-validation on them.

    The labelled rows are split into ``cv`` folds; for each candidate weight
    the head is trained on every other row (the default examples at their
    own weight, the other folds' labelled rows at the candidate weight) and
    predicts the held-out fold. The candidate with the best macro-F1 over
    the pooled out-of-fold predictions wins; the weights as given come first
    and win ties.

    Parameters
    ----------
    head : estimator
        An unfitted classifier with ``fit(X, y, sample_weight=...)`` (cloned per fit).
    X : matrix
        Features of all rows.
    labels : ndarray of str
        One label per row.
    sample_weight : ndarray or None
        The weights as given (None: all 1).
    labelled : ndarray of bool
        Which rows are the user's labelled rows.
    grid : sequence of float
        Candidate weights of the labelled rows, tried after the given ones
        (one that gives the same weights as given is skipped).
    cv : int
        Folds over the labelled rows.

    Returns
    -------
    (weight, scores)
        ``weight`` is None when the given weights won, else the chosen
        candidate; ``scores`` maps each tried weight (``"given"`` for the
        weights as given) to its macro-F1.
    """
    from sklearn.base import clone
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold

    base = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    rows = np.flatnonzero(labelled)
    candidates = [("given", base)]
    for w in grid:  # a candidate equal to the weights as given would only repeat their fits
        weights = np.where(labelled, float(w), base)
        if not np.array_equal(weights, base):
            candidates.append((float(w), weights))
    predicted = {name: np.empty(len(rows), dtype=object) for name, _ in candidates}
    for train_at, test_at in KFold(cv, shuffle=True, random_state=0).split(rows):
        keep = np.ones(len(labels), dtype=bool)
        keep[rows[test_at]] = False
        for name, w in candidates:
            model = clone(head).fit(X[keep], labels[keep], sample_weight=w[keep])
            predicted[name][test_at] = model.predict(X[rows[test_at]])
    truth = labels[rows]
    scores = {name: float(f1_score(truth, p.astype(str), average="macro", zero_division=0))
              for name, p in predicted.items()}
    best = max(scores, key=lambda n: (scores[n], n == "given"))
    return (None if best == "given" else best), scores
