"""Name a row of an input table in messages: its data row, file line and id."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mvvtext.io._read import file_line

def _where(path: str | None) -> str:
    return f"{path}: " if path else ""


_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".xlsx", ".xlsm")


def _id_part(ids: pd.Series | None, pos: int) -> str:
    """``", id 'Q0001'"`` for a row whose id column is named (``""`` without one, or an empty id)."""
    if ids is None:
        return ""
    value = _plain(ids.iloc[pos])
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or str(value).strip() == "":
        return ""
    return f", id {str(value).strip()!r}"


def _row_label(df: pd.DataFrame, pos: int, path: str | None, ids: pd.Series | None = None) -> str:
    """Name a row for a message: 1-based data row, plus the file line for CSV-like files.

    The line is the physical line where the row starts, counting the line breaks
    of quoted texts above it (``read_table`` records them in ``attrs``); the
    Excel row for a workbook. When the frame was read from ``path`` and later
    filtered (``mvvtext score`` drops repeated rows), an integer index label is
    the row's 0-based position in the file, so it is used instead of the
    position in the frame. ``ids``, the id column when one is named, adds the
    row's id (``row 10 (line 14, id 'Q26120010')``): the desk searches by id.
    """
    name = path.lower() if path else ""
    suffix = next((s for s in _FILE_SUFFIXES if name.endswith(s)), "")
    ident = _id_part(ids, pos)
    if suffix:
        label = _plain(df.index[pos])
        n = int(label) if isinstance(label, (int, np.integer)) and not isinstance(label, bool) else pos
        line = file_line(df.attrs, n)
        if line is None:  # the reader could not tell the lines
            return f"row {n + 1}" + (f" ({ident[2:]})" if ident else "")
        if suffix in (".xlsx", ".xlsm"):
            return f"row {n + 1} (Excel row {line}{ident})"
        return f"row {n + 1} (line {line}{ident})"
    return f"row {pos + 1} (index {_plain(df.index[pos])!r}{ident})"


def _plain(label):
    """A numpy scalar index label as the Python value (``1``, not ``np.int64(1)``) for messages."""
    return label.item() if isinstance(label, np.generic) else label
