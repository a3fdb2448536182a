"""HTML and xlsx reports from a ranking (synthetic analysed frame, no classifier)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.rank import rank_issues
from mvvtext.report import write_html_report, write_xlsx_report


@pytest.fixture(scope="module")
def analysed():
    rng = np.random.default_rng(0)
    n = 800
    topics = rng.choice(["pay", "evaluation", "work_style", "harassment"], n, p=[0.4, 0.3, 0.25, 0.05])
    person = rng.integers(0, 300, n)
    sites = np.array(["東京本社", "大阪支店", "名古屋テクノセンター", "福岡支店"])
    return pd.DataFrame({
        "person_id": [f"p{x}" for x in person], "site": sites[person % 4],
        "department": np.array(["設計", "品証"])[person % 2],
        "topics": [[t] for t in topics], "primary": topics, "intent": "complaint",
        "sentiment": rng.integers(-2, 3, n).astype(float),
        "risks": [["harassment"] if t == "harassment" else [] for t in topics],
        "timestamp": pd.Timestamp("2026-04-06") + pd.to_timedelta(rng.integers(0, 84, n), unit="D"),
        "text_masked": [f"{t}について困っています<script>alert({i})</script>。改善をお願いします。" for i, t in
                        enumerate(topics)],
        "left_early": (person % 5 == 0).astype(int),
    })


@pytest.fixture(scope="module")
def ranking(analysed):
    return rank_issues(analysed, segments=["site", "department"])


def test_html_report_is_self_contained(tmp_path, analysed, ranking):
    path = write_html_report(ranking, analysed, tmp_path / "sub" / "r.html", title="テスト報告書")
    html = path.read_text("utf-8")
    assert "<title>テスト報告書</title>" in html
    imgs = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(imgs) >= 5 and all(s.startswith("data:image/png;base64,") for s in imgs)
    assert not re.search(r'(src|href)="https?://', html)          # nothing fetched from outside
    assert "<script>alert" not in html and "&lt;script&gt;" in html  # quotes are escaped
    for t in ("給与・賞与・手当", "評価・昇格", "急増", "秘匿"):
        assert t in html, t
    # every topic of the ranking appears in the table
    for t in ranking["topic"]:
        assert f">{t}<" in html or f"{t}</span>" in html


def test_html_report_without_time_or_segments(tmp_path, analysed):
    df = analysed.drop(columns=["timestamp", "site", "department"])
    r = rank_issues(df, segments=[])
    html = write_html_report(r, df, tmp_path / "r.html").read_text("utf-8")
    assert "日時の列「timestamp」が見つからないため、推移は計算していません" in html and "trend not computed" not in html
    assert "重み：件数 " in html                                # the weights named in Japanese too
    assert html.count("data:image/png;base64,") == 2   # priority bars + matrix only


def test_html_report_rejects_non_ranking(tmp_path, analysed):
    with pytest.raises(InputError, match="rank_issues"):
        write_html_report(analysed, analysed, tmp_path / "r.html")


def test_xlsx_report_sheets(tmp_path, analysed, ranking):
    path = write_xlsx_report(ranking, analysed, tmp_path / "r.xlsx", segments=["site"])
    sheets = pd.read_excel(path, sheet_name=None)
    assert {"ranking", "by_site", "by_period", "quotes", "notes"} <= set(sheets)
    assert len(sheets["ranking"]) == len(ranking)
    q = sheets["quotes"]
    assert set(q["kind"]) == {"typical", "severe"}
    assert set(q["topic"]) <= set(ranking["topic"])
    assert "harassment" not in set(q["topic"]) or ranking.set_index("topic").loc["harassment", "people"] >= 10


def test_html_report_with_cs_portfolio(tmp_path, analysed):
    rng = np.random.default_rng(2)
    df = analysed.copy()
    for t in ("pay", "evaluation", "work_style"):
        df[f"q_{t}"] = rng.integers(1, 6, len(df)).astype(float)
    df["q_overall"] = df["q_pay"] * 0.8 + rng.normal(0, 0.5, len(df))
    r = rank_issues(df, segments=["site"], satisfaction_items={t: f"q_{t}" for t in ("pay", "evaluation", "work_style")},
                    overall="q_overall")
    html = write_html_report(r, df, tmp_path / "cs.html").read_text("utf-8")
    assert "重要度 × 満足度" in html
    assert html.count("data:image/png;base64,") >= 5


def test_reports_count_people_with_the_person_column_the_ranking_used(tmp_path, analysed, monkeypatch):
    from mvvtext.rank import breakdown

    renamed = analysed.rename(columns={"person_id": "社員ID"})
    ranking = rank_issues(renamed, person="社員ID", segments=["site"])
    path = write_xlsx_report(ranking, renamed, tmp_path / "r.xlsx")  # person and segments from ranking.attrs
    people = breakdown(renamed, by="site", person="社員ID", measure="people")
    texts = breakdown(renamed, by="site", measure="people")  # every text its own voice
    sheet = pd.read_excel(path, sheet_name="by_site", index_col=0, nrows=len(people))
    cell = ("pay", people.columns[0])
    assert people.loc[cell] < texts.loc[cell]
    assert sheet.loc[cell] == people.loc[cell]
    import mvvtext.rank

    seen = []

    def spy(*args, **kwargs):
        seen.append(kwargs.get("person"))
        return breakdown(*args, **kwargs)

    monkeypatch.setattr(mvvtext.rank, "breakdown", spy)
    write_html_report(ranking, renamed, tmp_path / "r.html")
    assert seen and set(seen) == {"社員ID"}
