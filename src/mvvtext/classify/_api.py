"""The functions behind ``mvvtext analyze / train / evaluate``."""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from mvvtext.classify._data import read_labelled, text_digest, training_dir
from mvvtext.classify._profile import load_profile
from mvvtext.classify._voice import VoiceClassifier
from mvvtext.exceptions import InputError, ModelMismatchError, ModelNotFoundError

logger = logging.getLogger(__name__)


@functools.cache
def _source_digest() -> bytes:
    """Digest of the code that fits the default model (classify, text, embed): a changed install refits.

    Computed once per process: ``analyze`` calls :func:`default_model` every time.
    """
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for f in sorted([*package.glob("classify/*.py"), *package.glob("text/*.py"), *package.glob("embed/*.py")]):
        h.update(f.read_bytes())
    return h.digest()


def _cache_root() -> Path:
    root = os.environ.get("MVVTEXT_CACHE_DIR")
    if root:
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mvvtext"


def default_model(profile=None, embedder="auto", *, verbose: bool = False) -> VoiceClassifier:
    """The no-label model for ``profile``: fitted on its examples + shipped texts, cached on disk.

    The cache key covers the mvvtext version, the profile hash, the shipped
    training files, the classify/text/embed source files and the embedding
    backend, so any change refits. ``verbose``: say on stderr when it has to
    fit (the first run for a profile, 3-4 minutes on 2 cores). The returned
    model's ``cache_key_`` is that key: it names one fit of the default model.
    """
    from mvvtext._version import __version__
    from mvvtext.embed import get_embedder

    prof = load_profile(profile)
    backend = get_embedder(embedder)
    key = hashlib.sha256()
    key.update(f"{__version__}|{prof.hash}|{None if backend is None else backend.model_id}".encode())
    for f in sorted(training_dir().glob("*.jsonl")):
        key.update(f.name.encode())
        key.update(f.read_bytes())
    key.update(_source_digest())
    cache_key = key.hexdigest()[:24]
    folder = _cache_root() / "default-models" / cache_key
    if (folder / "config.json").is_file():
        try:
            vc = VoiceClassifier.load(folder, profile=prof, embedder=backend)
            vc.cache_key_ = cache_key
            return vc
        except (ModelNotFoundError, ModelMismatchError, ValueError, OSError, EOFError, KeyError,
                zipfile.BadZipFile) as e:  # a cache folder damaged by hand or by a disk full: fit again
            logger.warning("ignoring unreadable cached default model %s (%s); refitting", folder, e)
            shutil.rmtree(folder, ignore_errors=True)
    logger.info("fitting the default model on the profile examples and shipped training texts")
    if verbose:
        print(f"mvvtext: fitting the default model for this profile (once; 3-4 minutes on 2 cores), "
              f"cached in {folder}", file=sys.stderr, flush=True)
    vc = VoiceClassifier(profile=prof, embedder=backend).fit()
    try:
        _save_atomically(vc, folder)
    except OSError as e:  # read-only home: keep going without the cache
        logger.warning("could not cache the default model in %s: %s", folder, e)
    vc.cache_key_ = cache_key
    return vc


