"""The mvvtext exception hierarchy.

Every error raised on purpose by mvvtext derives from :class:`MvvtextError`, so a
caller can catch them all at once; each message says what was wrong, where
(file, row, column or key) and what to do about it.
"""
from __future__ import annotations

from typing import Any, Sequence


class MvvtextError(Exception):
    """Root of all mvvtext errors."""


class InputError(MvvtextError, ValueError):
    """Input data is unreadable or invalid.

    Parameters
    ----------
    message : str
        What is wrong and what to do.
    path : str, optional
        The file the data came from.
    rows : sequence, optional
        Index labels (or 1-based line numbers) of the failing rows.
    column : str, optional
        The failing column.
    failure_cases : list of dict, optional
        The failing values, for programmatic inspection (as pandera does).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        rows: Sequence[Any] | None = None,
        column: str | None = None,
        failure_cases: list[dict] | None = None,
    ) -> None:
        self.path = path
        self.rows = list(rows) if rows is not None else []
        self.column = column
        self.failure_cases = failure_cases or []
        super().__init__(message)


class EncodingError(InputError):
    """A text file is in none of the supported encodings."""


class ProfileError(MvvtextError, ValueError):
    """A company profile file is invalid; the message names the key and line."""


class ModelNotFoundError(MvvtextError, ImportError):
    """A model, backend or optional dependency is not available."""


class ModelMismatchError(MvvtextError, ValueError):
    """A saved model does not fit the profile or version it is used with."""


class NotFittedError(MvvtextError, ValueError, AttributeError):
    """An estimator was used before ``fit``."""


class StoreError(MvvtextError):
    """The history store is locked, corrupt or inconsistent."""


EXIT_OK, EXIT_ERROR, EXIT_INPUT, EXIT_LOCKED, EXIT_MODEL = 0, 1, 2, 3, 4
"""The command line's exit codes: ok, unexpected error, bad input or usage, store
locked, model or profile mismatch (or a missing model / optional dependency)."""


def exit_code(error: BaseException) -> int:
    """The exit code of the command line for an error (see :data:`EXIT_OK` …)."""
    if isinstance(error, StoreError):
        return EXIT_LOCKED if type(error).__name__ == "StoreLockedError" else EXIT_ERROR
    if isinstance(error, (ModelNotFoundError, ModelMismatchError)):
        return EXIT_MODEL
    if isinstance(error, (MvvtextError, FileNotFoundError)):
        return EXIT_INPUT
    return EXIT_ERROR


def optional_import(module: str, extra: str, purpose: str) -> Any:
    """Import an optional dependency or raise a helpful ModelNotFoundError.

    Parameters
    ----------
    module : str
        Module name to import, e.g. ``"sentence_transformers"``.
    extra : str
        The pip install line that provides it, e.g. ``"mvvtext[st]"``.
    purpose : str
        What the module is needed for, for the message.
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:  # pragma: no cover - exercised via tests with monkeypatch
        raise ModelNotFoundError(
            f"{purpose} needs the optional package '{module}', which is not installed. "
            f"Install it with: pip install '{extra}'"
        ) from e
