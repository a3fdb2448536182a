"""The weekly job's audit: late and far-future risk texts reach the report and alerts, blank texts are
no voices, an implicit default model is refused on a store scored by another, report suffixes,
empty exports, the report's tables and the xlsx numbers."""
from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta

import pandas as pd
import pytest

from mvvtext.exceptions import EXIT_INPUT, EXIT_MODEL, EXIT_OK, InputError, ModelMismatchError
from mvvtext.store import Store, rescore, score_into_store, weekly_report
from mvvtext.store._aggregate import collect
from mvvtext.store._cli import add_store_commands, cmd_report, cmd_score
from test_store_helpers import keyword_scorer, synthetic_week


@pytest.fixture
def clock(monkeypatch):
    """Runs happen one hour apart, in order, from Monday 2026-11-23 (2026-W48) on."""
    import mvvtext.store._runs as runs
    import mvvtext.store._rescore as rescore_mod

    now = {"t": datetime(2026, 11, 23, 6, 0)}

    def tick() -> datetime:
        now["t"] += timedelta(hours=1)
        return now["t"]

    monkeypatch.setattr(runs, "_now", tick)
    monkeypatch.setattr(rescore_mod, "_now", tick)
    return now


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mvvtext")
    add_store_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def _risk_ids(store: Store, period: str | None = None) -> dict[str, object]:
    with store.connect() as con:
        data = collect(con, period)
    return {r.id: r.late for r in data.risk_texts.itertuples()}


# -- 1. a late or far-future risk text reaches the next report and its alerts -------------------------

def _weekly_store(tmp_path, clock) -> Store:
    """W46 and W47 scored on the Mondays after them (the cron job), then the W48 report's week is next."""
    store = Store(tmp_path / "desk.duckdb")
    clock["t"] = datetime(2026, 11, 16, 6, 0)
    score_into_store(synthetic_week("2026-11-09", 20, seed=1), store, scorer=keyword_scorer)
    clock["t"] = datetime(2026, 11, 23, 6, 0)
    score_into_store(synthetic_week("2026-11-16", 20, seed=2, start_id=100), store, scorer=keyword_scorer)
    return store


def test_a_backfilled_and_a_far_future_risk_text_are_in_the_next_report_and_alerts(tmp_path, clock):
    store = _weekly_store(tmp_path, clock)
    late = pd.DataFrame({"id": ["L1", "L2", "L3"],
                         "text": ["上司のパワハラがつらいです", "残業で眠れない日が続いています", "給与の振込日を教えて"],
                         "timestamp": ["2026-11-04 10:00", "2062-11-20 09:00", "2026-11-05 11:00"]})
    summary = score_into_store(late, store, scorer=keyword_scorer)  # a late export, run in W48
    assert summary.n_backfilled >= 2 and "2062" in summary.message
    html, alerts = tmp_path / "r.html", tmp_path / "a.json"
    weekly_report(store, out=html, alerts_path=alerts)  # default: the latest dated week, 2026-W47
    got = json.loads(alerts.read_text(encoding="utf-8"))
    assert got["period"] == "2026-W47"
    by_id = {r["id"]: r for r in got["risk_texts"]}
    assert by_id["L1"]["late"] == "backfilled" and by_id["L1"]["counted_in"] == "2026-W45"
    assert by_id["L1"]["risks"] == ["harassment"] and by_id["L1"]["timestamp"].startswith("2026-11-04")
    assert by_id["L2"]["late"] == "future_date" and by_id["L2"]["timestamp"].startswith("2062-11-20")
    assert "L3" not in by_id  # no risk: not a risk text
    text = html.read_text(encoding="utf-8")
    assert "L1" in text and "遅れて届いた声" in text and "2026-W45 に計上" in text and "入力ミス" in text

    # the next week's report (W48, scored the Monday after) lists them too: the runs since the last report
    clock["t"] = datetime(2026, 11, 30, 6, 0)
    score_into_store(synthetic_week("2026-11-23", 20, seed=3, start_id=200), store, scorer=keyword_scorer)
    assert {"L1", "L2"} <= set(_risk_ids(store, "2026-W48"))
    # the week before (its report was made before the late export) does not grow: the window ends there
    assert not {"L1", "L2"} & set(_risk_ids(store, "2026-W46"))


def test_a_late_row_in_the_weeks_own_export_and_a_rescore_with_the_same_risks(tmp_path, clock):
    store = _weekly_store(tmp_path, clock)
    clock["t"] = datetime(2026, 11, 30, 6, 0)
    week = synthetic_week("2026-11-23", 20, seed=3, start_id=200)
    week.loc[0, ["text", "timestamp"]] = ["辞めたいと思っています", "2026-11-12 09:00"]  # a W46 row, late
    score_into_store(week, store, scorer=keyword_scorer)
    assert _risk_ids(store, "2026-W48") == {week.loc[0, "id"]: "backfilled"}
    # a rescore that finds the same risks is no news: not listed again as late
    relabelled = lambda df: keyword_scorer(df)  # noqa: E731
    rescore(store, scorer=relabelled, model_version="kw-2")
    clock["t"] = datetime(2026, 12, 7, 6, 0)
    score_into_store(synthetic_week("2026-11-30", 20, seed=4, start_id=300), store, scorer=keyword_scorer)
    assert week.loc[0, "id"] not in _risk_ids(store, "2026-W49")