def _save_atomically(vc: VoiceClassifier, folder: Path) -> None:
    """Save ``vc`` into a private folder beside ``folder``, then rename it into place.

    Two processes fitting the same default model at once never read each other's
    half-written files: a reader sees no folder or a whole one. The first rename
    wins; a later one finds the folder there and discards its own copy.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        vc.save(scratch)
        if folder.exists() and not (folder / "config.json").is_file():  # left by an interrupted older save
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(scratch, folder)
        except OSError:
            if not (folder / "config.json").is_file():
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)


def _resolve_model(model, profile, embedder, verbose: bool = False) -> VoiceClassifier:
    if isinstance(model, VoiceClassifier):
        if not hasattr(model, "supervised_"):
            return model.fit()
        return model
    if model is None:
        return default_model(profile, embedder, verbose=verbose)
    if isinstance(model, (str, Path)):
        return VoiceClassifier.load(model, profile=profile)
    raise TypeError(f"model must be None, a model folder or a VoiceClassifier. Got {type(model).__name__} instead.")


def _as_frame(df_or_path, text: str) -> pd.DataFrame:
    if isinstance(df_or_path, (str, Path)):
        from mvvtext.io import read_voices

        return read_voices(df_or_path, text=text)
    if isinstance(df_or_path, pd.Series):
        return df_or_path.rename(text).to_frame()
    if not isinstance(df_or_path, pd.DataFrame):
        raise TypeError(f"analyze() takes a DataFrame or a file path. Got {type(df_or_path).__name__} instead.")
    if text not in df_or_path.columns:
        raise InputError(f"no text column '{text}'; the columns are {list(df_or_path.columns)}", column=text)
    return df_or_path


def _texts_to_classify(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """``frame`` with the numbers among its texts as text (``5``, ``3.5``), as :func:`mvvtext.read_voices` reads them.

    A wholly numeric text column is an InputError; numbers among texts are named
    in a logged warning, unless ``read_voices`` has already read (and named) them.
    """
    from mvvtext.io._voices import channel_column, text_cells

    warned = frame.attrs.get("mvvtext_text_column") == text  # read_voices named them
    source = frame.attrs.get("mvvtext_source")
    cells = text_cells(frame[text], text, source, warn=not warned)
    channels = None
    if "channel" in frame.columns and text != "channel":
        # a plain frame's メール / アンケート as the codes the classifier knows (others missing, warned)
        codes, mapping = channel_column(frame["channel"], "channel", source)
        channels = codes if mapping else None
    if cells is frame[text] and channels is None:
        return frame
    out = frame.copy()
    out[text] = cells
    if channels is not None:
        out["channel"] = channels.astype(object).where(channels.notna(), None)
    return out


def analyze(df_or_path, text: str = "text", profile=None, model=None, *, embedder="auto",
            verbose: bool = True, n_jobs: int | None = None) -> pd.DataFrame:
    """Classify every text: topics, primary, intent, sentiment, risks, values, scores and evidence.

    Parameters
    ----------
    df_or_path : DataFrame, Series or path
        Voices; a path is read with :func:`mvvtext.read_voices`.
    text : str
        The free-text column.
    profile : Profile, str or None
        Company profile (``None``: the shipped default).
    model : str, Path, VoiceClassifier or None
        A model folder from :func:`train` / ``VoiceClassifier.save``, a fitted
        classifier, or ``None`` for the no-label default model.
    embedder : str or Embedder
        Embedding backend of the default model (``"auto"``, ``"use"``, ``"tfidf"``, ``"st:<path>"``, ``None``).
    verbose : bool
        Show a progress bar.
    n_jobs : int, optional
        Worker processes (``-1``: all cores); worth it from a few thousand texts.

    Returns
    -------
    DataFrame
        Same index and rows as the input, all input columns kept, plus
        ``text_masked`` and the analysed columns of ARCHITECTURE.md. Rows with
        missing or empty text get primary ``other``, sentiment 0 and empty lists.
        A number among the texts is classified as its text (``5``, ``3.5``), as
        :func:`mvvtext.read_voices` reads it, and named in a logged warning; the
        input column is returned as given.

    Raises
    ------
    InputError
        When the text column is missing or holds only numbers.
    """
    frame = _as_frame(df_or_path, text)
    to_classify = _texts_to_classify(frame, text)  # before the model, which may have to be fitted
    vc = _resolve_model(model, profile, embedder, verbose)
    predicted = vc.predict(to_classify, text=text, verbose=verbose, n_jobs=n_jobs)
    kept = frame.drop(columns=[c for c in predicted.columns if c in frame.columns])
    out = pd.concat([kept, predicted], axis=1)
    out.attrs = dict(frame.attrs)  # read_voices' segments, source and lines go on to rank_issues
    return out


def train(labelled_path_or_df, profile=None, embedder="auto", text: str = "text") -> VoiceClassifier:
    """Fit a :class:`VoiceClassifier` on labelled texts (plus the default examples).

    Parameters
    ----------
    labelled_path_or_df : path or DataFrame
        Labelled JSONL (labels-contract shape) or a frame with ``text`` and label columns.
    """
    data = read_labelled(labelled_path_or_df) if isinstance(labelled_path_or_df, (str, Path)) \
        else labelled_path_or_df
    return VoiceClassifier(profile=profile, embedder=embedder).fit(data, text=text)


def _prf(gold: list[set], pred: list[set], labels: list[str]) -> pd.DataFrame:
    rows = []
    for label in labels:
        tp = sum(label in g and label in p for g, p in zip(gold, pred))
        fp = sum(label not in g and label in p for g, p in zip(gold, pred))
        fn = sum(label in g and label not in p for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        rows.append({"label": label, "precision": prec, "recall": rec, "f1": f1, "support": tp + fn})
    return pd.DataFrame(rows, columns=["label", "precision", "recall", "f1", "support"])


def _unlabelled(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _as_set(v) -> set:
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return {str(x) for x in v}
    return set() if v is None or (isinstance(v, float) and np.isnan(v)) else {str(v)}


def _gold_profile(model, profile):
    """The profile whose codes the gold labels must use: ``profile``, else the model's, else the default."""
    if profile is not None or not isinstance(model, VoiceClassifier):
        return profile  # a model folder is loaded with ``profile``: it must be the model's
    fitted = getattr(model, "profile_", None)
    return model.profile if fitted is None else fitted


