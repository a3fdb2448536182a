"""Small-cell suppression, complementary suppression, breakdowns, quotes, CS portfolio."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.rank import breakdown, quotes, rank_issues
from mvvtext.rank._suppress import suppress


def _unrecoverable(people, mask, row_m, col_m, k):
    """No published row/column lets a hidden cell be recovered alone or as a group of < k."""
    for m, v, margins in ((mask, people, row_m), (mask.T, people.T, col_m)):
        for i in range(m.shape[0]):
            if margins[i] or not (m[i] & (v[i] > 0)).any():      # hidden zeros alone hide no one
                continue
            hidden = v[i][m[i]]
            assert m[i].sum() >= 2, (i, m[i])
            assert hidden.sum() >= k or hidden.sum() == 0, (i, hidden)


@pytest.mark.parametrize("people", [
    [[12, 3, 20], [8, 9, 30]],
    [[2, 40, 50, 60], [30, 40, 50, 60], [30, 40, 50, 1]],
    [[0, 3, 0], [10, 10, 10]],
    [[4, 0, 0], [0, 0, 0]],
    [[6, 7, 8, 9]],
])
def test_suppress_primary_and_complementary(people):
    people = np.array(people)
    mask, rm, cm = suppress(people, 5)
    assert mask[(people > 0) & (people < 5)].all()          # every small cell hidden
    _unrecoverable(people, mask, rm, cm, 5)


def test_suppress_random_tables_are_never_recoverable():
    rng = np.random.default_rng(0)
    for _ in range(200):
        people = rng.poisson(rng.uniform(1, 12), size=(rng.integers(1, 6), rng.integers(1, 7)))
        mask, rm, cm = suppress(people, 5)
        assert mask[(people > 0) & (people < 5)].all()
        _unrecoverable(people, mask, rm, cm, 5)


def test_suppress_small_column_and_disabled():
    people = np.array([[10, 2], [10, 1]])
    mask, _, cm = suppress(people, 5, column_size=np.array([40, 3]))
    assert mask[:, 1].all() and cm[1]
    mask, rm, cm = suppress(people, 1)
    assert not mask.any() and not rm.any()


def test_zeros_beside_a_small_hidden_group_are_hidden_too():
    # a topic raised by 3 people of one department and by no one elsewhere: zeros would point at them
    people = np.array([[0, 3, 0, 0], [20, 12, 9, 30]])
    mask, rm, _ = suppress(people, 5)
    assert mask[0].all() and rm[0]
    assert mask[1].tolist() == [False, True, True, False]      # complementary cells, as before
    # a group of k or more people may be located: the zeros stay
    people = np.array([[0, 3, 4, 0], [20, 12, 9, 30]])
    mask, rm, _ = suppress(people, 5)
    assert mask[0].tolist() == [False, True, True, False] and not rm[0]


def test_breakdown_hides_the_whole_row_of_a_topic_of_one_small_department():
    rows = [(f"p{i}", ["pay"], "営業" if i % 2 else "開発") for i in range(40)]
    rows += [(f"L{i}", ["harassment"], "法務") for i in range(3)] + [(f"L{i}", ["pay"], "法務") for i in range(3)]
    rows += [(f"M{i}", ["pay"], "法務") for i in range(3)]
    df = pd.DataFrame(rows, columns=["person_id", "topics", "部署"])
    df["sentiment"], df["intent"], df["risks"] = -1.0, "complaint", [[] for _ in range(len(df))]
    for measure in ("people", "texts", "people_share", "negative_share"):
        tab = breakdown(df, by="部署", measure=measure, time=None)
        assert tab.loc["harassment"].isna().all(), (measure, tab.loc["harassment"].tolist())
        assert tab.loc["pay", "開発"] == {"people": 20, "texts": 20, "people_share": 1.0, "negative_share": 1.0}[measure]


def _analysed(seed=0, n=600):
    rng = np.random.default_rng(seed)
    sites = np.array(["A", "B", "C", "D", "tiny"])
    person = rng.integers(0, 200, n)
    site = sites[np.minimum(person // 45, 4)]             # tiny holds persons 180-199 ... made small below
    site[person >= 197] = "tiny"
    site[(person >= 180) & (person < 197)] = "D"
    topics = rng.choice(["pay", "evaluation"], n, p=[0.6, 0.4]).astype(object)
    topics[np.isin(person, [0, 50, 100, 150]) & (np.arange(n) % 2 == 0)] = "harassment"  # 4 people at most
    return pd.DataFrame({
        "person_id": [f"p{x}" for x in person], "site": site, "topics": [[t] for t in topics],
        "primary": topics, "sentiment": rng.integers(-2, 3, n).astype(float),
        "intent": "complaint", "risks": [[] for _ in range(n)],
        "timestamp": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 70, n), unit="D"),
        "text": [f"山田太郎です。{t}の件で相談があります。番号{i}" for i, t in enumerate(topics)],
        "text_masked": [f"〈氏名〉です。{t}の件で相談があります。受付番号は{i}番です。" for i, t in enumerate(topics)],
    })


def test_breakdown_hides_small_cells_and_segments():
    df = _analysed()
    b = breakdown(df, by="site", measure="people")
    sup = b.attrs["suppressed"]
    people = b.attrs["people"]
    assert list(b.columns[-1:]) == ["total"]
    assert sup["tiny"].iloc[:].all()                       # 3-person site hidden entirely
    assert b["tiny"].isna().all()
    small = (people > 0) & (people < 5)
    assert sup[people.columns][small].fillna(False).to_numpy()[small.to_numpy()].all()
    assert b.drop(columns="total").isna().equals(sup.drop(columns="total"))
    assert sup.loc["pay", ["A", "B", "C", "D"]].sum() <= 1    # at most one complement for the tiny cell
    _unrecoverable(people.to_numpy(), sup[people.columns].to_numpy(), sup["total"].to_numpy(),
                   np.array([b.attrs["column_margin_suppressed"][c] for c in people.columns]), 5)
    assert b.loc["pay", "total"] == df[df["primary"] == "pay"]["person_id"].nunique()
    assert b.attrs["notes"]


def test_breakdown_measures_and_period():
    df = _analysed()
    for m in ("texts", "people", "negative_share", "mean_sentiment", "people_share"):
        b = breakdown(df, by="site", measure=m, min_people_figures=1)
        has = (b.attrs["people"] > 0).to_numpy()
        assert b.drop(columns="total").notna().to_numpy()[has].all(), m
        assert not b.attrs["suppressed"].to_numpy().any()
    texts = breakdown(df, by="site", measure="texts", min_people_figures=1)
    assert texts.loc["pay", "total"] == (df["primary"] == "pay").sum()
    per = breakdown(df, by="period", period="W", min_people_figures=1)
    assert per.drop(columns="total").sum(axis=1).equals(per["total"])
    assert len(per.columns) == 11                          # 10 weeks + total
    with pytest.raises(InputError, match="measure"):
        breakdown(df, measure="volume")
    with pytest.raises(InputError, match="time column"):
        breakdown(df.drop(columns="timestamp"), by="period")


def test_breakdown_does_not_mutate():
    df = _analysed()
    before = df.copy(deep=True)
    breakdown(df, by="site")
    pd.testing.assert_frame_equal(df, before)


def test_quotes_are_masked_and_respect_thresholds():
    df = _analysed()
    q = quotes(df, "pay", n=3, segments=["site"], min_people_quotes=10)
    assert len(q) == 3
    assert all("〈氏名〉" not in x or "山田" not in x for x in q["quote"])
    assert not any("山田" in x for x in q["quote"])
    assert set(df.loc[q.index, "site"]) <= {"A", "B", "C", "D"}   # never from the 3-person site
    # harassment raised by fewer than 10 people: no quotes
    assert quotes(df, "harassment", min_people_quotes=10).empty
    assert q["quote"].is_unique
    sev = quotes(df, "pay", n=2, kind="severe")
    assert (sev["sentiment"] == -2).all()
    with pytest.raises(InputError, match="text_masked"):
        quotes(df.drop(columns="text_masked"), "pay")


def test_ranking_never_quotes_raw_text():
    df = _analysed()
    r = rank_issues(df, outcome=None)
    joined = " ".join(r["quote_typical"]) + " ".join(r["quote_severe"])
    assert "山田" not in joined
    r2 = rank_issues(df.drop(columns="text_masked"), outcome=None)
    assert (r2["quote_typical"] == "").all()
    assert any("text_masked" in n for n in r2.attrs["notes"])


def test_cs_portfolio_columns():
    rng = np.random.default_rng(1)
    n = 300
    pay = rng.integers(1, 6, n).astype(float)
    benefits = rng.integers(1, 6, n).astype(float) + 1
    overall = 0.9 * pay + 0.1 * benefits + rng.normal(0, 0.3, n)
    df = _analysed(n=n)
    df["q_pay"], df["q_benefits"], df["q_overall"] = pay, benefits, overall
    items = {"pay": "q_pay", "benefits": "q_benefits"}
    r = rank_issues(df, outcome=None, satisfaction_items=items, overall="q_overall").set_index("topic")
    assert r.loc["pay", "cs_importance"] > 0.8
    assert r.loc["pay", "cs_improvement_index"] > 0
    assert "improvement" in r.attrs["weights"]
    with pytest.raises(InputError, match="overall"):
        rank_issues(df, outcome=None, satisfaction_items=items)
    df["q_pay"] = df["q_pay"].astype(object)
    df.loc[3, "q_pay"] = "n/a"
    with pytest.raises(InputError, match="q_pay"):
        rank_issues(df, outcome=None, satisfaction_items=items, overall="q_overall")


def test_breadth_ignores_segments_below_threshold():
    df = _analysed()
    r = rank_issues(df, outcome=None, segments=["site"]).set_index("topic")
    assert r.loc["pay", "segments_raising_site"] == 4     # tiny site has < 5 people
    assert r.loc["pay", "segments_total_site"] == 5
    # a topic of < 5 people counts towards no segment (computed on the true figures) ...
    from mvvtext.rank._components import breadth
    from mvvtext.rank._prepare import prepare

    p = prepare(df, topic_field="topics", time=None, person="person_id", segments=["site"], period="W",
                negative_threshold=-0.5, want_time=False)
    assert breadth(p, 5).loc["harassment", "segments_raising_site"] == 0
    # ... and the ranking does not print it (its figures are hidden)
    assert r.loc["harassment", "suppressed"] == "figures+quotes"
    assert np.isnan(r.loc["harassment", "segments_raising_site"]) and np.isnan(r.loc["harassment", "breadth"])


def test_permutation_invariance():
    df = _analysed()
    a = rank_issues(df, outcome=None, with_quotes=False)
    b = rank_issues(df.sample(frac=1, random_state=3), outcome=None, with_quotes=False)
    cols = [c for c in a.columns if c not in ("explanation",)]
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))
    assert not any(itertools.starmap(lambda x, y: x != y, zip(a["explanation"], b["explanation"])))


def test_quote_excerpt_drops_letter_furniture_and_leftover_contact_data():
    from mvvtext.rank._quotes import _clip

    text = ("件名:給与明細について\nお疲れさまです。品質保証部 〈氏名〉(MG-432039)です。\n"
            "今月の残業代が足りません。連絡は090-1234-5678かtaro.y@example.co.jpまでお願いします。\n"
            "よろしくお願いいたします。\n--\n〈氏名〉\nTEL: 03-1234-5678")
    q = _clip(text)
    assert q.startswith("今月の残業代が足りません。")
    assert "MG-432039" not in q and "090-1234" not in q and "taro" not in q and "03-1234" not in q
    assert "〈電話〉" in q and "〈メール〉" in q
    assert "件名" not in q and "よろしく" not in q
    assert _clip("内容:上司を変更してもらうことはできるのでしょうか。") == "上司を変更してもらうことはできるのでしょうか。"
    assert len(_clip("長い" * 500)) == 160


def _tone_frame():
    """14 complaints about pay, each in its own words, and 10 near-identical thanks (closest to the centroid)."""
    texts = ["残業代が少なすぎると感じていて、正直かなり不満です。", "賞与が去年より減ったと感じていて、正直かなり不満です。", "昇給が三年止まっていると感じていて、正直かなり不満です。", "手当の計算が間違っていると感じていて、正直かなり不満です。",
             "同業他社より時給が低いと感じていて、正直かなり不満です。", "交通費が出ない月があったと感じていて、正直かなり不満です。", "深夜手当がつかないのはおかしいと感じていて、正直かなり不満です。",
             "明細の控除額が多すぎて生活が苦しいと感じていて、正直かなり不満です。", "ボーナス査定の基準が不公平だと感じていて、正直かなり不満です。", "基本給が新卒と変わらないと感じていて、正直かなり不満です。",
             "住宅手当が廃止されて困ると感じていて、正直かなり不満です。", "給料日が遅れて家賃が払えないと感じていて、正直かなり不満です。", "資格手当の申請が通らないと感じていて、正直かなり不満です。",
             "給与テーブルが古いままで不満と感じていて、正直かなり不満です。"]
    texts += [f"給与明細の見方を丁寧に教えていただき本当に助かりました、ありがとうございました{i}。" for i in range(10)]
    n = len(texts)
    return pd.DataFrame({"person_id": [f"p{i}" for i in range(n)], "topics": [["pay"]] * n, "primary": "pay",
                         "sentiment": [-1.5] * 14 + [1.8] * 10, "intent": ["complaint"] * 14 + ["praise"] * 10,
                         "risks": [[] for _ in range(n)], "text_masked": texts, "id": [f"Q{i:03d}" for i in range(n)]})


def test_the_typical_quote_has_the_topics_commonest_tone():
    df = _tone_frame()
    assert (quotes(df, "pay", n=3, segments=[])["sentiment"] < 0).all()
    r = rank_issues(df, time=None, segments=[], outcome=None)
    assert "ありがとう" not in r.set_index("topic").loc["pay", "quote_typical"]


def test_xlsx_quotes_sheet_never_repeats_a_typical_quote_as_severe_and_names_ids(tmp_path):
    from mvvtext.report import write_xlsx_report

    df = _tone_frame()
    path = write_xlsx_report(rank_issues(df, time=None, segments=[], outcome=None), df, tmp_path / "r.xlsx")
    sheet = pd.read_excel(path, sheet_name="quotes")
    assert sheet["row"].is_unique and len(sheet) == 6
    assert set(sheet["id"]) <= set(df["id"]) and (sheet["id"] == df.loc[sheet["row"], "id"].to_numpy()).all()
