"""Validate a raw table into the canonical voices frame (docs/ARCHITECTURE.md)."""
from __future__ import annotations

import logging
import numbers
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.io._read import _listing, read_table

logger = logging.getLogger(__name__)

_JA_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# a/b/yyyy (03/08/2026, 03.08.2026 10:30): day-first or month-first, decided for the whole column
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?P<rest>(?:[\sT].*)?)")


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


_CLI_OPTIONS = {"text": "--text-col", "id": "--id-col", "timestamp": "--time-col", "channel": "--channel-col",
                "segments": "--segment-col"}


def _require_column(df: pd.DataFrame, name: str, role: str, path: str | None, option: str) -> None:
    if name in df.columns:
        return
    raise InputError(
        f"{_where(path)}no {role} column '{name}'. The columns are: {_listing(list(map(str, df.columns)))}. "
        f"Name the right one with {option}=... ({_CLI_OPTIONS.get(option, '--' + option)} on the command line).",
        path=path,
        column=name,
    )


def _is_number(value) -> bool:
    """A number cell (int, float, NumPy number; not a bool, not NaN)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Number):
        return False
    return not (isinstance(value, numbers.Real) and np.isnan(float(value)))


def _number_text(value) -> str:
    """A number as the text it was typed as: ``5`` for 5 and 5.0, ``3.5`` for 3.5."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return str(int(value))
    return str(value)


def text_cells(values: pd.Series, column: str, path: str | None = None, *, warn: bool = True) -> pd.Series:
    """The cells of a text column, with numbers among the texts written as text.

    Parameters
    ----------
    values : Series
        The text column.
    column : str
        Its name, for messages.
    path : str, optional
        The file it was read from, for messages.
    warn : bool
        Log a warning naming the rows (index labels) whose numbers were read as text.

    Returns
    -------
    Series
        ``values`` (the same object when it holds no numbers) with each number as
        text (``5`` and ``5.0`` become ``"5"``, ``3.5`` becomes ``"3.5"``); missing
        cells stay missing.

    Raises
    ------
    InputError
        When the column holds only numbers: it is not the free-text column.
    """
    non_null = values.dropna()
    if len(non_null) and pd.api.types.is_numeric_dtype(values):
        raise InputError(
            f"{_where(path)}column '{column}' holds numbers, not text (e.g. {_plain(non_null.iloc[0])!r}). "
            "Choose the free-text column with text=... (--text-col on the command line).",
            path=path,
            column=column,
        )
    is_number = values.map(_is_number).astype(bool)
    if not is_number.any():
        return values
    if is_number.sum() == len(non_null):
        raise InputError(
            f"{_where(path)}column '{column}' holds only numbers, not text (e.g. {_plain(non_null.iloc[0])!r}). "
            "Choose the free-text column with text=... (--text-col on the command line).",
            path=path,
            column=column,
        )
    if warn:
        positions, frame = np.flatnonzero(is_number.to_numpy()), values.to_frame()
        named = [_row_label(frame, i, path) for i in positions[:5]]
        more = f" … and {len(positions) - 5} more" if len(positions) > 5 else ""
        logger.warning("%scolumn '%s' has %d number(s) among its texts, read as text (5.0 as '5'): %s%s. "
                       "If they are not texts, check that '%s' is the free-text column.",
                       _where(path), column, len(positions), ", ".join(named), more, column)
    return values.map(lambda v: _number_text(v) if _is_number(v) else v)


def _clean_text(df: pd.DataFrame, col: str, path: str | None) -> tuple[pd.Series, pd.Series]:
    values = text_cells(df[col], col, path)
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


def _numeric_date_parts(as_text: pd.Series) -> dict[int, tuple[int, int, str, str]]:
    """Position -> (first, second, year, rest) of each a/b/yyyy value of a column."""
    parts = {}
    for pos, value in enumerate(as_text.tolist()):
        m = _NUMERIC_DATE.fullmatch(value) if isinstance(value, str) else None
        if m is not None:
            parts[pos] = (int(m["a"]), int(m["b"]), m["year"], m["rest"])
    return parts


def _date_example(df: pd.DataFrame, col: str, pos: int, path: str | None) -> str:
    return f"{_row_label(df, pos, path)}: {df[col].iloc[pos]!r}"


def _date_error(message: str, df: pd.DataFrame, col: str, path: str | None, positions: list[int]) -> InputError:
    return InputError(
        f"{_where(path)}column '{col}' {message}",
        path=path,
        column=col,
        rows=[df.index[i] for i in positions],
        failure_cases=[{"index": df.index[i], "value": df[col].iloc[i]} for i in positions],
    )


