"""analyze() of a plain DataFrame reads channel spellings as read_voices does."""
from __future__ import annotations

import logging

import pandas as pd
import pytest

from mvvtext.classify import VoiceClassifier, analyze
from mvvtext.classify._api import _texts_to_classify

MINI = "tests/data/mini_profile.yaml"


def test_spellings_become_codes_and_unknown_values_missing_without_touching_the_caller():
    frame = pd.DataFrame({"text": ["給料が低い", "残業が多い", "ありがとう", "評価が不透明"],
                          "channel": ["メール", "アンケート", "FAX", "inquiry"]}, index=[5, 6, 7, 8])
    out = _texts_to_classify(frame, "text")
    assert out["channel"].tolist() == ["inquiry", "survey", None, "inquiry"]
    assert frame["channel"].tolist() == ["メール", "アンケート", "FAX", "inquiry"]  # the caller's frame is kept
    assert list(out.index) == [5, 6, 7, 8]


def test_a_frame_of_codes_is_passed_as_it_is():
    frame = pd.DataFrame({"text": ["給料が低い"], "channel": ["survey"]})
    assert _texts_to_classify(frame, "text")["channel"].tolist() == ["survey"]


@pytest.fixture(scope="module")
def fitted():
    return VoiceClassifier(MINI, embedder="tfidf", use_default_examples="profile").fit()


def test_analyze_warns_of_an_unknown_channel_once_naming_the_row(fitted, caplog):
    frame = pd.DataFrame({"text": ["給料が低い", "残業が多い"], "channel": ["FAX", "メール"]}, index=[10, 11])
    with caplog.at_level(logging.WARNING):
        out = analyze(frame, model=fitted, verbose=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "channel" in r.getMessage()]
    assert len(warnings) == 1 and "'FAX'" in warnings[0] and "index 10" in warnings[0]
    assert list(out.index) == [10, 11]
