"""Tagging workflows for researchers: pre-annotated tasks out, validated labels in.

Two round trips, both ending in the labelled JSONL that ``mvvtext train`` reads
(the labels contract: id, channel, text, topics, primary, intent, sentiment,
risks, values):

* a spreadsheet (xlsx/csv) with one row per text, the model's guesses
  pre-filled for correction (``export_sheet`` / ``import_sheet``);
* Label Studio: a labelling config and tasks with predictions
  (``label_studio_config`` / ``export_label_studio`` / ``import_label_studio``).

Imported labels are checked against the profile's codes; every error names the
file, the row and the column. ``mvvtext train`` checks its labelled rows with the
same validator (:func:`check_label_row`, via :func:`validate_training_labels`),
where a null field means "not labelled for it".
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import pandas as pd

from mvvtext.classify._labelcheck import (LABEL_FIELDS, LIST_FIELDS, SINGLE_FIELDS, check_label_row,
                                         check_labelled_texts, profile_codes, resolve_profile, validate_labels,
                                         validate_training_labels)
from mvvtext.exceptions import InputError

__all__ = ["export_sheet", "import_sheet", "label_studio_config", "export_label_studio", "import_label_studio",
           "write_labelled_jsonl", "validate_labels", "check_label_row", "check_labelled_texts",
           "validate_training_labels"]


def export_sheet(analysed: pd.DataFrame, path: str | Path, *, sample: int | None = None,
                 random_state: int = 0) -> Path:
    """Write a tagging sheet with the model's guesses pre-filled for correction.

    Columns: id, channel, text (masked), then the label fields (lists ``|``-separated)
    and ``note``. Researchers correct the label cells and save; read it back with
    :func:`import_sheet`.
    """
    df = analysed.sample(n=min(sample, len(analysed)), random_state=random_state) if sample else analysed
    text_col = "text_masked" if "text_masked" in df else "text"
    sheet = pd.DataFrame({"id": df["id"], "channel": df.get("channel"), "text": df[text_col]})
    for field in LABEL_FIELDS:
        col = df[field] if field in df else pd.Series([None] * len(df), index=df.index)
        sheet[field] = col.map(lambda v: "|".join(v) if isinstance(v, (list, tuple)) else v)
    sheet["sentiment"] = pd.to_numeric(sheet["sentiment"], errors="coerce").round().astype("Int64")
    sheet["note"] = ""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from mvvtext.io import excel_writer

        with excel_writer(path) as xw:  # a text starting with '=' stays text, not a formula
            sheet.to_excel(xw, index=False)
    else:
        sheet.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def import_sheet(path: str | Path, profile=None) -> pd.DataFrame:
    """Read a corrected tagging sheet; validate codes; return the labels-contract frame.

    Fully blank rows are skipped and named in ``result.attrs["notes"]`` (and logged);
    see :func:`validate_labels` for what is refused.
    """
    from mvvtext.io import read_table

    df = read_table(path)
    missing = [c for c in ("id", "text", *LABEL_FIELDS) if c not in df.columns]
    if missing:
        raise InputError(f"{path}: the tagging sheet lacks column(s) {missing}; columns are {list(df.columns)}.",
                         path=str(path))
    return validate_labels(df, profile_codes(resolve_profile(profile)), source=str(path))


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
    rows = []
    for i, task in enumerate(tasks):
        anns = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not anns:
            continue  # not yet tagged: counted below, never silently labelled
        ann = max(anns, key=lambda a: a.get("updated_at") or a.get("created_at") or "")
        rec = {"id": task["data"].get("id", task.get("id")), "text": task["data"].get("text"),
               "channel": task["data"].get("channel"), "_task": i + 1}
        for item in ann.get("result", []):
            value = item.get("value", {})
            if "choices" in value:
                rec[item["from_name"]] = value["choices"]
            elif "number" in value:
                rec[item["from_name"]] = value["number"]
        rows.append(rec)
    if not rows:
        raise InputError(f"{path}: none of the {len(tasks)} tasks has an annotation yet.", path=str(path))
    df = pd.DataFrame(rows)
    for col in LABEL_FIELDS:
        if col not in df:
            df[col] = None
    labelled = validate_labels(df, profile_codes(resolve_profile(profile)), source=str(path),
                               row_numbers=df["_task"].tolist(), unit="task")
    labelled.attrs["untagged_tasks"] = len(tasks) - len(rows)
    return labelled


def write_labelled_jsonl(labelled: pd.DataFrame, path: str | Path) -> Path:
    """Write the labels-contract JSONL that ``mvvtext train`` reads."""
    path = Path(path)
    with open(path, "w", encoding="utf-8") as f:
        for rec in labelled.to_dict(orient="records"):
            f.write(json.dumps({k: rec.get(k) for k in ("id", "channel", "text", *LABEL_FIELDS)},
                               ensure_ascii=False) + "\n")
    return path


__all__: Sequence[str] = ["check_label_row", "check_labelled_texts", "export_sheet", "import_sheet",
                          "label_studio_config", "export_label_studio", "import_label_studio", "validate_labels",
                          "validate_training_labels", "write_labelled_jsonl"]
