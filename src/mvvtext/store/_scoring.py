"""Scorers injected into store runs, and the conversion of analysed frames into store rows."""
from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError, ModelNotFoundError, StoreError

logger = logging.getLogger(__name__)

#: pass as ``scorer=`` when the input frame is already analysed (e.g. scored on Dask or Spark)
PRECOMPUTED = "precomputed"

_REQUIRED = ("topics", "primary", "intent", "sentiment", "risks", "values")
_SCORE_PREFIXES = ("score_topic_", "score_intent_", "score_value_", "score_risk_")


class ResolvedScorer:
    """A scoring function with the model version and profile hash it stands for."""

    def __init__(self, fn: Callable[[pd.DataFrame], pd.DataFrame] | None, model_version: str,
                 profile_hash: str) -> None:
        self.fn = fn
        self.model_version = model_version
        self.profile_hash = profile_hash

    def __call__(self, voices: pd.DataFrame) -> pd.DataFrame:
        if self.fn is None:  # precomputed: the frame is already analysed
            return voices
        out = self.fn(voices)
        if not isinstance(out, pd.DataFrame):
            raise StoreError(f"the scorer returned {type(out).__name__}, not the analysed DataFrame.")
        if len(out) != len(voices) or not out.index.equals(voices.index):
            raise StoreError(f"the scorer returned {len(out)} rows with another index for {len(voices)} input "
                             "rows; a scorer must keep the input's index, one output row per input row.")
        return out


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _model_version_of_dir(model: str | Path) -> str:
    path = Path(model)
    if not path.exists():
        raise ModelNotFoundError(f"no model at {path}; pass the folder a trained VoiceClassifier was saved to.")
    config = path / "config.json" if path.is_dir() else None
    if config is not None and config.exists():
        try:
            cfg = json.loads(config.read_text(encoding="utf-8"))
            for key in ("model_version", "version", "model_id"):
                if cfg.get(key):
                    return f"{path.name}:{cfg[key]}:{_file_digest(path)[:12]}"
        except ValueError:
            pass
    return f"{path.name}:{_file_digest(path)[:12]}"


def _profile_hash(profile: Any) -> str:
    """Hash of the profile a prediction was made with ("none" when no profile was named)."""
    if profile is None:
        return "none"
    if hasattr(profile, "hash"):
        return str(profile.hash)
    try:
        from mvvtext.classify import load_profile
    except ImportError:
        return "sha256:" + _file_digest(Path(profile))[:16]
    return str(load_profile(profile).hash)


def _classify() -> Any:
    try:
        from mvvtext import classify
    except ImportError as e:
        raise ModelNotFoundError("scoring needs mvvtext.classify, which cannot be imported here; pass "
                                 "scorer=... to score_into_store.") from e
    return classify


