"""sentence-transformers backend (optional extra ``mvvtext[st]``)."""
from __future__ import annotations

import os
from functools import cached_property

import numpy as np

from mvvtext.embed._base import Embedder
from mvvtext.exceptions import ModelNotFoundError, optional_import


class SentenceTransformerEmbedder(Embedder):
    """Embed with a sentence-transformers model from a local path or the local HF cache.

    Nothing is downloaded: the model must be a local folder or already cached
    (``HF_HUB_OFFLINE`` is respected; set it to ``1`` on offline machines).

    Parameters
    ----------
    model_name_or_path : str
        Local folder or model name in the local Hugging Face cache.
    device : str
        Torch device, e.g. ``"cpu"`` or ``"cuda"``.
    """

    def __init__(self, model_name_or_path: str, device: str = "cpu") -> None:
        self.model_name_or_path = str(model_name_or_path)
        self.device = device
        self.model_id = f"st:{self.model_name_or_path}"

    @cached_property
    def _model(self):
        st = optional_import("sentence_transformers", "mvvtext[st]", "The sentence-transformers backend")
        local_only = os.path.isdir(self.model_name_or_path) or os.environ.get("HF_HUB_OFFLINE") == "1"
        try:
            return st.SentenceTransformer(self.model_name_or_path, device=self.device,
                                          local_files_only=local_only)
        except (OSError, ValueError) as e:
            raise ModelNotFoundError(
                f"Could not load the sentence-transformers model '{self.model_name_or_path}': {e}. "
                "Pass a local model folder, or a model already in the local Hugging Face cache."
            ) from e

    def limit_threads(self, n: int) -> None:
        import torch  # only reached in a worker that will use the model

        torch.set_num_threads(max(1, int(n)))

    @property
    def dim(self) -> int:
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        return int(get_dim())

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = self._model.encode(texts, batch_size=len(texts), show_progress_bar=False,
                                 convert_to_numpy=True, normalize_embeddings=False)
        return np.asarray(out, dtype=np.float32)
