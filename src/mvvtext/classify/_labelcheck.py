"""Checks of labelled rows against a profile's codes (tag-import and training).

One validator serves the researchers' import (``mvvtext.tagging``) and
``VoiceClassifier.fit``: every label must be a code of the profile (with a
"did you mean" when a close code exists), sentiment an integer in [-2, 2], and a
labelled row needs a text; a null field means "not labelled for it".
"""
from __future__ import annotations

import difflib
import json
import logging
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError

logger = logging.getLogger("mvvtext.tagging")
LIST_FIELDS = ("topics", "risks", "values")
SINGLE_FIELDS = ("primary", "intent")
LABEL_FIELDS = ("topics", "primary", "intent", "sentiment", "risks", "values")


def profile_codes(profile) -> dict[str, list[str]]:
    """Allowed codes per field, from a Profile (or a dict of field -> codes)."""
    if isinstance(profile, dict):
        return {k: list(v) for k, v in profile.items()}
    topics = list(profile.topics)
    return {"topics": topics, "primary": topics, "intent": list(profile.intents),
            "risks": list(profile.risks), "values": list(profile.values)}


def _split_codes(value) -> list[str]:
    if _is_list(value):
        return [str(v).strip() for v in value if str(v).strip()]
    if _is_null(value):
        return []
    s = str(value).strip()
    if not s or s in ("[]", "-"):
        return []
    if s.startswith("["):
        try:
            return [str(v) for v in json.loads(s)]
        except (json.JSONDecodeError, TypeError):
            pass
    for sep in ("|", ",", "、", ";", " "):
        if sep in s:
            return [p.strip() for p in s.split(sep) if p.strip()]
    return [s]


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _is_null(value) -> bool:
    """A missing cell (None, NaN, pd.NA): the row is not labelled for that field."""
    if value is None:
        return True
    if _is_list(value) or isinstance(value, dict):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _is_blank(value) -> bool:
    """A missing cell or a string of only whitespace."""
    return _is_null(value) or (isinstance(value, str) and not value.strip())


