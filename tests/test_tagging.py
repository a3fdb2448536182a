"""Researchers' tagging round trips: sheet and Label Studio."""
import json

import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.tagging import (export_label_studio, export_sheet, import_label_studio, import_sheet, label_studio_config,
                             validate_labels, write_labelled_jsonl)

from sheet_files import write_rows_xlsx as _xlsx

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


def _mark_all_reviewed(path):
    """Mark every row of an exported sheet reviewed, as a researcher who checked them all would."""
    if path.suffix == ".csv":
        df = pd.read_csv(path, encoding="utf-8-sig")
        df["reviewed"] = "x"
        df.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col = [c.value for c in ws[1]].index("reviewed") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=col, value="済")
    wb.save(path)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_sheet_round_trip(tmp_path, analysed, suffix):
    path = _mark_all_reviewed(export_sheet(analysed, tmp_path / f"tag{suffix}"))
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
    df["reviewed"] = "x"  # both rows checked: their bad cells are refused
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


GOOD = [["a", "inquiry", "給与が低い", "pay", "pay", "complaint", -1, None, None, None],
        ["b", "survey", "評価が不透明", "evaluation|pay", "evaluation", "complaint", -1, "resignation", None,
         None]]


def test_blank_sheet_rows_are_skipped_and_noted(tmp_path, caplog):
    rows = [GOOD[0], [None] * 10, ["  ", None, " ", None, "\t", None, None, " ", None, "  "], GOOD[1]]
    path = _xlsx(tmp_path / "tag.xlsx", rows)
    with caplog.at_level("WARNING", logger="mvvtext.tagging"):
        back = import_sheet(path, profile=CODES)
    assert list(back["id"]) == ["a", "b"] and back["topics"].iloc[1] == ["evaluation", "pay"]
    assert back.attrs["blank_rows"] == [3, 4]
    assert back.attrs["notes"] == ["skipped 2 blank rows: rows 3, 4"]
    assert "skipped 2 blank rows: rows 3, 4" in caplog.text
    one = import_sheet(_xlsx(tmp_path / "one.xlsx", [GOOD[0], [None] * 10, GOOD[1]]), profile=CODES)
    assert one.attrs["notes"] == ["skipped 1 blank row: row 3"]
    assert import_sheet(_xlsx(tmp_path / "none.xlsx", GOOD), profile=CODES).attrs["notes"] == []


def test_duplicate_id_with_another_text_names_both_rows(tmp_path):
    rows = [GOOD[0], GOOD[1], ["a", "inquiry", "別の文です", "pay", "pay", "question", 0, None, None, None]]
    with pytest.raises(InputError) as err:
        import_sheet(_xlsx(tmp_path / "tag.xlsx", rows), profile=CODES)
    msg = str(err.value)
    assert "row 4, column 'id'" in msg and "'a'" in msg and "row 2" in msg
    assert err.value.rows == [2, 4]
    # the same row twice (same id, same text) is not an id clash
    assert len(import_sheet(_xlsx(tmp_path / "same.xlsx", [GOOD[0], GOOD[0]]), profile=CODES)) == 2


@pytest.mark.parametrize("text", [None, "   "])
def test_blank_text_with_labels_is_refused(tmp_path, text):
    rows = [GOOD[0], ["c", "post", text, "pay", "pay", "praise", 1, None, None, None]]
    with pytest.raises(InputError) as err:
        import_sheet(_xlsx(tmp_path / "tag.xlsx", rows), profile=CODES)
    assert "row 3, column 'text'" in str(err.value) and "blank" in str(err.value)
    assert err.value.rows == [3]


def test_sheet_code_errors_suggest_a_code(tmp_path):
    rows = [["a", "inquiry", "給与が低い", "pay", "pay", "complain", 1.5, "resignaton", None, None]]
    with pytest.raises(InputError) as err:
        import_sheet(_xlsx(tmp_path / "tag.xlsx", rows), profile=CODES)
    msg = str(err.value)
    assert str(tmp_path / "tag.xlsx") in msg
    assert "row 2, column 'intent': 'complain'" in msg and "did you mean 'complaint'?" in msg
    assert "row 2, column 'risks': 'resignaton'" in msg and "did you mean 'resignation'?" in msg
    assert "row 2, column 'sentiment': 1.5 is not an integer from -2 to 2" in msg
    assert "allowed: question, complaint, request, praise, report" in msg