def test_a_backfill_into_an_empty_previous_week_still_reaches_the_latest_report(tmp_path, clock):
    store = Store(tmp_path / "s.duckdb")
    clock["t"] = datetime(2026, 11, 16, 6, 0)
    score_into_store(synthetic_week("2026-11-09", 20, seed=1), store, scorer=keyword_scorer)  # W46
    clock["t"] = datetime(2026, 11, 30, 6, 0)  # W47 brought nothing; W48 is scored the Monday after
    score_into_store(synthetic_week("2026-11-23", 20, seed=3, start_id=200), store, scorer=keyword_scorer)
    clock["t"] = datetime(2026, 12, 2, 6, 0)
    late = pd.DataFrame({"id": ["L9"], "text": ["パワハラを受けています"], "timestamp": ["2026-11-18 10:00"]})
    score_into_store(late, store, scorer=keyword_scorer)  # the missing W47 export, two days later
    assert _risk_ids(store) == {"L9": "backfilled"}  # the default report, 2026-W48


# -- 2. blank texts are kept, but are no voices --------------------------------------------------------

def test_blank_texts_are_stored_but_not_counted_and_never_emerging(tmp_path, clock):
    store = Store(tmp_path / "s.duckdb")
    for w in range(3):
        monday = pd.Timestamp("2026-10-26") + pd.Timedelta(weeks=w)
        week = pd.DataFrame({"id": [f"P{w}-{i}" for i in range(20)], "text": [f"給与の件 {i}" for i in range(20)],
                             "timestamp": [str(monday + pd.Timedelta(hours=i)) for i in range(20)]})
        score_into_store(week, store, scorer=keyword_scorer)
    week = pd.DataFrame({"id": [f"P3-{i}" for i in range(20)] + [f"B{i}" for i in range(5)],
                         "text": [f"給与の件 {i}" for i in range(20)] + ["", " ", "　", "\n", "  \t "],
                         "timestamp": [f"2026-11-16 {h:02d}:00" for h in range(25 - 1)] + ["2026-11-17 09:00"]})
    summary = score_into_store(week, store, scorer=keyword_scorer)
    assert summary.n_empty == 5 and "B0" in summary.message and "not counted" in summary.message
    assert int(store.voices()["text_missing"].sum()) == 5  # kept, nothing dropped
    with store.connect() as con:
        data = collect(con, "2026-W47")
    assert data.n_period == 20 and data.n_empty == 5 and data.empty_ids == [f"B{i}" for i in range(5)]
    assert set(data.issues["topic"]) == {"pay"} and data.emerging.empty
    alerts = tmp_path / "a.json"
    out = weekly_report(store, period="2026-W47", out=tmp_path / "r.html", alerts_path=alerts)
    got = json.loads(alerts.read_text(encoding="utf-8"))
    assert got["n_voices"] == 20 and got["n_empty"] == 5 and got["emerging"] == []
    assert "本文が空" in out.read_text(encoding="utf-8") and "B0" in out.read_text(encoding="utf-8")


# -- 3. no --model on a store scored by another model: refused, naming the model and the flags ----------

def test_an_implicit_default_model_is_refused_on_a_store_scored_by_another(tmp_path, clock, monkeypatch, capsys):
    import mvvtext.store._runs as runs
    from mvvtext.store._scoring import ResolvedScorer

    store = Store(tmp_path / "s.duckdb")
    score_into_store(synthetic_week("2026-11-09", 10, seed=1), store, scorer=keyword_scorer)
    rescore(store, scorer=keyword_scorer, model_version="models/2027-01:abc")
    loaded = []
    monkeypatch.setattr(runs, "resolve_scorer", lambda *a, **kw: loaded.append(kw["model"]) or ResolvedScorer(
        keyword_scorer, "mvvtext-9-default:0123456789ab", "p"))
    nxt = synthetic_week("2026-11-16", 10, seed=2, start_id=50)
    with pytest.raises(ModelMismatchError, match="models/2027-01:abc.*--model default"):
        score_into_store(nxt, store)
    assert loaded == [] and store.counts()["voices"] == 10  # no model loaded, nothing stored
    export = tmp_path / "w.csv"
    nxt.to_csv(export, index=False)
    args = _parse(["score", str(export), "--store", str(store.path)])
    assert cmd_score(args) == EXIT_MODEL
    err = capsys.readouterr().err
    assert "models/2027-01:abc" in err and "--model DIR" in err and "--model default" in err
    # a re-run of a week already scored needs no model: not refused
    assert score_into_store(synthetic_week("2026-11-09", 10, seed=1), store).n_skipped == 10
    # `--model default` switches on purpose
    args = _parse(["score", str(export), "--store", str(store.path), "--model", "default"])
    assert cmd_score(args) == EXIT_OK and loaded == [None]
    assert store.counts()["voices"] == 20


