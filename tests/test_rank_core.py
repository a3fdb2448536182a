"""rank_issues on analysed frames built by hand (no classifier needed)."""
from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.rank import DEFAULT_WEIGHTS, rank_issues


def frame(rows):
    """rows: (person, topics, sentiment, intent, risks, day offset, site)."""
    df = pd.DataFrame(rows, columns=["person_id", "topics", "sentiment", "intent", "risks", "day", "site"])
    df["timestamp"] = pd.Timestamp("2026-04-06") + pd.to_timedelta(df.pop("day"), unit="D")
    df["text_masked"] = [f"{t[0] if t else 'none'}について {i}番目の相談です。内容を確認してください。"
                         for i, t in enumerate(df["topics"])]
    return df


@pytest.fixture
def small():
    return frame([
        ("a", ["pay"], -2.0, "complaint", ["resignation"], 0, "X"),
        ("a", ["pay", "evaluation"], -1.0, "complaint", [], 1, "X"),
        ("b", ["pay"], 0.0, "question", [], 2, "Y"),
        ("c", ["evaluation"], 1.0, "praise", [], 3, "Y"),
        ("d", ["benefits"], -1.0, "request", [], 4, "Y"),
    ])


def test_volume_negativity_intent_risk_exact(small):
    r = rank_issues(small, segments=["site"], outcome=None, min_people_figures=1).set_index("topic")
    assert r.loc["pay", "texts"] == 3
    assert r.loc["pay", "people"] == 2                     # a wrote twice: one voice
    assert r.loc["pay", "share"] == pytest.approx(2 / 4)
    assert r.loc["pay", "repeat_contact_rate"] == pytest.approx(1 / 2)
    assert r.loc["pay", "mean_sentiment"] == pytest.approx(-1.0)
    assert r.loc["pay", "negative_share"] == pytest.approx(2 / 3)
    assert r.loc["pay", "complaint_share"] == pytest.approx(2 / 3)
    assert r.loc["pay", "question_share"] == pytest.approx(1 / 3)
    assert r.loc["pay", "risk_texts"] == 1
    assert r.loc["pay", "risk_resignation"] == 1
    assert r.loc["evaluation", "texts"] == 2              # multi-topic text counts for both
    assert r.loc["pay", "segments_raising_site"] == 2      # X (a) and Y (b), threshold 1
    assert r.loc["benefits", "segments_raising_site"] == 1


def test_priority_is_the_documented_weighted_mean(small):
    r = rank_issues(small, segments=["site"], outcome=None, min_people_figures=1)
    used = r.attrs["weights"]
    assert set(used) <= set(DEFAULT_WEIGHTS)
    assert sum(used.values()) == pytest.approx(1.0)
    manual = 100 * sum(r[f"c_{k}"].fillna(0) * w for k, w in used.items())
    np.testing.assert_allclose(r["priority"], manual)
    assert list(r["rank"]) == list(range(1, len(r) + 1))
    assert r["priority"].is_monotonic_decreasing


def test_weights_change_the_order(small):
    base = rank_issues(small, segments=["site"], outcome=None, min_people_figures=1)
    only_neg = rank_issues(small, segments=["site"], outcome=None, min_people_figures=1,
                           weights={k: 0.0 for k in DEFAULT_WEIGHTS} | {"negativity": 1.0})
    # negative shares: benefits 1/1, pay 2/3, evaluation 1/2
    assert list(only_neg["topic"]) == ["benefits", "pay", "evaluation"]
    assert only_neg.attrs["weights"] == {"negativity": 1.0}
    np.testing.assert_allclose(only_neg["priority"], [100, 200 / 3, 50])
    assert set(base["topic"]) == set(only_neg["topic"])
    with pytest.raises(InputError, match="Unknown weight"):
        rank_issues(small, weights={"loudness": 1})
    with pytest.raises(InputError, match="non-negative"):
        rank_issues(small, weights={"volume": -1})