def _decide_dayfirst(parts: dict[int, tuple[int, int, str, str]], df: pd.DataFrame, col: str,
                     path: str | None, dayfirst: bool | None) -> bool:
    """Whether the a/b/yyyy dates of the column put the day first: one order for the whole column.

    A first part above 12 shows day-first dates, a second part above 12 month-first
    ones. ``dayfirst`` given: every date must fit it. Not given: the dates must
    show one order, or read the same in both (05/05/2026).

    Raises
    ------
    InputError
        Naming the rows of dates in both orders, of dates that do not fit ``dayfirst``,
        or of a date that reads differently in the two orders when no date shows the order.
    """
    day = [pos for pos, (a, b, _, _) in parts.items() if a > 12 >= b]
    month = [pos for pos, (a, b, _, _) in parts.items() if b > 12 >= a]
    iso = "year-month-day (2026-08-13) leaves no doubt"
    if dayfirst is not None:
        wrong = month if dayfirst else day
        if wrong:
            order = "day/month/year" if dayfirst else "month/day/year"
            examples = "; ".join(_date_example(df, col, i, path) for i in wrong[:5])
            raise _date_error(f"has {len(wrong)} date(s) that are not {order} (dayfirst={dayfirst}): {examples}. "
                              f"Check the dayfirst= choice; {iso}.", df, col, path, wrong)
        return dayfirst
    if day and month:
        raise _date_error(
            f"mixes day-first and month-first dates: {_date_example(df, col, day[0], path)} puts the day first "
            f"({parts[day[0]][0]} is no month), {_date_example(df, col, month[0], path)} the month first "
            f"({parts[month[0]][1]} is no month). Write every date of the column in one order; {iso}.",
            df, col, path, [day[0], month[0]])
    if day or month:
        return bool(day)
    ambiguous = [pos for pos, (a, b, _, _) in parts.items() if a != b and a <= 12 and b <= 12]
    if ambiguous:
        a, b, year, _ = parts[ambiguous[0]]
        raise _date_error(
            f"has dates such as {_date_example(df, col, ambiguous[0], path)} that read as {year}-{b:02d}-{a:02d} "
            f"(day first) or {year}-{a:02d}-{b:02d} (month first), and no date of the column shows which (none "
            "has a number above 12 in its first two parts). Pass dayfirst=True (day/month/year) or "
            "dayfirst=False (month/day/year) to read_voices (--date-order dmy or mdy on the command line), "
            "or write the dates as year-month-day "
            "(2026-08-13), which leaves no doubt.", df, col, path, ambiguous[:1])
    return False  # every a/b/yyyy date reads the same both ways (05/05/2026) or is no date at all


def _numeric_dates_as_iso(as_text: pd.Series, df: pd.DataFrame, col: str, path: str | None,
                          dayfirst: bool | None) -> pd.Series:
    """The column with its a/b/yyyy dates written as yyyy-mm-dd in the one order the column uses."""
    parts = _numeric_date_parts(as_text)
    if not parts:
        return as_text
    first_is_day = _decide_dayfirst(parts, df, col, path, dayfirst)
    values = as_text.tolist()
    for pos, (a, b, year, rest) in parts.items():
        day, month = (a, b) if first_is_day else (b, a)
        values[pos] = f"{year}-{month:02d}-{day:02d}{rest}"  # an impossible date stays one: reported below
    return pd.Series(values, index=as_text.index, name=as_text.name, dtype=object)


def _parse_timestamps(df: pd.DataFrame, col: str, path: str | None, dayfirst: bool | None = None) -> pd.Series:
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return _to_data_times(raw) if getattr(raw.dt, "tz", None) is not None else raw
    as_text = raw.map(lambda v: None if v is None or (isinstance(v, float) and v != v) or v is pd.NaT
                      or str(v).strip() == "" else _JA_DATE.sub(r"\1-\2-\3", str(v).strip()))
    as_text = _numeric_dates_as_iso(as_text, df, col, path, dayfirst)
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
    dayfirst: bool | None = None,
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
        Dates written day/month/year or month/day/year (``13/08/2026``,
        ``08.13.2026 10:30``) are read in one order for the whole column, the
        order that some date shows by a number above 12 (see ``dayfirst``).
        ``2026-08-13``, ``2026/08/13`` and ``2026年8月13日`` are read as written.
    segments : list of str, optional
        Columns used for breakdowns (site, department, tenure band …); must exist.
    sheet : str or int
        Excel sheet to read.
    source_name : str or path, optional
        When ``source`` is a DataFrame read from a file, that file's name: error
        messages then name it, and for CSV/TSV/Excel they name rows by file line
        (an integer index label is taken as the row's 0-based position in the file).
    dayfirst : bool, optional
        The order of the timestamp column's a/b/yyyy dates: ``True`` day/month/year,
        ``False`` month/day/year. Default: the order some date shows (``13/08/2026``
        is day-first); an InputError when dates show both orders, or when none
        shows the order and some date reads differently in the two (``03/08/2026``).

    Returns
    -------
    DataFrame
        One row per input row, same order and index, all input columns kept, plus
        ``id``, ``text``, ``channel``, ``timestamp`` and ``text_missing`` (True where
        the text is empty or missing; such rows are kept, never dropped). A number
        among the texts becomes text (``5``, ``3.5``; ``5.0`` as ``5``) and is named
        in a logged warning.

    Raises
    ------
    InputError
        Naming the file, the row and the column of what is wrong.
    """
    if dayfirst not in (None, True, False):
        raise ValueError(f"The 'dayfirst' parameter of read_voices must be True, False or None. "
                         f"Got {dayfirst!r} instead.")
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
        out["timestamp"] = _parse_timestamps(df, timestamp, path, dayfirst)
    elif "timestamp" not in out.columns:
        out["timestamp"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    else:
        out["timestamp"] = _parse_timestamps(df, "timestamp", path, dayfirst)
    out.attrs = {**df.attrs, "mvvtext_source": path, "mvvtext_segments": list(segments or []),
                 "mvvtext_text_column": text}
    n_missing = int(out["text_missing"].sum())
    if n_missing:
        import logging

        logging.getLogger(__name__).info("%s%d row(s) have empty text; kept and flagged in text_missing",
                                         _where(path), n_missing)
    return out
