"""Findings of the audit of the tagging loop: tag-import's --out, Label Studio task ids, messages printed once."""
import json
import logging
import os
import subprocess
import sys

import pytest

from mvvtext.cli import main
from mvvtext.exceptions import InputError
from mvvtext.tagging import check_labelled_output, import_label_studio

from sheet_files import write_rows_xlsx as _xlsx

CODES = {"topics": ["pay", "evaluation", "other"], "primary": ["pay", "evaluation", "other"],
         "intent": ["question", "complaint", "request", "praise", "report"],
         "risks": ["resignation", "health"], "values": ["teamwork"]}
GOOD = ["a", "inquiry", "給与が低い", "pay", "pay", "complaint", -1, None, None, None]
BAD = ["b", "survey", "評価が不透明", "evaluation", "evaluaton", "complaint", -1, None, None, None]


def _annotation(primary: str) -> list[dict]:
    return [{"result": [
        {"from_name": "primary", "to_name": "text", "type": "choices", "value": {"choices": [primary]}},
        {"from_name": "intent", "to_name": "text", "type": "choices", "value": {"choices": ["complaint"]}},
        {"from_name": "sentiment", "to_name": "text", "type": "number", "value": {"number": -1}}]}]


def _tasks(path, tasks):
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


# 1. --out is checked before the file is validated

@pytest.mark.parametrize("out, says", [("no_such_folder/labelled.jsonl", "does not exist"),
                                       ("labelled.csv", "'.csv'"), ("labelled", "'(no extension)'")])
@pytest.mark.parametrize("rows", [[GOOD, BAD], [GOOD]], ids=["invalid-sheet", "valid-sheet"])
def test_tag_import_refuses_a_bad_out_before_validating(tmp_path, capsys, out, says, rows):
    sheet = _xlsx(tmp_path / "tag.xlsx", rows)
    assert main(["tag-import", str(sheet), "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / out) in err and says in err
    assert "invalid label" not in err                      # refused before the validation
    assert "Create the folder" in err or ".jsonl" in err   # what to do
    assert not (tmp_path / out).exists()


def test_check_labelled_output_names_the_fix(tmp_path):
    assert check_labelled_output(tmp_path / "labelled.jsonl") == tmp_path / "labelled.jsonl"
    with pytest.raises(InputError, match="is a folder; give a file name such as"):
        check_labelled_output(tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder") as err:
        check_labelled_output(tmp_path / "afile" / "labelled.jsonl")
    assert err.value.path == str(tmp_path / "afile" / "labelled.jsonl")


# 2. Label Studio errors name the task's id and its data's id

def test_label_studio_errors_name_the_task_ids(tmp_path):
    path = _tasks(tmp_path / "export.json", [
        {"id": 101, "data": {"id": "a", "text": "給与が低い"}, "annotations": _annotation("pay")},
        {"id": 102, "data": {"id": "b", "text": "評価"}, "annotations": []},
        {"id": 103, "data": {"id": "c", "text": "評価が不透明"}, "annotations": _annotation("evaluaton")},
        {"id": 104, "data": {"text": "残業が多い"}, "annotations": _annotation("overtime")}])
    with pytest.raises(InputError) as err:
        import_label_studio(path, profile=CODES)
    msg = str(err.value)
    assert "task 3 (id 103, data id 'c'), column 'primary': 'evaluaton'" in msg
    assert "task 4 (id 104), column 'primary': 'overtime'" in msg
    assert "Label Studio" in msg and "in the sheet" not in msg
    assert err.value.rows == [3, 4]


def test_label_studio_id_clash_and_renamed_control_name_the_task_ids(tmp_path):
    clash = _tasks(tmp_path / "clash.json", [
        {"id": 101, "data": {"id": "a", "text": "給与が低い"}, "annotations": _annotation("pay")},
        {"id": 205, "data": {"id": "a", "text": "別の文"}, "annotations": _annotation("pay")}])
    with pytest.raises(InputError) as err:
        import_label_studio(clash, profile=CODES)
    assert ("task 2 (id 205, data id 'a'), column 'id': 'a' is also the id of task 1 (id 101, data id 'a')"
            in str(err.value))
    renamed = _annotation("pay")
    renamed[0]["result"][1]["from_name"] = "intention"
    path = _tasks(tmp_path / "renamed.json", [{"id": 9, "data": {"id": "z", "text": "給与"}, "annotations": renamed}])
    with pytest.raises(InputError, match=r"task 1 \(id 9, data id 'z'\) holds a result named 'intention'"):
        import_label_studio(path, profile=CODES)


# 3. each message of tag-import appears once

def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "mvvtext.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)


def test_tag_import_prints_each_note_once(tmp_path):
    ok = _cli("tag-import", str(_xlsx(tmp_path / "tag.xlsx", [GOOD, [None] * 10, GOOD])),
              "--out", str(tmp_path / "labelled.jsonl"))
    assert ok.returncode == 0, ok.stderr
    assert (ok.stdout + ok.stderr).count("skipped 1 blank row: row 3") == 1
    assert "skipped 1 blank row: row 3" in ok.stdout
    bad = _cli("tag-import", str(_xlsx(tmp_path / "bad.xlsx", [GOOD, [None] * 10, BAD])),
               "--out", str(tmp_path / "labelled.jsonl"))
    assert bad.returncode == 2
    assert (bad.stdout + bad.stderr).count("skipped 1 blank row: row 3") == 1
    assert "row 4, column 'primary'" in bad.stderr


def test_tag_import_passes_on_the_other_warnings(tmp_path, capsys, caplog, monkeypatch):
    from mvvtext import tagging

    real = tagging.import_sheet

    def import_sheet(path, profile=None, **kw):
        logging.getLogger("mvvtext.tagging").warning("another warning")
        return real(path, profile=profile, **kw)

    monkeypatch.setattr(tagging, "import_sheet", import_sheet)
    sheet = _xlsx(tmp_path / "tag.xlsx", [GOOD, [None] * 10, GOOD])
    with caplog.at_level(logging.WARNING):
        assert main(["tag-import", str(sheet), "--out", str(tmp_path / "labelled.jsonl")]) == 0
    assert "skipped 1 blank row: row 3" in capsys.readouterr().out
    logged = [r.getMessage() for r in caplog.records]
    assert "another warning" in logged
    assert not [m for m in logged if "skipped 1 blank row" in m]
    assert not logging.getLogger("mvvtext.tagging").filters
