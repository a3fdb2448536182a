"""Weekly report, alerts JSON, confidentiality thresholds and the CLI functions."""
from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

from mvvtext.exceptions import EXIT_ERROR, EXIT_INPUT, EXIT_MODEL, EXIT_OK, InputError
from mvvtext.store import Store, score_into_store, weekly_report, write_alerts
from mvvtext.store._cli import add_store_commands, cmd_report, cmd_score
from test_store_helpers import keyword_scorer, synthetic_week

SPIKE = "残業が多すぎて眠れない日が続き辞めたいです"


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Store:
    """Ten quiet weeks of 60 inquiries, then a week with a workload + risk spike and a tiny site."""
    store = Store(tmp_path_factory.mktemp("store") / "desk.duckdb")
    start, next_id = pd.Timestamp("2026-09-14"), 0
    for w in range(11):
        df = synthetic_week(str((start + pd.Timedelta(weeks=w)).date()), 60, seed=w, start_id=next_id)
        next_id += 60
        if w == 10:
            df.loc[:19, "text"] = [f"{SPIKE}(#{i})" for i in range(20)]
            df.loc[20:22, "site"] = "離島"  # three people only: must not show in figures
        score_into_store(df, store, scorer=keyword_scorer, segments=["site"])
    return store


def test_latest_period_html_report_and_alerts(history, tmp_path):
    out = weekly_report(history, out=tmp_path / "r.html", alerts_path=tmp_path / "alerts.json")
    html = out.read_text(encoding="utf-8")
    assert "2026-W48" in html and "data:image/png;base64," in html
    for section in ("課題ランキング", "emerging", "リスク付きの声", "トピックの推移", "区分別", "MVV"):
        assert section in html
    alerts = json.loads((tmp_path / "alerts.json").read_text(encoding="utf-8"))
    assert set(alerts) >= {"period", "generated_at", "emerging", "risk_texts"}
    assert alerts["period"] == "2026-W48"
    emerging = {e["topic"]: e for e in alerts["emerging"]}
    assert "workload" in emerging and emerging["workload"]["count"] >= 20 and emerging["workload"]["z"] > 2
    assert "pay" not in emerging
    assert len(alerts["risk_texts"]) == 20
    assert set(alerts["risk_texts"][0]) == {"id", "risks", "risk_labels", "timestamp", "text_masked"}
    assert alerts["risk_texts"][0]["risks"] == ["health", "resignation"]
    assert alerts["risk_texts"][0]["risk_labels"] == ["心身の危険", "退職意向"]
    assert all(e["label"] and e["label"] != e["topic"] for e in alerts["emerging"])


def test_quiet_week_has_no_emerging_topic(history, tmp_path):
    alerts = write_alerts(history, tmp_path / "a.json", period="2026-W46")
    assert alerts["emerging"] == [] and alerts["risk_texts"] == []


def test_small_segment_suppressed_in_figures(history, tmp_path):
    html = weekly_report(history, out=tmp_path / "r.html").read_text(encoding="utf-8")
    assert "離島" not in html
    assert "5人未満" in html
    from mvvtext.store._aggregate import collect

    with history.connect() as con:
        data = collect(con)
    table = data.breakdowns["site"]
    shown = table[table["site"].isin(["東京", "大阪", "名古屋", "福岡", "札幌"])]
    assert (shown["people"] >= 5).all()
    cells = shown.drop(columns=["site", "people"]).to_numpy().ravel()
    assert all(c == "–" or c >= 5 for c in cells)


def test_quotes_only_for_topics_with_ten_voices_and_never_risk_texts(history):
    from mvvtext.store._aggregate import collect

    with history.connect() as con:
        data = collect(con, "2026-W48")
    counts = data.issues.set_index("topic")["n"]
    assert data.quotes, "some topic has 10+ voices this week"
    for topic, quotes in data.quotes.items():
        assert counts[topic] >= 10 and 1 <= len(quotes) <= 3
        assert not any(SPIKE in q for q in quotes)


def test_issues_compare_with_last_week_and_baseline(history):
    from mvvtext.store._aggregate import collect

    with history.connect() as con:
        data = collect(con, "2026-W48")
    assert data.previous == "2026-W47" and len(data.baseline_weeks) == 8
    top = data.issues.iloc[0]
    assert top["topic"] == "workload" and top["rank"] == 1 and bool(top["emerging"])
    assert data.n_period == 60 and data.n_previous == 60
    assert data.trends.shape[0] == 11


def test_xlsx_report(history, tmp_path):
    out = weekly_report(history, period="2026-W47", out=tmp_path / "r.xlsx", format="xlsx")
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"summary", "issues", "emerging", "risk_texts", "trends", "by_site", "values", "runs"} <= set(sheets)
    assert sheets["summary"].set_index("item").loc["period", "value"] == "2026-W47"


