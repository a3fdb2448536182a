"""VoiceClassifier: rules + zero-shot + supervised heads, sentiment and risk, in one estimator."""
from __future__ import annotations

import logging
import numbers

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from mvvtext.classify._data import LABEL_COLUMNS, default_examples, prepare_texts, text_digests
from mvvtext.classify._lexicon import RiskPatterns, SentimentLexicon
from mvvtext.classify._profile import load_profile
from mvvtext.classify._rules import RuleClassifier
from mvvtext.classify._supervised import SupervisedClassifier
from mvvtext.classify._zeroshot import ZeroShotClassifier
from mvvtext.exceptions import InputError, NotFittedError
from mvvtext.classify._labelcheck import validate_training_labels
from mvvtext.text._batch import resolve_n_jobs
from mvvtext.text._letter import letter_content

logger = logging.getLogger(__name__)
SCORE_PREFIX = {"topics": "score_topic_", "intent": "score_intent_", "values": "score_value_", "risks": "score_risk_"}
BATCH = 512


def _texts_and_labels(X, y, text: str, channel: str = "channel"):
    """Split a labelled frame (or texts + y) into texts, channels (or None) and a label frame."""
    if isinstance(X, pd.DataFrame):
        if text not in X.columns:
            raise InputError(f"the labelled data has no text column '{text}'", column=text)
        labels = X.reindex(columns=[c for c in LABEL_COLUMNS if c in X.columns]) if y is None else y
        channels = list(X[channel]) if channel in X.columns else None
        return list(X[text]), channels, pd.DataFrame(labels).reset_index(drop=True)
    if y is None:
        raise ValueError("pass a labelled DataFrame, or texts X with a label frame y")
    return list(X), None, pd.DataFrame(y).reset_index(drop=True)


def _n_workers(n_jobs: int | None, n_batches: int) -> int:
    return max(1, min(resolve_n_jobs(n_jobs), n_batches))


