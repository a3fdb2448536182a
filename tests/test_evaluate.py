"""evaluate() on given predictions: unlabelled (null) fields and fields with no codes."""
from __future__ import annotations

import math

import pandas as pd

from mvvtext.classify import evaluate, format_evaluation


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
