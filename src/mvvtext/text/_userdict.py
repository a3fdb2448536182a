"""Build a SudachiPy user dictionary for company terms (wraps ``sudachipy ubuild``)."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable

from mvvtext.exceptions import InputError, ModelNotFoundError

__all__ = ["build_user_dictionary", "system_dictionary_path", "user_dict_rows"]

# Connection ids and cost of sudachidict-core entries of the same kind.
_KINDS = {
    "noun": ("5146", ("名詞", "普通名詞", "一般")),
    "proper": ("4786", ("名詞", "固有名詞", "一般")),
    "org": ("4786", ("名詞", "固有名詞", "一般")),
}


def system_dictionary_path() -> str:
    """Path of the installed sudachidict-core ``system.dic``."""
    try:
        import sudachidict_core
    except ImportError as e:
        raise ModelNotFoundError("Building a user dictionary needs sudachidict-core: "
                                 "pip install sudachidict-core") from e
    path = Path(sudachidict_core.__file__).parent / "resources" / "system.dic"
    if not path.exists():
        raise ModelNotFoundError(f"sudachidict-core has no system.dic at {path}; reinstall it.")
    return str(path)


def user_dict_rows(terms: Iterable[str | tuple[str, ...]]) -> list[list[str]]:
    """Sudachi user-dictionary CSV rows for simple term entries.

    Each term is ``"ミライ推進室"``, ``(surface, normalized)`` or
    ``(surface, normalized, kind)`` with kind ``"noun"`` (default) or
    ``"proper"``. The reading is left as the surface (Sudachi does not need it
    for tokenising).
    """
    rows = []
    for term in terms:
        if isinstance(term, str):
            term = (term,)
        surface = term[0].strip()
        normalized = (term[1] if len(term) > 1 and term[1] else surface).strip()
        kind = term[2] if len(term) > 2 else "noun"
        if not surface or "," in surface or "," in normalized:
            raise InputError(f"Invalid user-dictionary term {term!r}: empty or contains a comma.")
        if kind not in _KINDS:
            raise InputError(f"The kind of term {surface!r} must be one of {set(_KINDS)}. Got {kind!r} instead.")
        conn, pos = _KINDS[kind]
        rows.append([surface, conn, conn, "5000", surface, *pos, "*", "*", "*", surface, normalized,
                     "*", "*", "*", "*", "*"][:18])
    return rows


def build_user_dictionary(
    source: str | os.PathLike | Iterable[str | tuple[str, ...]],
    output: str | os.PathLike,
    *,
    system_dict: str | os.PathLike | None = None,
    description: str = "mvvtext company terms",
) -> Path:
    """Compile a Sudachi user dictionary (``user.dic``).

    Equivalent to ``sudachipy ubuild -s <system.dic> -o <output> <terms.csv>``.

    Parameters
    ----------
    source : path or iterable
        A Sudachi user-dictionary CSV file, or terms for :func:`user_dict_rows`.
    output : path
        The ``.dic`` file to write (must not exist).
    system_dict : path, optional
        The system dictionary (default: sudachidict-core's).
    description : str
        Comment embedded in the dictionary.

    Returns
    -------
    pathlib.Path
        The written dictionary; pass it as ``Tokenizer(user_dict=...)``.
    """
    output = Path(output)
    if output.exists():
        raise InputError(f"{output} already exists; sudachipy ubuild refuses to overwrite it.", path=str(output))
    system = str(system_dict) if system_dict else system_dictionary_path()
    with tempfile.TemporaryDirectory() as tmp:
        if isinstance(source, (str, os.PathLike)):
            csv_path = Path(source)
            if not csv_path.exists():
                raise InputError(f"User-dictionary CSV not found: {csv_path}", path=str(csv_path))
        else:
            csv_path = Path(tmp) / "terms.csv"
            with open(csv_path, "w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(user_dict_rows(source))
        cmd = [sys.executable, "-m", "sudachipy.command_line", "ubuild", "-s", system, "-o", str(output),
               "-d", description, str(csv_path)]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0 or not output.exists():
        raise InputError(f"sudachipy ubuild failed for {source!r}: {res.stderr.strip() or res.stdout.strip()}",
                         path=str(source) if isinstance(source, (str, os.PathLike)) else None)
    return output