def batch_bounds(n: int, workers: int, size: int = BATCH, smallest: int = 64) -> list[tuple[int, int]]:
    """(start, stop) of each batch of ``n`` texts.

    One process takes batches of ``size``. Several take shrinking batches
    (guided scheduling): each is the remainder split ``2 * workers`` ways,
    between ``smallest`` and ``size``, so that the workers run out of work
    together instead of one waiting on the other's last full batch (up to
    0.25 s of a 2.2 s run of 2,000 texts on 2 cores was spent so).
    """
    if workers <= 1:
        return [(s, min(s + size, n)) for s in range(0, n, size)]
    out, start = [], 0
    while start < n:
        step = min(size, max(smallest, -(-(n - start) // (2 * workers))))
        if n - start - step < smallest:  # no batch smaller than ``smallest`` at the end
            step = n - start
        out.append((start, min(start + step, n)))
        start += step
    return out


class VoiceClassifier(BaseEstimator):
    """Classify employee voices: topics, primary, intent, sentiment, risks and values.

    Without labelled data, ``fit()`` trains on the profile's own examples and
    the shipped self-authored texts (``models/training``); ``fit(labelled)``
    adds your labelled texts. Codebook rules feed the model and the evidence;
    risk regexes are united with the model's recall-leaning risk decisions; the
    profile's lexicon (with negation and filler handling) feeds sentiment.

    Parameters
    ----------
    profile : Profile, str or None
        Company profile (``None``: the shipped default).
    embedder : str, Embedder or None
        Embedding backend name or object (``"auto"``: USE when installed); ``None``: no embeddings.
    model : SupervisedClassifier, optional
        A configured (unfitted) supervised model to use instead of the default settings.
    use_default_examples : bool or 'profile'
        Also train on the profile's examples and the shipped ``models/training``
        texts (True), on the profile's examples only ('profile'), or on the given
        labels only (False).
    labelled_weight : float or 'auto'
        Weight of each of your labelled rows relative to a default example
        (weight 1) when both are used. ``'auto'``: ``n_default / n_labelled``
        clipped to [1, 20], so that a few hundred labelled texts carry about as
        much total weight as the ~3,400 default examples and your labelling
        conventions are not swamped; ``1.0``: equal weights (the behaviour
        before this parameter existed). The intent head then checks that
        weight by cross-validation over your labelled rows against lighter
        ones (``SupervisedClassifier(weight_search_fields=...)``) and keeps
        the one that predicts your held-out rows best: on the dev set the
        labelled rows pulled intent below what the default examples alone
        gave (docs/quality.md).

    Attributes
    ----------
    labelled_weight_ : float
        The weight used for the labelled rows in the last ``fit`` (1.0 when
        no labelled rows or no default examples were used).
    n_labelled_, n_train_ : int
        Labelled rows given and texts trained on.
    """

    AUTO_WEIGHT_MAX = 20.0

    def __init__(self, profile=None, embedder="auto", model=None, use_default_examples=True,
                 labelled_weight="auto") -> None:
        self.profile = profile
        self.embedder = embedder
        self.model = model
        self.use_default_examples = use_default_examples
        self.labelled_weight = labelled_weight

    # ------------------------------------------------------------------ fitting
    def _backend(self):
        from mvvtext.embed import CachedEmbedder, get_embedder

        if getattr(self, "_embedder_cache", None) is None:
            backend = get_embedder(self.embedder)
            self._embedder_cache = None if backend is None else CachedEmbedder(backend)
        return self._embedder_cache

    def fit(self, X=None, y=None, text: str = "text", channel: str = "channel") -> "VoiceClassifier":
        """Fit on the default examples, plus labelled data when given.

        Parameters
        ----------
        X : DataFrame or list of str, optional
            A labelled frame (``text`` + any of topics, primary, intent,
            sentiment, risks, values), or texts with ``y``.
        y : DataFrame, optional
            Label columns for texts ``X``.
        text : str
            Text column of a labelled frame.
        channel : str
            Channel column of a labelled frame (inquiry / survey / post), used
            when present: the channel is a feature of the intent, values,
            sentiment and risk heads (``SupervisedClassifier.channel_fields``).
        """
        profile = load_profile(self.profile)
        frames = []
        if self.use_default_examples not in (True, False, "profile"):
            raise ValueError("The 'use_default_examples' parameter of VoiceClassifier must be one of "
                             f"{{True, False, 'profile'}}. Got {self.use_default_examples!r} instead.")
        weight = self.labelled_weight
        if not (weight == "auto" if isinstance(weight, str) else
                isinstance(weight, numbers.Real) and not isinstance(weight, bool)
                and np.isfinite(weight) and weight > 0):
            raise ValueError("The 'labelled_weight' parameter of VoiceClassifier must be 'auto' or a finite "
                             f"float > 0. Got {weight!r} instead.")
        if self.use_default_examples:
            frames.append(default_examples(profile, shipped=self.use_default_examples is True))
        if X is not None:
            texts, channels, labels = _texts_and_labels(X, y, text, channel)
            # codes of the profile, integer sentiment, a text for every labelled row (null: not labelled)
            validate_training_labels(labels, profile, texts=texts, origin=X)
            labels.insert(0, "text", texts)
            if "channel" not in labels.columns:  # a label frame y may carry its own channel column
                labels.insert(1, "channel", channels)
            frames.append(labels)
        if not frames:
            raise ValueError("nothing to fit on: pass labelled data or set use_default_examples=True")
        user = np.concatenate([np.full(len(f), i == len(frames) - 1 and X is not None, dtype=bool)
                               for i, f in enumerate(frames)])
        data = pd.concat(frames, ignore_index=True).astype(object)
        data = data.where(data.notna(), None)
        texts = prepare_texts(data["text"])
        keep = np.array([bool(t) for t in texts], dtype=bool)
        data = data.loc[keep].reset_index(drop=True)
        texts = [t for t, k in zip(texts, keep) if k]
        user = user[keep]
        n_user, n_default = int(user.sum()), int((~user).sum())
        if n_user == 0 or n_default == 0:
            self.labelled_weight_ = 1.0
        elif weight == "auto":
            self.labelled_weight_ = float(np.clip(n_default / n_user, 1.0, self.AUTO_WEIGHT_MAX))
        else:
            self.labelled_weight_ = float(weight)
        sample_weight = None if self.labelled_weight_ == 1.0 else np.where(user, self.labelled_weight_, 1.0)
        content = [letter_content(t) for t in texts]  # greetings and signatures carry no label
        backend = self._backend()
        emb = backend.encode(content) if backend is not None else None
        model = self.model if self.model is not None else SupervisedClassifier()
        from sklearn.base import clone

        self.supervised_ = clone(model).set_params(embedder=backend, profile=profile)
        channels = list(data["channel"]) if "channel" in data.columns else None
        self.supervised_.fit(content, data.drop(columns=["text", "channel"], errors="ignore"), embeddings=emb,
                             sample_weight=sample_weight, channels=channels,
                             labelled=user if n_user and n_default else None,
                             guess_channels=user)  # the user's rows, as their texts will be at prediction
        self._fit_parts(profile)
        self.n_labelled_ = 0 if X is None else int(len(X))
        self.n_train_ = len(texts)
        self.train_digests_ = text_digests(texts)
        return self

    def _fit_parts(self, profile) -> None:
        backend = self._backend()
        self.profile_ = profile
        shared = getattr(getattr(self, "supervised_", None), "features_", None)
        if shared is not None and shared.rules:  # the model's fitted rules: one match cache for both uses
            self.rules_ = dict(zip(("topics", "intent", "values"), shared.rules))
        else:
            self.rules_ = {f: RuleClassifier(profile, f).fit() for f in ("topics", "intent", "values")}
        self.zero_shot_ = {}
        if backend is not None:
            for f in ("topics", "intent", "values"):
                if profile.labels(f):
                    self.zero_shot_[f] = ZeroShotClassifier(backend, f, profile).fit()
        sup = getattr(self, "supervised_", None)
        # one lexicon for the sentiment head and the decisions: each text is scored once
        self.lexicon_ = sup._lexicon() if sup is not None and sup.profile is profile else SentimentLexicon(profile)
        self.risk_patterns_ = RiskPatterns(profile)

    def _check(self) -> None:
        if not hasattr(self, "supervised_"):
            raise NotFittedError("This VoiceClassifier is not fitted yet. Call 'fit' (no arguments: the "
                                 "default examples) or use mvvtext.analyze().")

    # ------------------------------------------------------------------ prediction
    def predict(self, X, text: str = "text", verbose: bool = False, n_jobs: int | None = None,
                channel: str = "channel") -> pd.DataFrame:
        """Classify texts.

        Parameters
        ----------
        X : DataFrame or sequence of str
            A frame with a ``text`` column, or texts.
        text : str
            The text column of a frame.
        verbose : bool
            Show a progress bar.
        n_jobs : int, optional
            Worker processes for batches of texts (``-1``: all cores). ``None``
            or 1 classifies in this process; inputs of one batch always do.
        channel : str
            The channel column of a frame (inquiry / survey / post), used when
            present; texts with no channel are classified from the text alone.

        Returns
        -------
        DataFrame with the same index as ``X`` (a RangeIndex for a sequence) and
        the columns text_masked, topics, primary, intent, sentiment, risks,
        values, score_* and evidence.
        """
        self._check()
        if isinstance(X, pd.DataFrame):
            if text not in X.columns:
                raise InputError(f"no text column '{text}'; columns are {list(X.columns)}", column=text)
            raw, index = X[text].tolist(), X.index
            chans = X[channel].tolist() if channel in X.columns else None
        else:
            raw, chans = list(X), None
            index = pd.RangeIndex(len(raw))
        workers = _n_workers(n_jobs, -(-len(raw) // BATCH))
        # with a bar on one process, batches of n/20 (64 to 512 texts) so that the bar moves
        size = min(BATCH, max(64, -(-len(raw) // 20))) if verbose and workers == 1 else BATCH
        bounds = batch_bounds(len(raw), workers, size=size)
        batches = ((raw[a:b], None if chans is None else chans[a:b]) for a, b in bounds)
        if workers > 1:
            from mvvtext.classify._parallel import map_batches

            results = map_batches(self, batches, workers)
        else:
            results = (self._predict_batch(*b) for b in batches)
        if verbose:
            from tqdm.auto import tqdm

            with tqdm(total=len(raw), desc="classifying", unit="text") as bar:
                parts = []
                for part in results:
                    parts.append(part)
                    bar.update(len(part))
        else:
            parts = list(results)
        out = pd.concat(parts, ignore_index=True) if parts else self._predict_batch([], None)
        out.index = index
        return out

    def _predict_batch(self, raw: list, channels: list | None = None) -> pd.DataFrame:
        texts = prepare_texts(raw)
        present = np.array([bool(t) for t in texts], dtype=bool)
        live = [letter_content(t) for t, p in zip(texts, present) if p]  # classified without letter furniture
        live_channels = None if channels is None else [c for c, p in zip(channels, present) if p]
        backend = self._backend()
        emb = backend.encode(live) if backend is not None and live else None
        scores, decided = self._scores(live, emb, live_channels)
        n = len(texts)
        cols: dict[str, list] = {"text_masked": texts}
        defaults = {"topics": ["other"], "primary": "other", "intent": "report", "sentiment": 0.0,
                    "risks": [], "values": [], "evidence": ""}
        for name, default in defaults.items():
            column = [list(default) if isinstance(default, list) else default for _ in range(n)]
            for i, value in zip(np.flatnonzero(present), decided.get(name, [])):
                column[i] = value
            cols[name] = column
        cols["sentiment"] = np.asarray(cols["sentiment"], dtype=float)
        for field, (classes, matrix) in scores.items():  # score columns: one (n, labels) block per field
            full = np.zeros((n, len(classes)), dtype=float)
            if len(live):
                full[present] = matrix
            for j, code in enumerate(classes):
                cols[f"{SCORE_PREFIX[field]}{code}"] = full[:, j]
        return pd.DataFrame(cols)  # built once: inserting ~60 columns one by one cost ~0.05 ms a text

    def _scores(self, texts: list[str], emb, channels=None):
        from mvvtext.classify._decide import decide

        return decide(self, texts, emb, channels)

    # ------------------------------------------------------------------ persistence
    def save(self, path) -> "VoiceClassifier":
        """Save to a folder: ``config.json`` + ``heads.skops`` (no pickle). Returns ``self``."""
        from mvvtext.classify._persist import save_model

        save_model(self, path)
        return self

    @classmethod
    def load(cls, path, profile=None, embedder=None) -> "VoiceClassifier":
        """Load a saved model; ``profile`` must be the profile it was trained with (``None``: default).

        Raises
        ------
        ModelNotFoundError
            The folder or one of its files is missing.
        ModelMismatchError
            The model was trained with another profile or embedding backend.
        """
        from mvvtext.classify._persist import load_model

        return load_model(path, profile=profile, embedder=embedder)
