"""Labelled rows for training are checked against the profile's codes (the validator of tag-import).

A null field means "not labelled for it" (docs/profile.md) and is allowed; any
other value must be a code of the profile, sentiment an integer in [-2, 2], and a
labelled row needs its text. The checks run before any model is fitted, so these
tests fit nothing except ``test_null_fields_still_train``.
"""
import json

import numpy as np
import pandas as pd
import pytest

from mvvtext.classify import VoiceClassifier
from mvvtext.classify._data import read_labelled
from mvvtext.exceptions import InputError
from mvvtext.tagging import validate_training_labels

MINI = "tests/data/mini_profile.yaml"
GOOD = {"id": "g", "channel": "inquiry", "text": "給料の振込日が遅れています。", "topics": ["pay"],
        "primary": "pay", "intent": "complaint", "sentiment": -1, "risks": [], "values": []}
AUDIT = {"id": "x", "channel": "inquiry", "text": "給料が安すぎて辞めたい。", "topics": ["salary"],
         "primary": "salary", "intent": "complain", "sentiment": 5, "risks": ["quit"], "values": []}


def _jsonl(path, rows, blank_after=None):
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    if blank_after is not None:
        lines.insert(blank_after, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _fit(data):
    return VoiceClassifier(MINI, embedder=None, use_default_examples="profile").fit(data)


def test_unknown_codes_name_file_line_field_value_and_allowed(tmp_path):
    path = _jsonl(tmp_path / "labelled.jsonl", [GOOD, AUDIT], blank_after=1)   # AUDIT on line 3
    with pytest.raises(InputError) as err:
        _fit(read_labelled(path))
    msg = str(err.value)
    assert msg.startswith(f"{path}: 5 invalid label(s) for training")
    assert "line 3, field 'topics': 'salary' is not a code of the profile" in msg
    assert "line 3, field 'primary': 'salary'" in msg
    assert "line 3, field 'intent': 'complain' is not a code of the profile; did you mean 'complaint'?" in msg
    assert "(allowed: question, complaint, request, praise, report)" in msg
    assert "line 3, field 'risks': 'quit'" in msg and "allowed: resignation, harassment, health, legal" in msg
    assert "line 3, field 'sentiment': 5 is not an integer from -2 to 2" in msg
    assert err.value.path == str(path) and err.value.rows == [3]
    assert {(f["column"], str(f["value"])) for f in err.value.failure_cases} == {
        ("topics", "salary"), ("primary", "salary"), ("intent", "complain"), ("sentiment", "5"), ("risks", "quit")}


def test_train_cli_exits_2_and_saves_nothing(tmp_path, capsys):
    from mvvtext.cli import main

    path = _jsonl(tmp_path / "labelled.jsonl", [AUDIT])
    out = tmp_path / "model"
    assert main(["train", str(path), "--out", str(out), "--embedder", "tfidf"]) == 2
    err = capsys.readouterr().err
    assert "line 1, field 'intent': 'complain'" in err and "did you mean 'complaint'?" in err
    assert not out.exists()


@pytest.mark.parametrize("field, value, expected", [
    ("sentiment", 1.5, "1.5 is not an integer from -2 to 2"),
    ("sentiment", -3, "-3 is not an integer from -2 to 2"),
    ("sentiment", True, "True is not an integer from -2 to 2"),
    ("sentiment", "high", "'high' is not an integer from -2 to 2"),
    ("topics", "pay", "'pay' is not a list of codes"),
    ("values", ["teamwrk"], "'teamwrk' is not a code of the profile; did you mean 'teamwork'?"),
    ("primary", "Pay", "'Pay' is not a code of the profile; did you mean 'pay'?"),
    ("intent", ["question"], "['question'] is not a code of the profile"),
])
def test_each_bad_value_is_named(tmp_path, field, value, expected):
    bad = dict(GOOD, id="b", text="賞与はいつですか", **{field: value})
    path = _jsonl(tmp_path / "labelled.jsonl", [GOOD, bad])
    with pytest.raises(InputError) as err:
        _fit(read_labelled(path))
    assert f"line 2, field '{field}': {expected}" in str(err.value)


def test_null_means_not_labelled(tmp_path):
    partial = {"text": "辞めたいです", "topics": ["pay"], "primary": "pay", "intent": None, "sentiment": None,
               "risks": ["resignation"], "values": None}
    risk_only = {"text": "有休の申請方法を教えてください", "risks": []}     # absent fields are null too
    frame = pd.DataFrame([GOOD, partial, risk_only, dict(GOOD, sentiment=2.0),
                          dict(GOOD, sentiment=np.int64(-2))])
    validate_training_labels(frame, MINI, texts=frame["text"])           # no error
    validate_training_labels(frame, {"topics": ["pay"], "primary": ["pay"], "intent": ["complaint"],
                                     "risks": ["resignation"], "values": []}, texts=frame["text"])
    with pytest.raises(InputError, match="row 0, field 'intent': 'complaint' is not a code"):
        validate_training_labels(frame, {"topics": ["pay"], "primary": ["pay"], "intent": ["question"],
                                         "risks": ["resignation"], "values": []})


def test_null_fields_still_train(tmp_path):
    overtime = {"text": "毎日終電まで残業で、もう辞めたいです。", "topics": ["workload"], "primary": "workload",
                "intent": None, "sentiment": None, "risks": ["resignation"], "values": None}
    rows = [GOOD, overtime]
    model = _fit(read_labelled(_jsonl(tmp_path / "labelled.jsonl", rows)))
    assert model.n_labelled_ == 2
    assert set(model.supervised_.classes_["primary"]) <= {"pay", "workload", "health", "harassment", "management",
                                                            "other"}


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_text_with_labels_is_refused_with_its_line(tmp_path, text):
    path = _jsonl(tmp_path / "labelled.jsonl", [GOOD, dict(GOOD, id="b", text=text)])
    with pytest.raises(InputError) as err:
        read_labelled(path)
    assert f"{path}: 1 labelled row(s) without a text" in str(err.value)
    assert "line 2, field 'text'" in str(err.value) and "blank" in str(err.value)
    assert err.value.rows == [2]


def test_blank_text_without_labels_is_read(tmp_path):
    frame = read_labelled(_jsonl(tmp_path / "labelled.jsonl", [GOOD, {"id": "c", "text": " "}]))
    assert len(frame) == 2 and frame.attrs["mvvtext_lines"] == [1, 2]


def test_frames_name_rows_by_index_label():
    frame = pd.DataFrame([GOOD, dict(GOOD, intent="complain"), dict(GOOD, text="  ")], index=[10, 11, 12])
    with pytest.raises(InputError) as err:
        _fit(frame)
    assert "row 12, field 'text'" in str(err.value) and err.value.rows == [12]
    with pytest.raises(InputError) as err:
        _fit(frame.iloc[:2])
    assert str(err.value).startswith("labelled data: 1 invalid label(s)")
    assert "row 11, field 'intent': 'complain'" in str(err.value)
    # texts with a separate label frame
    with pytest.raises(InputError, match="row 1, field 'risks': 'quit'"):
        VoiceClassifier(MINI, embedder=None, use_default_examples="profile").fit(
            ["給料", "辞めたい"], pd.DataFrame({"risks": [[], ["quit"]]}))
    with pytest.raises(InputError, match="2 texts but 1 rows of labels"):
        VoiceClassifier(MINI, embedder=None, use_default_examples="profile").fit(
            ["給料", "辞めたい"], pd.DataFrame({"risks": [[]]}))


def test_not_an_object_line(tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: a JSON list, not an object"):
        read_labelled(path)
