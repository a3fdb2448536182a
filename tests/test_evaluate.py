"""evaluate(): unlabelled (null) fields, fields with no codes, gold labels checked as train checks them."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from mvvtext.classify import VoiceClassifier, evaluate, format_evaluation
from mvvtext.cli import main
from mvvtext.exceptions import InputError


def _frame(rows):
    return pd.DataFrame(rows).astype(object)


def test_a_null_gold_field_is_left_out_not_counted_as_no_label():
    gold = _frame([{"text": "a", "primary": "pay", "intent": "question", "risks": None, "values": [], "sentiment": 0},
                   {"text": "b", "primary": "pay", "intent": "complaint", "risks": [], "values": [], "sentiment": -1}])
    pred = pd.DataFrame({"primary": ["pay", "pay"], "intent": ["question", "complaint"],
                         "risks": [["resignation"], []], "values": [[], []], "sentiment": [0.0, -1.0]})
    result = evaluate(gold, predictions=pred)
    assert result["summary"]["risks"]["n"] == 1
    assert result["summary"]["risks"]["precision"] == 0.0 and result["summary"]["risks"]["micro_f1"] == 0.0
    assert result["fields"]["risks"].empty                 # row a (null) is not a false positive
    assert result["summary"]["primary"]["n"] == 2


def test_fields_without_any_code_do_not_crash_and_print():
    gold = _frame([{"text": "a", "primary": "pay", "intent": "question", "risks": [], "values": []},
                   {"text": "b", "primary": "benefits", "intent": "question", "risks": [], "values": []}])
    pred = pd.DataFrame({"primary": ["pay", "pay"], "intent": ["question", "question"],
                         "risks": [[], []], "values": [[], []], "sentiment": [0.0, 0.0]})
    result = evaluate(gold, predictions=pred)
    assert math.isnan(result["summary"]["values"]["macro_f1"])
    assert list(result["fields"]["values"].columns) == ["label", "precision", "recall", "f1", "support"]
    assert result["summary"]["primary"]["accuracy"] == 0.5
    text = format_evaluation(result)
    assert "risks" in text and "(n=2)" in text
    assert result["n_seen"] is None and "WARNING" not in text   # given predictions: nothing known of training


def test_a_field_nobody_labelled_is_skipped():
    gold = _frame([{"text": "a", "primary": "pay", "intent": None}, {"text": "b", "primary": "pay", "intent": None}])
    pred = pd.DataFrame({"primary": ["pay", "pay"], "intent": ["question", "question"], "sentiment": [0.0, 0.0]})
    result = evaluate(gold, predictions=pred)
    assert "intent" not in result["summary"] and "intent" not in result["confusion"]
    assert result["summary"]["primary"]["macro_f1"] == 1.0


# --- gold labels are checked as `mvvtext train` checks them ------------------------------------------

MINI = "tests/data/mini_profile.yaml"
GOOD = {"text": "給料の振込日が遅れています。", "topics": ["pay"], "primary": "pay", "intent": "complaint",
        "sentiment": -1, "risks": [], "values": []}
BAD = [({"topics": ["overtime"]}, "topics", "'overtime' is not a code of the profile"),
       ({"intent": "苦情"}, "intent", "'苦情' is not a code of the profile"),
       ({"sentiment": 3}, "sentiment", "3 is not an integer from -2 to 2"),
       ({"topics": "pay"}, "topics", "'pay' is not a list of codes")]


def _jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _predictions(n):
    return pd.DataFrame({"primary": ["pay"] * n, "intent": ["complaint"] * n, "topics": [["pay"]] * n,
                         "risks": [[]] * n, "values": [[]] * n, "sentiment": [-1.0] * n})


@pytest.fixture(scope="module")
def mini_model():
    return VoiceClassifier(MINI, embedder="tfidf", use_default_examples="profile").fit()


@pytest.mark.parametrize("change, field, reason", BAD)
def test_invalid_gold_labels_are_refused_naming_line_and_field(tmp_path, change, field, reason):
    path = _jsonl(tmp_path / "bad.jsonl", [GOOD, {**GOOD, **change}])
    with pytest.raises(InputError) as err:
        evaluate(path, predictions=_predictions(2))
    msg = str(err.value)
    assert "bad.jsonl" in msg and f"line 2, field '{field}'" in msg and reason in msg and "line 1," not in msg
    assert err.value.rows == [2] and err.value.column == field


def test_a_close_code_is_suggested_and_every_bad_label_listed(mini_model):
    gold = _frame([{**GOOD, "topics": ["workloads"]}, {**GOOD, "intent": "苦情", "sentiment": 2.5}])
    gold.index = [7, 9]
    with pytest.raises(InputError) as err:
        evaluate(gold, model=mini_model)
    msg = str(err.value)
    assert "3 invalid gold label(s)" in msg and "did you mean 'workload'?" in msg
    assert "row 7, field 'topics'" in msg and "row 9, field 'intent'" in msg and "row 9, field 'sentiment'" in msg


def test_null_gold_fields_stay_allowed(tmp_path):
    rows = [GOOD, {"text": "残業が多い", "primary": "workload", "intent": None, "sentiment": None, "topics": None}]
    result = evaluate(_jsonl(tmp_path / "ok.jsonl", rows), predictions=_predictions(2))
    assert result["summary"]["intent"]["n"] == 1 and result["summary"]["primary"]["n"] == 2


def test_the_codes_are_those_of_the_given_profile_else_the_models(mini_model):
    gold = _frame([{**GOOD, "topics": ["evaluation"], "primary": "evaluation"}])   # a default code, not MINI's
    evaluate(gold, predictions=_predictions(1))                                   # default profile: fine
    for kwargs in ({"model": mini_model}, {"profile": MINI, "predictions": _predictions(1)}):
        with pytest.raises(InputError, match="'evaluation' is not a code of the profile"):
            evaluate(gold, **kwargs)


def test_a_labelled_row_without_text_is_refused():
    gold = _frame([GOOD, {**GOOD, "text": "  "}])
    with pytest.raises(InputError, match="row 1, field 'text'"):
        evaluate(gold, predictions=_predictions(2))


def test_cli_evaluate_refuses_invalid_gold_like_train(tmp_path, mini_model, capsys):
    path = _jsonl(tmp_path / "bad.jsonl", [GOOD, {**GOOD, "topics": ["overtime"]}, {**GOOD, "sentiment": 3}])
    mini_model.save(tmp_path / "m")
    assert main(["evaluate", str(path), "--model", str(tmp_path / "m"), "--profile", MINI]) == 2
    err = capsys.readouterr().err
    assert "line 2, field 'topics'" in err and "line 3, field 'sentiment'" in err and "Traceback" not in err
    assert main(["train", str(path), "--out", str(tmp_path / "m2"), "--profile", MINI]) == 2
    assert "line 2, field 'topics'" in capsys.readouterr().err
