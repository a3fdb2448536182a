"""Researchers' tagging round trips: sheet and Label Studio."""
import json

import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.tagging import (export_label_studio, export_sheet, import_label_studio, import_sheet, label_studio_config,
                             validate_labels, write_labelled_jsonl)

CODES = {"topics": ["pay", "evaluation", "other"], "primary": ["pay", "evaluation", "other"],
         "intent": ["question", "complaint", "request", "praise", "report"],
         "risks": ["resignation", "health"], "values": ["teamwork"]}


@pytest.fixture
def analysed():
    return pd.DataFrame({
        "id": ["a", "b"], "channel": ["inquiry", "survey"],
        "text_masked": ["〈氏名〉さんの給与が低い", "評価が不透明"],
        "topics": [["pay"], ["evaluation", "pay"]], "primary": ["pay", "evaluation"],
        "intent": ["complaint", "complaint"], "sentiment": [-1.4, -0.6],
        "risks": [[], ["resignation"]], "values": [[], []]})


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_sheet_round_trip(tmp_path, analysed, suffix):
    path = export_sheet(analysed, tmp_path / f"tag{suffix}")
    back = import_sheet(path, profile=CODES)
    assert list(back["id"]) == ["a", "b"]
    assert back["topics"].iloc[1] == ["evaluation", "pay"]
    assert back["risks"].iloc[1] == ["resignation"]
    assert back["sentiment"].tolist() == [-1.0, -1.0]
    out = write_labelled_jsonl(back, tmp_path / "labelled.jsonl")
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["primary"] == "pay" and first["text"].startswith("〈氏名〉")


def test_sheet_errors_name_row_and_column(tmp_path, analysed):
    path = export_sheet(analysed, tmp_path / "tag.csv")
    df = pd.read_csv(path, encoding="utf-8-sig")
    df.loc[1, "intent"] = "whining"
    df.loc[0, "topics"] = "pay|salary"
    df.loc[0, "sentiment"] = 5
    df.to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(InputError) as err:
        import_sheet(path, profile=CODES)
    msg = str(err.value)
    assert "row 3, column 'intent'" in msg and "whining" in msg
    assert "row 2, column 'topics'" in msg and "salary" in msg
    assert "row 2, column 'sentiment'" in msg
    assert err.value.rows == [2, 3]


def test_primary_added_to_topics():
    df = pd.DataFrame({"id": ["x"], "text": ["t"], "topics": [""], "primary": ["pay"], "intent": ["question"],
                       "sentiment": [0], "risks": [None], "values": [None]})
    assert validate_labels(df, CODES)["topics"].iloc[0] == ["pay"]


def test_label_studio_round_trip(tmp_path, analysed):
    tasks_path = export_label_studio(analysed, tmp_path / "tasks.json")
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    assert tasks[0]["data"]["text"].startswith("〈氏名〉")
    # a researcher accepts task 1 with a correction and leaves task 2 untagged
    result = tasks[0]["predictions"][0]["result"]
    for item in result:
        if item["from_name"] == "intent":
            item["value"]["choices"] = ["question"]
    tasks[0]["annotations"] = [{"result": result, "updated_at": "2026-11-20T10:00:00Z"}]
    tasks_path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    labelled = import_label_studio(tasks_path, profile=CODES)
    assert list(labelled["id"]) == ["a"]
    assert labelled["intent"].iloc[0] == "question"
    assert labelled.attrs["untagged_tasks"] == 1


def test_label_studio_without_annotations(tmp_path, analysed):
    path = export_label_studio(analysed, tmp_path / "tasks.json")
    with pytest.raises(InputError, match="none of the 2 tasks"):
        import_label_studio(path, profile=CODES)


def test_label_studio_config_is_valid_xml():
    import xml.etree.ElementTree as ET

    root = ET.fromstring(label_studio_config(CODES))
    names = {c.get("name"): c for c in root.iter("Choices")}
    assert set(names) == {"topics", "primary", "intent", "risks", "values"}
    assert names["topics"].get("choice") == "multiple" and names["intent"].get("choice") == "single"
    assert [c.get("value") for c in names["intent"]] == CODES["intent"]
