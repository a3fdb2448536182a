"""Save / load a fitted VoiceClassifier as a folder: config.json + skops heads (no pickle)."""
from __future__ import annotations

import datetime as _dt
import json
import logging
from pathlib import Path

from mvvtext.exceptions import ModelMismatchError, ModelNotFoundError, NotFittedError

logger = logging.getLogger(__name__)

FORMAT = 1
CONFIG = "config.json"
HEADS = "heads.skops"
TRAIN_TEXTS = "train_texts.json"  # digests of the training texts (never the texts)
PROFILE_COPY = "profile.yaml"  # the profile the model was trained with, as it was then
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.",
                     "mvvtext.classify._features.sudachi_words", "mvvtext.classify._supervised.WeightedOneVsRest",
                     "mvvtext.classify._heads.BlendedSentiment")


def save_model(vc, path) -> Path:
    """Write ``vc`` to the folder ``path`` (created; existing files are replaced)."""
    import sklearn
    import skops.io as sio

    from mvvtext._version import __version__

    if not hasattr(vc, "supervised_"):
        raise NotFittedError("Only a fitted VoiceClassifier can be saved. Call 'fit' first.")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    sup = vc.supervised_
    params = {k: v for k, v in sup.get_params().items() if k not in ("embedder", "profile")}
    backend = vc._backend()
    config = {
        "format": FORMAT,
        "mvvtext_version": __version__,
        "sklearn_version": sklearn.__version__,
        "embedder_id": None if backend is None else backend.model_id,
        "embedding_dim": int(sup.features_.embedding_dim_),
        "channels": list(getattr(sup.features_, "channels_", [])),
        "profile_hash": vc.profile_.hash,
        "profile_source": vc.profile_.source,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "labels": {f: [str(c) for c in cls] for f, cls in sup.classes_.items()},
        "fields": list(sup.fields_),
        "thresholds": sup.thresholds_,
        "labelled_weights": getattr(sup, "labelled_weights_", {}),
        "supervised_params": params,
        "use_default_examples": vc.use_default_examples,
        "labelled_weight": vc.labelled_weight,
        "labelled_weight_used": float(getattr(vc, "labelled_weight_", 1.0)),
        "n_train": int(vc.n_train_),
        "n_labelled": int(vc.n_labelled_),
        "files": [HEADS, TRAIN_TEXTS],
    }
    state = {"word": sup.features_.word_, "char": sup.features_.char_, "heads": sup.heads_,
             "binarizers": sup.binarizers_, "channel_model": getattr(sup.features_, "channel_model_", None)}
    sio.dump(state, folder / HEADS)
    (folder / TRAIN_TEXTS).write_text(json.dumps(
        {"digest": "sha256 of the normalised, masked text, first 16 hex digits",
         "texts": list(getattr(vc, "train_digests_", []))}), encoding="utf-8")
    (folder / PROFILE_COPY).write_text(_profile_text(vc.profile_), encoding="utf-8")
    (folder / CONFIG).write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def _profile_text(prof) -> str:
    """The YAML of the profile a model is trained with: its file as written, else its content."""
    import yaml

    from mvvtext.classify._profile import load_profile

    source = Path(str(prof.source))
    if source.is_file():
        text = source.read_text(encoding="utf-8-sig")
        try:
            if load_profile(source).hash == prof.hash:
                return text
        except Exception:  # noqa: BLE001 - the file changed under us: fall back to the content
            pass
    return yaml.safe_dump(prof.to_dict(), allow_unicode=True, sort_keys=False)


def _saved_profile(folder: Path, config: dict):
    """The copy of the training profile saved in ``folder``, or None (older folders, or a copy that differs)."""
    from mvvtext.classify._profile import load_profile

    copy = folder / PROFILE_COPY
    if not copy.is_file():
        return None
    prof = load_profile(copy)
    return prof if prof.hash == config["profile_hash"] else None


def _read_config(folder: Path) -> dict:
    if not folder.is_dir():
        raise ModelNotFoundError(f"model folder not found: {folder}")
    file = folder / CONFIG
    if not file.is_file():
        raise ModelNotFoundError(f"{folder} is not an mvvtext model folder: {CONFIG} is missing")
    config = json.loads(file.read_text(encoding="utf-8"))
    missing = [f for f in config.get("files", [HEADS]) if not (folder / f).is_file()]
    if missing:
        raise ModelNotFoundError(f"model folder {folder} is incomplete: missing {', '.join(missing)}; "
                                 "save the model again with VoiceClassifier.save()")
    if config.get("format") != FORMAT:
        raise ModelMismatchError(f"{folder}: model format {config.get('format')!r} is not readable by this "
                                 f"mvvtext (format {FORMAT}); retrain with `mvvtext train`")
    return config


