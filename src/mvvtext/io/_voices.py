"""Validate a raw table into the canonical voices frame (docs/ARCHITECTURE.md)."""
from __future__ import annotations

import logging
import numbers
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.io._dates import _missing_cell, _parse_timestamps
from mvvtext.io._read import _listing, read_table
from mvvtext.io._rows import _plain, _row_label, _where

logger = logging.getLogger(__name__)

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


def text_cells(values: pd.Series, column: str, path: str | None = None, *, warn: bool = True,
               ids: pd.Series | None = None) -> pd.Series:
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
    ids : Series, optional
        The id column, aligned with ``values``: the warning names each row's id too.

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
        named = [_row_label(frame, i, path, ids) for i in positions[:5]]
        more = f" … and {len(positions) - 5} more" if len(positions) > 5 else ""
        logger.warning("%scolumn '%s' has %d number(s) among its texts, read as text (5.0 as '5'): %s%s. "
                       "If they are not texts, check that '%s' is the free-text column.",
                       _where(path), column, len(positions), ", ".join(named), more, column)
    return values.map(lambda v: _number_text(v) if _is_number(v) else v)


def _clean_text(df: pd.DataFrame, col: str, path: str | None,
                ids: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    values = text_cells(df[col], col, path, ids=ids)
    text = values.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
    missing = text.str.strip() == ""
    return text.astype(object), missing


def _differing_columns(rows: pd.DataFrame) -> list[str]:
    """The columns whose values differ between the rows (missing counts as one value)."""
    cells = rows.astype(object).where(rows.notna(), None).astype(str)
    return [c for c in rows.columns if cells[c].nunique() > 1]


def _duplicate_ids_error(df: pd.DataFrame, col: str, path: str | None, ids: pd.Series,
                         positions: list[int]) -> InputError:
    """Name the rows of each repeated id, telling exact copies (every column the same) from rows that differ."""
    groups: dict[str, list[int]] = {}
    for i in positions:
        groups.setdefault(ids.iloc[i], []).append(i)
    parts, exact = [], {}
    for key, where in groups.items():
        differ = _differing_columns(df.iloc[where])
        exact[key] = not differ
        how = ("exact copies: every column the same" if not differ
               else f"differing in {_listing([repr(c) for c in differ])}")
        parts.append(f"{key!r} at {' and '.join(_row_label(df, i, path) for i in where)} ({how})")
    fixes = []
    if any(exact.values()):
        dropped = (f"read_voices(mvvtext.io.read_table({path!r}).drop_duplicates(), source_name={path!r}, ...)"
                   if path else "read_voices(df.drop_duplicates(), ...)")
        fixes.append("Exact copies are not dropped silently (read_voices returns one row per input row): drop "
                     f"them first with drop_duplicates(), e.g. {dropped} (`mvvtext score` stores them once).")
    if not all(exact.values()):
        fixes.append("Rows that differ under one id are not the same voice: remove the rows that should not be "
                     "there (an older revision, a wrong id) or choose another id column.")
    return InputError(
        f"{_where(path)}column '{col}' has duplicate ids: {_listing(parts)}. Ids must be unique. {' '.join(fixes)}",
        path=path, column=col, rows=[df.index[i] for i in positions],
        failure_cases=[{"index": df.index[i], "id": ids.iloc[i], "exact_copy": exact[ids.iloc[i]]}
                       for i in positions],
    )


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
        raise _duplicate_ids_error(df, col, path, ids, [i for i, b in enumerate(dup.to_numpy()) if b])
    return ids.astype(object)


CHANNELS = ("inquiry", "survey", "post")
"""The channel codes of the label contract."""

# Spellings read as a channel code, compared after NFKC (full-width ｅｍａｉｌ, half-width ﾒｰﾙ), lower case and
# without spaces, hyphens, underscores, dots and middle dots (E-mail, 電話・メモ).
_CHANNEL_SPELLINGS = {
    "inquiry": ["inquiry", "inquiries", "enquiry", "メール", "eメール", "email", "mail", "チャット", "chat",
                "電話", "電話メモ", "phone", "tel", "telephone", "問い合わせ", "問合せ", "問い合せ", "問合わせ",
                "お問い合わせ", "お問合せ", "窓口", "問い合わせ窓口", "問合せ窓口"],
    "survey": ["survey", "surveys", "サーベイ", "アンケート", "調査", "自由記述", "questionnaire"],
    "post": ["post", "posts", "社内sns", "sns", "投稿", "サンクスカード", "thankscard", "thanks card", "社内報",
             "社内報コメント"],
}


def _channel_key(value: str) -> str:
    return re.sub(r"[\s\-_.・]", "", unicodedata.normalize("NFKC", value)).lower()


_CHANNEL_OF = {_channel_key(spelling): code for code, spellings in _CHANNEL_SPELLINGS.items()
               for spelling in spellings}


def _channels(df: pd.DataFrame, col: str, path: str | None,
              ids: pd.Series | None = None) -> tuple[pd.Series, dict[str, str | None]]:
    """The channel column as codes (inquiry / survey / post), and the mapping applied.

    Known spellings (メール, アンケート, 社内SNS, ``Survey`` …) become their code; any
    other value becomes missing, so that the classifier guesses the channel from
    the text as for an empty cell, and is named in one logged warning with its
    row count, first row and the allowed codes. The mapping holds each value that
    was not already a code: ``{"メール": "inquiry", "FAX": None}``.
    """
    cells = [None if _missing_cell(v) or str(v).strip() == "" else str(v) for v in df[col].tolist()]
    counts = Counter(c for c in cells if c is not None)
    mapping = {v: _CHANNEL_OF.get(_channel_key(v)) for v in counts}
    codes = pd.Series([None if c is None else mapping[c] for c in cells], index=df.index, dtype="string")
    mapping = {v: code for v, code in mapping.items() if v != code}
    read_as = [f"{v!r} as {code} ({counts[v]} row(s))" for v, code in mapping.items() if code is not None]
    if read_as:
        logger.info("%scolumn '%s': channels read as codes: %s", _where(path), col, _listing(read_as))
    unknown = [v for v, code in mapping.items() if code is None]
    if unknown:
        first = {}
        for pos, c in enumerate(cells):
            if c in mapping and mapping[c] is None:
                first.setdefault(c, pos)
        named = [f"{v!r} ({counts[v]} row(s), first at {_row_label(df, first[v], path, ids)})" for v in unknown[:10]]
        more = f" … and {len(unknown) - 10} more value(s)" if len(unknown) > 10 else ""
        logger.warning(
            "%scolumn '%s' has %d row(s) whose channel is none of %s: %s%s. They are read as missing, so the "
            "channel is guessed from the text. To use them, write them as a code first (e.g. "
            "df['%s'] = df['%s'].replace({%r: 'inquiry'})); recognised spellings such as メール, 電話, "
            "アンケート and 社内SNS are read as codes already.",
            _where(path), col, sum(counts[v] for v in unknown), " / ".join(CHANNELS), ", ".join(named), more,
            col, col, unknown[0])
    return codes, mapping


def channel_column(values: pd.Series, column: str = "channel",
                   path: str | None = None) -> tuple[pd.Series, dict[str, str | None]]:
    """A channel column as the codes inquiry / survey / post, as :func:`read_voices` reads it.

    For a frame that did not come through ``read_voices`` (``analyze`` of a plain
    DataFrame): known spellings (メール, アンケート, 社内SNS …) become codes, other
    values missing, named in a logged warning. Returns the codes (``string``
    dtype, same index) and the mapping applied to the values that were not codes.
    """
    return _channels(values.to_frame(column), column, path)


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
        there is one, else ``row-1``, ``row-2`` … (1-based row numbers). Messages
        about a row then name its id too (``row 10 (line 14, id 'Q26120010')``).
        A repeated id is an InputError, also when the rows are exact copies (every
        column the same, as an export run twice leaves them): read_voices returns
        one row per input row and never drops one silently. The message says which
        rows are exact copies and which differ (and in which columns); drop exact
        copies first with ``drop_duplicates()``, e.g.
        ``read_voices(read_table(path).drop_duplicates(), source_name=path, ...)``,
        which keeps the file's line numbers in messages (``mvvtext score`` stores
        such copies once by itself).
    channel : str, optional
        Column holding the channel: the codes ``inquiry`` / ``survey`` / ``post``
        (default: a column named ``channel`` when there is one). Case, width
        and spaces do not matter, and common spellings are read as codes:
        メール, チャット, 電話, 電話メモ, 問い合わせ, 問合せ, 窓口, email, chat, phone
        as ``inquiry``; サーベイ, アンケート, 調査, 自由記述 as ``survey``; 社内SNS,
        SNS, 投稿, サンクスカード, 社内報 as ``post``. Any other value becomes
        missing, so that the classifier guesses the channel from the text as for
        an empty cell, and a logged warning names the column, each such value
        with its row count and first row, and the codes. ``attrs
        ["mvvtext_channel_mapping"]`` holds the mapping applied to values that
        were not codes (``{"メール": "inquiry", "FAX": None}``).
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
        ``2026-08-13``, ``2026/08/13`` and ``2026年8月13日`` are read as written, as
        are full-width digits (``２０２６／１２／０４　１０：００``), times in
        時/分/秒 (``2026年12月1日 9時30分``, ``午後3時``), a weekday in brackets
        (``2026/12/01(火)``) and Japanese era dates of 令和, 平成 and 昭和
        (``令和8年12月3日``, ``R8.12.3``, ``令和元年5月1日``). A column whose every
        value is a number from 30000 to 80000 is read as Excel serial dates
        (``46360.5`` = 2026-12-04 12:00); such a number among other dates stays
        an error. A value that is no date (``不明``, a date without its year such
        as ``12月2日``, an impossible date such as ``2026/11/31``) is an InputError
        naming the file, the row, its line, its id and the value, and so is a
        one- or two-digit year without an era (``26/4/1``, ``8.7.20``: 2026, 2008,
        令和8年 or day first?), which is never guessed: write four-digit years
        (``2026/4/1``) or era dates (``R8.4.1``). Empty cells are missing times.
    segments : list of str, optional
        Columns used for breakdowns (site, department, tenure band …); must exist.
    sheet : str or int
        Excel sheet to read.
    source_name : str or path, optional
        When ``source`` is a DataFrame read from a file, that file's name: error
        messages then name it, and for CSV/TSV/Excel they name rows by file line
        (an integer index label is taken as the row's 0-based position in the file).
        A frame from :func:`read_table` (or a filtered copy of it) knows where
        its rows start in the file, so a line is the real one even below quoted
        texts spanning several lines; any other frame is taken to have one line
        per row.
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
        Naming the file, the row and the column of what is wrong. A row of a
        CSV/TSV file is named by the physical line where it starts (a quoted text
        with line breaks takes several lines), of a workbook by its Excel row.
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
    row_ids = None if id is None else df[id]  # messages name each row's id too
    out["text"], out["text_missing"] = _clean_text(df, text, path, row_ids)
    out["id"] = _ids(df, id, path)
    channel_mapping: dict[str, str | None] = {}
    if channel is None and "channel" in df.columns:
        channel = "channel"
    if channel is not None:
        out["channel"], channel_mapping = _channels(df, channel, path, row_ids)
    else:
        out["channel"] = pd.Series(pd.NA, index=df.index, dtype="string")
    if timestamp is None and "timestamp" in df.columns:
        timestamp = "timestamp"
    if timestamp is not None:
        out["timestamp"] = _parse_timestamps(df, timestamp, path, dayfirst, row_ids)
    else:
        out["timestamp"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    out.attrs = {**df.attrs, "mvvtext_source": path, "mvvtext_segments": list(segments or []),
                 "mvvtext_text_column": text, "mvvtext_channel_mapping": channel_mapping}
    n_missing = int(out["text_missing"].sum())
    if n_missing:
        import logging

        logging.getLogger(__name__).info("%s%d row(s) have empty text; kept and flagged in text_missing",
                                         _where(path), n_missing)
    return out
