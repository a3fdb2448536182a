"""The supervised classifier: one feature space, a head per label field."""
from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier, _fit_binary
from sklearn.preprocessing import LabelBinarizer, MultiLabelBinarizer

from mvvtext.classify._features import TextFeatures
from mvvtext.classify._heads import BlendedSentiment, search_labelled_weight
from mvvtext.exceptions import NotFittedError

logger = logging.getLogger(__name__)

MULTI = ("topics", "values", "risks")
SINGLE = ("primary", "intent")
FIELDS = ("topics", "primary", "intent", "sentiment", "risks", "values")
CHANNEL_FIELDS = ("intent", "values", "sentiment", "risks")
# Per-field C where it differs from ``C``: values have few positives per code and overfit at C=4.
FIELD_C = {"values": 2.0}
_GRID = np.round(np.arange(0.10, 0.75, 0.025), 3)
# Single-label heads whose labelled-row weight is chosen by CV, and the candidates beside the given weight.
WEIGHT_SEARCH_FIELDS = ("intent",)
WEIGHT_GRID = (0.01, 0.3, 1.0)
MIN_SEARCH_ROWS = 30
# The risk head's threshold: the highest CV recall whose precision stays at or above this.
RISK_MIN_PRECISION = 0.8


def _labelled(values: pd.Series, field: str) -> np.ndarray:
    """Boolean mask of rows whose ``field`` is known."""
    if field in MULTI:
        return np.array([isinstance(v, (list, tuple, np.ndarray)) for v in values], dtype=bool)
    if field == "sentiment":
        return pd.to_numeric(values, errors="coerce").notna().to_numpy()
    return np.array([isinstance(v, str) and v != "" for v in values], dtype=bool)


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    return np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)


