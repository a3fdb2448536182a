"""Store runs: idempotence, revisions, incremental lookup, bad input, rescore, atomic failure."""
from __future__ import annotations

import pandas as pd
import pytest

from mvvtext.exceptions import InputError, StoreError
from mvvtext.store import PRECOMPUTED, Store, rescore, score_into_store
from test_store_helpers import keyword_scorer, synthetic_week


class CountingScorer:
    """Keyword scorer that records how many rows it was asked to score."""

    model_version = "kw-1"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, voices: pd.DataFrame) -> pd.DataFrame:
        self.seen.extend(voices["id"].tolist())
        return keyword_scorer(voices)


@pytest.fixture
def week() -> pd.DataFrame:
    return synthetic_week("2026-11-16", 40, seed=1)


def _snapshot(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    v = store.voices(all_revisions=True)[["id", "content_hash", "revision", "text_masked", "timestamp", "segments"]]
    p = store.predictions(current_only=False)[["id", "content_hash", "model_version", "primary", "is_current"]]
    return v.reset_index(drop=True), p.sort_values(["id", "content_hash", "model_version"]).reset_index(drop=True)


def test_same_export_twice_stores_nothing_twice(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    scorer = CountingScorer()
    first = score_into_store(week, store, scorer=scorer, segments=["site"])
    before = _snapshot(store)
    second = score_into_store(week, store, scorer=scorer, segments=["site"])
    assert (first.n_new, first.n_skipped) == (40, 0)
    assert (second.n_new, second.n_revised, second.n_skipped) == (0, 0, 40)
    assert len(scorer.seen) == 40  # the re-run scored nothing
    after = _snapshot(store)
    pd.testing.assert_frame_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])
    assert store.counts() == {"runs": 2, "voices": 40, "predictions": 40}
    assert "already scored" in str(second)


def test_incremental_run_scores_only_new_rows(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week.iloc[:25], store, scorer=keyword_scorer)
    scorer = CountingScorer()
    summary = score_into_store(week, store, scorer=scorer)
    assert sorted(scorer.seen) == sorted(week["id"].iloc[25:])
    assert (summary.n_new, summary.n_skipped) == (15, 25)


def test_edited_text_becomes_a_new_revision_and_old_is_kept(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week, store, scorer=keyword_scorer)
    edited = week.copy()
    edited.loc[3, "text"] = "パワハラを受けて辞めたいです"
    summary = score_into_store(edited, store, scorer=keyword_scorer)
    assert (summary.n_new, summary.n_revised, summary.n_skipped) == (0, 1, 39)
    history = store.voices(all_revisions=True)
    rows = history[history["id"] == week.loc[3, "id"]].sort_values("revision")
    assert rows["revision"].tolist() == [1, 2]
    assert rows["text_masked"].iloc[0] == week.loc[3, "text"]
    current = store.current().set_index("id")
    assert len(current) == 40  # latest revision only: nothing double-counted
    assert current.loc[week.loc[3, "id"], "revision"] == 2
    assert current.loc[week.loc[3, "id"], "risks"] == ["harassment", "resignation"]


