"""Read voices from files or DataFrames into the canonical voices frame."""
from __future__ import annotations

import csv
import functools
import io
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import EncodingError, InputError

logger = logging.getLogger(__name__)

_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json"}
_MAX_LISTED = 10


def _listing(items: Sequence[Any]) -> str:
    shown = ", ".join(str(x) for x in list(items)[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return shown + (f" … and {more} more" if more > 0 else "")


def decode_bytes(raw: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes found in Japanese offices: UTF-8 (with or without BOM) or cp932.

    Returns
    -------
    (text, encoding)

    Raises
    ------
    EncodingError
        Naming the file and the first byte offset that is valid in neither.
    """
    try:
        return raw.decode("utf-8-sig"), ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("cp932"), "cp932"
        except UnicodeDecodeError as sjis_error:
            offset = min(utf8_error.start, sjis_error.start)
            bad = raw[offset : offset + 4].hex(" ")
            raise EncodingError(
                f"{path}: cannot decode the file as UTF-8, UTF-8 with BOM or cp932/Shift_JIS; "
                f"first bad byte at offset {offset} (bytes {bad}). Re-save the file as UTF-8 "
                "(Excel: 'CSV UTF-8') and try again.",
                path=path,
            ) from sjis_error


def _parse_delimited(text: str, sep: str, path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError as e:
        # __cause__ stays EmptyDataError: ``mvvtext score`` treats such a file as "nothing to score"
        raise InputError(
            f"{path}: the file is empty: no header row and no data. Export it again with a header row "
            "(the column names) on the first line.",
            path=str(path),
        ) from e
    except pd.errors.ParserError as e:
        line = re.search(r"line (\d+)", str(e))
        where = f"line {line.group(1)}" if line else "a line"
        raise InputError(
            f"{path}: {where} does not have the same number of fields as the header ({e}). "
            "A text containing the separator or a line break must be quoted; check that line "
            "(an unclosed quote often breaks the line before it).",
            path=str(path),
        ) from e


LINE_SHIFTS = "mvvtext_line_shifts"
"""``attrs`` key of a frame read from a file: where its rows lie in the file (see :func:`file_line`)."""


def _blank_chars(sep: str) -> str:
    return " \t\r\f\v".replace(sep, "")


def _record_starts(text: str, sep: str) -> list[int] | None:
    """1-based line where each record (header first) starts, blank lines skipped as pandas skips them.

    Read with the csv module (as fast as a line-by-line count of quotes, and exact
    for a stray quote in an unquoted field); None when it cannot read the text.
    """
    blank = _blank_chars(sep)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    starts, end = [], 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if row and not (len(row) == 1 and not row[0].strip(blank)):
                starts.append(start)
    except csv.Error:  # a field above csv.field_size_limit()
        return None
    return starts


def _breakpoints(extra: np.ndarray) -> str:
    """``extra[i]``, the lines row ``i`` lies below ``i + 2``, as the rows where it changes: ``"row extra …"``.

    A string, not lists: pandas deep-copies ``attrs`` at every step, which costs
    nothing for a string and a second for a list of a million numbers; it also
    stays JSON (``to_parquet`` writes ``attrs`` as JSON).
    """
    changes = np.flatnonzero(np.diff(extra, prepend=0))
    return " ".join(map(str, np.column_stack([changes, extra[changes]]).ravel().tolist()))


def _line_shifts(df: pd.DataFrame, text: str, sep: str) -> str | None:
    """Where the rows of ``df`` (parsed from ``text``) start in the file, as breakpoints.

    ``"row extra …"``: from data row ``row`` (0-based position) on, a row starts
    ``extra`` lines below ``position + 2`` (its line in a file of one line per
    record): a quoted text with line breaks, a line break in the header or a
    blank line moves the rows after it down. A file without them costs an empty
    string and one count of its line breaks; line breaks inside fields are
    counted in the parsed cells; only blank lines need a second reading (csv
    module). None when the lines cannot be told.
    """
    n = len(df)
    nl = "\n" if "\n" in text else "\r"
    breaks = text.count(nl) - (n + text.endswith(nl))  # beyond those ending the header and each row
    header = sum(str(c).count(nl) for c in df.columns)
    if breaks == header:  # the common case: one line per row
        return _breakpoints(np.full(n, header, dtype=np.int64))
    inside = np.zeros(n, dtype=np.int64)  # line breaks inside each row's cells
    for col in df.columns:
        values = df[col]
        if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
            inside += values.astype("string").str.count(nl).fillna(0).to_numpy(dtype=np.int64)
    if breaks == header + int(inside.sum()):  # no blank line: each row lies below the rows' extra lines
        return _breakpoints(header + np.concatenate([[0], np.cumsum(inside)[:-1]]).astype(np.int64))
    starts = _record_starts(text, sep)
    if starts is None or len(starts) != n + 1:
        return None
    return _breakpoints(np.asarray(starts[1:], dtype=np.int64) - np.arange(n, dtype=np.int64) - 2)


@functools.lru_cache(maxsize=8)
def _decoded_shifts(shifts: str) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.fromstring(shifts, dtype=np.int64, sep=" ").reshape(-1, 2) if shifts else np.zeros((0, 2), np.int64)
    return pairs[:, 0], pairs[:, 1]


def file_line(attrs: dict, pos: int, first_line: int = 2) -> int | None:
    """The file line (Excel row) where the row at 0-based position ``pos`` of the file read starts.

    ``attrs`` are those of the frame :func:`read_table` returned (or of a copy or
    filtered part of it). Without its line record the row is taken to lie
    ``first_line`` below its position (one header line, one line per row); None
    when the reader could not tell the lines.
    """
    if LINE_SHIFTS not in attrs:
        return pos + first_line
    shifts = attrs[LINE_SHIFTS]
    if not isinstance(shifts, str):
        return None
    rows, extra = _decoded_shifts(shifts)
    i = int(np.searchsorted(rows, pos, side="right")) - 1
    return pos + first_line + (int(extra[i]) if i >= 0 else 0)


def _delimited_frame(text: str, sep: str, path: Path) -> pd.DataFrame:
    df = _parse_delimited(text, sep, path)
    # the real line of each row, for messages: a quoted text may span several lines
    df.attrs[LINE_SHIFTS] = _line_shifts(df, text, sep)
    return df


def _read_delimited(path: Path, sep: str) -> pd.DataFrame:
    text, encoding = decode_bytes(path.read_bytes(), str(path))
    logger.info("%s: decoded as %s", path, encoding)
    df = _delimited_frame(text, sep, path)
    df.attrs["mvvtext_encoding"] = encoding
    return df


def _read_jsonl(path: Path) -> pd.DataFrame:
    text, _ = decode_bytes(path.read_bytes(), str(path))
    records = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(
                f"{path}: line {lineno} is not valid JSON ({e.msg} at column {e.colno}). "
                "Each line of a JSONL file must be one JSON object.",
                path=str(path),
                rows=[lineno],
            ) from e
        if not isinstance(obj, dict):
            raise InputError(f"{path}: line {lineno} is a JSON {type(obj).__name__}, not an object.",
                             path=str(path), rows=[lineno])
        records.append(obj)
    return pd.DataFrame.from_records(records)


def _excel_header_depth(path: Path, sheet: str | int) -> tuple[int, list[str] | None]:
    """Detect a header made of merged cells spanning several rows; build flat names."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=False, data_only=True)
    ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet]
    merged = [r for r in ws.merged_cells.ranges if r.min_row == 1]
    if not merged:
        return 1, None
    depth = max(r.max_row for r in merged)
    grid = [[ws.cell(row=r, column=c).value for c in range(1, ws.max_column + 1)]
            for r in range(1, depth + 1)]
    for rng in merged:  # spread a merged cell's value over the cells it covers
        value = ws.cell(row=rng.min_row, column=rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if r <= depth:
                    grid[r - 1][c - 1] = value
    names = []
    for c in range(len(grid[0])):
        parts: list[str] = []
        for r in range(depth):
            v = grid[r][c]
            if v is not None and str(v).strip() and (not parts or parts[-1] != str(v).strip()):
                parts.append(str(v).strip())
        names.append("_".join(parts) if parts else f"column_{c + 1}")
    return depth, names


def _read_excel(path: Path, sheet: str | int) -> pd.DataFrame:
    depth, names = _excel_header_depth(path, sheet)
    if names is None:
        return pd.read_excel(path, sheet_name=sheet, dtype=object)
    df = pd.read_excel(path, sheet_name=sheet, header=None, skiprows=depth, dtype=object)
    df.columns = names[: df.shape[1]]
    df.attrs[LINE_SHIFTS] = f"0 {depth - 1}"  # the first row lies below the whole header
    logger.info("%s: merged header over %d rows flattened to %s", path, depth, names)
    return df


def read_table(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV, TSV, JSONL, Excel or Parquet file into a DataFrame of raw columns."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file.", path=str(path))
    suffix = "".join(path.suffixes[-2:]) if path.suffix == ".gz" else path.suffix.lower()
    if suffix in (".csv", ".txt", ".csv.gz"):
        if suffix == ".csv.gz":
            import gzip

            raw = gzip.decompress(path.read_bytes())
            text, _ = decode_bytes(raw, str(path))
            return _delimited_frame(text, ",", path)
        return _read_delimited(path, ",")
    if suffix == ".tsv":
        return _read_delimited(path, "\t")
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _read_jsonl(path)
    if suffix in (".xlsx", ".xlsm"):
        if path.stat().st_size == 0:
            raise InputError(f"{path}: the file is empty (0 bytes), not an Excel workbook. Save it again "
                             "from Excel as .xlsx.", path=str(path))
        try:
            return _read_excel(path, sheet)
        except (KeyError, IndexError) as e:
            raise InputError(f"{path}: no sheet {sheet!r} in the workbook. Name an existing sheet "
                             "(sheet=... in Python).", path=str(path)) from e
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            if isinstance(e, InputError):
                raise
            raise InputError(f"{path}: cannot read the file as an Excel workbook ({type(e).__name__}: {e}). "
                             "Open it in Excel and save it again as .xlsx (or export a CSV).",
                             path=str(path)) from e
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as e:  # pyarrow.ArrowInvalid derives from ValueError
            raise InputError(f"{path}: cannot read the file as Parquet ({type(e).__name__}: {e}). "
                             "Write it again, or export a CSV.", path=str(path)) from e
    raise InputError(
        f"{path}: unsupported file type '{path.suffix}'. Use .csv, .tsv, .jsonl, .xlsx or .parquet.",
        path=str(path),
    )
