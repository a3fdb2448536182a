"""Numbers among the texts: read_voices and analyze both keep them as text and name them in a warning."""
from __future__ import annotations

import logging

import pandas as pd
import pytest

from mvvtext.classify import VoiceClassifier, analyze
from mvvtext.exceptions import InputError
from mvvtext.io import read_voices

MINI = "tests/data/mini_profile.yaml"


def _voices() -> pd.DataFrame:
    return pd.DataFrame({"本文": ["給料が低いです", 5, 3.5, None, 7.0, "残業が多い"]},
                        index=[10, 11, 12, 13, 14, 15], dtype=object)


@pytest.fixture(scope="module")
def fitted():
    return VoiceClassifier(MINI, embedder="tfidf", use_default_examples="profile").fit()


def _number_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "number" in r.getMessage()]


def test_read_voices_keeps_numbers_as_text_without_a_spurious_point_zero(caplog):
    with caplog.at_level(logging.WARNING):
        out = read_voices(_voices(), text="本文")
    assert list(out["text"]) == ["給料が低いです", "5", "3.5", "", "7", "残業が多い"]
    assert list(out["text_missing"]) == [False, False, False, True, False, False]
    [message] = _number_warnings(caplog)
    assert "'本文'" in message and "3 number(s)" in message
    assert "index 11" in message and "index 12" in message and "index 14" in message


def test_analyze_classifies_numbers_as_their_text_and_warns(fitted, caplog):
    frame = _voices()
    before = frame.copy()
    with caplog.at_level(logging.WARNING):
        out = analyze(frame, text="本文", model=fitted, verbose=False)
    pd.testing.assert_frame_equal(frame, before)             # the input is never modified
    assert list(out.index) == [10, 11, 12, 13, 14, 15]
    assert list(out["text_masked"]) == ["給料が低いです", "5", "3.5", "", "7", "残業が多い"]
    assert list(out["本文"]) == list(before["本文"])          # the input column as given
    [message] = _number_warnings(caplog)
    assert "'本文'" in message and "index 11" in message and "index 14" in message


def test_analyze_of_read_voices_output_warns_once(fitted, caplog):
    with caplog.at_level(logging.WARNING):
        voices = read_voices(_voices(), text="本文")
        out = analyze(voices, text="本文", model=fitted, verbose=False)
    assert out.loc[11, "text_masked"] == "5"
    assert len(_number_warnings(caplog)) == 1


def test_the_names_of_rows_are_capped(caplog):
    frame = pd.DataFrame({"text": ["a", *range(8)]}, dtype=object)
    with caplog.at_level(logging.WARNING):
        read_voices(frame)
    [message] = _number_warnings(caplog)
    assert "8 number(s)" in message and "… and 3 more" in message


@pytest.mark.parametrize("column", [[1, 2.5, None], pd.Series([1, 2], dtype=object)])
def test_a_column_of_only_numbers_is_still_refused(fitted, column):
    frame = pd.DataFrame({"text": list(column)})
    with pytest.raises(InputError, match="numbers, not text"):
        read_voices(frame)
    with pytest.raises(InputError, match="numbers, not text"):
        analyze(frame, model=fitted, verbose=False)
