"""Read one week's export for a store run: column checks, duplicates, empty files."""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd

from mvvtext.exceptions import InputError, StoreError

logger = logging.getLogger(__name__)


@dataclass
class LoadedInput:
    """A validated voices frame plus what the run summary needs to know about the input."""

    voices: pd.DataFrame
    n_input: int
    n_duplicates: int
    path: str | None
    sha256: str | None
    columns: list[str]
    segments: list[str] = field(default_factory=list)
    id_given: bool = True
    person: str | None = None


def _previous_columns(store: object) -> list[str] | None:
    """The columns of the last successful run's input (an empty export has none), to say what changed."""
    try:
        df = store.query("SELECT input_columns FROM runs WHERE status = 'ok' AND kind = 'score' "  # type: ignore[attr-defined]
                         "AND input_columns IS NOT NULL AND input_columns <> '[]' ORDER BY started_at DESC LIMIT 1")
    except (StoreError, OSError):
        return None
    return json.loads(df["input_columns"].iloc[0]) if len(df) else None


def _read_raw(source: str | Path | pd.DataFrame, sheet: str | int) -> tuple[pd.DataFrame, str | None, str | None]:
    from mvvtext.io import read_table

    if isinstance(source, pd.DataFrame):
        digest = hashlib.sha256(pd.util.hash_pandas_object(source.astype(str), index=False).to_numpy().tobytes())
        return source.copy(), None, digest.hexdigest()
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: no such file.", path=str(path))
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip(b"\xef\xbb\xbf \r\n\t"):
        return pd.DataFrame(), str(path), digest
    try:
        return read_table(path, sheet=sheet), str(path), digest
    except InputError as e:  # read_table's "the file is empty" error: nothing to score, not a failure
        if isinstance(e.__cause__, pd.errors.EmptyDataError):
            return pd.DataFrame(), str(path), digest
        raise


def load_input(source: str | Path | pd.DataFrame, *, store: object, text: str = "text", id: str | None = None,
               channel: str | None = None, timestamp: str | None = None,
               segments: Sequence[str] | None = None, sheet: str | int = 0,
               dayfirst: bool | None = None, person: str | None = None) -> LoadedInput:
    """Read an export into a voices frame, counting and dropping duplicated rows.

    A duplicated row is one whose id and text (or, without an id column, whose
    every column) repeats an earlier row of the same export: it is stored once
    and counted in ``n_duplicates``. ``person``, a column naming the writer
    (employee number, account), is carried as the voices column ``person``.

    Raises
    ------
    InputError
        When a named column is missing: the message lists the expected and the
        found columns and the option that names the right one.
    """
    from mvvtext.io import read_voices

    raw, path, digest = _read_raw(source, sheet)
    raw.columns = [str(c) for c in raw.columns]
    n_input = len(raw)
    if id is None and "id" in raw.columns:
        id = "id"
    if timestamp is None and "timestamp" in raw.columns:
        timestamp = "timestamp"
    if channel is None and "channel" in raw.columns:
        channel = "channel"
    segments = list(segments or [])
    if n_input == 0 and not len(raw.columns):
        empty = pd.DataFrame({"id": pd.Series(dtype=object), "text": pd.Series(dtype=object),
                              "channel": pd.Series(dtype="string"),
                              "timestamp": pd.Series(dtype="datetime64[ns]"),
                              "text_missing": pd.Series(dtype=bool)})
        return LoadedInput(empty, 0, 0, path, digest, [], segments, id is not None)

    roles = [("text", text, "--text-col"), ("id", id, "--id-col"), ("time", timestamp, "--time-col"),
             ("channel", channel, "--channel-col"), ("person", person, "--person-col")]
    roles += [("segment", s, "--segment-col") for s in segments]
    missing = [(role, name, opt) for role, name, opt in roles if name is not None and name not in raw.columns]
    if missing:
        where = f"{path}: " if path else ""
        expected = ", ".join(f"{name!r} ({role})" for role, name, _ in roles if name is not None)
        found = ", ".join(repr(c) for c in raw.columns)
        kw = {"text": "text", "id": "id", "time": "timestamp", "channel": "channel", "segment": "segments",
              "person": "person"}
        fixes = "; ".join(f"if the {role} column was renamed, pass {opt} NEW_NAME ({kw[role]}=... in Python)"
                          for role, _, opt in missing)
        prev = _previous_columns(store)
        since = ""
        if prev is not None:
            gone = [c for c in prev if c not in raw.columns]
            new = [c for c in raw.columns if c not in prev]
            since = f" Since the last run, removed: {gone or 'none'}; added: {new or 'none'}."
        raise InputError(
            f"{where}missing column(s) {[n for _, n, _ in missing]}. Expected columns: {expected}. "
            f"Found columns: {found}.{since} {fixes}.",
            path=path, column=missing[0][1],
        )

    key = [c for c in (id, text) if c is not None] if id is not None else list(raw.columns)
    hashable = raw[key].astype(str)
    dup = hashable.duplicated(keep="first").to_numpy()
    n_duplicates = int(dup.sum())
    if n_duplicates:
        logger.info("%s%d duplicated row(s) stored once", f"{path}: " if path else "", n_duplicates)
        raw = raw.loc[~dup]
    # source_name: messages name the file and its line; raw keeps the file's row positions as index
    voices = read_voices(raw, text=text, id=id, channel=channel, timestamp=timestamp, segments=segments,
                         source_name=path, dayfirst=dayfirst)
    voices.attrs["mvvtext_source"] = path
    if person is not None:
        if person in segments:
            raise InputError(f"column {person!r} is named both as the person column and as a segment; a person id "
                             "must not be shown in breakdowns: drop it from --segment-col.", path=path, column=person)
        voices = voices.copy()
        voices["person"] = raw[person].reindex(voices.index).to_numpy()
    return LoadedInput(voices, n_input, n_duplicates, path, digest, list(raw.columns), segments, id is not None,
                       person)
