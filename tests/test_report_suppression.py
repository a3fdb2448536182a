"""Small groups in the ranking and the reports: hidden figures stay hidden everywhere."""
from __future__ import annotations

import html as _html
import re

import numpy as np
import pandas as pd
import pytest

from mvvtext.rank import breakdown, rank_issues
from mvvtext.report import _charts, write_html_report, write_xlsx_report

#: Figure columns that must not be shown for a topic raised by fewer than min_people_figures people.
FIGURES = ["texts", "people", "share", "repeat_contact_rate", "mean_sentiment", "negative_share",
           "complaint_share", "intent_severity", "risk_texts", "risk_resignation", "latest_count",
           "latest_mean", "baseline_mean", "rate_ratio", "trend_z", "trend_p", "segments_raising_部署",
           "breadth", "outcome_people", "outcome_lift", "outcome_p", "c_volume", "c_negativity",
           "c_intent", "c_risk", "c_trend", "c_breadth", "c_outcome"]


def _frame(with_segments: bool = True) -> pd.DataFrame:
    """30 people over three topics, two texts each, and ``workload`` raised twice by one person."""
    rng = np.random.default_rng(1)
    rows = []
    for i in range(30):
        topic = ["pay", "evaluation", "benefits"][i % 3]
        for _ in range(2):
            rows.append((f"e{i}", [topic], float(rng.integers(-2, 3)), "complaint", [], int(rng.integers(0, 84)),
                         ["設計", "品証", "営業"][i % 3], int(i % 4 == 0)))
    rows.append(("e0", ["workload"], -2.0, "complaint", ["resignation"], 80, "設計", 1))
    rows.append(("e0", ["workload"], -1.42, "complaint", [], 81, "設計", 1))
    df = pd.DataFrame(rows, columns=["社員ID", "topics", "sentiment", "intent", "risks", "day", "部署", "早期離職"])
    df["timestamp"] = pd.Timestamp("2026-04-06") + pd.to_timedelta(df.pop("day"), unit="D")
    df["text_masked"] = [f"{t[0]}について相談です。確認をお願いします。" for t in df["topics"]]
    return df if with_segments else df.drop(columns=["部署"])


@pytest.fixture(scope="module")
def analysed() -> pd.DataFrame:
    return _frame()


@pytest.fixture(scope="module")
def ranking(analysed) -> pd.DataFrame:
    return rank_issues(analysed, time="timestamp", person="社員ID", segments=["部署"], outcome="早期離職")


def test_ranking_hides_every_figure_of_a_one_person_topic(ranking):
    row = ranking.set_index("topic").loc["workload"]
    assert row["suppressed"] == "figures+quotes"
    for col in FIGURES:
        assert pd.isna(row[col]), col
    assert row["emerging"] is pd.NA
    assert row["quote_typical"] == "" and row["quote_severe"] == ""
    assert not re.search(r"\d", row["explanation"]), row["explanation"]    # no figure in words either
    assert "数値と引用を秘匿" in row["explanation"]
    # what stays: the rank, the score, the label, the segment count (not about the topic's people)
    assert np.isfinite(row["priority"]) and row["rank"] >= 1 and row["segments_total_部署"] == 3
    # the other topics keep their figures
    shown = ranking.set_index("topic").drop(index="workload")
    assert shown["texts"].tolist() == [20, 20, 20] and shown["people"].notna().all()
    assert ranking["rank"].tolist() == list(range(1, len(ranking) + 1))


def test_priority_is_computed_from_the_true_figures():
    # without segments and outcome no component depends on min_people_figures
    df = _frame(with_segments=False)
    hidden = rank_issues(df, person="社員ID", segments=[], outcome=None).set_index("topic")
    true = rank_issues(df, person="社員ID", segments=[], outcome=None, min_people_figures=1).set_index("topic")
    assert hidden.loc["workload", "suppressed"] == "figures+quotes"
    assert true.loc["workload", "suppressed"] != "figures+quotes"
    pd.testing.assert_series_equal(hidden["priority"], true.loc[hidden.index, "priority"])
    assert hidden["rank"].tolist() == true.loc[hidden.index, "rank"].tolist()