def test_duplicated_rows_counted_and_stored_once(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    doubled = pd.concat([week, week.iloc[:7]], ignore_index=True)
    summary = score_into_store(doubled, store, scorer=keyword_scorer)
    assert summary.n_input == 47 and summary.n_duplicates == 7 and summary.n_new == 40
    assert store.counts()["voices"] == 40


def test_same_id_with_two_texts_in_one_export_is_bad_input(tmp_path, week):
    bad = pd.concat([week, week.iloc[[0]].assign(text="別の本文")], ignore_index=True)
    with pytest.raises(InputError, match="duplicate ids"):
        score_into_store(bad, tmp_path / "s.duckdb", scorer=keyword_scorer)


def test_rows_older_than_latest_week_are_backfilled_not_dropped(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(synthetic_week("2026-11-16", 10, seed=2), store, scorer=keyword_scorer)
    late = synthetic_week("2026-10-05", 6, seed=3, start_id=100)
    summary = score_into_store(late, store, scorer=keyword_scorer)
    assert summary.n_backfilled == 6 and summary.n_new == 6
    assert store.counts()["voices"] == 16
    assert "2026-W41" in store.periods()


def test_empty_export_records_a_run(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    header_only = tmp_path / "empty.csv"
    header_only.write_text("id,text,timestamp\n", encoding="utf-8")
    zero_bytes = tmp_path / "zero.csv"
    zero_bytes.write_bytes(b"")
    for path in (header_only, zero_bytes):
        summary = score_into_store(path, store, scorer=keyword_scorer)
        assert summary.status == "ok" and summary.n_input == 0
        assert "no rows" in summary.message
    runs = store.runs()
    assert len(runs) == 2 and runs["n_input"].tolist() == [0, 0]
    assert store.counts()["voices"] == 0


def test_renamed_text_column_names_expected_and_found(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week, store, scorer=keyword_scorer)
    renamed = week.rename(columns={"text": "本文"})
    with pytest.raises(InputError) as err:
        score_into_store(renamed, store, scorer=keyword_scorer)
    msg = str(err.value)
    assert "'text'" in msg and "Expected columns" in msg and "Found columns" in msg and "'本文'" in msg
    assert "--text-col" in msg
    assert "removed: ['text']" in msg and "added: ['本文']" in msg
    summary = score_into_store(renamed, store, scorer=keyword_scorer, text="本文")
    assert summary.n_skipped == 40


def test_cp932_and_utf8_exports_give_identical_store_content(tmp_path, week):
    utf8, sjis = tmp_path / "week_utf8.csv", tmp_path / "week_sjis.csv"
    week.to_csv(utf8, index=False, encoding="utf-8")
    week.to_csv(sjis, index=False, encoding="cp932")
    assert utf8.read_bytes() != sjis.read_bytes()
    a, b = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    score_into_store(utf8, a, scorer=keyword_scorer, segments=["site"])
    score_into_store(sjis, b, scorer=keyword_scorer, segments=["site"])
    cols = ["id", "revision", "text_masked", "channel", "timestamp", "segments"]
    pd.testing.assert_frame_equal(a.voices()[cols], b.voices()[cols])
    pcols = ["id", "topics", "primary", "intent", "sentiment", "risks", "values", "scores", "evidence"]
    pd.testing.assert_frame_equal(a.predictions()[pcols], b.predictions()[pcols])
    # and the week's second export in the other encoding is recognised as already scored
    assert score_into_store(sjis, a, scorer=keyword_scorer, segments=["site"]).n_skipped == 40


def test_only_masked_text_is_stored(tmp_path):
    df = pd.DataFrame({"id": ["m1"], "text": ["折り返しは090-1234-5678まで。給与の件です"],
                       "timestamp": ["2026-11-17"]})
    store = Store(tmp_path / "s.duckdb")
    score_into_store(df, store, scorer=keyword_scorer)
    stored = store.voices()["text_masked"].iloc[0]
    assert "090-1234-5678" not in stored and "〈電話〉" in stored
    with store.connect() as con:
        dump = str(con.execute("SELECT * FROM voices").fetchall()) + str(con.execute(
            "SELECT * FROM predictions").fetchall())
    assert "1234" not in dump


def test_scorer_without_text_masked_uses_the_text_layer_or_refuses(tmp_path, week):
    def no_mask(v: pd.DataFrame) -> pd.DataFrame:
        return keyword_scorer(v).drop(columns=["text_masked"])

    try:
        from mvvtext.text import mask_personal_data  # noqa: F401
    except ImportError:
        with pytest.raises(StoreError, match="unmasked"):
            score_into_store(week, tmp_path / "s.duckdb", scorer=no_mask)
        assert Store(tmp_path / "s.duckdb").counts()["voices"] == 0
    else:
        score_into_store(week, tmp_path / "s.duckdb", scorer=no_mask)
        assert Store(tmp_path / "s.duckdb").counts()["voices"] == 40


def test_failing_scorer_leaves_store_unchanged_and_records_failure(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week.iloc[:10], store, scorer=keyword_scorer)
    before = _snapshot(store)
    calls = {"n": 0}

    def flaky(v: pd.DataFrame) -> pd.DataFrame:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("model crashed")
        return keyword_scorer(v)

    with pytest.raises(RuntimeError, match="model crashed"):
        score_into_store(week, store, scorer=flaky, batch_size=10)
    after = _snapshot(store)
    pd.testing.assert_frame_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])
    runs = store.runs()
    assert runs["status"].tolist() == ["ok", "failed"] and "model crashed" in runs["message"].iloc[1]
    assert score_into_store(week, store, scorer=keyword_scorer, batch_size=10).n_new == 30


def test_without_id_column_ids_come_from_content_and_rerun_is_idempotent(tmp_path, week):
    anonymous = week.drop(columns=["id"])
    store = Store(tmp_path / "s.duckdb")
    first = score_into_store(anonymous, store, scorer=keyword_scorer)
    second = score_into_store(anonymous.iloc[::-1], store, scorer=keyword_scorer)
    assert first.n_new == 40 and second.n_skipped == 40
    assert store.voices()["id"].str.startswith("auto-").all()


def test_rescore_keeps_old_scores_and_flips_current(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week, store, scorer=keyword_scorer)

    def v2(v: pd.DataFrame) -> pd.DataFrame:
        out = keyword_scorer(v)
        out["primary"] = "other"
        return out

    summary = rescore(store, scorer=v2, model_version="kw-2")
    assert summary.kind == "rescore" and summary.n_new == 40
    preds = store.predictions(current_only=False)
    assert sorted(preds["model_version"].unique()) == ["kw-1", "kw-2"]
    assert len(preds) == 80
    assert set(preds.loc[preds["is_current"], "model_version"]) == {"kw-2"}
    assert (store.current()["primary"] == "other").all()
    again = rescore(store, scorer=v2, model_version="kw-2")
    assert again.n_new == 0 and again.n_skipped == 40
    back = rescore(store, scorer=keyword_scorer)  # back to kw-1: nothing to score, flips current
    assert back.n_new == 0
    assert set(store.predictions()["model_version"]) == {"kw-1"}


def test_precomputed_frame_and_unscored(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week.iloc[:30], store, scorer=keyword_scorer)
    todo = store.unscored(week)
    assert todo["id"].tolist() == week["id"].iloc[30:].tolist()
    analysed = keyword_scorer(todo)
    summary = score_into_store(analysed, store, scorer=PRECOMPUTED, model_version="kw-1")
    assert summary.n_new == 10 and store.counts()["voices"] == 40


def test_reader_needs_an_existing_store(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "missing.duckdb").runs()


def test_rerun_of_scored_week_loads_no_model(tmp_path, week, monkeypatch):
    import mvvtext.store._runs as runs

    store = Store(tmp_path / "s.duckdb")
    score_into_store(week, store, scorer=keyword_scorer)

    def boom(*a, **k):
        raise AssertionError("a model was loaded for a week with nothing new")

    monkeypatch.setattr(runs, "resolve_scorer", boom)
    summary = score_into_store(week, store)  # default scorer: never built
    assert summary.n_skipped == 40 and summary.status == "ok"


def test_log_file_gets_the_run_summary_and_no_progress_bar_off_a_tty(tmp_path, week, capsys):
    log = tmp_path / "run.log"
    summary = score_into_store(week, tmp_path / "s.duckdb", scorer=keyword_scorer, log_file=log)
    text = log.read_text(encoding="utf-8")
    assert summary.run_id in text and "40 new" in text
    assert "scoring" not in capsys.readouterr().err  # stderr is not a terminal under pytest: no bar


def test_run_with_another_model_than_the_history_says_so(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(synthetic_week("2026-11-09", 10, seed=1), store, scorer=keyword_scorer)
    later = score_into_store(synthetic_week("2026-11-16", 10, seed=2, start_id=50), store, scorer=keyword_scorer,
                             model_version="kw-9")
    assert "kw-1" in later.message and "rescore" in later.message
    assert set(store.current()["model_version"]) == {"kw-1", "kw-9"}


def test_n_jobs_reaches_the_classifier(monkeypatch):
    """``score_into_store(n_jobs=)`` / ``mvvtext score --n-jobs`` hand the worker count to ``analyze``."""
    import argparse

    import pandas as pd

    import mvvtext.classify as classify
    from mvvtext.store._cli import add_store_commands
    from mvvtext.store._scoring import resolve_scorer

    seen = {}

    def fake_analyze(df, model=None, verbose=True, n_jobs=None):
        seen["n_jobs"] = n_jobs
        return df

    class Fitted:
        def fit(self, X):
            return self

        def predict(self, X):
            return X

    monkeypatch.setattr(classify, "analyze", fake_analyze)
    resolve_scorer(Fitted(), n_jobs=2, model_version="m").fn(pd.DataFrame({"text": ["給与"]}))
    assert seen["n_jobs"] == 2
    resolve_scorer(Fitted(), model_version="m").fn(pd.DataFrame({"text": ["給与"]}))
    assert seen["n_jobs"] is None
    parser = argparse.ArgumentParser()
    add_store_commands(parser.add_subparsers())
    assert parser.parse_args(["score", "in.csv", "--store", "s.duckdb", "--n-jobs", "2"]).n_jobs == 2


def test_an_empty_export_does_not_hide_what_changed_since_the_last_real_run(tmp_path, week):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week, store, scorer=keyword_scorer)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    score_into_store(empty, store, scorer=keyword_scorer)
    with pytest.raises(InputError) as err:
        score_into_store(week.rename(columns={"text": "本文"}), store, scorer=keyword_scorer)
    assert "removed: ['text']" in str(err.value) and "added: ['本文']" in str(err.value)


def test_a_row_without_a_date_belongs_to_its_exports_week(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    week = synthetic_week("2026-11-16", 10, seed=2)
    week.loc[[3, 7], "timestamp"] = pd.NaT                 # the desk left two dates empty
    score_into_store(week, store, scorer=keyword_scorer)
    assert store.periods() == ["2026-W47"]                 # not the week the job ran in
    undated = store.current().set_index("id").loc[week.loc[[3, 7], "id"]]
    assert undated["timestamp"].isna().all() and (undated["period"] == "2026-W47").all()
    later = score_into_store(synthetic_week("2026-11-23", 5, seed=3, start_id=100), store, scorer=keyword_scorer)
    assert later.n_backfilled == 0 and store.periods() == ["2026-W47", "2026-W48"]