def _weight_search(found: dict) -> dict:
    """A saved weight search as fitted: JSON turned the float keys of its scores into strings."""
    def key(name):
        return name if name == "given" else float(name)

    return {"chosen": key(found["chosen"]), "scores": {key(k): float(v) for k, v in found["scores"].items()}}


def load_model(path, profile=None, embedder=None):
    """Load a folder written by :func:`save_model`.

    Parameters
    ----------
    path : str or Path
    profile : Profile, str or None
        The profile to use with the model (``None``: the shipped default). It must
        be the profile the model was trained with.
    embedder : Embedder, optional
        A backend to use instead of re-creating the recorded one (must have the same ``model_id``).
    """
    import skops.io as sio

    from mvvtext.classify._features import TextFeatures
    from mvvtext.classify._profile import load_profile
    from mvvtext.classify._supervised import SupervisedClassifier
    from mvvtext.classify._voice import VoiceClassifier
    from mvvtext.embed import CachedEmbedder, get_embedder

    folder = Path(path)
    config = _read_config(folder)
    prof = load_profile(profile)
    if profile is None and prof.hash != config["profile_hash"]:
        saved = _saved_profile(folder, config)
        if saved is not None:  # no profile named: the model's own (the shipped default may have changed since)
            logger.warning("the model in %s was trained with %s (as it was then), not with the shipped default "
                           "profile as it is now; using the copy saved with the model (%s)",
                           folder, config.get("profile_source"), PROFILE_COPY)
            prof = saved
    if prof.hash != config["profile_hash"] and str(prof.source) == str(config.get("profile_source")):
        raise ModelMismatchError(
            f"the profile {prof.source} has changed since the model in {folder} was trained with it (hash "
            f"{config['profile_hash'][:12]} then, {prof.hash[:12]} now). Train the model again with the "
            "profile as it is now, or restore the profile the model was trained with.")
    if prof.hash != config["profile_hash"]:
        raise ModelMismatchError(
            f"the model in {folder} was trained with a different profile ({config.get('profile_source')}, "
            f"hash {config['profile_hash'][:12]}) than the one given ({prof.source}, hash {prof.hash[:12]}). "
            "Pass the profile the model was trained with, or retrain the model with this profile.")
    backend = embedder if embedder is not None else get_embedder(config["embedder_id"])
    if backend is not None and backend.model_id != config["embedder_id"]:
        raise ModelMismatchError(f"the model in {folder} uses embeddings '{config['embedder_id']}', "
                                 f"not '{backend.model_id}'")
    file = folder / HEADS
    untrusted = sio.get_untrusted_types(file=file)
    unknown = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if unknown:
        raise ModelMismatchError(f"{file} holds types mvvtext does not load: {', '.join(unknown)}")
    state = sio.load(file, trusted=untrusted)

    vc = VoiceClassifier(profile=prof, embedder=backend, use_default_examples=config["use_default_examples"],
                         labelled_weight=config.get("labelled_weight", 1.0))
    vc.labelled_weight_ = float(config.get("labelled_weight_used", 1.0))
    vc._embedder_cache = None if backend is None else CachedEmbedder(backend)
    sup = SupervisedClassifier(embedder=vc._embedder_cache, profile=prof, **config["supervised_params"])
    features = TextFeatures(sup.word_weight, sup.char_weight, sup.embedding_weight, sup.rule_weight,
                            sup._rules(), sup.channel_weight)
    features.word_, features.char_ = state["word"], state["char"]
    features.embedding_dim_ = config["embedding_dim"]
    features.channels_ = [str(c) for c in config.get("channels", [])]  # none in models saved before channels
    features.channel_model_ = state.get("channel_model")  # none in models saved before the channel guess
    sup.features_ = features
    sup.heads_, sup.binarizers_ = state["heads"], state["binarizers"]
    sup.classes_ = {f: __import__("numpy").array(c, dtype=object) for f, c in config["labels"].items()}
    sup.thresholds_ = {f: float(t) for f, t in config["thresholds"].items()}
    sup.labelled_weights_ = {f: _weight_search(found) for f, found in config.get("labelled_weights", {}).items()}
    sup.fields_ = list(config["fields"])
    sup.n_train_ = config["n_train"]
    vc.supervised_ = sup
    vc.n_train_, vc.n_labelled_ = config["n_train"], config["n_labelled"]
    vc._fit_parts(prof)
    digests = folder / TRAIN_TEXTS
    if digests.is_file():  # absent in models saved before it
        vc.train_digests_ = list(json.loads(digests.read_text(encoding="utf-8")).get("texts", []))
    vc.config_ = config
    return vc