def test_english_explanation_of_a_hidden_row_names_what_is_hidden(analysed):
    r = rank_issues(analysed, person="社員ID", segments=["部署"], outcome="早期離職", language="en")
    expl = r.set_index("topic").loc["workload", "explanation"]
    assert expl == "(figures and quotes suppressed: small group)"


def _cells(html: str, topic: str) -> list[str]:
    """Text of the ranking-table cells of ``topic``'s row."""
    m = re.search(r'<tr><td>\d+</td><td class="l">[^<]*<br><span class="small">' + topic
                  + r"</span>(.*?)</tr>", html, flags=re.S)
    assert m, topic
    return [_html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(1), re.S)]


def test_html_table_prints_none_of_the_hidden_figures(tmp_path, analysed, ranking):
    html = write_html_report(ranking, analysed, tmp_path / "r.html").read_text("utf-8")
    cells = _cells(html, "workload")
    priority, figures, explanation = cells[0], cells[1:-1], cells[-1]
    assert priority.isdigit()                                   # the score stays
    assert figures and all(c == "–" for c in figures), figures  # texts … OR: nothing printed
    assert not re.search(r"\d", explanation)
    assert "数値・引用秘匿" in html
    assert "-1.71" not in html and "−1.71" not in html         # its mean sentiment
    # a shown topic still prints its figures
    pay = _cells(html, "pay")
    assert pay[1] == "20" and pay[2] == "10"
    # the figures of the hidden row are not in a top-three card either
    assert "リスク –" not in html


def test_html_risk_total_counts_every_risk_text_once(tmp_path, analysed, ranking):
    # the one risk text is in the hidden topic: the page total (not suppressed, see docs) still counts it
    html = write_html_report(ranking, analysed, tmp_path / "r.html").read_text(encoding="utf-8")
    assert re.search(r"リスクを含むテキスト<b>1</b>", html)
    two = analysed.copy()
    two.loc[0, "risks"] = ["resignation", "health"]              # two risks, and below: two topics
    two.loc[0, "topics"] = ["pay", "evaluation"]
    html = write_html_report(rank_issues(two, time="timestamp", person="社員ID", segments=["部署"]), two,
                             tmp_path / "r2.html").read_text(encoding="utf-8")
    assert re.search(r"リスクを含むテキスト<b>2</b>", html)


def test_xlsx_ranking_sheet_leaves_hidden_figures_empty(tmp_path, analysed, ranking):
    path = write_xlsx_report(ranking, analysed, tmp_path / "r.xlsx")
    sheet = pd.read_excel(path, sheet_name="ranking").set_index("topic")
    for col in FIGURES + ["emerging"]:
        assert pd.isna(sheet.loc["workload", col]), col
    assert sheet.loc["pay", "texts"] == 20


def test_quotes_are_hidden_when_figures_are_even_above_the_quote_threshold(analysed):
    r = rank_issues(analysed, person="社員ID", segments=[], outcome=None, min_people_figures=12,
                    min_people_quotes=5).set_index("topic")
    assert (r["suppressed"] == "figures+quotes").all()         # 10 people each < 12
    assert (r["quote_typical"] == "").all() and (r["quote_severe"] == "").all()


def _period_frame() -> pd.DataFrame:
    """``pay``: 8 people a week for 6 weeks, 1 person in week 7; ``benefits`` 2 and ``career`` 3 a week."""
    rows = []
    for w in range(7):
        for i in range(8 if w < 6 else 1):
            rows.append((f"p{w}_{i}", ["pay"], -1.0, "complaint", [], w * 7 + i % 7, "X"))
        for i in range(2):
            rows.append((f"b{w}_{i}", ["benefits"], 0.0, "question", [], w * 7 + 1, "X"))
        for i in range(3):
            rows.append((f"c{w}_{i}", ["career"], 0.0, "question", [], w * 7 + 2, "X"))
    rows.append(("solo", ["workload"], -2.0, "complaint", [], 3, "X"))
    df = pd.DataFrame(rows, columns=["person_id", "topics", "sentiment", "intent", "risks", "day", "site"])
    df["timestamp"] = pd.Timestamp("2026-04-06") + pd.to_timedelta(df.pop("day"), unit="D")
    return df