def _wrap_classifier(clf: Any, n_jobs: int | None = None) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A fitted VoiceClassifier → ``df -> analysed df`` through ``mvvtext.classify.analyze``."""
    classify = _classify()
    # a progress bar where someone watches (a terminal), none in a scheduler's log
    return lambda df: classify.analyze(df, model=clf, verbose=sys.stderr.isatty(), n_jobs=n_jobs)


def _default_scorer(profile: Any, model: str | Path | None,
                    n_jobs: int | None = None) -> tuple[Callable[[pd.DataFrame], pd.DataFrame], str, str | None]:
    """mvvtext's own classifier (a saved model folder, or the no-label default), built once.

    Returns the scoring function, the profile hash and, for the default model, its
    cache key (``cache_key_``, see ``mvvtext.classify.default_model``).
    """
    classify = _classify()
    prof = classify.load_profile(profile)
    if model is not None:
        return _wrap_classifier(classify.VoiceClassifier.load(model, profile=prof), n_jobs), str(prof.hash), None
    clf = classify.default_model(prof, verbose=True)  # a first fit takes minutes: say so on stderr
    return _wrap_classifier(clf, n_jobs), str(prof.hash), getattr(clf, "cache_key_", None)


def resolve_scorer(scorer: Any = None, *, profile: Any = None, model: str | Path | None = None,
                   model_version: str | None = None, n_jobs: int | None = None) -> ResolvedScorer:
    """Turn what the caller passed into a :class:`ResolvedScorer`.

    ``scorer`` may be ``None`` (mvvtext's classifier from ``profile`` / ``model``),
    :data:`PRECOMPUTED`, a fitted ``VoiceClassifier`` (anything with ``fit`` and
    ``predict``, run through ``mvvtext.classify.analyze``), an object with
    ``analyze(df)``, or any callable ``df -> analysed df``. The model version is, in
    this order, ``model_version=``, the scorer's ``model_version`` / ``version_`` /
    ``model_id`` attribute, a digest of the ``model`` folder, or the callable's
    qualified name; mvvtext's no-label default model is
    ``mvvtext-<version>-default:<first 12 digits of its cache key>``, so each fit of
    it (other training files, other code) is a version of its own. ``n_jobs`` (worker processes, ``-1``: all cores) applies to
    mvvtext's classifier (``None`` or a VoiceClassifier); a callable runs as it is.
    """
    from mvvtext._version import __version__ as mvvtext_version

    if isinstance(scorer, str) and scorer == PRECOMPUTED:
        return ResolvedScorer(None, model_version or "precomputed", _profile_hash(profile))
    if scorer is None:
        fn, phash, key = _default_scorer(profile, model, n_jobs)
        default = f"mvvtext-{mvvtext_version}-default" + (f":{key[:12]}" if key else "")
        version = model_version or (_model_version_of_dir(model) if model is not None else default)
        return ResolvedScorer(fn, version, phash)
    if hasattr(scorer, "analyze") and callable(scorer.analyze):
        fn = scorer.analyze
    elif hasattr(scorer, "fit") and hasattr(scorer, "predict"):
        fn = _wrap_classifier(scorer, n_jobs)
    elif callable(scorer):
        fn = scorer
    else:
        raise StoreError(f"scorer must be a callable, a fitted VoiceClassifier or have an analyze() method, "
                         f"got {type(scorer).__name__}.")
    version = model_version
    for attr in ("model_version", "version_", "model_id"):
        if version is None and isinstance(getattr(scorer, attr, None), str):
            version = getattr(scorer, attr)
    if version is None and model is not None:
        version = _model_version_of_dir(model)
    if version is None:
        version = f"callable:{getattr(scorer, '__module__', '?')}.{getattr(scorer, '__qualname__', type(scorer).__name__)}"
    phash = None
    for holder in (scorer, getattr(scorer, "profile_", None)):
        value = None if holder is None else (getattr(holder, "profile_hash", None) or getattr(holder, "hash", None))
        if phash is None and isinstance(value, str):
            phash = value
    return ResolvedScorer(fn, version, phash or _profile_hash(profile))


def masker() -> Callable[[str], str] | None:
    """``mvvtext.text.mask_personal_data`` when the text layer has it, else None."""
    try:
        from mvvtext.text import mask_personal_data
    except ImportError:
        return None
    return mask_personal_data


def masked_texts(analysed: pd.DataFrame) -> pd.Series:
    """The masked text to store: never the raw text.

    The analysed frame's ``text_masked`` (normalised) is masked again with
    ``mask_personal_data`` when the text layer provides it (masking is idempotent);
    without ``text_masked`` the normalised raw text is masked; with neither the run
    refuses rather than store raw text.
    """
    from mvvtext.text import normalize

    mask = masker()
    if "text_masked" in analysed.columns:
        base = analysed["text_masked"].map(lambda v: "" if v is None or v != v else str(v))
    elif mask is not None:
        base = analysed["text"].map(normalize)
    else:
        raise StoreError("the scorer returned no 'text_masked' column and mvvtext.text.mask_personal_data is "
                         "not available; refusing to store unmasked text.")
    return base.map(mask) if mask is not None else base


def _as_list(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and v != v):
        return []
    if isinstance(v, str):
        return [v] if v else []
    if isinstance(v, (list, tuple, np.ndarray, pd.Series)):
        return [str(x) for x in v]
    raise InputError(f"expected a list of label codes, got {v!r}")


def prediction_columns(analysed: pd.DataFrame) -> dict[str, Any]:
    """Arrow-ready prediction columns (lists as lists, scores as one JSON object per row)."""
    missing = [c for c in _REQUIRED if c not in analysed.columns]
    if missing:
        raise StoreError(f"the analysed frame lacks {missing}; a scorer must return the columns of "
                         f"docs/ARCHITECTURE.md ({', '.join(_REQUIRED)}, score_*, evidence).")
    score_cols = [c for c in analysed.columns if str(c).startswith(_SCORE_PREFIXES)]
    if score_cols:
        values = analysed[score_cols].astype(float).round(6).to_numpy()
        scores = [json.dumps(dict(zip(score_cols, row.tolist())), ensure_ascii=False) for row in values]
    else:
        scores = ["{}"] * len(analysed)
    evidence = (analysed["evidence"].map(lambda v: "" if v is None or v != v else str(v))
                if "evidence" in analysed.columns else pd.Series([""] * len(analysed), index=analysed.index))
    return {
        "topics": [_as_list(v) for v in analysed["topics"]],
        "primary": analysed["primary"].astype(str).tolist(),
        "intent": analysed["intent"].astype(str).tolist(),
        "sentiment": pd.to_numeric(analysed["sentiment"], errors="coerce").astype(float).tolist(),
        "risks": [_as_list(v) for v in analysed["risks"]],
        "values": [_as_list(v) for v in analysed["values"]],
        "scores": scores,
        "evidence": evidence.tolist(),
    }


def person_keys(values: pd.Series, salt: str) -> list[str | None]:
    """Keyed BLAKE2b digest of each person id (None for a missing one): the store counts
    people without keeping their ids. Spaces around an id and full-width digits do not
    make another person (``"E0012 "`` and ``"Ｅ００１２"`` are ``"E0012"``)."""
    import unicodedata

    key = bytes.fromhex(salt) + b"|person"
    out: list[str | None] = []
    for v in values.tolist():
        text = None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else str(v)
        if isinstance(v, float) and text is not None and v.is_integer():
            text = str(int(v))  # 12.0 read from a spreadsheet is person 12
        text = None if text is None else unicodedata.normalize("NFKC", text).strip()
        out.append(hashlib.blake2b(text.encode("utf-8"), key=key, digest_size=16).hexdigest() if text else None)
    return out


def content_hashes(texts: pd.Series, salt: str) -> list[str]:
    """Keyed BLAKE2b digest of each normalised text (store-specific key, so a hash
    cannot be used to confirm a guessed text outside the store)."""
    from mvvtext.text import normalize

    key = bytes.fromhex(salt)
    return [hashlib.blake2b(normalize(t).encode("utf-8"), key=key, digest_size=16).hexdigest() for t in texts]
