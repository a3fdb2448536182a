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