def choose_threshold(Y: np.ndarray, P: np.ndarray, field: str, min_precision: float = RISK_MIN_PRECISION,
                     sample_weight=None) -> float:
    """Pick a decision threshold from out-of-fold probabilities.

    topics: best micro-F1; values: best macro-F1 over present labels; risks: the
    highest recall whose precision stays >= ``min_precision`` (best F1 if none).
    With ``sample_weight`` the counts behind F1 / precision / recall are weighted.
    """
    best, best_t = -1.0, 0.5
    w = np.ones(Y.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    w = w[:, None]
    present = Y.sum(axis=0) > 0
    for t in _GRID:
        pred = P >= t
        tp = ((pred & (Y == 1)) * w).sum(axis=0)
        fp = ((pred & (Y == 0)) * w).sum(axis=0)
        fn = ((~pred & (Y == 1)) * w).sum(axis=0)
        if field == "values":
            value = float(_f1(tp, fp, fn)[present].mean()) if present.any() else 0.0
        elif field == "risks":
            prec = tp.sum() / max(tp.sum() + fp.sum(), 1)
            rec = tp.sum() / max(tp.sum() + fn.sum(), 1)
            value = rec + 1e-3 * prec if prec >= min_precision else -1 + float(_f1(tp.sum(), fp.sum(), fn.sum()))
        else:
            value = float(_f1(tp.sum(), fp.sum(), fn.sum()))
        if value > best + 1e-9:
            best, best_t = value, float(t)
    return best_t


class WeightedOneVsRest(OneVsRestClassifier):
    """:class:`~sklearn.multiclass.OneVsRestClassifier` whose ``fit`` takes ``sample_weight``.

    scikit-learn's version only passes ``sample_weight`` on with metadata
    routing enabled (which skops cannot persist); this one hands it to every
    binary estimator directly. Without weights it is the plain parent ``fit``.
    """

    def fit(self, X, y, sample_weight=None):
        if sample_weight is None:
            return super().fit(X, y)
        sample_weight = np.asarray(sample_weight, dtype=float)
        if sample_weight.shape != (X.shape[0],):
            raise ValueError(f"sample_weight has shape {sample_weight.shape}, expected ({X.shape[0]},)")
        self.label_binarizer_ = LabelBinarizer(sparse_output=True)
        Y = self.label_binarizer_.fit_transform(y).tocsc()
        self.classes_ = self.label_binarizer_.classes_
        self.estimators_ = [
            _fit_binary(self.estimator, X, col.toarray().ravel(), {"sample_weight": sample_weight},
                        classes=[f"not {c}", c])
            for c, col in zip(self.classes_, Y.T)]
        if hasattr(self.estimators_[0], "n_features_in_"):
            self.n_features_in_ = self.estimators_[0].n_features_in_
        return self


class SupervisedClassifier(ClassifierMixin, BaseEstimator):
    """Trained heads for every label field over shared text features.

    Multi-label fields (topics, values, risks) get one-vs-rest logistic
    regressions with decision thresholds chosen by cross-validation on the
    training texts; primary and intent get one-vs-rest logistic regressions
    (argmax); sentiment gets ridge regression blended with an ordinal
    classifier (:class:`BlendedSentiment`) over the same features plus the
    profile's lexicon score.

    Parameters
    ----------
    embedder : Embedder, str or None
        Embedding backend for the dense block (``None``: no embeddings).
    profile : Profile, str or None
        Profile whose codebook rules and sentiment lexicon become features.
    C : float
        Inverse regularisation of the logistic regressions.
    alpha : float
        Ridge regularisation of the sentiment head.
    field_C : dict, optional
        Per-field C overriding ``C`` for the multi-label heads (``None``:
        ``{"values": 2.0}``).
    sentiment_blend : float
        Weight of the ordinal classifier in the sentiment head (see
        :class:`BlendedSentiment`; 0: ridge regression only).
    word_weight, char_weight, embedding_weight, rule_weight, channel_weight : float
        Feature block weights (see :class:`TextFeatures`); the channel block
        is only built when ``fit`` is given channels.
    channel_fields : sequence of str
        The heads that see the channel block. By default intent, values,
        sentiment and risks (what a text does depends on where it was
        written); topics and primary are read from the text alone, where
        the channel measured no gain.
    cv : int
        Folds used to choose thresholds (0: fixed 0.5 / risks 0.35) and
        labelled-row weights.
    weight_search_fields : sequence of str
        Single-label heads (primary, intent) whose weight of the user's
        labelled rows is chosen by ``cv``-fold cross-validation over those
        rows when ``fit`` is told which rows they are (``labelled=``): the
        weight as given competes with each of ``weight_grid`` (see
        :func:`~mvvtext.classify._heads.search_labelled_weight`). Labels that
        follow the default examples' conventions, or are too inconsistent to
        learn from, then cannot pull a head below what the default examples
        alone predict for them; labels with a convention of their own keep
        their weight. Needs at least 30 labelled rows for the field.
    weight_grid : sequence of float
        Candidate weights of the labelled rows for that search.
    risk_min_precision : float
        The risk head's threshold is the one with the highest cross-validated
        recall on the training texts whose precision stays at or above this
        (the profile's risk patterns flag on top of it, whatever the head says).

    Attributes
    ----------
    fields_ : list of str
    classes_ : dict of field -> ndarray of str
    thresholds_ : dict of field -> float
    labelled_weights_ : dict of field -> dict
        For each searched head: ``{"chosen": weight or "given", "scores": {...}}``.
    """

    def __init__(self, embedder=None, profile=None, C: float = 4.0, alpha: float = 3.0,
                 word_weight: float = 1.0, char_weight: float = 1.0, embedding_weight: float = 1.0,
                 rule_weight: float = 0.5, cv: int = 3, channel_weight: float = 1.0,
                 channel_fields=CHANNEL_FIELDS, field_C=None, sentiment_blend: float = 0.5,
                 weight_search_fields=WEIGHT_SEARCH_FIELDS, weight_grid=WEIGHT_GRID,
                 risk_min_precision: float = RISK_MIN_PRECISION) -> None:
        self.embedder = embedder
        self.profile = profile
        self.C = C
        self.alpha = alpha
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.embedding_weight = embedding_weight
        self.rule_weight = rule_weight
        self.cv = cv
        self.channel_weight = channel_weight
        self.channel_fields = channel_fields
        self.field_C = field_C
        self.sentiment_blend = sentiment_blend
        self.weight_search_fields = weight_search_fields
        self.weight_grid = weight_grid
        self.risk_min_precision = risk_min_precision

    # ------------------------------------------------------------------ helpers
    def _embed(self, texts: list[str], embeddings=None):
        if embeddings is not None:
            return np.asarray(embeddings, dtype=np.float32)
        if self.embedder is None:
            return None
        from mvvtext.embed import get_embedder

        return get_embedder(self.embedder).encode(texts)

    def _lexicon(self):
        """The profile's sentiment lexicon, built once per profile object (it memoises its scores)."""
        from mvvtext.classify._lexicon import SentimentLexicon
        from mvvtext.classify._profile import load_profile

        cached = self.__dict__.get("_lexicon_obj")
        if cached is None or cached[0] is not self.profile:
            cached = self.__dict__["_lexicon_obj"] = (self.profile, SentimentLexicon(load_profile(self.profile)))
        return cached[1]

    def _rules(self):
        from mvvtext.classify._rules import RuleClassifier

        if self.rule_weight <= 0:
            return None
        return [RuleClassifier(self.profile, f).fit() for f in ("topics", "intent", "values")]

    def _C(self, field: str) -> float:
        overrides = FIELD_C if getattr(self, "field_C", None) is None else self.field_C
        return float(overrides.get(field, self.C))

    def _for_field(self, Xf, field: str):
        """The feature columns head ``field`` uses: all, or all but the trailing channel block."""
        n_channels = len(getattr(self.features_, "channels_", ()))
        if not n_channels or field in tuple(getattr(self, "channel_fields", CHANNEL_FIELDS)):
            return Xf
        return Xf[:, :Xf.shape[1] - n_channels]

    def _check(self) -> None:
        if not hasattr(self, "heads_"):
            raise NotFittedError("This SupervisedClassifier is not fitted yet. Call 'fit' with labelled texts first.")

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, embeddings=None, sample_weight=None, channels=None,
            labelled=None, guess_channels=False) -> "SupervisedClassifier":
        """Fit on normalised texts ``X`` and a frame ``y`` of label columns.

        ``y`` has any of the columns topics, primary, intent, sentiment, risks,
        values; a missing value (None / NaN) means "not labelled for this field",
        so texts labelled for different fields can be mixed. ``sample_weight``
        (one non-negative number per text) weights the texts in every head and
        in the cross-validated choice of thresholds. ``channels`` (one value per
        text, missing allowed) adds the channel as a feature; pass the same
        kind of values to :meth:`predict`. ``labelled`` (one bool per text)
        marks the user's labelled rows among default examples, for the weight
        search of ``weight_search_fields``. ``guess_channels`` (a bool, or one
        per text) marks the rows whose missing channel is guessed from the text,
        as at prediction time; the others keep an all-zero channel block.
        """
        from mvvtext.text import normalize

        texts = [normalize(t) for t in X]
        y = pd.DataFrame(y).reset_index(drop=True)
        if len(y) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} rows")
        fields = [f for f in FIELDS if f in y.columns]
        if not fields:
            raise ValueError(f"y needs at least one of the columns {', '.join(FIELDS)}")
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=float)
            if weights.shape != (len(texts),) or not np.isfinite(weights).all() or (weights < 0).any():
                raise ValueError(f"sample_weight must hold one finite non-negative number per text "
                                 f"({len(texts)}); got shape {weights.shape}")
        if channels is not None and len(channels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but channels has {len(channels)} values")
        if labelled is not None:
            labelled = np.asarray(labelled, dtype=bool)
            if labelled.shape != (len(texts),):
                raise ValueError(f"labelled must hold one bool per text ({len(texts)}); got shape {labelled.shape}")
        emb = self._embed(texts, embeddings)
        self.features_ = TextFeatures(self.word_weight, self.char_weight, self.embedding_weight,
                                      self.rule_weight, self._rules(), self.channel_weight)
        Xf = self.features_.fit_transform(texts, embeddings=emb, channels=channels, guess_channels=guess_channels)
        self.heads_, self.classes_, self.thresholds_, self.binarizers_ = {}, {}, {}, {}
        self.labelled_weights_ = {}
        for field in fields:
            mask = _labelled(y[field], field)
            if mask.sum() < 2:
                continue
            Xm, col = self._for_field(Xf, field)[mask], y.loc[mask, field]
            wm = None if weights is None else weights[mask]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # constant labels / convergence chatter on tiny sets
                if field in MULTI:
                    mlb = MultiLabelBinarizer().fit(col)
                    Y = mlb.transform(col)
                    if Y.shape[1] == 0:
                        continue
                    head = WeightedOneVsRest(LogisticRegression(C=self._C(field), class_weight="balanced",
                                                                solver="liblinear"))
                    self.thresholds_[field] = self._cv_threshold(head, Xm, Y, field, wm)
                    self.heads_[field] = head.fit(Xm, Y, sample_weight=wm)
                    self.binarizers_[field] = mlb
                    self.classes_[field] = np.array(mlb.classes_, dtype=object)
                elif field in SINGLE:
                    labels = col.astype(str).to_numpy()
                    if len(set(labels)) < 2:
                        continue
                    head = WeightedOneVsRest(LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear"))
                    if labelled is not None:
                        wm = self._search_weight(field, head, Xm, labels, wm, labelled[mask])
                    self.heads_[field] = head.fit(Xm, labels, sample_weight=wm)
                    self.classes_[field] = np.array(head.classes_, dtype=object)
                else:
                    lex = self._lexicon().features([t for t, m in zip(texts, mask) if m])
                    import scipy.sparse as sp

                    target = pd.to_numeric(col).to_numpy(dtype=float)
                    head = BlendedSentiment(alpha=self.alpha, C=self.C, blend=self.sentiment_blend)
                    Xs = sp.hstack([Xm, sp.csr_matrix(lex)], format="csr")  # all-CSR: scipy's fast stack
                    self.heads_[field] = head.fit(Xs, target, sample_weight=wm)
        self.fields_ = list(self.heads_)
        self.n_train_ = len(texts)
        return self

    def _search_weight(self, field: str, head, X, labels: np.ndarray, weights, labelled: np.ndarray):
        """The weights head ``field`` trains with: as given, or with the labelled rows' weight chosen by CV."""
        n_user = int(labelled.sum())
        if (field not in tuple(self.weight_search_fields or ()) or not self.weight_grid or self.cv < 2
                or n_user < max(MIN_SEARCH_ROWS, 3 * self.cv) or n_user == len(labels)
                or len(set(labels[labelled])) < 2):
            return weights
        chosen, scores = search_labelled_weight(head, X, labels, weights, labelled, self.weight_grid, self.cv)
        self.labelled_weights_[field] = {"chosen": "given" if chosen is None else chosen, "scores": scores}
        logger.info("%s: labelled-row weight %s (CV macro-F1 %s)", field, self.labelled_weights_[field]["chosen"],
                    {k: round(v, 3) for k, v in scores.items()})
        if chosen is None:
            return weights
        base = np.ones(len(labels)) if weights is None else weights
        return np.where(labelled, chosen, base)

    def _cv_threshold(self, head, X, Y: np.ndarray, field: str, sample_weight=None) -> float:
        default = 0.35 if field == "risks" else 0.5
        positives = Y.sum(axis=0)
        if self.cv < 2 or X.shape[0] < 3 * self.cv or positives.max() < self.cv:
            return default
        try:
            params = None if sample_weight is None else {"sample_weight": sample_weight}
            P = cross_val_predict(head, X, Y, cv=KFold(self.cv, shuffle=True, random_state=0),
                                  method="predict_proba", params=params)
        except ValueError as e:  # a fold without one of the classes
            logger.debug("threshold CV for %s failed (%s); using %.2f", field, e, default)
            return default
        return choose_threshold(Y, np.asarray(P), field, min_precision=self.risk_min_precision,
                                sample_weight=sample_weight)

    # ------------------------------------------------------------------ predict
    def _features(self, X, embeddings=None, channels=None):
        from mvvtext.text import normalize

        self._check()
        texts = [normalize(t) for t in X]
        emb = self._embed(texts, embeddings) if self.features_.embedding_dim_ else None
        return texts, self.features_.transform(texts, embeddings=emb, channels=channels)

    def predict_scores(self, X, embeddings=None, channels=None) -> dict:
        """field -> (n, n_labels) probabilities (multi-label / single-label fields) or (n,) sentiment."""
        texts, Xf = self._features(X, embeddings, channels)
        out = {}
        for field, head in self.heads_.items():
            Xh = self._for_field(Xf, field)
            if field == "sentiment":
                import scipy.sparse as sp

                lex = self._lexicon().features(texts)
                out[field] = np.clip(head.predict(sp.hstack([Xh, sp.csr_matrix(lex)], format="csr")), -2.0, 2.0)
            else:
                out[field] = self._head_proba(field, head, Xh)
        return out

    def _head_proba(self, field: str, head, X) -> np.ndarray:
        """``head.predict_proba(X)``, with a one-vs-rest of logistic regressions as one matrix product.

        scikit-learn's one-vs-rest asks each binary model in turn, and each call
        re-validates the input: for ~50 small models on a batch that overhead
        outweighs the arithmetic. ``expit(X @ W.T + b)`` over the stacked
        coefficients gives the same probabilities (and the same row
        normalisation for single-label heads); anything else takes the plain path.
        """
        stacked = self.__dict__.setdefault("_stacked", {})
        found = stacked.get(field)
        if found is None or found[0] is not head:  # built once per head object (a refit makes new heads)
            ests = getattr(head, "estimators_", None)
            ok = (isinstance(head, OneVsRestClassifier) and ests is not None and len(ests) >= 2
                  and all(type(e) is LogisticRegression and len(e.classes_) == 2 for e in ests))
            found = stacked[field] = (head, (np.ascontiguousarray(np.vstack([e.coef_ for e in ests]).T),
                                             np.concatenate([e.intercept_ for e in ests]),
                                             bool(head.multilabel_)) if ok else None)
        if found[1] is None:
            return np.asarray(head.predict_proba(X))
        W, b, multilabel = found[1]
        Y = expit(np.asarray(X @ W) + b)
        if not multilabel:
            sums = Y.sum(axis=1, keepdims=True)
            np.divide(Y, sums, out=Y, where=sums != 0)
        return Y

    def predict_proba(self, X, embeddings=None, channels=None) -> dict:
        """field -> DataFrame of per-label probabilities (classification fields only)."""
        scores = self.predict_scores(X, embeddings, channels)
        return {f: pd.DataFrame(s, columns=list(self.classes_[f]))
                for f, s in scores.items() if f != "sentiment"}

    def decide(self, scores: dict) -> pd.DataFrame:
        """Turn :meth:`predict_scores` output into label columns."""
        n = len(next(iter(scores.values())))
        out = pd.DataFrame(index=range(n))
        for field, s in scores.items():
            if field == "sentiment":
                out[field] = s
            elif field in SINGLE:
                out[field] = self.classes_[field][np.argmax(s, axis=1)]
            else:
                t = self.thresholds_[field]
                out[field] = [[c for c, p in zip(self.classes_[field], row) if p >= t] for row in s]
        return out

    def predict(self, X, embeddings=None, channels=None) -> pd.DataFrame:
        """A frame with one column per fitted field (lists for multi-label fields)."""
        return self.decide(self.predict_scores(X, embeddings, channels))
