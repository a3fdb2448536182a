"""A corrected export of an already scored text: its date, channel and segments are stored anew."""
from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

from mvvtext.exceptions import EXIT_OK
from mvvtext.store import Store, score_into_store
from mvvtext.store._cli import add_store_commands
from test_store_helpers import keyword_scorer, synthetic_week


@pytest.fixture
def week() -> pd.DataFrame:
    w = synthetic_week("2026-11-09", 12, seed=21)
    w.loc[5, "timestamp"] = None  # a broken date the desk emptied, as the error message suggests
    return w


@pytest.fixture
def store(tmp_path, week) -> Store:
    s = Store(tmp_path / "s.duckdb")
    score_into_store(week, s, scorer=keyword_scorer, segments=["site"])
    return s


def _no_model(monkeypatch) -> None:
    import mvvtext.store._runs as runs

    def boom(*a, **k):
        raise AssertionError("a model was loaded for rows whose text is already scored")

    monkeypatch.setattr(runs, "resolve_scorer", boom)


def _counts_add_up(s) -> bool:
    return s.n_input == s.n_new + s.n_revised + s.n_updated + s.n_skipped + s.n_duplicates


def test_a_corrected_date_is_stored_without_scoring_again(store, week, monkeypatch):
    _no_model(monkeypatch)
    fix = week.iloc[[5]].assign(timestamp="2026-11-10 10:00")
    predictions = store.predictions(current_only=False)
    summary = score_into_store(fix, store, segments=["site"])
    assert (summary.n_updated, summary.n_skipped, summary.n_new, summary.n_revised) == (1, 0, 0, 0)
    assert _counts_add_up(summary) and "1 updated" in str(summary)
    assert "corrected date (1)" in summary.message and week.loc[5, "id"] in summary.message
    row = store.voices().set_index("id").loc[week.loc[5, "id"]]
    assert row["timestamp"] == pd.Timestamp("2026-11-10 10:00") and row["revision"] == 1
    pd.testing.assert_frame_equal(store.predictions(current_only=False), predictions)  # no new prediction
    assert store.runs()["n_updated"].tolist() == [0, 1]

    again = score_into_store(fix, store, segments=["site"])  # idempotent: nothing changes the second time
    assert (again.n_updated, again.n_skipped) == (0, 1) and "corrected" not in again.message
    assert store.voices().set_index("id").loc[week.loc[5, "id"], "timestamp"] == pd.Timestamp("2026-11-10 10:00")


def test_a_corrected_site_and_channel_are_stored_and_counted_where_they_belong(store, week, monkeypatch):
    _no_model(monkeypatch)
    fix = week.iloc[[3, 8]].copy()
    fix["site"] = ["離島", fix["site"].iloc[1]]
    fix["channel"] = [fix["channel"].iloc[0], "survey"]
    summary = score_into_store(fix, store, segments=["site"])
    assert summary.n_updated == 2 and "channel (1), segments (1)" in summary.message
    stored = store.voices().set_index("id")
    assert json.loads(stored.loc[week.loc[3, "id"], "segments"]) == {"site": "離島"}
    assert stored.loc[week.loc[8, "id"], "channel"] == "survey"
    assert store.current(period="2026-W46").set_index("id").loc[week.loc[3, "id"], "segments"] == '{"site": "離島"}'


def test_a_whole_reexport_with_one_correction_updates_only_that_row(store, week):
    fixed = week.copy()
    fixed.loc[5, "timestamp"] = "2026-11-10 10:00"
    fixed.loc[9, "site"] = "札幌" if week.loc[9, "site"] != "札幌" else "東京"
    summary = score_into_store(fixed, store, scorer=keyword_scorer, segments=["site"])
    assert (summary.n_updated, summary.n_skipped, summary.n_new) == (2, 10, 0)
    assert _counts_add_up(summary)
    assert "every text was already scored" in summary.message


def test_blank_cells_and_missing_columns_never_erase_stored_values(store, week):
    before = store.voices()
    partial = week.drop(columns=["timestamp", "channel"]).assign(site=None)
    summary = score_into_store(partial, store, scorer=keyword_scorer, segments=["site"])
    assert (summary.n_updated, summary.n_skipped) == (0, 12)
    fewer = score_into_store(week, store, scorer=keyword_scorer)  # no segment column named this time
    assert fewer.n_updated == 0
    pd.testing.assert_frame_equal(store.voices(), before)


def test_segments_merge_a_new_segment_column_into_the_stored_ones(store, week):
    more = week.assign(dept="営業")
    summary = score_into_store(more, store, scorer=keyword_scorer, segments=["site", "dept"])
    assert summary.n_updated == 12
    seg = json.loads(store.voices().set_index("id").loc[week.loc[0, "id"], "segments"])
    assert seg == {"site": week.loc[0, "site"], "dept": "営業"}


def test_a_wrong_year_never_replaces_a_stored_date(store, week):
    typo = week.iloc[[2]].assign(timestamp="2062-11-11 09:00")
    summary = score_into_store(typo, store, scorer=keyword_scorer, segments=["site"])
    assert summary.n_updated == 0 and "dated more than 7 days after this run" in summary.message
    assert "keeps its stored date" in summary.message
    stored = store.voices().set_index("id").loc[week.loc[2, "id"], "timestamp"]
    assert stored == pd.Timestamp(week.loc[2, "timestamp"])


def test_an_edited_text_is_a_revision_and_an_edited_date_an_update_in_one_run(store, week):
    export = week.copy()
    export.loc[1, "text"] = export.loc[1, "text"] + "。追記です"
    export.loc[4, "timestamp"] = "2026-11-12 08:00"
    summary = score_into_store(export, store, scorer=keyword_scorer, segments=["site"])
    assert (summary.n_new, summary.n_revised, summary.n_updated, summary.n_skipped) == (0, 1, 1, 10)
    assert store.counts()["voices"] == 13 and store.counts()["predictions"] == 13


def test_a_failed_run_rolls_its_updates_back(store, week):
    export = pd.concat([week.iloc[[5]].assign(timestamp="2026-11-10 10:00"),
                        synthetic_week("2026-11-09", 1, seed=22, start_id=500)], ignore_index=True)

    def broken(voices):
        raise RuntimeError("model crashed")

    with pytest.raises(RuntimeError):
        score_into_store(export, store, scorer=broken, segments=["site"])
    assert pd.isna(store.voices().set_index("id").loc[week.loc[5, "id"], "timestamp"])
    failed = store.runs().iloc[-1]
    assert failed["status"] == "failed" and failed["n_updated"] == 0


def test_cli_summary_line_counts_the_updated_row(store, week, tmp_path, capsys):
    export = tmp_path / "fix.csv"
    week.iloc[[5]].assign(timestamp="2026-11-10 10:00").to_csv(export, index=False)
    parser = argparse.ArgumentParser(prog="mvvtext")
    add_store_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["score", str(export), "--store", str(store.path), "--segment-col", "site"])
    assert args.func(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "1 updated" in out and "0 already scored" in out
