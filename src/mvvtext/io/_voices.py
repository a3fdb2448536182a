"""Validate a raw table into the canonical voices frame (docs/ARCHITECTURE.md)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.io._read import _listing, read_table

_JA_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _where(path: str | None) -> str:
    return f"{path}: " if path else ""


def _row_label(df: pd.DataFrame, pos: int, path: str | None) -> str:
    """Name a row for a message: 1-based data row, plus the file line for CSV-like files.

    When the frame was read from ``path`` and later filtered (``mvvtext score``
    drops repeated rows), an integer index label is the row's 0-based position
    in the file, so it is used instead of the position in the frame.
    """
    suffix = Path(path).suffix.lower() if path else ""
    if suffix in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"):
        label = _plain(df.index[pos])
        n = int(label) if isinstance(label, (int, np.integer)) and not isinstance(label, bool) else pos
        if suffix in (".xlsx", ".xlsm"):
            return f"row {n + 1} (Excel row {n + 2})"
        return f"row {n + 1} (line {n + 2})"
    return f"row {pos + 1} (index {_plain(df.index[pos])!r})"


def _plain(label):
    """A numpy scalar index label as the Python value (``1``, not ``np.int64(1)``) for messages."""
    return label.item() if isinstance(label, np.generic) else label


def _require_column(df: pd.DataFrame, name: str, role: str, path: str | None, option: str) -> None:
    if name in df.columns:
        return
    raise InputError(
        f"{_where(path)}no {role} column '{name}'. The columns are: {_listing(list(map(str, df.columns)))}. "
        f"Name the right one with {option}=...",
        path=path,
        column=name,
    )


def _clean_text(df: pd.DataFrame, col: str, path: str | None) -> tuple[pd.Series, pd.Series]:
    values = df[col]
    non_null = values.dropna()
    if len(non_null) and pd.api.types.is_numeric_dtype(values):
        raise InputError(
            f"{_where(path)}column '{col}' holds numbers, not text (e.g. {non_null.iloc[0]!r}). "
            "Choose the free-text column with text=...",
            path=path,
            column=col,
        )
    if len(non_null) and non_null.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        raise InputError(
            f"{_where(path)}column '{col}' holds only numbers, not text (e.g. {non_null.iloc[0]!r}). "
            "Choose the free-text column with text=...",
            path=path,
            column=col,
        )
    text = values.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
    missing = text.str.strip() == ""
    return text.astype(object), missing


_DATA_TZ = "Asia/Tokyo"


def _to_data_time(ts: pd.Timestamp) -> pd.Timestamp:
    """An aware time as Japan wall-clock time without zone; a naive one as it is."""
    if ts is pd.NaT or ts.tzinfo is None:
        return ts
    return ts.tz_convert(_DATA_TZ).tz_localize(None)


def _to_data_times(times: pd.Series) -> pd.Series:
    """An aware datetime column as Japan wall-clock times without zone (naive columns unchanged)."""
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_convert(_DATA_TZ).dt.tz_localize(None)
    return times.astype("datetime64[ns]")


def _parse_mixed_zones(as_text: pd.Series) -> pd.Series:
    """Parse values one by one when some carry a UTC offset and others do not (or differ)."""
    parsed = {}
    for value in as_text.dropna().unique():
        ts = pd.to_datetime(value, errors="coerce", format="mixed")
        parsed[value] = _to_data_time(ts)
    values = [pd.NaT if v is None or (isinstance(v, float) and v != v) else parsed[v] for v in as_text]
    return pd.Series(pd.to_datetime(values), index=as_text.index, name=as_text.name)


def _parse_timestamps(df: pd.DataFrame, col: str, path: str | None) -> pd.Series:
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return _to_data_times(raw) if getattr(raw.dt, "tz", None) is not None else raw
    as_text = raw.map(lambda v: None if v is None or (isinstance(v, float) and v != v) or v is pd.NaT
                      or str(v).strip() == "" else _JA_DATE.sub(r"\1-\2-\3", str(v).strip()))
    try:
        parsed = pd.to_datetime(as_text, errors="coerce", format="mixed")
    except (ValueError, TypeError):  # "Mixed timezones detected": offsets in some values only, or different ones
        parsed = _parse_mixed_zones(as_text)
    if not pd.api.types.is_datetime64_any_dtype(parsed):
        parsed = _parse_mixed_zones(as_text)
    bad = parsed.isna() & as_text.notna()
    if bad.any():
        positions = [i for i, b in enumerate(bad.to_numpy()) if b]
        examples = [f"{_row_label(df, i, path)}: {raw.iloc[i]!r}" for i in positions[:5]]
        raise InputError(
            f"{_where(path)}column '{col}' has {len(positions)} value(s) that are not dates or times: "
            f"{'; '.join(examples)}. Use a format such as 2026-04-06 09:30 or 2026/04/06, or leave the cell empty.",
            path=path,
            column=col,
            rows=[df.index[i] for i in positions],
            failure_cases=[{"index": df.index[i], "value": raw.iloc[i]} for i in positions],
        )
    return _to_data_times(parsed)


def _ids(df: pd.DataFrame, col: str | None, path: str | None) -> pd.Series:
    if col is None:
        return pd.Series([f"row-{i + 1}" for i in range(len(df))], index=df.index, dtype=object)
    ids = df[col].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v).strip())
    empty = ids.isna() | (ids == "")
    if empty.any():
        positions = [i for i, b in enumerate(empty.to_numpy()) if b]
        raise InputError(
            f"{_where(path)}column '{col}' has {len(positions)} empty id(s) at "
            f"{_listing([_row_label(df, i, path) for i in positions])}. Every row needs an id.",
            path=path, column=col, rows=[df.index[i] for i in positions],
        )
    dup = ids.duplicated(keep=False)
    if dup.any():
        positions = [i for i, b in enumerate(dup.to_numpy()) if b]
        pairs = [f"{ids.iloc[i]!r} at {_row_label(df, i, path)}" for i in positions]
        raise InputError(
            f"{_where(path)}column '{col}' has duplicate ids: {_listing(pairs)}. Ids must be unique; "
            "remove the duplicated rows or choose another id column.",
            path=path, column=col, rows=[df.index[i] for i in positions],
            failure_cases=[{"index": df.index[i], "id": ids.iloc[i]} for i in positions],
        )
    return ids.astype(object)


def read_voices(
    source: str | Path | pd.DataFrame,
    text: str = "text",
    id: str | None = None,
    channel: str | None = None,
    timestamp: str | None = None,
    segments: Sequence[str] | None = None,
    *,
    sheet: str | int = 0,
    source_name: str | Path | None = None,
) -> pd.DataFrame:
    """Read and validate employee voices.

    Parameters
    ----------
    source : path or DataFrame
        A CSV/TSV (UTF-8, UTF-8 with BOM or cp932, detected), Excel .xlsx, JSONL or
        Parquet file, or a DataFrame (never modified).
    text : str
        The free-text column.
    id : str, optional
        The id column; ids must be unique. Default: a column named ``id`` when
        there is one, else ``row-1``, ``row-2`` … (1-based row numbers).
    channel : str, optional
        Column holding the channel (inquiry / survey / post).
    timestamp : str, optional
        Column holding the time each text was written; parsed to a zone-less
        ``datetime64[ns]`` column of Japan wall-clock time. A value without a UTC
        offset (``2026-10-02 10:00``, ``2026年10月2日``) is taken as the local time
        of the data and kept as written. A value with an offset or ``Z``
        (``2026-10-01T09:00:00+09:00``, ``2026-10-01T00:00:00Z``) is converted to
        Asia/Tokyo time and the offset dropped, so ``...T00:00:00Z`` becomes
        ``09:00``. Both kinds may be mixed in one column. A tz-aware datetime
        column of a DataFrame or Parquet file is converted the same way.
    segments : list of str, optional
        Columns used for breakdowns (site, department, tenure band …); must exist.
    sheet : str or int
        Excel sheet to read.
    source_name : str or path, optional
        When ``source`` is a DataFrame read from a file, that file's name: error
        messages then name it, and for CSV/TSV/Excel they name rows by file line
        (an integer index label is taken as the row's 0-based position in the file).

    Returns
    -------
    DataFrame
        One row per input row, same order and index, all input columns kept, plus
        ``id``, ``text``, ``channel``, ``timestamp`` and ``text_missing`` (True where
        the text is empty or missing; such rows are kept, never dropped).

    Raises
    ------
    InputError
        Naming the file, the row and the column of what is wrong.
    """
    path: str | None = None
    if isinstance(source, pd.DataFrame):
        df = source.copy()
        path = None if source_name is None else str(source_name)
    elif isinstance(source, (str, Path)):
        path = str(source)
        df = read_table(source, sheet=sheet)
    else:
        raise InputError(f"read_voices expects a file path or a DataFrame, got {type(source).__name__}.")
    df.columns = [str(c) for c in df.columns]
    if not len(df.columns):
        raise InputError(
            f"{_where(path)}the table has no columns: the file is empty or has no header row. "
            "Export it again with a header row (the column names) on the first line.",
            path=path,
        )

    _require_column(df, text, "text", path, "text")
    if id is None and "id" in df.columns:  # the file's own ids, never overwritten by row numbers
        id = "id"
    for name, role in ((id, "id"), (channel, "channel"), (timestamp, "timestamp")):
        if name is not None:
            _require_column(df, name, role, path, role)
    for seg in segments or []:
        _require_column(df, seg, "segment", path, "segments")

    out = df.copy()
    out["text"], out["text_missing"] = _clean_text(df, text, path)
    out["id"] = _ids(df, id, path)
    if channel is not None:
        out["channel"] = df[channel].astype("string")
    elif "channel" not in out.columns:
        out["channel"] = pd.Series(pd.NA, index=df.index, dtype="string")
    if timestamp is not None:
        out["timestamp"] = _parse_timestamps(df, timestamp, path)
    elif "timestamp" not in out.columns:
        out["timestamp"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    else:
        out["timestamp"] = _parse_timestamps(df, "timestamp", path)
    out.attrs = {**df.attrs, "mvvtext_source": path, "mvvtext_segments": list(segments or []),
                 "mvvtext_text_column": text}
    n_missing = int(out["text_missing"].sum())
    if n_missing:
        import logging

        logging.getLogger(__name__).info("%s%d row(s) have empty text; kept and flagged in text_missing",
                                         _where(path), n_missing)
    return out
