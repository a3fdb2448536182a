"""Write analysed frames to JSONL, CSV, Parquet or Excel."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError

WRITERS = {}


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (pd.Timestamp,)):
        return None if pd.isna(v) else v.isoformat()
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, float) and v != v:
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def _lists_as_json(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple, dict, np.ndarray))).any():
            out[col] = out[col].map(
                lambda v: json.dumps(_jsonable(v) if isinstance(v, np.ndarray) else v, ensure_ascii=False)
                if isinstance(v, (list, tuple, dict, np.ndarray)) else v)
    return out


def _write_jsonl(df: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for rec in df.to_dict(orient="records"):
            f.write(json.dumps({k: _jsonable(v) for k, v in rec.items()}, ensure_ascii=False, default=str) + "\n")


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    # utf-8-sig so that Excel on Japanese Windows opens it without mojibake
    _lists_as_json(df).to_csv(path, index=False, encoding="utf-8-sig")


def _is_missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _as_text(v):
    """A cell as a string for a column of mixed types; missing stays missing, lists become JSON."""
    if _is_missing(v):
        return None
    if isinstance(v, (list, tuple, dict, np.ndarray)):
        return json.dumps(_jsonable(v) if isinstance(v, np.ndarray) else v, ensure_ascii=False, default=str)
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v)


def _arrow_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns that Arrow cannot type (34 and '不明' in one column) become strings, in a copy."""
    import pyarrow as pa

    out = df
    if not all(isinstance(c, str) for c in df.columns):
        out = df.copy(deep=False)
        out.columns = [str(c) for c in df.columns]
    for i, col in enumerate(df.columns):
        series = df.iloc[:, i]
        if series.dtype != object:
            continue
        try:
            pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            if out is df:
                out = df.copy(deep=False)
            out.isetitem(i, series.map(_as_text).astype(object))
    return out


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa

    try:
        df.to_parquet(path, index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError):
        _arrow_ready(df).to_parquet(path, index=False)


_EXCEL_MAX_ROWS = 1_048_576


def _excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Lists as JSON; control characters Excel forbids (\\x00-\\x08, \\x0b, \\x0c, \\x0e-\\x1f) removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out = _lists_as_json(df)  # a copy

    def clean(v):
        return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v

    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            if series.map(lambda v: isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v) is not None).any():
                out.isetitem(i, series.map(clean).astype(object))
        elif getattr(getattr(series, "dt", None), "tz", None) is not None:  # Excel has no time zones
            out.isetitem(i, series.dt.tz_convert("Asia/Tokyo").dt.tz_localize(None))
    out.columns = [clean(c) for c in out.columns]
    return out


@contextlib.contextmanager
def excel_writer(path: str | Path) -> Iterator[pd.ExcelWriter]:
    """A ``pd.ExcelWriter`` (openpyxl) whose cells are all written as values.

    openpyxl stores a string starting with ``=`` as a formula, so a text such as
    ``=== 件名 ===`` or ``=HYPERLINK(...)`` would show as a broken (or live)
    formula in Excel and read back empty. On closing, every formula cell of
    every sheet is turned back into the text it was given.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        yield xw
        for sheet in xw.book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    if len(df) + 1 > _EXCEL_MAX_ROWS:
        raise InputError(
            f"{path}: {len(df)} rows do not fit in an Excel sheet (at most {_EXCEL_MAX_ROWS - 1} rows under "
            "the header). Write .parquet or .csv instead.",
            path=str(path),
        )
    with excel_writer(path) as xw:
        _excel_ready(df).to_excel(xw, index=False)


WRITERS.update({".jsonl": _write_jsonl, ".json": _write_jsonl, ".csv": _write_csv,
                ".parquet": _write_parquet, ".xlsx": _write_xlsx})


def check_output(path: str | Path) -> Path:
    """Check, before any work is done, that ``write_table`` can write ``path``.

    The extension must be one ``write_table`` knows, the path must not be a
    folder, and the nearest existing parent folder must be writable (missing
    folders are created when writing). Nothing is created.

    Raises
    ------
    InputError
        Naming the path and what to change.
    """
    path = Path(path)
    if path.suffix.lower() not in WRITERS:
        raise InputError(
            f"{path}: cannot write '{path.suffix or '(no extension)'}' files. "
            f"Use one of {', '.join(sorted(WRITERS))}.",
            path=str(path),
        )
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as {path / ('out' + path.suffix)}.",
                         path=str(path))
    if path.exists():
        if not os.access(path, os.W_OK):
            raise InputError(f"{path}: the file exists and cannot be overwritten (no write permission, or it is "
                             "open in another program). Close it or choose another --out.", path=str(path))
        return path
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"{path}: cannot create the file: {parent} is a file, not a folder.", path=str(path))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{path}: cannot create the file: no write permission in {parent}. "
                         "Choose another --out.", path=str(path))
    return path


def _failing_column(df: pd.DataFrame, writer, suffix: str, folder: Path) -> str | None:
    """The first column that cannot be written on its own (for the message of a failed write)."""
    for i, col in enumerate(df.columns):
        probe = folder / f"probe{i}{suffix}"
        try:
            writer(df.iloc[:, [i]], probe)
        except Exception:  # noqa: BLE001 - any failure points at this column
            return str(col)
    return None


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` by the file's extension: .jsonl, .csv (UTF-8 with BOM), .parquet or .xlsx.

    List columns (topics, risks, values) become JSON lists in CSV and Excel. For
    Parquet, a column mixing types that Arrow cannot store together (e.g. ``34``
    and ``'不明'`` in a passed-through column) is written as strings. For Excel,
    control characters that Excel forbids in cells (``\\x0b``, ``\\x0c``,
    ``\\x00``–``\\x08``, ``\\x0e``–``\\x1f``; tab and line breaks are kept)
    are removed from text cells. ``df`` itself is never modified.

    The file is written to a temporary name beside ``path`` and moved into
    place only when complete, so a failed write leaves no partial file and an
    existing ``path`` untouched.

    Raises
    ------
    InputError
        When the extension is not supported, the file cannot be created, or a
        column cannot be written in this format (the message names the file and
        the column).
    """
    path = Path(path)
    check_output(path)
    writer = WRITERS[path.suffix.lower()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{path}: cannot create the folder {path.parent} ({e.strerror or e}). "
                         "Choose another --out.", path=str(path)) from e
    # same folder (so the final move is atomic) and same suffix (writers pick the format by it)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}-{secrets.token_hex(4)}{path.suffix}")
    try:
        writer(df, tmp)
        os.replace(tmp, path)
    except InputError:
        raise
    except OSError as e:
        raise InputError(f"{path}: cannot write the file ({e.strerror or e}). Check the disk space and "
                         "permissions, or choose another --out.", path=str(path)) from e
    except Exception as e:  # noqa: BLE001 - a writer library failed on the data: name the column
        with tempfile.TemporaryDirectory() as probe_dir:
            column = _failing_column(df, writer, path.suffix.lower(), Path(probe_dir))
        where = f"column '{column}'" if column is not None else "the table"
        raise InputError(
            f"{path}: cannot write {where} as {path.suffix.lower()} ({type(e).__name__}: {e}). "
            "Clean or drop that column in the input, or write another format (--out with another extension).",
            path=str(path), column=column,
        ) from e
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
