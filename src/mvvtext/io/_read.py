"""Read voices from files or DataFrames into the canonical voices frame."""
from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any, Sequence

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


def _read_delimited(path: Path, sep: str) -> pd.DataFrame:
    text, encoding = decode_bytes(path.read_bytes(), str(path))
    logger.info("%s: decoded as %s", path, encoding)
    df = _parse_delimited(text, sep, path)
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
            return _parse_delimited(text, ",", path)
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