def test_trend_series_has_gaps_not_zeros_and_true_values():
    df = _period_frame()
    r = rank_issues(df, outcome=None, segments=[])
    per = breakdown(df, by="period", min_people_figures=5)
    true = breakdown(df, by="period", min_people_figures=1).drop(columns="total")
    data, left_out = _charts.trend_series(per, r)
    sup = per.attrs["suppressed"].drop(columns="total")
    assert "pay" in data.index
    pay = data.loc["pay"]
    assert pay[sup.loc["pay"]].isna().all() and sup.loc["pay"].any()    # hidden cells: gaps
    np.testing.assert_array_equal(pay[~sup.loc["pay"]], true.loc["pay", ~sup.loc["pay"]])
    assert (pay.dropna() == 8).all() and pay.notna().sum() >= 4          # visible: the true counts
    # every non-empty cell of benefits / career is hidden (the old chart drew them as flat zeros),
    # and workload's row hides its figures: none of them is drawn
    for t in ("benefits", "career", "workload"):
        assert t not in data.index and t in left_out, t
    assert _charts.trend_lines(per, r) is not None


def test_trend_chart_left_out_when_every_cell_is_hidden(tmp_path, analysed, ranking):
    per = breakdown(analysed, by="period", person="社員ID", min_people_figures=5)
    data, left_out = _charts.trend_series(per, ranking)
    assert len(data) == 0 and set(left_out) == set(ranking["topic"])  # no flat line at 0
    assert _charts.trend_lines(per, ranking) is None
    html = write_html_report(ranking, analysed, tmp_path / "r.html").read_text("utf-8")
    assert '<img alt="trend"' not in html and "推移を秘匿" in html


def test_trend_chart_lines_hold_nan_gaps_and_true_values(monkeypatch):
    df = _period_frame()
    r = rank_issues(df, outcome=None, segments=[])
    per = breakdown(df, by="period", min_people_figures=5)
    true = breakdown(df, by="period", min_people_figures=1).drop(columns="total")
    sup = per.attrs["suppressed"].drop(columns="total")
    figs = []
    monkeypatch.setattr(_charts, "to_png", lambda fig: figs.append(fig) or "png")
    _charts.trend_lines(per, r)
    lines = {ln.get_label(): np.asarray(ln.get_ydata(), dtype=float) for ln in figs[0].axes[0].get_lines()}
    labels = dict(zip(r["topic"], r["label"]))
    assert set(lines) == {labels["pay"]}                        # no flat line at 0 for hidden topics
    y = lines[labels["pay"]]
    hidden = sup.loc["pay"].to_numpy()
    assert np.isnan(y[hidden]).all()
    np.testing.assert_array_equal(y[~hidden], true.loc["pay"].to_numpy(dtype=float)[~hidden])


def test_heatmap_prints_counts_as_counts_even_when_they_are_all_zero_or_one(monkeypatch):
    from matplotlib.axes import Axes

    shown = []
    real = Axes.text
    monkeypatch.setattr(Axes, "text", lambda self, x, y, s, *a, **k: (shown.append(s), real(self, x, y, s, *a, **k))[1])
    people = pd.DataFrame({"大阪": [0.0, 0.0], "東京": [np.nan, 0.0], "total": [np.nan, 0.0]}, index=["health", "legal"])
    people.attrs = {"measure": "people", "suppressed": people.isna()}
    _charts.heatmap(people, "リスク × 拠点（人数）")
    assert shown and "秘匿" in shown and not any("%" in s for s in shown)
    shown.clear()
    share = people.fillna(0.25)
    share.attrs = {"measure": "people_share", "suppressed": people.isna() & False}
    _charts.heatmap(share, "割合")
    assert "25%" in shown and "0%" in shown