def _not_a_code(value, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(value), list(allowed), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{value!r} is not a code of the profile{hint} (allowed: {', '.join(allowed)})"


def check_label_row(row, codes: dict[str, list[str]], *, required: Sequence[str] = (),
                    split: bool = False) -> tuple[dict, list[tuple[str, object, str]]]:
    """Check one row's label fields against the profile's codes.

    The one validator of label codes: the tagging imports (:func:`validate_labels`)
    and training (:func:`validate_training_labels`, called by ``VoiceClassifier.fit``
    and so by ``mvvtext train``) both use it.

    Parameters
    ----------
    row : mapping
        The label fields (topics, primary, intent, sentiment, risks, values);
        an absent key counts as null.
    codes : dict
        Allowed codes per field (see :func:`profile_codes`).
    required : sequence of str
        Fields that must be given. Any other field may be null: the row is not
        labelled for it.
    split : bool
        Read cells as a sheet holds them: a list field may be a ``|``- or
        comma-separated string or a JSON list, and a blank one is ``[]``.
        Otherwise (JSONL, DataFrames) a list field is a list or null.

    Returns
    -------
    (labels, problems)
        The normalised label fields, and ``(field, value, reason)`` for every bad value.
    """
    rec: dict = {}
    problems: list[tuple[str, object, str]] = []
    for field in LIST_FIELDS:
        raw = row.get(field)
        if split:
            vals = _split_codes(raw)
        elif _is_list(raw):
            vals = list(raw)
        else:
            rec[field] = None
            if not _is_blank(raw):
                problems.append((field, raw, f"{raw!r} is not a list of codes (write a list such as "
                                             f"{json.dumps(codes[field][:1])}, [] for none, or null when the "
                                             "row is not labelled for it)"))
            elif field in required:
                problems.append((field, raw, f"{raw!r} (a list of codes is required)"))
            continue
        for v in vals:
            if not isinstance(v, str) or v not in codes[field]:
                problems.append((field, v, _not_a_code(v, codes[field])))
        rec[field] = [str(v) for v in vals]
    for field in SINGLE_FIELDS:
        raw = row.get(field)
        if split:
            vals = _split_codes(raw)
            value = vals[0] if vals else None
            if len(vals) > 1:  # 「cross_dept|procedures」 in a one-code cell: never keep the first silently
                more = " (the others belong in topics)" if field == "primary" else ""
                problems.append((field, raw, f"{raw!r} holds {len(vals)} codes; {field} takes one code{more}"))
                rec[field] = None
                continue
        else:
            value = None if not _is_list(raw) and _is_blank(raw) else raw
        if value is None:
            if field in required:
                shown = "empty" if not _is_list(raw) and _is_blank(raw) else repr(raw)
                problems.append((field, raw, f"{shown} (one of {codes[field]} is required)"))
        elif not isinstance(value, str) or value not in codes[field]:
            problems.append((field, value, _not_a_code(value, codes[field])))
        rec[field] = value
    raw = row.get("sentiment")
    rec["sentiment"] = None
    if not _is_list(raw) and _is_blank(raw):
        if "sentiment" in required:
            problems.append(("sentiment", raw, "empty (an integer from -2 to 2 is required)"))
    else:
        try:
            if isinstance(raw, bool) or _is_list(raw):
                raise TypeError(raw)
            sentiment = float(raw)
            if not (-2 <= sentiment <= 2 and sentiment == round(sentiment)):
                raise ValueError(raw)
            rec["sentiment"] = sentiment
        except (TypeError, ValueError, OverflowError):
            problems.append(("sentiment", raw, f"{raw!r} is not an integer from -2 to 2"))
    problems.sort(key=lambda p: LABEL_FIELDS.index(p[0]))  # in the column order of the contract
    return rec, problems


def _text_problem(text, labels: dict) -> str | None:
    """Why a row's text cannot carry its labels, or None when it can (or the row has no labels)."""
    if not any(not _is_null(labels.get(f)) for f in LABEL_FIELDS):
        return None
    if _is_blank(text):
        return (f"{text!r}: the text is blank but the row has labels (fill in the text, or delete the row; "
                "a labelled row without a text would train nothing)")
    if not isinstance(text, str):
        return f"{text!r} is not a text, but the row has labels"
    return None


def _raise_problems(source: str | None, what: str, problems: list[str], failure: list[dict],
                    advice: str, note: str = "") -> None:
    shown = "\n  ".join(problems[:20])
    more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
    columns = {f["column"] for f in failure}
    rows = list(dict.fromkeys(r for f in failure for r in (f["row"], *f.get("also", ()))))
    try:
        rows = sorted(rows)
    except TypeError:  # index labels of mixed types: keep the order they were found in
        pass
    raise InputError(f"{source or 'labelled data'}: {len(problems)} {what}:\n  {shown}{more}\n{advice}{note}",
                     path=source, rows=rows, column=columns.pop() if len(columns) == 1 else None,
                     failure_cases=failure)


def validate_labels(df: pd.DataFrame, codes: dict[str, list[str]], *, source: str = "<frame>",
                    row_offset: int = 2, row_numbers: Sequence[int] | None = None,
                    unit: str = "row", row_names: Sequence[str] | None = None,
                    advice: str = "Fix them in the sheet and import again.") -> pd.DataFrame:
    """Check and normalise labelled rows of a tagging sheet or export; return the labels-contract frame.

    A fully blank row (every cell empty or whitespace) is skipped, logged (or,
    when other rows are refused, named in the error) and listed in
    ``result.attrs["blank_rows"]`` and ``result.attrs["notes"]``.
    ``primary``, ``intent`` and ``sentiment`` are required; an empty list cell is ``[]``.

    Parameters
    ----------
    df : DataFrame
        Columns id, text and the label fields (lists as JSON or ``|``-separated codes).
    codes : dict
        Allowed codes per field (see :func:`profile_codes`).
    source : str
        File name for messages.
    row_offset : int
        Added to the 0-based position to name the row as the user sees it
        (2 for a sheet with one header row).
    row_numbers : sequence of int, optional
        The number of each row as the user sees it (instead of ``row_offset``).
    unit : str
        What a row is called in messages (``"row"``, ``"task"``).
    row_names : sequence of str, optional
        How each row is named in messages (default ``f"{unit} {number}"``), e.g.
        ``"task 3 (id 103, data id 'a')"`` for a Label Studio task.
    advice : str
        What the error tells the user to do.

    Raises
    ------
    InputError
        Listing every bad cell as ``row N, column C: 'value' … (allowed: …)``, a
        blank text that has labels, and an id given to two different texts (naming both rows).
    """
    numbers = list(row_numbers) if row_numbers is not None else [pos + row_offset for pos in range(len(df))]
    names = list(row_names) if row_names is not None else [f"{unit} {number}" for number in numbers]
    problems: list[str] = []
    failure: list[dict] = []
    out, index, blank = [], [], []
    first_of_id: dict[str, tuple[int, str, str]] = {}
    for number, where, (label, row) in zip(numbers, names, df.iterrows()):
        if all(not _is_list(v) and _is_blank(v) for v in row.tolist()):
            blank.append(number)
            continue
        text = row.get("text")
        rec = {"id": "" if _is_blank(row.get("id")) else str(row.get("id")),
               "channel": None if _is_blank(row.get("channel")) else row.get("channel"),
               "text": "" if _is_null(text) else str(text)}
        labels, bad = check_label_row(row, codes, required=("primary", "intent", "sentiment"), split=True)
        why = _text_problem(rec["text"], {f: None if _is_blank(row.get(f)) else row.get(f) for f in LABEL_FIELDS})
        if why:
            bad.insert(0, ("text", text, why))
        for field, value, reason in bad:
            problems.append(f"{where}, column '{field}': {reason}")
            failure.append({"row": number, "column": field, "value": value})
        if rec["id"]:
            if rec["id"] not in first_of_id:
                first_of_id[rec["id"]] = (number, rec["text"], where)
            elif first_of_id[rec["id"]][1].strip() != rec["text"].strip():
                other, _, other_name = first_of_id[rec["id"]]
                problems.append(f"{where}, column 'id': {rec['id']!r} is also the id of {other_name}, which "
                                f"has a different text (give each text its own id)")
                failure.append({"row": number, "column": "id", "value": rec["id"], "also": (other,)})
        rec.update(labels)
        if rec["primary"] and rec["primary"] not in rec["topics"]:
            rec["topics"] = [rec["primary"], *rec["topics"]]
        out.append(rec)
        index.append(label)
    note = ""
    if blank:
        s = "s" if len(blank) > 1 else ""
        note = f"skipped {len(blank)} blank {unit}{s}: {unit}{s} {', '.join(str(n) for n in blank)}"
    if problems:  # the note goes with the error, not also to the log
        _raise_problems(source, "invalid label cell(s)", problems, failure, advice, f" ({note})" if note else "")
    if note:
        logger.warning("%s: %s", source, note)
    result = pd.DataFrame(out, index=index, columns=["id", "channel", "text", *LABEL_FIELDS])
    result.attrs["blank_rows"] = blank
    result.attrs["notes"] = [note] if note else []
    return result


def check_labelled_texts(frame: pd.DataFrame, *, source: str | None = None,
                         rows: Sequence | None = None, unit: str = "row") -> None:
    """Refuse rows whose text is blank (or not a string) but that carry labels.

    Used by ``read_labelled`` (``unit="line"``) and by :func:`validate_training_labels`.
    """
    rows = list(frame.index) if rows is None else list(rows)
    texts = frame["text"] if "text" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    problems, failure = [], []
    for number, text, rec in zip(rows, texts.tolist(), frame.to_dict(orient="records")):
        why = _text_problem(text, rec)
        if why:
            problems.append(f"{unit} {number}, field 'text': {why}")
            failure.append({"row": number, "column": "text", "value": text})
    if problems:
        _raise_problems(source, "labelled row(s) without a text", problems, failure,
                        "Every labelled row needs its text.")


def _locations(origin, n: int) -> tuple[str | None, list, str]:
    """(source, row numbers, unit) naming the rows of the frame given to ``fit``."""
    attrs = getattr(origin, "attrs", None) or {}
    source = attrs.get("mvvtext_source")
    lines = attrs.get("mvvtext_lines")
    if isinstance(origin, pd.DataFrame) and len(origin) == n:
        if lines is not None and len(lines) == n and origin.index.equals(pd.RangeIndex(n)):
            return source, list(lines), "line"
        return source, list(origin.index), "row"
    return source, list(range(n)), "row"


_TRAINING = ("invalid label(s) for training",
             "A field may be null (the row is not labelled for it); fix the other values and train again.")


def validate_training_labels(labels: pd.DataFrame, profile=None, *, texts: Sequence | None = None,
                             origin=None, purpose: tuple[str, str] = _TRAINING) -> None:
    """Check labelled rows given for training (or as gold labels) against the profile's codes.

    A null field (None / NaN / absent) means the row is not labelled for it and
    trains no head of that field; any other value must be a code of the profile
    (topics, primary, intent, risks, values) or an integer sentiment in [-2, 2],
    and a labelled row needs a non-blank text.

    Parameters
    ----------
    labels : DataFrame
        The label columns, one row per text.
    profile : Profile, str, dict or None
        The profile whose codes are allowed (a dict of field -> codes also works).
    texts : sequence of str, optional
        The texts of the rows (checked for blanks when a row has labels).
    origin : DataFrame, optional
        The frame given to ``fit``: a frame from ``read_labelled`` names its file and
        lines (``attrs``); any other frame names rows by its index labels.
    purpose : (str, str)
        What the error calls the bad values and what it advises (training by default).

    Raises
    ------
    InputError
        Listing every bad value as ``line N, field 'f': 'value' is not a code of
        the profile; did you mean '…'? (allowed: …)``.
    """
    codes = profile_codes(resolve_profile(profile))
    labels = labels.reset_index(drop=True)
    source, rows, unit = _locations(origin, len(labels))
    if texts is not None:
        if len(texts) != len(labels):
            raise InputError(f"{source or 'labelled data'}: {len(texts)} texts but {len(labels)} rows of labels; "
                             "give one label row per text.", path=source)
        check_labelled_texts(labels.assign(text=list(texts)), source=source, rows=rows, unit=unit)
    problems, failure = [], []
    for number, rec in zip(rows, labels.to_dict(orient="records")):
        for field, value, reason in check_label_row(rec, codes)[1]:
            problems.append(f"{unit} {number}, field '{field}': {reason}")
            failure.append({"row": number, "column": field, "value": value})
    if problems:
        _raise_problems(source, purpose[0], problems, failure, purpose[1])



def resolve_profile(profile):
    """A Profile from a Profile, a path or None (the default profile); dicts pass through."""
    if profile is None or isinstance(profile, (str, Path)):
        from mvvtext.classify._profile import load_profile

        return load_profile(profile)
    return profile
