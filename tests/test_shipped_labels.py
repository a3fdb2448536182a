"""The shipped training texts train a company's own profile only with labels that mean the same there."""
from __future__ import annotations

import pandas as pd

from mvvtext.classify import load_profile
from mvvtext.classify._data import default_examples, shipped_for_profile

MINI = "tests/data/mini_profile.yaml"   # values challenge / teamwork only, six topics


def _shipped():
    frame = pd.DataFrame({"text": ["a", "b", "c", "d"], "channel": ["survey"] * 4,
                         "topics": [["pay", "benefits"], ["benefits"], [], None],
                         "primary": ["pay", "benefits", None, None],
                         "intent": ["complaint", "praise", "report", None],
                         "risks": [["health"], [], None, ["resignation"]],
                         "values": [["teamwork"], [], ["customer"], None]}).astype(object)
    return frame.where(frame.notna(), None)


def test_other_value_codes_leave_the_shipped_values_unlabelled():
    out = shipped_for_profile(_shipped(), load_profile(MINI))
    assert out["values"].isna().all()                   # neither for nor against the company's values
    assert out["topics"].tolist() == [["pay"], None, [], None]  # benefits is not a topic of MINI
    assert out["primary"].tolist() == ["pay", None, None, None]
    assert out["intent"].tolist() == ["complaint", "praise", "report", None]


def test_the_default_profile_keeps_every_shipped_label():
    shipped = _shipped()
    out = shipped_for_profile(shipped, load_profile(None))
    pd.testing.assert_frame_equal(out, shipped)


def test_default_examples_of_a_company_profile_carry_only_its_own_values():
    profile = load_profile(MINI)
    frame = default_examples(profile)
    labelled = [v for v in frame["values"] if v is not None]
    assert labelled and {c for v in labelled for c in v} <= set(profile.values)
