"""The tagging sheet: only rows marked ``reviewed`` are imported; the xlsx has a コード表 and drop-downs."""
import json
import logging

import numpy as np
import pandas as pd
import pytest

from mvvtext.classify import load_profile
from mvvtext.cli import main
from mvvtext.exceptions import InputError
from mvvtext.tagging import (REVIEWED_MARKS, export_label_studio, export_sheet, import_label_studio, import_sheet)
from mvvtext._tagging_sheet import review_mark

from sheet_files import write_rows_xlsx

CODES = {"topics": ["pay", "evaluation", "other"], "primary": ["pay", "evaluation", "other"],
         "intent": ["question", "complaint", "request", "praise", "report"],
         "risks": ["resignation", "health"], "values": ["teamwork"]}
CONTRACT = ["id", "channel", "text", "topics", "primary", "intent", "sentiment", "risks", "values"]
SHEET = ["id", "channel", "text", "reviewed", "topics", "primary", "intent", "sentiment", "risks", "values", "note"]
YES = [1, "1", "１", True, "TRUE", "true", "yes", "y", "x", "X", "○", "〇", "◯", "✓", "✔", "済", "確認済", "済み",
       "done", "ok", " OK ", "Yes"]
NO = [None, "0", "no", "未", "×", "false", 0, False, "  "]


def analysed_frame(n: int) -> pd.DataFrame:
    primary = ["pay" if i % 2 else "evaluation" for i in range(n)]
    return pd.DataFrame({
        "id": [f"r{i}" for i in range(n)], "channel": ["inquiry"] * n,
        "text_masked": [f"給与と評価の話 その{i}" for i in range(n)],
        "topics": [[p] for p in primary], "primary": primary, "intent": ["complaint"] * n,
        "sentiment": [-1.0] * n, "risks": [[] for _ in range(n)], "values": [[] for _ in range(n)]})


def edit(path, cells: dict[tuple[int, str], object]):
    """Set cells of an exported sheet by (0-based data row, column), as a researcher's Excel would."""
    if path.suffix == ".csv":
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=object)
        for (row, col), value in cells.items():
            df.loc[row, col] = value
        df.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for (row, col), value in cells.items():
        ws.cell(row=row + 2, column=header.index(col) + 1, value=value)
    wb.save(path)
    return path


def marks(values) -> dict:
    return {(i, "reviewed"): v for i, v in enumerate(values)}


# --------------------------------------------------------------------------- reviewed rows only

@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_only_rows_marked_reviewed_are_imported(tmp_path, suffix, caplog):
    marked = [m for pair in zip(YES, NO) for m in pair] + YES[len(NO):]  # interleaved
    path = export_sheet(analysed_frame(len(marked)), tmp_path / f"tag{suffix}")
    edit(path, marks(marked))
    with caplog.at_level("WARNING", logger="mvvtext.tagging"):
        back = import_sheet(path, profile=CODES)
    expected = [f"r{i}" for i, m in enumerate(marked) if review_mark(m)]
    assert list(back["id"]) == expected and len(expected) == len(YES)
    assert list(back.columns) == CONTRACT                      # 'reviewed' does not leak into the labels
    note = f"{len(NO)} rows not marked reviewed were left out"
    assert back.attrs["notes"][0].startswith(note) and "--all-rows" in back.attrs["notes"][0]
    assert note in caplog.text


@pytest.mark.parametrize("value, expected", [
    (1, True), (1.0, True), (np.int64(1), True), (np.True_, True), ("ｙｅｓ", True), (" 済 ", True), ("DONE", True),
    (0, False), (0.0, False), (None, False), (np.nan, False), ("", False), ("未", False), ("×", False),
    ("No", False), (False, False), (2, None), ("maybe", None), ("△", None)])
def test_review_mark(value, expected):
    assert review_mark(value) is expected


