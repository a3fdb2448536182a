"""Tagging workflows for researchers: pre-annotated tasks out, validated labels in.

Two round trips, both ending in the labelled JSONL that ``mvvtext train`` reads
(the labels contract: id, channel, text, topics, primary, intent, sentiment,
risks, values):

* a spreadsheet (xlsx/csv) with one row per text, the model's guesses
  pre-filled for correction (``export_sheet`` / ``import_sheet``);
* Label Studio: a labelling config and tasks with predictions
  (``label_studio_config`` / ``export_label_studio`` / ``import_label_studio``).

Imported labels are checked against the profile's codes; every error names the
file, the row and the column.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import pandas as pd

from mvvtext.exceptions import InputError

LIST_FIELDS = ("topics", "risks", "values")
SINGLE_FIELDS = ("primary", "intent")
LABEL_FIELDS = ("topics", "primary", "intent", "sentiment", "risks", "values")


def _codes(profile) -> dict[str, list[str]]:
    """Allowed codes per field, from a Profile (or a dict of field -> codes)."""
    if isinstance(profile, dict):
        return {k: list(v) for k, v in profile.items()}
    topics = list(profile.topics)
    return {"topics": topics, "primary": topics, "intent": list(profile.intents),
            "risks": list(profile.risks), "values": list(profile.values)}


def _split_codes(value) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    s = str(value).strip()
    if not s or s in ("[]", "-"):
        return []
    if s.startswith("["):
        try:
            return [str(v) for v in json.loads(s)]
        except json.JSONDecodeError:
            pass
    for sep in ("|", ",", "、", ";", " "):
        if sep in s:
            return [p.strip() for p in s.split(sep) if p.strip()]
    return [s]


def validate_labels(df: pd.DataFrame, codes: dict[str, list[str]], *, source: str = "<frame>",
                    row_offset: int = 2) -> pd.DataFrame:
    """Check and normalise labelled rows; return the labels-contract frame.

    Parameters
    ----------
    df : DataFrame
        Columns id, text and the label fields (lists as JSON or ``|``-separated codes).
    codes : dict
        Allowed codes per field (see ``_codes``).
    source : str
        File name for messages.
    row_offset : int
        Added to the 0-based position to name the row as the user sees it
        (2 for a sheet with one header row).

    Raises
    ------
    InputError
        Listing every bad cell as ``row N, column C: 'value' (allowed: …)``.
    """
    problems: list[str] = []
    failure: list[dict] = []
    out = []
    for pos, (_, row) in enumerate(df.iterrows()):
        where = f"row {pos + row_offset}"
        rec = {"id": str(row.get("id", "")), "channel": row.get("channel") if pd.notna(row.get("channel", None))
               else None, "text": "" if pd.isna(row.get("text")) else str(row.get("text"))}
        for field in LIST_FIELDS:
            vals = _split_codes(row.get(field))
            bad = [v for v in vals if v not in codes[field]]
            if bad:
                problems.append(f"{where}, column '{field}': {bad} not in {codes[field]}")
                failure.append({"row": pos + row_offset, "column": field, "value": bad})
            rec[field] = vals
        for field in SINGLE_FIELDS:
            vals = _split_codes(row.get(field))
            value = vals[0] if vals else None
            if value is None or value not in codes[field]:
                problems.append(f"{where}, column '{field}': {row.get(field)!r} (one of {codes[field]} is required)")
                failure.append({"row": pos + row_offset, "column": field, "value": row.get(field)})
            rec[field] = value
        if rec["primary"] and rec["primary"] not in rec["topics"]:
            rec["topics"] = [rec["primary"], *rec["topics"]]
        try:
            sentiment = float(row.get("sentiment"))
            if not -2 <= sentiment <= 2 or sentiment != sentiment:
                raise ValueError
            rec["sentiment"] = sentiment
        except (TypeError, ValueError):
            problems.append(f"{where}, column 'sentiment': {row.get('sentiment')!r} (a number from -2 to 2)")
            failure.append({"row": pos + row_offset, "column": "sentiment", "value": row.get("sentiment")})
        out.append(rec)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"{source}: {len(problems)} invalid label cell(s):\n  {shown}{more}\n"
                         "Fix them in the sheet and import again.", path=source,
                         rows=sorted({f["row"] for f in failure}), failure_cases=failure)
    return pd.DataFrame(out, index=df.index)


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
        sheet.to_excel(path, index=False)
    else:
        sheet.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def import_sheet(path: str | Path, profile=None) -> pd.DataFrame:
    """Read a corrected tagging sheet; validate codes; return the labels-contract frame."""
    from mvvtext.io import read_table

    df = read_table(path)
    missing = [c for c in ("id", "text", *LABEL_FIELDS) if c not in df.columns]
    if missing:
        raise InputError(f"{path}: the tagging sheet lacks column(s) {missing}; columns are {list(df.columns)}.",
                         path=str(path))
    return validate_labels(df, _codes(_profile(profile)), source=str(path))


def _profile(profile):
    if profile is None or isinstance(profile, (str, Path)):
        from mvvtext.classify import load_profile

        return load_profile(profile)
    return profile


def label_studio_config(profile=None) -> str:
    """A Label Studio labelling config (XML) with the profile's codes as choices."""
    codes = _codes(_profile(profile))

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
    labelled = validate_labels(df, _codes(_profile(profile)), source=str(path), row_offset=1)
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


__all__: Sequence[str] = ["export_sheet", "import_sheet", "label_studio_config", "export_label_studio",
                          "import_label_studio", "validate_labels", "write_labelled_jsonl"]
