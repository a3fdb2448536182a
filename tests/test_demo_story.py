"""The shipped demo log: shape, realism markers, determinism, and the story the ranking must find."""
from __future__ import annotations

import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from mvvtext.demo import load_demo, load_demo_truth
from mvvtext.demo._generate import HARASSMENT_SITE, ROLLOUT, generate
from mvvtext.rank import breakdown, rank_issues

SEGMENTS = ["site", "department", "tenure_band"]


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def truth_ranked(demo):
    """The demo ranked with the generator's intended labels (no classifier)."""
    truth = load_demo_truth()
    a = demo.merge(truth, on="inquiry_id", validate="1:1")
    # a crude stand-in for masking, enough for these tests (the real masker is mvvtext.text)
    a["text_masked"] = (a["text"].str.replace(r"[A-Za-z0-9.]+@[A-Za-z0-9.-]+", "〈メール〉", regex=True)
                        .str.replace(r"0\d0-\d{4}-\d{4}", "〈電話〉", regex=True)
                        .str.replace(r"MG-\d{6}", "〈社員番号〉", regex=True))
    r = rank_issues(a, time="received_at", person="person_id", segments=SEGMENTS, outcome="left_early")
    return a, r


def test_shipped_file_shape(demo):
    path = resources.files("mvvtext.demo").joinpath("data", "demo_inquiries.csv.gz")
    assert path.stat().st_size < 2_000_000
    assert list(demo.columns) == ["inquiry_id", "received_at", "channel_detail", "person_id", "site",
                                  "department", "tenure_band", "left_early", "text"]
    assert len(demo) >= 3000 and demo["inquiry_id"].is_unique
    span = demo["received_at"].max() - demo["received_at"].min()
    assert span >= pd.Timedelta(weeks=26)
    assert set(demo["channel_detail"]) == {"email", "chat", "phone"}
    assert 6 <= demo["site"].nunique() <= 8
    assert set(demo["left_early"].unique()) == {0, 1}
    assert demo.groupby("person_id")["left_early"].nunique().max() == 1   # one outcome per person


def test_texts_look_like_desk_logs_with_personal_data(demo):
    texts = demo["text"]
    assert texts.str.contains(r"0[789]0-\d{4}-\d{4}").mean() > 0.1       # phone numbers
    assert texts.str.contains(r"@mirai-giken\.example\.com").mean() > 0.1  # e-mail addresses
    assert texts.str.contains(r"MG-\d{6}").mean() > 0.2                   # 社員番号
    assert texts.str.contains("様").mean() > 0.1                          # honorifics in phone memos
    assert texts.nunique() > 0.95 * len(texts)                             # not one template
    assert texts.str.len().between(20, 1500).all()


def test_generator_is_deterministic():
    a, ta = generate(seed=7, n_inquiries=150)
    b, tb = generate(seed=7, n_inquiries=150)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ta, tb)
    c, _ = generate(seed=8, n_inquiries=150)
    assert not a["text"].equals(c["text"])


def test_truth_file_matches_log(demo):
    t = load_demo_truth()
    assert list(t["inquiry_id"]) == list(demo["inquiry_id"])
    assert all(p in ts for p, ts in zip(t["primary"], t["topics"]))
    assert t["sentiment"].between(-2, 2).all()


def test_story_pay_and_evaluation_on_top(truth_ranked):
    _, r = truth_ranked
    top3 = list(r["topic"].head(3))
    assert "pay" in top3 and "evaluation" in top3
    top = r.set_index("topic")
    for t in ("pay", "evaluation"):
        assert top.loc[t, "outcome_lift"] > 1.5 and top.loc[t, "outcome_p"] < 0.001
        assert top.loc[t, "negative_share"] > 0.6


def test_story_timesheet_surge_is_emerging(truth_ranked):
    a, r = truth_ranked
    top = r.set_index("topic")
    assert top.loc["work_style", "emerging"]
    assert top.loc["work_style", "rate_ratio"] > 1.5
    assert r["emerging"].sum() <= 2                       # the surge, not noise
    per = breakdown(a, by="period", time="received_at", measure="texts", min_people_figures=1)
    cols = [c for c in per.columns if c != "total"]
    after = [c for c in cols if pd.Period(c.split("/")[0], "D").start_time >= ROLLOUT]
    assert per.loc["work_style", after].mean() > 2 * per.loc["work_style", cols[:20]].mean()


def test_story_harassment_cluster_at_one_site(truth_ranked):
    a, r = truth_ranked
    b = breakdown(a, by="site", measure="people")
    row = b.loc["harassment"].drop("total")
    assert row.idxmax() == HARASSMENT_SITE and not b.attrs["suppressed"].loc["harassment", HARASSMENT_SITE]
    others = row.drop(HARASSMENT_SITE)
    assert (others.fillna(0) < row[HARASSMENT_SITE] / 3).all()
    top = r.set_index("topic")
    assert top.loc["harassment", "risk_harassment"] >= 20
    assert top.loc["harassment", "segments_raising_site"] == 1
    assert top.loc["harassment", "negative_share"] > 0.9
    assert top.loc["harassment", "quote_severe"]


def test_demo_quotes_hold_no_personal_data(truth_ranked):
    _, r = truth_ranked
    joined = " ".join(r["quote_typical"]) + " ".join(r["quote_severe"])
    assert not re.search(r"0[789]0-\d{4}-\d{4}|@mirai-giken|MG-\d{6}", joined)


@pytest.mark.slow
def test_run_demo_end_to_end_finds_the_story(tmp_path):
    pytest.importorskip("mvvtext.classify")
    from mvvtext.demo import run_demo

    res = run_demo(tmp_path, verbose=False)
    r = res.ranking
    assert res.html_path.exists() and res.xlsx_path.exists()
    assert {"pay", "evaluation"} <= set(r["topic"].head(4))
    assert bool(r.set_index("topic").loc["work_style", "emerging"])
    b = breakdown(res.analyzed, by="site", measure="people")
    assert b.loc["harassment"].drop("total").idxmax() == HARASSMENT_SITE
    assert np.isfinite(r["priority"]).all()
