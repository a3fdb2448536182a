"""Write analysed frames to JSONL, CSV, Parquet or Excel."""
from __future__ import annotations

import json
from pathlib import Path

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


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    df.to_parquet(path, index=False)


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    _lists_as_json(df).to_excel(path, index=False)


WRITERS.update({".jsonl": _write_jsonl, ".json": _write_jsonl, ".csv": _write_csv,
                ".parquet": _write_parquet, ".xlsx": _write_xlsx})


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` by the file's extension: .jsonl, .csv (UTF-8 with BOM), .parquet or .xlsx.

    List columns (topics, risks, values) become JSON lists in CSV and Excel.
    """
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise InputError(f"{path}: cannot write '{path.suffix}'. Use one of {sorted(WRITERS)}.", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    writer(df, path)
    return path
