"""The embedding backend interface shared by every backend."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Sequence

import numpy as np


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    """Return ``matrix`` as float32 with unit-length rows (zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


class Embedder(ABC):
    """A sentence embedding backend.

    Subclasses set :attr:`model_id` (a stable string naming the model, used in
    cache keys and saved models) and implement :meth:`_encode`.
    """

    model_id: str = "abstract"

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts``.

        Parameters
        ----------
        texts : sequence of str
            Texts to embed; ``None`` is treated as an empty string.
        batch_size : int
            Texts per backend call.
        show_progress : bool
            Show a tqdm progress bar.

        Returns
        -------
        numpy.ndarray of shape (n_texts, dim), float32, rows L2-normalised.
        """
        texts = ["" if t is None else str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        starts = range(0, len(texts), max(int(batch_size), 1))
        if show_progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc=f"embedding ({self.model_id})", unit="batch")
        parts = [self._encode(texts[s:s + batch_size]) for s in starts]
        return l2_normalize(np.vstack(parts))

    @property
    @abstractmethod
    def dim(self) -> int:
        """Dimension of the vectors."""

    @abstractmethod
    def _encode(self, texts: list[str]) -> np.ndarray:
        """Embed one batch (rows need not be normalised)."""

    def limit_threads(self, n: int) -> None:
        """Use at most ``n`` compute threads from now on (worker processes call this).

        The default does nothing; backends with a thread pool of their own override it.
        """

    def __getstate__(self) -> dict:
        """Picklable for worker processes: a loaded model (``_model``) is reloaded there on first use."""
        state = dict(self.__dict__)
        state.pop("_model", None)
        return state

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r})"