def test_caller_frame_not_mutated(small):
    before = small.copy(deep=True)
    rank_issues(small, segments=["site"])
    pd.testing.assert_frame_equal(small, before)


def test_no_time_column_warns_and_notes(small, caplog):
    df = small.drop(columns=["timestamp"])
    with caplog.at_level(logging.WARNING):
        r = rank_issues(df, segments=["site"], outcome=None)
    assert "no time column: trend not computed" in " ".join(r.attrs["notes"])
    assert any("trend not computed" in m for m in caplog.messages)
    assert r["trend_z"].isna().all() and not r["emerging"].any()
    assert "trend" not in r.attrs["weights"]


def test_one_week_of_data(small):
    r = rank_issues(small, segments=["site"], outcome=None)
    assert r["rate_ratio"].isna().all()
    assert any("one period" in n for n in r.attrs["notes"])


def test_single_text_topic_and_empty_topics():
    df = frame([("a", ["pay"], -1.0, "complaint", [], 0, "X"), ("b", [], 0.0, "report", [], 1, "X")])
    r = rank_issues(df, outcome=None, min_people_figures=1)
    assert list(r["topic"]) == ["pay"] and r.loc[0, "texts"] == 1
    assert any("no topic" in n for n in r.attrs["notes"])
    hidden = rank_issues(df, outcome=None)                   # 1 person < 5: the count is hidden
    assert hidden.loc[0, "suppressed"] == "figures+quotes" and np.isnan(hidden.loc[0, "texts"])
    empty = frame([("a", [], 0.0, "report", [], 0, "X")])
    r2 = rank_issues(empty, outcome=None)
    assert len(r2) == 0


def test_topics_as_strings_are_accepted(small):
    df = small.copy()
    df["topics"] = ["pay", "pay|evaluation", '["pay"]', "evaluation", "benefits"]
    r = rank_issues(df, outcome=None, min_people_figures=1).set_index("topic")
    assert r.loc["pay", "texts"] == 3 and r.loc["evaluation", "texts"] == 2


def test_sentiment_out_of_range_is_an_input_error(small):
    df = small.copy()
    df.loc[2, "sentiment"] = 5
    with pytest.raises(InputError) as e:
        rank_issues(df)
    assert e.value.column == "sentiment" and e.value.rows == [2]


