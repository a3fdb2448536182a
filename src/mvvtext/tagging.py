"""Tagging workflows for researchers: pre-annotated tasks out, validated labels in.

Two round trips, both ending in the labelled JSONL that ``mvvtext train`` reads
(the labels contract: id, channel, text, topics, primary, intent, sentiment,
risks, values):

* a spreadsheet (xlsx/csv) with one row per text, the model's guesses
  pre-filled for correction; only the rows a researcher marks ``reviewed`` are
  imported (``export_sheet`` / ``import_sheet``);
* Label Studio: a labelling config and tasks with predictions
  (``label_studio_config`` / ``export_label_studio`` / ``import_label_studio``).

Which texts to tag: :func:`select_for_tagging` picks a sample by a strategy of
:data:`STRATEGIES`: at random (the default), one predicted topic after another,
or the texts the model is least sure of, spread over the topics.

Imported labels are checked against the profile's codes; every error names the
file, the row and the column. ``mvvtext train`` checks its labelled rows with the
same validator (:func:`check_label_row`, via :func:`validate_training_labels`),
where a null field means "not labelled for it".
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from mvvtext.classify._labelcheck import (LABEL_FIELDS, LIST_FIELDS, SINGLE_FIELDS, check_label_row,
                                         check_labelled_texts, profile_codes, resolve_profile, validate_labels,
                                         validate_training_labels)
from mvvtext._tagging_sheet import (NOT_REVIEWED_MARKS, REVIEWED, REVIEWED_MARKS, reviewed_column, reviewed_rows,
                                    write_xlsx)
from mvvtext.exceptions import InputError

__all__ = ["select_for_tagging", "uncertainty", "STRATEGIES", "export_sheet", "import_sheet", "label_studio_config",
           "export_label_studio", "import_label_studio", "write_labelled_jsonl", "check_labelled_output", "validate_labels", "check_label_row",
           "check_labelled_texts", "validate_training_labels", "REVIEWED_MARKS", "NOT_REVIEWED_MARKS"]
logger = logging.getLogger(__name__)


def _margin(analysed: pd.DataFrame, prefix: str) -> np.ndarray:
    """1 - (best - second best) of the ``<prefix><code>`` scores: 1 = a tie, 0 = sure."""
    cols = [c for c in analysed.columns if c.startswith(prefix)]
    if len(cols) < 2:
        return np.zeros(len(analysed))
    s = np.sort(analysed[cols].to_numpy(dtype=float, na_value=0.0), axis=1)
    return 1.0 - (s[:, -1] - s[:, -2])


def uncertainty(analysed: pd.DataFrame) -> pd.Series:
    """How unsure the model is of a text's primary topic and intent, in [0, 1].

    The mean of ``1 - margin`` over the ``score_topic_*`` and ``score_intent_*``
    columns of :func:`mvvtext.analyze` (margin: the best score minus the second).
    """
    u = (_margin(analysed, "score_topic_") + _margin(analysed, "score_intent_")) / 2
    return pd.Series(u, index=analysed.index, name="uncertainty")


def _round_robin(candidates: pd.DataFrame, n: int, order: pd.Series) -> list:
    """Take ``n`` rows one predicted primary topic after another, each in ``order``."""
    groups = [list(g.sort_values(ascending=False).index)
              for _, g in order.loc[candidates.index].groupby(candidates["primary"].astype(str), sort=True)]
    groups.sort(key=len, reverse=True)
    picked: list = []
    while len(picked) < n and groups:
        for g in groups:
            if g and len(picked) < n:
                picked.append(g.pop(0))
        groups = [g for g in groups if g]
    return picked


def _random(pool: pd.DataFrame, n: int, rng: np.random.Generator) -> list:
    return list(pool.index[rng.permutation(len(pool))[:n]])


def _stratified(pool: pd.DataFrame, n: int, rng: np.random.Generator) -> list:
    return _round_robin(pool, n, pd.Series(rng.random(len(pool)), index=pool.index))


def _uncertain(pool: pd.DataFrame, n: int, rng: np.random.Generator) -> list:
    # the 3n least sure texts, spread over their predicted topics (pure uncertainty piles up on one boundary)
    u = uncertainty(pool) + rng.random(len(pool)) * 1e-9  # ties broken at random
    candidates = pool.loc[u.sort_values(ascending=False).index[: 3 * n]]
    return _round_robin(candidates, n, u)


STRATEGIES: dict[str, Callable[[pd.DataFrame, int, np.random.Generator], list]] = {
    "random": _random, "stratified": _stratified, "uncertain": _uncertain}
"""``random``: a uniform draw. ``stratified``: one predicted primary topic after
another, at random within each. ``uncertain``: the least sure texts (see
:func:`uncertainty`), spread over their predicted topics."""


def select_for_tagging(analysed: pd.DataFrame, n: int, strategy: str = "random", *,
                       random_state: int = 0) -> pd.DataFrame:
    """Choose ``n`` analysed texts to tag.

    Parameters
    ----------
    analysed : DataFrame
        Output of :func:`mvvtext.analyze` (``primary`` and the ``score_*``
        columns). Never modified.
    n : int
        How many texts (all of them when the pool is smaller).
    strategy : {'random', 'stratified', 'uncertain'}
        See :data:`STRATEGIES`. ``random`` (the default) is the only one whose
        tagged texts also give unbiased figures in ``mvvtext evaluate``; measured
        on dev (``benchmarks/bench_tagging_sample.py``), 50 texts chosen by
        ``stratified`` or ``uncertain`` trained no better than 50 random ones.
    random_state : int
        Seed of the random choices.

    Returns
    -------
    DataFrame
        The chosen rows of ``analysed`` (same index labels, in the order chosen).
        Texts that are missing (``text_missing``) and repeats of a text already
        in the pool are never chosen; ``result.attrs["notes"]`` says how many
        were left out.
    """
    if strategy not in STRATEGIES:
        raise InputError(f"Unknown sampling strategy {strategy!r}; choose one of {sorted(STRATEGIES)}.")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise InputError(f"The number of texts to tag must be an integer >= 1. Got {n!r} instead.")
    if "primary" not in analysed.columns:
        raise InputError("select_for_tagging needs the analysed frame of mvvtext.analyze() (no 'primary' column).",
                         column="primary")
    pool = analysed.reset_index(drop=True)  # labels = positions, also when the caller's index repeats
    notes = []
    if "text_missing" in pool.columns:
        missing = pool["text_missing"].fillna(False).astype(bool)
        if missing.any():
            notes.append(f"{int(missing.sum())} text(s) without content left out")
        pool = pool.loc[~missing]
    text_col = "text_masked" if "text_masked" in pool.columns else "text" if "text" in pool.columns else None
    if text_col is not None:
        repeat = pool[text_col].duplicated()
        if repeat.any():
            notes.append(f"{int(repeat.sum())} repeated text(s) left out (each text is tagged once)")
        pool = pool.loc[~repeat]
    picked = STRATEGIES[strategy](pool, min(int(n), len(pool)), np.random.default_rng(random_state))
    out = analysed.iloc[picked]
    out.attrs = {"notes": notes, "strategy": strategy}
    for note in notes:
        logger.info(note)
    return out


def export_sheet(analysed: pd.DataFrame, path: str | Path, *, sample: int | None = None,
                 strategy: str = "random", random_state: int = 0, profile=None) -> Path:
    """Write a tagging sheet with the model's guesses pre-filled for correction.

    Columns: id, channel, text (masked), ``reviewed``, the label fields (lists
    ``|``-separated) and ``note``. Researchers check and correct the label cells
    of a row, then mark its ``reviewed`` cell (1, x, ○, 済, … see
    :data:`REVIEWED_MARKS`); :func:`import_sheet` imports only the marked rows,
    so a row nobody looked at never becomes a gold label.

    An ``.xlsx`` sheet also gets a worksheet ``コード表`` (every code of the profile
    with its Japanese name and description; the sentiment scale), drop-down lists
    for ``primary`` and ``intent``, a -2..2 rule for ``sentiment``, header
    comments, a frozen header and column widths.

    Parameters
    ----------
    analysed : DataFrame
        Output of :func:`mvvtext.analyze`.
    path : path
        ``.xlsx`` or ``.csv`` (UTF-8 with BOM).
    sample : int, optional
        Only this many texts, chosen by :func:`select_for_tagging` with ``strategy``.
    strategy : {'random', 'stratified', 'uncertain'}
        See :func:`select_for_tagging`.
    random_state : int
        Seed of the sample.
    profile : Profile, str, dict or None
        Whose codes the ``コード表`` lists (default: the default profile); ``.xlsx`` only.
    """
    df = select_for_tagging(analysed, sample, strategy, random_state=random_state) if sample else analysed
    text_col = "text_masked" if "text_masked" in df else "text"
    sheet = pd.DataFrame({"id": df["id"], "channel": df.get("channel"), "text": df[text_col]})
    sheet[REVIEWED] = None
    for field in LABEL_FIELDS:
        col = df[field] if field in df else pd.Series([None] * len(df), index=df.index)
        sheet[field] = col.map(lambda v: "|".join(v) if isinstance(v, (list, tuple)) else v)
    sheet["sentiment"] = pd.to_numeric(sheet["sentiment"], errors="coerce").round().astype("Int64")
    sheet["note"] = ""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(sheet, path, resolve_profile(profile))
    else:
        sheet.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def import_sheet(path: str | Path, profile=None, *, reviewed_only: bool | None = None) -> pd.DataFrame:
    """Read a corrected tagging sheet; validate codes; return the labels-contract frame.

    Only the first worksheet is read. Rows not marked in the ``reviewed`` column
    are left out before validation (so unchecked rows may still hold bad codes)
    and counted in ``result.attrs["notes"]``; fully blank rows are skipped and
    named there too (and logged). See :func:`validate_labels` for what is refused.

    Parameters
    ----------
    path : path
        The sheet (.xlsx, .csv, …).
    profile : Profile, str, dict or None
        Whose codes are allowed (default: the default profile).
    reviewed_only : bool, optional
        None (default): import only the rows marked reviewed when the sheet has a
        ``reviewed`` column, every row when it has none (older or hand-made
        sheets). False: every row, marked or not. True: the column is required.

    Raises
    ------
    InputError
        A required column is missing; a ``reviewed`` mark is in neither
        :data:`REVIEWED_MARKS` nor :data:`NOT_REVIEWED_MARKS`; no row is marked;
        or a label cell is invalid (naming the file, the Excel row and the column).
    """
    from mvvtext.io import read_table

    df = read_table(path)
    missing = [c for c in ("id", "text", *LABEL_FIELDS) if c not in df.columns]
    if missing:
        raise InputError(f"{path}: the tagging sheet lacks column(s) {missing}; columns are {list(df.columns)}.",
                         path=str(path))
    column = reviewed_column(df.columns, str(path), required=bool(reviewed_only))
    numbers = list(range(2, len(df) + 2))  # as Excel numbers the rows: the header is row 1
    note = ""
    if column is not None:
        if reviewed_only is not False:
            keep, note = reviewed_rows(df, column, numbers, str(path))
            numbers = [n for n, k in zip(numbers, keep) if k]
            df = df.loc[keep]
        df = df.drop(columns=column)
    result = validate_labels(df, profile_codes(resolve_profile(profile)), source=str(path), row_numbers=numbers)
    if note:
        logger.warning("%s: %s", path, note)
        result.attrs["notes"] = [note, *result.attrs["notes"]]
    return result


def label_studio_config(profile=None) -> str:
    """A Label Studio labelling config (XML) with the profile's codes as choices."""
    codes = profile_codes(resolve_profile(profile))

    def choices(name: str, field: str, multiple: bool) -> str:
        opts = "\n".join(f'    <Choice value="{c}"/>' for c in codes[field])
        kind = "multiple" if multiple else "single"
        return f'  <Header value="{name}"/>\n  <Choices name="{field}" toName="text" choice="{kind}">\n{opts}\n  </Choices>'

    parts = [choices("Topics", "topics", True), choices("Primary topic", "primary", False),
             choices("Intent", "intent", False), choices("Risks", "risks", True), choices("Values", "values", True),
             '  <Header value="Sentiment (-2..2)"/>\n  <Number name="sentiment" toName="text" min="-2" max="2"/>']
    return "<View>\n  <Text name=\"text\" value=\"$text\"/>\n" + "\n".join(parts) + "\n</View>\n"