def _check_gold(data: pd.DataFrame, profile, text: str, origin) -> None:
    """Refuse gold labels that ``mvvtext train`` would refuse: codes of the profile, integer sentiment in [-2, 2].

    A null field is allowed (the row is not labelled for it); a labelled row needs a text.
    """
    from mvvtext.classify._labelcheck import LABEL_FIELDS, validate_training_labels

    labels = data[[f for f in LABEL_FIELDS if f in data.columns]]
    validate_training_labels(
        labels, profile, texts=data[text].tolist() if text in data.columns else None, origin=origin,
        purpose=("invalid gold label(s)",
                 "A field may be null (the row is not labelled for it and is left out of that field's scores); "
                 "fix the other values, or pass the profile the labels use, and evaluate again."))


def evaluate(labelled, model=None, profile=None, *, embedder="auto", predictions: pd.DataFrame | None = None,
             text: str = "text") -> dict:
    """Score a model on labelled texts.

    The gold labels are checked as ``mvvtext train`` checks labelled rows, before
    anything is classified: every label must be a code of the profile (``profile``
    when given, else the model's, else the shipped default), list fields (topics,
    risks, values) lists, sentiment an integer from -2 to 2, and a labelled row
    needs a text. A null field is allowed: the row is not labelled for it. The
    same check applies when ``predictions`` are given: pass the ``profile`` of
    the labels when it is not the default.

    Parameters
    ----------
    labelled : path or DataFrame
        Labelled JSONL (labels-contract shape, read with ``read_labelled``) or a frame
        with ``text`` and label columns.
    model : str, Path, VoiceClassifier or None
        The model to score (``None``: the no-label default model).
    profile : Profile, str or None
        The profile of the labels and the model.
    embedder : str or Embedder
        Embedding backend of the default model.
    predictions : DataFrame, optional
        Predictions to score instead of running a model, one row per labelled row.
    text : str
        The text column.

    Returns
    -------
    dict
        ``fields``: field -> DataFrame of per-label precision / recall / F1 /
        support; ``summary``: field -> {macro_f1, micro_f1 or accuracy, ..., n};
        a row whose gold field is null (not labelled for it) is left out of that
        field, and a field no row labels is left out;
        ``confusion``: primary / intent -> confusion matrix DataFrame (rows gold,
        columns predicted); ``sentiment_spearman``; ``n``; ``n_seen``: how many
        of the texts the model was trained on (``None`` when the model does not
        record it, or ``predictions`` were given). Scores on seen texts overstate
        quality on new ones; a warning is logged when there are any.

    Raises
    ------
    InputError
        Listing every invalid gold label as ``line N, field 'f': 'value' is not a
        code of the profile; did you mean '…'? (allowed: …)``.
    """
    origin = read_labelled(labelled) if isinstance(labelled, (str, Path)) else labelled
    data = origin.reset_index(drop=True)
    _check_gold(data, _gold_profile(model, profile), text, origin)
    n_seen = None
    if predictions is None:
        vc = _resolve_model(model, profile, embedder)
        predictions = analyze(data, text=text, model=vc, verbose=False)
        if hasattr(vc, "train_digests_"):
            seen = set(vc.train_digests_)
            # text_masked is the prepared text the model was fitted on: no second Sudachi pass
            n_seen = sum(bool(t) and text_digest(t) in seen for t in predictions["text_masked"])
            if n_seen:
                logger.warning("%d of %d labelled texts were in the model's training data: the figures "
                               "overstate its quality on new texts", n_seen, len(data))
    predictions = predictions.reset_index(drop=True)
    result = {"n": len(data), "n_seen": n_seen, "fields": {}, "summary": {}, "confusion": {}}
    for field in ("primary", "intent", "topics", "values", "risks"):
        if field not in data.columns:
            continue
        keep = [i for i, v in enumerate(data[field]) if not _unlabelled(v)]  # null: not labelled for it
        if not keep:
            continue
        gold = [_as_set(data[field].iat[i]) for i in keep]
        pred = [_as_set(predictions[field].iat[i]) for i in keep]
        labels = sorted(set().union(*gold) | set().union(*pred))
        table = _prf(gold, pred, labels)
        present = table[table["support"] > 0]
        tp = sum(len(g & p) for g, p in zip(gold, pred))
        n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
        summary = {"macro_f1": float(present["f1"].mean()) if len(present) else float("nan"),
                   "micro_f1": 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0,
                   "precision": tp / n_pred if n_pred else 0.0, "recall": tp / n_gold if n_gold else 0.0}
        if field in ("primary", "intent"):
            summary["accuracy"] = float(np.mean([g == p for g, p in zip(gold, pred)]))
            result["confusion"][field] = pd.crosstab(
                pd.Series(data[field].iloc[keep].astype(str).to_numpy(), name="gold"),
                pd.Series(predictions[field].iloc[keep].astype(str).to_numpy(), name="predicted"))
        summary["n"] = len(keep)
        result["fields"][field] = table
        result["summary"][field] = summary
    if "sentiment" in data.columns:
        g = pd.to_numeric(data["sentiment"], errors="coerce")
        result["sentiment_spearman"] = float(g.corr(predictions["sentiment"].astype(float), method="spearman"))
    return result


