"""score --person-col: the store counts writers, not texts, and keeps only a keyed digest of their ids;
the first week's report (no baseline) shows no z."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.store import Store, score_into_store
from mvvtext.store._aggregate import collect
from test_store_helpers import keyword_scorer, synthetic_week


def _week(n: int = 24, writers: int = 3) -> pd.DataFrame:
    df = synthetic_week("2026-11-09", n, seed=41)
    df["site"] = "東京"
    df["employee"] = [f"E{i % writers:04d}" for i in range(n)]
    return df


def _data(store: Store):
    with store.connect(write=False) as con:
        return collect(con)


def test_people_are_counted_once_however_many_texts_they_write(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(_week(), store, scorer=keyword_scorer, segments=["site"], person="employee")
    data = _data(store)
    assert (data.n_period, data.n_people) == (24, 3)
    # three writers are under the 5-people threshold: the site's figures are hidden, not shown as 24 "people"
    table = data.breakdowns["site"]
    assert "東京" not in table["site"].tolist()
    assert data.quotes == {}  # 24 texts from 3 people are never quoted
    assert data.window["person"].nunique() == 3


def test_without_a_person_column_each_text_is_a_person(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(_week(), store, scorer=keyword_scorer, segments=["site"])
    data = _data(store)
    assert data.n_people is None
    assert data.breakdowns["site"].set_index("site").loc["東京", "people"] == 24


def test_only_a_keyed_digest_of_the_id_is_stored(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    score_into_store(_week(), store, scorer=keyword_scorer, person="employee")
    con = duckdb.connect(str(store.path), read_only=True)
    dump = " ".join(str(v) for row in con.execute("SELECT * FROM voices").fetchall() for v in row)
    keys = {r[0] for r in con.execute("SELECT person_key FROM voices").fetchall()}
    con.close()
    assert "E0001" not in dump and len(keys) == 3 and all(len(k) == 32 for k in keys)
    other = Store(tmp_path / "other.duckdb")  # another store, another key: digests cannot be matched across
    score_into_store(_week(), other, scorer=keyword_scorer, person="employee")
    con = duckdb.connect(str(other.path), read_only=True)
    assert not keys & {r[0] for r in con.execute("SELECT person_key FROM voices").fetchall()}
    con.close()


def test_spacing_and_width_of_an_id_do_not_make_another_person(tmp_path):
    df = _week(6, writers=1)
    df["employee"] = ["E0001", "E0001 ", "Ｅ０００１", "E0001", None, ""]
    store = Store(tmp_path / "s.duckdb")
    score_into_store(df, store, scorer=keyword_scorer, person="employee")
    assert _data(store).n_people == 3  # one writer, and two rows without one counted as their texts


def test_a_later_export_with_the_person_column_fills_it_in_for_stored_rows(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    first = _week()
    score_into_store(first.drop(columns="employee"), store, scorer=keyword_scorer)
    again = score_into_store(first, store, scorer=keyword_scorer, person="employee")
    assert (again.n_new, again.n_updated) == (0, 24)
    assert "person (24)" in again.message
    assert _data(store).n_people == 3


def test_a_missing_person_column_names_the_option(tmp_path):
    with pytest.raises(InputError, match="--person-col"):
        score_into_store(_week(), Store(tmp_path / "s.duckdb"), scorer=keyword_scorer, person="社員番号")


def test_the_person_column_cannot_be_a_segment(tmp_path):
    with pytest.raises(InputError, match="segment"):
        score_into_store(_week(), Store(tmp_path / "s.duckdb"), scorer=keyword_scorer, person="employee",
                         segments=["employee"])


def test_cli_score_passes_the_person_column(tmp_path, monkeypatch, capsys):
    import argparse

    import mvvtext.store
    from mvvtext.store._cli import add_store_commands

    seen = {}

    def fake(input, store, **kw):
        seen.update(kw)
        return "run summary"

    monkeypatch.setattr(mvvtext.store, "score_into_store", fake)
    parser = argparse.ArgumentParser()
    add_store_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["score", "in.csv", "--store", str(tmp_path / "s.duckdb"), "--person-col", "社員番号"])
    assert args.func(args) == 0
    assert seen["person"] == "社員番号" and "run summary" in capsys.readouterr().out


def test_the_report_and_alerts_give_the_week_s_people(tmp_path):
    import json

    from mvvtext.store import weekly_report

    store = Store(tmp_path / "s.duckdb")
    score_into_store(_week(), store, scorer=keyword_scorer, person="employee")
    html = weekly_report(store, out=tmp_path / "r.html", alerts_path=tmp_path / "a.json").read_text(encoding="utf-8")
    assert "<b>24</b>（3人）" in html
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["n_people"] == 3


def test_the_first_week_has_no_baseline_and_no_z(tmp_path):
    from mvvtext.store import weekly_report

    store = Store(tmp_path / "s.duckdb")
    score_into_store(_week(), store, scorer=keyword_scorer)
    issues = _data(store).issues
    assert issues["z"].isna().all() and issues["baseline_mean"].isna().all()
    # the priority is the week's own figures, not multiplied by a z of n
    pay = issues.set_index("topic").loc["pay"]
    assert pay["priority"] == pytest.approx(pay["n"] * (0.5 + pay["share_negative"]) + 3 * pay["n_risk"])
    html = weekly_report(store, out=tmp_path / "r.html").read_text(encoding="utf-8")
    import re

    shown = re.sub(r"data:image/[^\"']+", "", html).lower()  # the chart's base64 may hold any letters
    assert "nan" not in shown and "ベースライン平均と z は「–」" in html
    book = pd.read_excel(weekly_report(store, out=tmp_path / "r.xlsx", format="xlsx"), sheet_name=None)
    assert "給与" in " ".join(book["issues"]["label"].astype(str))
    assert any("給与" in str(c) for c in book["trends"].columns)