def export_label_studio(analysed: pd.DataFrame, path: str | Path, *, model_version: str = "mvvtext") -> Path:
    """Write Label Studio tasks (JSON) with the model's guesses as predictions."""
    text_col = "text_masked" if "text_masked" in analysed else "text"
    tasks = []
    for _, row in analysed.iterrows():
        result = []
        for field in (*LIST_FIELDS, *SINGLE_FIELDS):
            if field not in row or row[field] is None:
                continue
            vals = row[field] if isinstance(row[field], (list, tuple)) else [row[field]]
            if vals:
                result.append({"from_name": field, "to_name": "text", "type": "choices",
                               "value": {"choices": [str(v) for v in vals]}})
        if "sentiment" in row and pd.notna(row["sentiment"]):
            result.append({"from_name": "sentiment", "to_name": "text", "type": "number",
                           "value": {"number": int(round(float(row["sentiment"])))}})
        tasks.append({"data": {"id": str(row["id"]), "text": row[text_col],
                               "channel": None if pd.isna(row.get("channel")) else str(row.get("channel"))},
                      "predictions": [{"model_version": model_version, "result": result}]})
    path = Path(path)
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def import_label_studio(path: str | Path, profile=None) -> pd.DataFrame:
    """Read a Label Studio JSON export; the latest annotation of each task wins."""
    path = Path(path)
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not a Label Studio JSON export ({e}).", path=str(path)) from e
    if isinstance(tasks, dict) and "data" in tasks:
        tasks = [tasks]  # one task exported on its own
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise InputError(f"{path}: not a Label Studio JSON export (expected a list of tasks). Export the project "
                         "from Label Studio as 'JSON' (not JSON-MIN or CSV).", path=str(path))
    if tasks and all("annotations" not in t and "data" not in t for t in tasks):
        raise InputError(f"{path}: this looks like Label Studio's 'JSON-MIN' export (no 'annotations' or 'data' "
                         "in the tasks). Export the project as 'JSON' instead.", path=str(path))
    rows, names = [], []
    for i, task in enumerate(tasks):
        name = _task_name(i + 1, task)
        if not isinstance(task.get("data"), dict):
            raise InputError(f"{path}: {name} has no 'data' with the text. "
                             "Export the project from Label Studio as 'JSON'.", path=str(path), rows=[i + 1])
        anns = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not anns:
            continue  # not yet tagged: counted below, never silently labelled
        ann = max(anns, key=lambda a: a.get("updated_at") or a.get("created_at") or "")
        rec = {"id": task["data"].get("id", task.get("id")), "text": task["data"].get("text"),
               "channel": task["data"].get("channel"), "_task": i + 1}
        for item in ann.get("result", []):
            if item.get("from_name") not in LABEL_FIELDS:  # a renamed control would lose its labels silently
                raise InputError(f"{path}: {name} holds a result named "
                                 f"{item.get('from_name')!r}; the labelling config names its controls "
                                 f"{', '.join(LABEL_FIELDS)} (see `mvvtext tag-export --out tasks.json`).",
                                 path=str(path), rows=[i + 1])
            value = item.get("value", {})
            if "choices" in value:
                rec[item["from_name"]] = value["choices"]
            elif "number" in value:
                rec[item["from_name"]] = value["number"]
        rows.append(rec)
        names.append(name)
    if not rows:
        raise InputError(f"{path}: none of the {len(tasks)} tasks has an annotation yet.", path=str(path))
    df = pd.DataFrame(rows)
    for col in LABEL_FIELDS:
        if col not in df:
            df[col] = None
    labelled = validate_labels(df, profile_codes(resolve_profile(profile)), source=str(path),
                               row_numbers=df["_task"].tolist(), unit="task", row_names=names,
                               advice="Fix them in Label Studio, export the project as 'JSON' again and import it.")
    labelled.attrs["untagged_tasks"] = len(tasks) - len(rows)
    return labelled