def test_every_documented_mark_is_accepted():
    assert all(review_mark(m) is True for m in REVIEWED_MARKS)
    assert all(review_mark(m) is True for m in YES)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_unknown_mark_names_file_row_column_and_value(tmp_path, suffix):
    path = export_sheet(analysed_frame(4), tmp_path / f"tag{suffix}")
    edit(path, marks(["x", None, "maybe", "済"]))
    with pytest.raises(InputError) as err:
        import_sheet(path, profile=CODES)
    msg = str(err.value)
    assert str(path) in msg
    assert "row 4, column 'reviewed': 'maybe'" in msg
    assert "○" in msg and "済" in msg and "done" in msg         # the accepted marks
    assert err.value.rows == [4] and err.value.column == "reviewed"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_sheet_with_nothing_marked_is_refused(tmp_path, suffix):
    path = export_sheet(analysed_frame(3), tmp_path / f"tag{suffix}")
    with pytest.raises(InputError) as err:
        import_sheet(path, profile=CODES)
    msg = str(err.value)
    assert "none of the 3 row(s) is marked in the 'reviewed' column" in msg
    assert "reviewed_only=False" in msg and "--all-rows" in msg and err.value.column == "reviewed"
    edit(path, marks(["0", "no", None]))                      # 'not reviewed' marks only: still nothing
    with pytest.raises(InputError, match="none of the 3 row"):
        import_sheet(path, profile=CODES)


def test_reviewed_only_false_imports_every_row(tmp_path):
    path = edit(export_sheet(analysed_frame(3), tmp_path / "tag.xlsx"), marks(["x", None, "maybe"]))
    back = import_sheet(path, profile=CODES, reviewed_only=False)
    assert list(back["id"]) == ["r0", "r1", "r2"] and list(back.columns) == CONTRACT
    assert back.attrs["notes"] == []


GOOD = ["a", "inquiry", "給与が低い", "pay", "pay", "complaint", -1, None, None, None]
OLD_HEADER = [c for c in SHEET if c != "reviewed"]


def test_a_sheet_without_the_column_imports_every_row(tmp_path):
    path = write_rows_xlsx(tmp_path / "old.xlsx", [GOOD, ["b", *GOOD[1:]]], OLD_HEADER)
    assert list(import_sheet(path, profile=CODES)["id"]) == ["a", "b"]
    assert list(import_sheet(path, profile=CODES, reviewed_only=False)["id"]) == ["a", "b"]
    with pytest.raises(InputError) as err:
        import_sheet(path, profile=CODES, reviewed_only=True)
    assert "no 'reviewed' column" in str(err.value) and "reviewed_only=False" in str(err.value)
    assert err.value.path == str(path)