def format_evaluation(result: dict) -> str:
    """A printable report of :func:`evaluate`'s result."""
    lines = [f"evaluated on {result['n']} labelled texts"]
    if result.get("n_seen"):
        lines.append(f"WARNING: {result['n_seen']} of {result['n']} texts were in the model's training data, "
                     "so these figures overstate its quality on new texts. Evaluate on texts the model did "
                     "not see: train on one part of the labelled file and evaluate on the rest.")
    lines.append("")
    for field, s in result["summary"].items():
        extra = f"  accuracy {s['accuracy']:.3f}" if "accuracy" in s else f"  micro-F1 {s['micro_f1']:.3f}"
        lines.append(f"{field:<8} macro-F1 {s['macro_f1']:.3f}{extra}  precision {s['precision']:.3f}"
                     f"  recall {s['recall']:.3f}  (n={s['n']})")
    if "sentiment_spearman" in result:
        lines.append(f"sentiment Spearman {result['sentiment_spearman']:.3f}")
    for field, table in result["fields"].items():
        lines += ["", f"== {field}: per label", table.to_string(index=False, float_format=lambda x: f"{x:.2f}")]
    for field, matrix in result["confusion"].items():
        lines += ["", f"== {field}: confusion matrix (rows gold, columns predicted)", matrix.to_string()]
    return "\n".join(lines)