# -- 4. a report file type that is not written is refused -----------------------------------------------

@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("audit") / "desk.duckdb")
    for w in range(4):
        monday = str((pd.Timestamp("2026-10-26") + pd.Timedelta(weeks=w)).date())
        score_into_store(synthetic_week(monday, 80, seed=w, start_id=100 * w), store, scorer=keyword_scorer,
                         segments=["site"])
    return store


def test_report_refuses_unknown_suffixes_listing_the_supported_ones(history, tmp_path, capsys):
    pdf = tmp_path / "x.pdf"
    args = _parse(["report", "--store", str(history.path), "--out", str(pdf)])
    assert cmd_report(args) == EXIT_INPUT and not pdf.exists()
    err = capsys.readouterr().err
    assert ".pdf" in err and ".html" in err and ".xlsx" in err
    with pytest.raises(InputError, match="supported"):
        weekly_report(history, out=pdf)
    args = _parse(["report", "--store", str(history.path), "--out", str(tmp_path / "r.html"), "--format", "xlsx"])
    assert cmd_report(args) == EXIT_INPUT and not (tmp_path / "r.html").exists()
    args = _parse(["report", "--store", str(history.path), "--out", str(tmp_path / "R.HTM")])
    assert cmd_report(args) == EXIT_OK and (tmp_path / "R.HTM").exists()


# -- 5. an empty export is loud and fails unless --allow-empty --------------------------------------------

def test_an_empty_export_warns_and_exits_2_unless_allowed(tmp_path, capsys):
    store = tmp_path / "s.duckdb"
    header_only, zero = tmp_path / "h.csv", tmp_path / "z.csv"
    header_only.write_text("id,text,timestamp\n", encoding="utf-8")
    zero.write_bytes(b"")
    for path in (header_only, zero):
        assert cmd_score(_parse(["score", str(path), "--store", str(store)])) == EXIT_INPUT
        captured = capsys.readouterr()
        assert "WARNING" in captured.out and "no rows" in captured.out
        assert "--allow-empty" in captured.err
    assert cmd_score(_parse(["score", str(zero), "--store", str(store), "--allow-empty"])) == EXIT_OK
    assert "WARNING" in capsys.readouterr().out
    assert Store(store).runs()["n_input"].tolist() == [0, 0, 0]  # every run is recorded


# -- 6. the HTML has one ranking table, consistent with itself --------------------------------------------

def test_html_report_has_no_contradicting_reference_ranking(history, tmp_path):
    html = weekly_report(history, out=tmp_path / "r.html").read_text(encoding="utf-8")
    assert "参考: mvvtext.rank" not in html and "&lt;NA&gt;" not in html and "<NA>" not in html
    assert "課題ランキング" in html


# -- 7. the xlsx breakdown sheets hold numbers --------------------------------------------------------------

def test_xlsx_breakdown_counts_are_numbers(history, tmp_path):
    import openpyxl

    out = weekly_report(history, out=tmp_path / "r.xlsx", format="xlsx")
    wb = openpyxl.load_workbook(out)
    assert "rank_components" not in wb.sheetnames
    ws = wb["by_site"]
    header = [c.value for c in ws[1]]
    assert header[1] == "people"
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert body and all(isinstance(r[1], int) for r in body if r[1] != "–")
    cells = [v for r in body for v in r[2:]]
    assert any(isinstance(v, int) for v in cells)
    assert all(isinstance(v, int) or v == "–" for v in cells)


# -- a week still in progress at the last run is flagged ---------------------------------------------

def test_a_week_still_in_progress_is_flagged_in_the_report_and_alerts(tmp_path, clock):
    store = _weekly_store(tmp_path, clock)
    week = synthetic_week("2026-11-23", 12, seed=3, start_id=300)
    week["timestamp"] = [f"2026-11-2{3 + i % 2} 10:00" for i in range(len(week))]   # Monday and Tuesday
    clock["t"] = datetime(2026, 11, 25, 6, 0)                                       # run on Wednesday
    score_into_store(week, store, scorer=keyword_scorer)
    with store.connect() as con:
        assert collect(con, "2026-W48").partial_days == 2
        assert collect(con, "2026-W47").partial_days is None                     # a finished week
    html = weekly_report(store, "2026-W48", tmp_path / "r.html", alerts_path=tmp_path / "a.json")
    assert "集計途中の週" in html.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["partial_week_days"] == 2
    clock["t"] = datetime(2026, 11, 30, 6, 0)                                       # the next Monday's run
    score_into_store(synthetic_week("2026-11-23", 3, seed=4, start_id=400), store, scorer=keyword_scorer)
    with store.connect() as con:
        assert collect(con, "2026-W48").partial_days is None