def test_reviewed_only_true_with_the_column_filters(tmp_path):
    path = edit(export_sheet(analysed_frame(2), tmp_path / "tag.csv"), marks([None, "1"]))
    assert list(import_sheet(path, profile=CODES, reviewed_only=True)["id"]) == ["r1"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_invalid_codes_in_unreviewed_rows_do_not_fail(tmp_path, suffix):
    path = export_sheet(analysed_frame(4), tmp_path / f"tag{suffix}")
    edit(path, {**marks(["x", None, "済", None]), (1, "primary"): "bogus", (3, "intent"): "whining",
                (3, "sentiment"): 9})
    assert list(import_sheet(path, profile=CODES)["id"]) == ["r0", "r2"]
    # once marked, the bad row is refused under its own sheet row (row 3 = the second data row)
    edit(path, {(1, "reviewed"): "ok", (2, "primary"): "evaluaton"})
    with pytest.raises(InputError) as err:
        import_sheet(path, profile=CODES)
    msg = str(err.value)
    assert "row 3, column 'primary': 'bogus'" in msg and "row 4, column 'primary': 'evaluaton'" in msg
    assert "whining" not in msg and err.value.rows == [3, 4]


def test_notes_count_unreviewed_and_blank_rows(tmp_path):
    rows = [["a", "inquiry", "給与が低い", "x", "pay", "pay", "complaint", -1, None, None, None],
            [None] * 11,
            ["b", "inquiry", "評価", None, "evaluation", "evaluation", "complaint", -1, None, None, None],
            ["c", "inquiry", "評価2", "未", "evaluation", "bogus", "complaint", -1, None, None, None]]
    back = import_sheet(write_rows_xlsx(tmp_path / "tag.xlsx", rows, SHEET), profile=CODES)
    assert list(back["id"]) == ["a"]
    assert back.attrs["notes"][0].startswith("2 rows not marked reviewed were left out")
    assert back.attrs["notes"][1] == "skipped 1 blank row: row 3"
    assert back.attrs["blank_rows"] == [3]


@pytest.mark.parametrize("column", ["Reviewed", " reviewed "])
def test_the_column_name_ignores_case_and_spaces(tmp_path, column):
    header = [column if c == "reviewed" else c for c in SHEET]
    rows = [["a", "inquiry", "給与が低い", None, "pay", "pay", "complaint", -1, None, None, None],
            ["b", "inquiry", "評価", "1", "evaluation", "evaluation", "complaint", -1, None, None, None]]
    back = import_sheet(write_rows_xlsx(tmp_path / "tag.xlsx", rows, header), profile=CODES)
    assert list(back["id"]) == ["b"] and list(back.columns) == CONTRACT


# --------------------------------------------------------------------------- the command line

def test_tag_import_all_rows(tmp_path, capsys, caplog):
    path = export_sheet(analysed_frame(3), tmp_path / "tag.xlsx")
    out = tmp_path / "labelled.jsonl"
    assert main(["tag-import", str(path), "--out", str(out)]) == 2
    assert "none of the 3 row(s) is marked" in capsys.readouterr().err and not out.exists()
    assert main(["tag-import", str(path), "--out", str(out), "--all-rows"]) == 0
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["r0", "r1", "r2"]
    capsys.readouterr()
    edit(path, marks(["済", None, None]))
    with caplog.at_level(logging.WARNING):
        assert main(["tag-import", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 1 labelled texts" in printed and "2 rows not marked reviewed were left out" in printed
    assert not [r for r in caplog.records if "not marked reviewed" in r.getMessage()]  # printed, not also logged
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["r0"]


def test_tag_export_tells_to_mark_the_reviewed_column(tmp_path, capsys, monkeypatch):
    import mvvtext.classify
    from mvvtext import tagging

    raw = tmp_path / "in.csv"
    raw.write_text("text\n給与の件\n評価の件\n", encoding="utf-8")
    seen = {}
    real = tagging.export_sheet

    def export_sheet_spy(analysed, path, **kw):
        seen.update(kw)
        return real(analysed, path, **kw)

    monkeypatch.setattr(mvvtext.classify, "analyze", lambda voices, **kw: analysed_frame(2))
    monkeypatch.setattr(tagging, "export_sheet", export_sheet_spy)
    assert main(["tag-export", str(raw), "--out", str(tmp_path / "sheet.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert "'reviewed' column" in printed and "コード表" in printed
    assert "profile" in seen and seen["profile"] is None


# --------------------------------------------------------------------------- the xlsx layout

def _range_values(wb, ref: str) -> list:
    sheet, cells = ref.split("!")
    return [row[0].value for row in wb[sheet.strip("'")][cells.replace("$", "")]]


def test_xlsx_has_a_code_sheet_with_every_code_and_its_japanese_name(tmp_path):
    import openpyxl

    profile = load_profile()
    wb = openpyxl.load_workbook(export_sheet(analysed_frame(2), tmp_path / "tag.xlsx"))
    assert wb.sheetnames[0] == "タグ付け" and "コード表" in wb.sheetnames
    rows = list(wb["コード表"].iter_rows(min_row=2, values_only=True))
    by_field = {}
    for field, code, name, description, _ in rows:
        by_field.setdefault(field, {})[code] = (name, description)
    for code, label in profile.topics.items():
        assert by_field["topics / primary"][code] == (label.name, label.description)
    assert by_field["topics / primary"]["pay"][0] == "給与・賞与・手当"
    for field, labels in (("intent", profile.intents), ("risks", profile.risks), ("values", profile.values)):
        assert {c: n for c, (n, _) in by_field[field].items()} == {c: lab.name for c, lab in labels.items()}
    assert sorted(by_field["sentiment"]) == [-2, -1, 0, 1, 2]
    hints = " ".join(str(r[4]) for r in rows if r[4])
    assert "|" in hints                                          # the separator of the multi-code columns


def test_xlsx_validates_primary_intent_and_sentiment(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(export_sheet(analysed_frame(3), tmp_path / "tag.xlsx"))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == SHEET
    letter = {col: openpyxl.utils.get_column_letter(i + 1) for i, col in enumerate(header)}
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    profile = load_profile()
    primary, intent, sentiment = (rules[f"{letter[c]}2:{letter[c]}4"] for c in ("primary", "intent", "sentiment"))
    assert primary.type == "list" and _range_values(wb, primary.formula1) == list(profile.topics)
    assert intent.type == "list" and _range_values(wb, intent.formula1) == list(profile.intents)
    assert (sentiment.type, sentiment.operator, sentiment.formula1, sentiment.formula2) == ("whole", "between", "-2", "2")
    for dv in (primary, intent, sentiment):
        assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.allow_blank
        assert dv.error and any("\u3040" <= ch <= "\u30ff" for ch in dv.error)  # a Japanese message
    assert not any(letter[c] in str(s) for s in rules for c in ("topics", "risks", "values"))
    assert "|" in ws[f"{letter['topics']}1"].comment.text
    assert "済" in ws[f"{letter['reviewed']}1"].comment.text
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions[letter["text"]].width >= 40
    assert ws[f"{letter['text']}2"].alignment.wrap_text


def test_xlsx_code_sheet_of_a_dict_profile(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(export_sheet(analysed_frame(2), tmp_path / "tag.xlsx", profile=CODES))
    ws = wb.worksheets[0]
    primary = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("F"))
    assert _range_values(wb, primary.formula1) == CODES["topics"]


def test_xlsx_export_of_text_with_control_characters(tmp_path):
    frame = analysed_frame(2)
    frame.loc[0, "text_masked"] = "改行\x0bと\x00制御文字"
    path = edit(export_sheet(frame, tmp_path / "tag.xlsx"), marks(["x", "x"]))
    assert import_sheet(path, profile=CODES)["text"].iloc[0] == "改行と制御文字"


def test_csv_export_has_the_reviewed_column_and_round_trips(tmp_path):
    path = export_sheet(analysed_frame(3), tmp_path / "tag.csv")
    sheet = pd.read_csv(path, encoding="utf-8-sig")
    assert list(sheet.columns) == SHEET and sheet["reviewed"].isna().all()
    edit(path, marks(["○", None, "✓"]))
    back = import_sheet(path, profile=CODES)
    assert list(back["id"]) == ["r0", "r2"] and back["primary"].tolist() == ["evaluation", "evaluation"]
    assert back["topics"].iloc[0] == ["evaluation"] and back["sentiment"].tolist() == [-1.0, -1.0]


# --------------------------------------------------------------------------- Label Studio

def test_label_studio_predictions_are_never_gold(tmp_path):
    path = export_label_studio(analysed_frame(3), tmp_path / "tasks.json")
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert all(t["predictions"] and "annotations" not in t for t in tasks)
    # task 2 annotated with labels other than the prediction; task 3 annotated, then the annotation cancelled
    tasks[1]["annotations"] = [{"result": [
        {"from_name": "primary", "to_name": "text", "type": "choices", "value": {"choices": ["other"]}},
        {"from_name": "intent", "to_name": "text", "type": "choices", "value": {"choices": ["question"]}},
        {"from_name": "sentiment", "to_name": "text", "type": "number", "value": {"number": 0}}]}]
    tasks[2]["annotations"] = [{"result": tasks[2]["predictions"][0]["result"], "was_cancelled": True}]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    labelled = import_label_studio(path, profile=CODES)
    assert list(labelled["id"]) == ["r1"]
    assert (labelled["primary"].iloc[0], labelled["intent"].iloc[0], labelled["sentiment"].iloc[0]) == (
        "other", "question", 0.0)
    assert labelled["topics"].iloc[0] == ["other"]              # nothing of the prediction ('pay') leaks in
    assert labelled.attrs["untagged_tasks"] == 2