def test_tag_import_cli_skips_blank_rows_and_exits_2_on_errors(tmp_path, capsys):
    from mvvtext.cli import main

    out = tmp_path / "labelled.jsonl"
    path = _xlsx(tmp_path / "tag.xlsx", [GOOD[0], [None] * 10, GOOD[1]])
    assert main(["tag-import", str(path), "--out", str(out)]) == 0
    assert "skipped 1 blank row: row 3" in capsys.readouterr().out
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "b"]
    clash = ["a", None, "別の文", "pay", "pay", "question", 0, None, None, None]
    bad = _xlsx(tmp_path / "bad.xlsx", [GOOD[0], clash])
    assert main(["tag-import", str(bad), "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "row 3, column 'id'" in capsys.readouterr().err


def test_tag_export_checks_the_sheet_suffix_before_classifying(tmp_path, capsys):
    from mvvtext.cli import main

    raw = tmp_path / "in.csv"
    raw.write_text("text\n給与の件\n", encoding="utf-8")
    assert main(["tag-export", str(raw), "--out", str(tmp_path / "sheet.xls")]) == 2
    assert "'.xls'" in capsys.readouterr().err and not (tmp_path / "sheet.xls").exists()


def test_sheet_text_starting_with_equals_stays_text(tmp_path, analysed):
    import openpyxl

    frame = analysed.copy()
    frame["text_masked"] = ["=== 件名 ===", *frame["text_masked"].iloc[1:]]
    path = export_sheet(frame, tmp_path / "sheet.xlsx")
    cell = openpyxl.load_workbook(path).active["C2"]
    assert cell.data_type == "s" and cell.value == "=== 件名 ==="


def test_one_code_cells_with_two_codes_are_refused(tmp_path):
    rows = [["a", "inquiry", "給与が低い", "pay|procedures", "pay|procedures", "complaint、request", -1, None, None, None]]
    with pytest.raises(InputError) as err:
        import_sheet(_xlsx(tmp_path / "tag.xlsx", rows), profile=CODES)
    msg = str(err.value)
    assert "column 'primary': 'pay|procedures' holds 2 codes" in msg and "belong in topics" in msg
    assert "column 'intent': 'complaint、request' holds 2 codes" in msg


def test_label_studio_files_of_another_shape_name_the_fix(tmp_path, analysed):
    tasks_path = export_label_studio(analysed, tmp_path / "tasks.json")
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    result = tasks[0]["predictions"][0]["result"]
    for item in result:
        if item["from_name"] == "intent":
            item["from_name"] = "intention"                # a renamed control: its labels must not vanish
    tasks[0]["annotations"] = [{"result": result}]
    bad = tmp_path / "renamed.json"
    bad.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="result named 'intention'"):
        import_label_studio(bad, profile=CODES)
    minimal = tmp_path / "min.json"
    minimal.write_text(json.dumps([{"text": "給与", "intent": "question"}]), encoding="utf-8")
    with pytest.raises(InputError, match="JSON-MIN"):
        import_label_studio(minimal, profile=CODES)
    nodata = tmp_path / "nodata.json"
    nodata.write_text(json.dumps([{"id": 7, "annotations": []}]), encoding="utf-8")
    with pytest.raises(InputError, match="task 1 \\(id 7\\) has no 'data'"):
        import_label_studio(nodata, profile=CODES)
    single = tmp_path / "single.json"
    tasks[0]["annotations"] = [{"result": tasks[0]["predictions"][0]["result"]}]
    for item in tasks[0]["annotations"][0]["result"]:
        if item["from_name"] == "intention":
            item["from_name"] = "intent"
    single.write_text(json.dumps(tasks[0], ensure_ascii=False), encoding="utf-8")
    assert len(import_label_studio(single, profile=CODES)) == 1   # one task object, not a list
    scalar = tmp_path / "scalar.json"
    scalar.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="expected a list of tasks"):
        import_label_studio(scalar, profile=CODES)


def test_tag_export_refuses_a_sample_of_zero_before_classifying(tmp_path, capsys):
    from mvvtext.cli import main

    assert main(["tag-export", str(tmp_path / "never_read.csv"), "--sample", "0", "--out", str(tmp_path / "s.xlsx")]) == 2
    assert "--sample must be a number of texts >= 1" in capsys.readouterr().err