def _task_name(number: int, task: dict) -> str:
    """A Label Studio task as messages name it: its position in the file, its id and its data's id.

    ``task 3 (id 103, data id 'b')``: Label Studio's data manager finds a task by
    its id; the data id is the text's id of the export.
    """
    ids = [] if task.get("id") is None else [f"id {task['id']!r}"]
    data = task.get("data")
    if isinstance(data, dict) and data.get("id") is not None:
        ids.append(f"data id {data['id']!r}")
    return f"task {number}" + (f" ({', '.join(ids)})" if ids else "")


def check_labelled_output(path: str | Path) -> Path:
    """Check, before any import, that the labelled JSONL can be written at ``path``.

    The name must end in ``.jsonl`` (what ``mvvtext train`` reads), the folder
    must exist, and the file (or the folder, for a new file) must be writable.
    Nothing is created.

    Raises
    ------
    InputError
        Naming the path and what to change.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as {path / 'labelled.jsonl'}.",
                         path=str(path))
    if path.suffix.lower() != ".jsonl":
        raise InputError(f"{path}: the labelled file for `mvvtext train` is JSON Lines, but the name ends in "
                         f"'{path.suffix or '(no extension)'}'; give a name ending in .jsonl, such as "
                         f"{path.with_suffix('.jsonl')}.", path=str(path))
    folder = path.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise InputError(f"{path}: cannot write the file: the folder {folder} {what}. Create the folder first "
                         "or choose another --out.", path=str(path))
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"{path}: the file exists and cannot be overwritten (no write permission, or it is open "
                         "in another program). Close it or choose another --out.", path=str(path))
    if not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{path}: cannot create the file: no write permission in {folder}. Choose another --out.",
                         path=str(path))
    return path


def write_labelled_jsonl(labelled: pd.DataFrame, path: str | Path) -> Path:
    """Write the labels-contract JSONL that ``mvvtext train`` reads."""
    path = Path(path)
    with open(path, "w", encoding="utf-8") as f:
        for rec in labelled.to_dict(orient="records"):
            f.write(json.dumps({k: rec.get(k) for k in ("id", "channel", "text", *LABEL_FIELDS)},
                               ensure_ascii=False) + "\n")
    return path