def test_bad_period_and_format(history, tmp_path):
    with pytest.raises(InputError, match="ISO week"):
        weekly_report(history, period="2026-47", out=tmp_path / "r.html")
    with pytest.raises(InputError, match="'format'"):
        weekly_report(history, out=tmp_path / "r.pdf", format="pdf")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mvvtext")
    add_store_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli_report_and_exit_codes(history, tmp_path, capsys):
    out, alerts = tmp_path / "r.html", tmp_path / "alerts.json"
    args = _parse(["report", "--store", str(history.path), "--out", str(out), "--alerts", str(alerts)])
    assert args.func(args) == EXIT_OK and out.exists() and alerts.exists()
    args = _parse(["report", "--store", str(tmp_path / "none.duckdb"), "--out", str(out)])
    assert cmd_report(args) == EXIT_ERROR
    assert "no store" in capsys.readouterr().err
    args = _parse(["report", "--store", str(history.path), "--period", "W47", "--out", str(out)])
    assert cmd_report(args) == EXIT_INPUT


def test_cli_score_bad_input_and_empty_export(tmp_path, capsys):
    export = tmp_path / "week.csv"
    synthetic_week("2026-11-16", 5, seed=1).rename(columns={"text": "本文"}).to_csv(export, index=False)
    args = _parse(["score", str(export), "--store", str(tmp_path / "s.duckdb")])
    assert cmd_score(args) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "--text-col" in err and "本文" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("id,text\n", encoding="utf-8")
    args = _parse(["score", str(empty), "--store", str(tmp_path / "s.duckdb")])
    assert cmd_score(args) == EXIT_INPUT  # a failed upstream export must not look like a quiet week
    assert "no rows" in capsys.readouterr().out
    assert Store(tmp_path / "s.duckdb").runs()["n_input"].tolist() == [0]


def test_cli_rescore_with_missing_model_is_a_model_error(history, tmp_path, capsys):
    args = _parse(["rescore", "--store", str(history.path), "--model", str(tmp_path / "no-such-model")])
    assert args.func(args) == EXIT_MODEL
    assert "no-such-model" in capsys.readouterr().err
    assert set(history.predictions()["model_version"]) == {"kw-1"}


@pytest.mark.parametrize("period", ["2026-W30", "2026-W52"])
def test_week_without_voices_gives_an_empty_report_not_an_error(history, tmp_path, period):
    alerts = tmp_path / "a.json"
    weekly_report(history, period=period, out=tmp_path / "r.html", alerts_path=alerts)
    data = json.loads(alerts.read_text(encoding="utf-8"))
    assert data["period"] == period and data["n_voices"] == 0 and data["emerging"] == []


def test_share_negative_counts_sentiment_at_most_minus_half_as_rank_issues(tmp_path):
    from mvvtext.store._aggregate import collect

    def mild(voices):
        out = keyword_scorer(voices)
        out["topics"], out["primary"] = [["pay"]] * len(out), "pay"
        out["sentiment"] = [-0.05, -0.5, -1.5, 0.0][: len(out)]
        return out

    mild.model_version = "mild-1"
    store = Store(tmp_path / "s.duckdb")
    score_into_store(synthetic_week("2026-11-16", 4, seed=3), store, scorer=mild)
    with store.connect() as con:
        issues = collect(con, "2026-W47").issues.set_index("topic")
    assert issues.loc["pay", "n"] == 4 and issues.loc["pay", "share_negative"] == pytest.approx(2 / 4)


def test_rescore_without_model_means_the_default_model(monkeypatch):
    import mvvtext.store

    seen = {}
    monkeypatch.setattr(mvvtext.store, "rescore", lambda store, **kw: seen.update(kw) or "rescored")
    args = _parse(["rescore", "--store", "s.duckdb"])
    assert args.func(args) == EXIT_OK and seen["model"] is None


def test_weekly_quotes_are_distinct_texts(tmp_path):
    from mvvtext.store._aggregate import collect

    week = synthetic_week("2026-11-16", 40, seed=5)
    week["text"] = ["評価面談の日程はいつ決まりますか。急ぎではありません。"] * 20 + week["text"].iloc[20:].tolist()
    week["site"] = "東京"
    store = Store(tmp_path / "s.duckdb")
    score_into_store(week, store, scorer=keyword_scorer, segments=["site"])
    with store.connect() as con:
        quotes = collect(con, "2026-W47").quotes
    assert quotes and all(len(q) == len(set(q)) for q in quotes.values())
