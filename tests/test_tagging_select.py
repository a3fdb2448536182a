"""select_for_tagging: which texts a researcher tags first (hand-built analysed frames)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.tagging import STRATEGIES, export_sheet, select_for_tagging, uncertainty


def pool(n=60, seed=0):
    rng = np.random.default_rng(seed)
    primary = np.array(["pay", "evaluation", "benefits"])[np.arange(n) % 3]
    frame = pd.DataFrame({"id": [f"t{i}" for i in range(n)], "text_masked": [f"文{i}" for i in range(n)],
                          "primary": primary, "text_missing": False})
    sure = rng.random(n)  # 1: sure of the topic and the intent, 0: a tie
    for code in ("pay", "evaluation", "benefits"):
        frame[f"score_topic_{code}"] = np.where(primary == code, 0.5 + sure / 2, 0.5 - sure / 2)
    frame["score_intent_question"] = 0.5 + sure / 2
    frame["score_intent_complaint"] = 0.5 - sure / 2
    return frame, sure


def test_uncertainty_is_one_minus_the_margin():
    frame, sure = pool()
    assert uncertainty(frame).to_numpy() == pytest.approx(1 - sure)


def test_uncertain_takes_the_least_sure_spread_over_topics():
    frame, sure = pool(90)
    chosen = select_for_tagging(frame, 12, "uncertain")
    assert len(chosen) == 12 and chosen.index.is_unique
    assert (1 - sure[chosen.index]).mean() > (1 - sure).mean() + 0.25   # far less sure than the pool
    assert chosen["primary"].value_counts().max() - chosen["primary"].value_counts().min() <= 1


def test_stratified_and_random_are_reproducible_and_differ():
    frame, _ = pool()
    strat = select_for_tagging(frame, 9, "stratified", random_state=3)
    assert sorted(strat["primary"].value_counts().tolist()) == [3, 3, 3]
    assert strat.index.tolist() == select_for_tagging(frame, 9, "stratified", random_state=3).index.tolist()
    a, b = (select_for_tagging(frame, 9, "random", random_state=s).index.tolist() for s in (1, 2))
    assert a != b and set(STRATEGIES) == {"random", "stratified", "uncertain"}


def test_missing_and_repeated_texts_are_never_chosen_and_counted():
    frame, _ = pool(30)
    frame.loc[0, "text_missing"] = True
    frame.loc[1, "text_masked"] = frame.loc[2, "text_masked"]
    before = frame.copy()
    chosen = select_for_tagging(frame, 100, "random")
    assert len(chosen) == 28 and 0 not in chosen.index and not {1, 2} <= set(chosen.index)
    assert chosen.attrs["notes"] == ["1 text(s) without content left out",
                                     "1 repeated text(s) left out (each text is tagged once)"]
    pd.testing.assert_frame_equal(frame, before)


def test_a_repeated_caller_index_is_kept_by_position():
    frame, _ = pool(12)
    frame.index = [7] * 12
    chosen = select_for_tagging(frame, 4, "stratified")
    assert len(chosen) == 4 and chosen["id"].is_unique


def test_bad_arguments_are_clear():
    frame, _ = pool(6)
    with pytest.raises(InputError, match="strategy 'smart'"):
        select_for_tagging(frame, 3, "smart")
    with pytest.raises(InputError, match=">= 1"):
        select_for_tagging(frame, 0)
    with pytest.raises(InputError, match="primary"):
        select_for_tagging(frame.drop(columns="primary"), 3)


def test_export_sheet_samples_with_the_strategy(tmp_path):
    frame, sure = pool(30)
    for col in ("topics", "risks", "values"):
        frame[col] = [[] for _ in range(len(frame))]
    frame[["channel", "intent", "sentiment"]] = ["inquiry", "question", 0.0]
    sheet = pd.read_csv(export_sheet(frame, tmp_path / "s.csv", sample=6, strategy="uncertain"))
    assert sheet["id"].tolist() == frame.loc[select_for_tagging(frame, 6, "uncertain").index, "id"].tolist()
    default = pd.read_csv(export_sheet(frame, tmp_path / "r.csv", sample=6))  # random by default
    assert default["id"].tolist() == frame.loc[select_for_tagging(frame, 6, "random").index, "id"].tolist()


def test_the_cli_offers_exactly_the_strategies():
    import argparse

    from mvvtext.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    strategy = next(a for a in sub.choices["tag-export"]._actions if a.dest == "strategy")
    assert set(strategy.choices) == set(STRATEGIES) and strategy.default == "random"