def _trend_frame(surge: bool, weeks: int = 16, seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    for w in range(weeks):
        n_other = 40
        n_ws = 3 if not (surge and w >= weeks - 4) else 15
        for i in range(n_other):
            rows.append((f"p{w}_{i}", [str(rng.choice(["pay", "evaluation", "benefits"]))], -1.0,
                         "complaint", [], w * 7 + i % 7, "X"))
        for i in range(n_ws):
            rows.append((f"q{w}_{i}", ["work_style"], -1.0, "complaint", [], w * 7 + i % 7, "X"))
    return frame(rows)


def test_trend_flags_a_surge_and_not_a_flat_topic():
    r = rank_issues(_trend_frame(True), outcome=None).set_index("topic")
    assert r.loc["work_style", "emerging"]
    assert r.loc["work_style", "latest_count"] == 60
    assert r.loc["work_style", "baseline_mean"] == pytest.approx(3.0)
    assert r.loc["work_style", "rate_ratio"] > 3
    assert r.loc["work_style", "trend_p"] < 1e-6
    flat = rank_issues(_trend_frame(False), outcome=None).set_index("topic")
    assert not flat["emerging"].any()


def test_trend_uses_rates_relative_to_total_volume():
    # everything doubles in the last weeks: no topic is emerging
    df = _trend_frame(False)
    late = df[df["timestamp"] >= df["timestamp"].max() - pd.Timedelta(days=27)].copy()
    late["person_id"] = late["person_id"] + "_dup"
    r = rank_issues(pd.concat([df, late], ignore_index=True), outcome=None)
    assert not r["emerging"].any()


def test_tiny_surge_is_not_emerging():
    df = frame([("a", ["pay"], -1.0, "complaint", [], d, "X") for d in range(0, 84, 7)]
               + [("b", ["career"], 0.0, "question", [], 83, "X")] * 2)
    r = rank_issues(df, outcome=None, min_people_figures=1).set_index("topic")
    assert not r.loc["career", "emerging"]                # 2 texts < min_emerging_count


def _outcome_frame():
    rows, left = [], []
    for i in range(200):
        raised = i < 100
        rows.append((f"p{i}", ["pay"] if raised else ["benefits"], -1.0, "complaint", [], i % 50, "X"))
        left.append(int(i % 10 < (4 if raised else 1)))   # 40% vs 10%
    df = frame(rows)
    df["left_early"] = left
    return df


def test_outcome_link_lift_or_and_p():
    r = rank_issues(_outcome_frame(), language="en").set_index("topic")
    assert r.loc["pay", "outcome_lift"] == pytest.approx(4.0)
    # OR = (40*90)/(60*10) = 6
    assert r.loc["pay", "outcome_odds_ratio"] == pytest.approx(6.0)
    assert r.loc["pay", "outcome_or_low"] < 6 < r.loc["pay", "outcome_or_high"]
    assert r.loc["pay", "outcome_p"] < 1e-4
    assert "left_early 4.0× more likely" in r.loc["pay", "explanation"]


def test_outcome_zero_cell_uses_haldane_correction():
    df = _outcome_frame()
    df.loc[df["topics"].map(lambda t: t == ["benefits"]), "left_early"] = 0
    r = rank_issues(df).set_index("topic")
    # a=40, b=60, c=0, d=100 -> +0.5 everywhere
    assert r.loc["pay", "outcome_odds_ratio"] == pytest.approx((40.5 * 100.5) / (60.5 * 0.5))
    assert np.isfinite(r.loc["pay", "outcome_or_high"])


def test_outcome_bad_values_name_column_and_rows():
    df = _outcome_frame()
    df["left_early"] = df["left_early"].astype(object)
    df.loc[[3, 7], "left_early"] = "maybe"
    with pytest.raises(InputError) as e:
        rank_issues(df)
    assert e.value.column == "left_early" and e.value.rows == [3, 7]
    assert "left_early" in str(e.value) and "maybe" in str(e.value)


def test_outcome_missing_values_are_excluded_and_reported():
    df = _outcome_frame()
    df["left_early"] = df["left_early"].astype(float)
    df.loc[[0, 1], "left_early"] = np.nan
    r = rank_issues(df)
    assert any("2 row(s) with a missing 'left_early'" in n for n in r.attrs["notes"])
    assert r.set_index("topic").loc["pay", "outcome_people"] == 98


def test_outcome_empty_text_cells_are_missing_and_full_width_digits_are_read():
    df = _outcome_frame()
    df["left_early"] = df["left_early"].map({0: "0", 1: "１"}).astype(object)  # an Excel/CSV text column
    df.loc[[0, 1], "left_early"] = ["", "  "]
    r = rank_issues(df)
    assert any("2 row(s) with a missing 'left_early'" in n for n in r.attrs["notes"])
    assert r.set_index("topic").loc["pay", "outcome_people"] == 98


def test_outcome_conflicting_per_person_is_an_error():
    df = _outcome_frame()
    extra = df.iloc[[0]].copy()
    extra["left_early"] = 1 - extra["left_early"]
    with pytest.raises(InputError, match="constant per person"):
        rank_issues(pd.concat([df, extra], ignore_index=True))


def test_named_outcome_column_must_exist(small):
    with pytest.raises(InputError, match="quit"):
        rank_issues(small, outcome="quit")
    with pytest.raises(InputError, match="segment column 'branch'"):
        rank_issues(small, segments=["branch"])


def test_small_topics_get_no_outcome_figures_or_quotes():
    df = _outcome_frame()
    extra = frame([("p0", ["harassment"], -2.0, "complaint", ["harassment"], 3, "X")])
    extra["left_early"] = df.loc[0, "left_early"]
    r = rank_issues(pd.concat([df, extra], ignore_index=True)).set_index("topic")
    assert np.isnan(r.loc["harassment", "outcome_lift"])
    assert r.loc["harassment", "suppressed"] == "figures+quotes"
    assert r.loc["harassment", "quote_typical"] == ""
    assert r.loc["pay", "quote_typical"] != ""


def test_explanation_and_columns_present():
    r = rank_issues(_trend_frame(True), outcome=None, language="en")
    row = r.set_index("topic").loc["work_style"]
    assert "surging ×" in row["explanation"] and "texts 96" in row["explanation"]
    for col in ["texts", "people", "share", "repeat_contact_rate", "mean_sentiment", "negative_share",
                "complaint_share", "question_share", "risk_texts", "latest_count", "baseline_mean",
                "rate_ratio", "trend_z", "emerging", "segments_raising_site", "priority", "rank",
                "explanation", "quote_typical", "quote_severe"]:
        assert col in r.columns, col


def test_all_texts_empty_ranks_other_without_quotes():
    # analyze() gives missing/empty texts primary "other" and empty masked text
    df = frame([(f"p{i}", ["other"], 0.0, "report", [], i, "X") for i in range(12)])
    df["text_masked"] = ""
    assert rank_issues(df, outcome=None).empty                 # 「その他」 is not ranked by default
    r = rank_issues(df, outcome=None, exclude_topics=())
    assert list(r["topic"]) == ["other"] and r.loc[0, "texts"] == 12
    assert r.loc[0, "quote_typical"] == "" and r.loc[0, "quote_severe"] == ""
    assert np.isfinite(r.loc[0, "priority"])


def test_parquet_style_array_cells(small):
    df = small.copy()
    df["topics"] = [np.array(t, dtype=object) for t in df["topics"]]
    df["risks"] = [np.array(t, dtype=object) for t in df["risks"]]
    a = rank_issues(df, outcome=None, min_people_figures=1, with_quotes=False)
    b = rank_issues(small, outcome=None, min_people_figures=1, with_quotes=False)
    pd.testing.assert_frame_equal(a, b)


def test_primary_as_topic_field_and_string_times(small):
    df = small.copy()
    df["primary"] = [t[0] for t in df["topics"]]
    df["timestamp"] = df["timestamp"].dt.strftime("%Y/%m/%d %H:%M")
    r = rank_issues(df, topic_field="primary", outcome=None, min_people_figures=1).set_index("topic")
    assert r.loc["pay", "texts"] == 3 and r.loc["evaluation", "texts"] == 1
    df.loc[1, "timestamp"] = "not a date"
    with pytest.raises(InputError) as e:
        rank_issues(df, outcome=None)
    assert e.value.column == "timestamp" and e.value.rows == [1]


def test_explanation_is_japanese_by_default():
    ja = rank_issues(_outcome_frame()).set_index("topic")
    en = rank_issues(_outcome_frame(), language="en").set_index("topic")
    assert "left_earlyが4.0倍起きやすい" in ja.loc["pay", "explanation"]
    assert "left_earlyが起きにくい（4.0分の1）" in ja.loc["benefits", "explanation"]
    pay = ja.loc["pay"]
    assert pay["explanation"].startswith(f"{int(pay['texts'])}件（{int(pay['people'])}人・全体の{pay['share']:.0%}）")
    assert en.loc["pay", "explanation"].startswith(f"texts {int(pay['texts'])} ({int(pay['people'])} people, ")
    assert "、ネガティブ" in ja.loc["pay", "explanation"]
    assert not any(c.isascii() and c.isalpha() for c in ja.loc["pay", "explanation"].replace("left_early", ""))
    # the wording differs, the figures and their order do not
    cols = [c for c in ja.columns if c != "explanation"]
    pd.testing.assert_frame_equal(ja[cols], en[cols])
    trend = rank_issues(_trend_frame(True), outcome=None).set_index("topic").loc["work_style", "explanation"]
    assert "急増 ×" in trend and re.search(r"5人以上が挙げた拠点 \d+/\d+", trend)


def test_unknown_language_is_a_clear_error():
    with pytest.raises(InputError, match="language"):
        rank_issues(_outcome_frame(), language="fr")


def test_named_person_column_must_exist_and_is_recorded(small):
    with pytest.raises(InputError, match="社員番号"):
        rank_issues(small, person="社員番号", outcome=None)
    renamed = small.rename(columns={"person_id": "社員ID"})
    r = rank_issues(renamed, person="社員ID", segments=["site"], outcome=None, min_people_figures=1)
    assert r.attrs["person"] == "社員ID" and r.set_index("topic").loc["pay", "people"] == 2
    anonymous = rank_issues(renamed, segments=["site"], outcome=None, min_people_figures=1)  # default absent
    assert anonymous.attrs["person"] is None and anonymous.set_index("topic").loc["pay", "people"] == 3


def test_segments_recorded_by_read_voices_are_the_default(small):
    df = small.rename(columns={"site": "部署"})
    assert not any(c.startswith("segments_raising") for c in rank_issues(df, min_people_figures=1).columns)
    df.attrs["mvvtext_segments"] = ["部署"]
    r = rank_issues(df, min_people_figures=1).set_index("topic")
    assert "segments_raising_部署" in r.columns and r.loc["pay", "segments_raising_部署"] >= 1


def test_other_is_left_out_of_the_ranking_with_a_note(small):
    df = pd.concat([small, frame([(f"o{i}", ["other"], -1.0, "complaint", [], i, "X") for i in range(8)])],
                   ignore_index=True)
    r = rank_issues(df, outcome=None, min_people_figures=1)
    assert "other" not in set(r["topic"]) and list(r["rank"]) == list(range(1, len(r) + 1))
    assert any(getattr(n, "key", "") == "topics_left_out" and "8 text(s)" in n for n in r.attrs["notes"])
    everything = rank_issues(df, outcome=None, min_people_figures=1, exclude_topics=())
    assert "other" in set(everything["topic"])


def test_a_named_time_column_that_is_absent_is_an_error(small):
    with pytest.raises(InputError) as err:
        rank_issues(small, time="回答日時", person=None, segments=[], outcome=None)
    assert err.value.column == "回答日時" and "time=None" in str(err.value) and "columns:" in str(err.value)


def _waves(surge: bool = True):
    """Three survey waves, a quarter apart (day 0, 91, 182); workload triples in the last one."""
    rows = []
    for w, day in enumerate((0, 91, 182)):
        for i in range(80):
            rows.append((f"p{w}_{i}", [["pay", "evaluation", "benefits"][i % 3]], -1.0, "complaint", [], day, "X"))
        for i in range(30 if surge and w == 2 else 8):
            rows.append((f"q{w}_{i}", ["workload"], -1.0, "complaint", [], day, "X"))
    return frame(rows)


def test_survey_waves_compare_the_last_wave_with_the_earlier_ones():
    r = rank_issues(_waves(), outcome=None)                   # weekly periods, most of them empty
    keys = {getattr(n, "key", None): n for n in r.attrs["notes"]}
    assert "empty_periods_skipped" in keys and "empty_trend_window" not in keys
    assert keys["short_trend"].params == {"periods": 3, "recent": 1, "base": 2}
    w = r.set_index("topic").loc["workload"]
    assert w["emerging"] and w["latest_count"] == 30 and w["baseline_mean"] == pytest.approx(8.0)
    assert not rank_issues(_waves(False), outcome=None, period="Q")["emerging"].any()


@pytest.mark.parametrize("t, want", [(12, (4, 8)), (20, (4, 8)), (3, (1, 2)), (2, (1, 1)), (6, (2, 4)), (9, (3, 6))])
def test_short_data_shares_the_windows_in_the_asked_proportion(t, want):
    from mvvtext.rank._trend import _windows

    assert _windows(t, 4, 8) == want
