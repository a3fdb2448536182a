"""Repeated ids: exact copies are told from rows that differ, and the message says how to drop them."""
from __future__ import annotations

import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.io import read_table, read_voices

EXPORT = ("問い合わせID,本文,拠点,受付日時\n"
          "Q1,給与の件,東京,2026/11/16\n"
          "Q2,\"評価の件\n詳しく\",大阪,2026/11/17\n"
          "Q1,給与の件,東京,2026/11/16\n")


def test_exact_copies_are_refused_with_the_way_to_drop_them(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(EXPORT, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_voices(path, text="本文", id="問い合わせID", timestamp="受付日時")
    msg = str(err.value)
    assert msg.startswith(f"{path}: column '問い合わせID' has duplicate ids: ")
    assert "'Q1' at row 1 (line 2) and row 3 (line 5) (exact copies: every column the same)" in msg
    assert "drop_duplicates()" in msg and f"read_table({str(path)!r}).drop_duplicates()" in msg
    assert "choose another id column" not in msg
    assert err.value.rows == [0, 2] and [c["exact_copy"] for c in err.value.failure_cases] == [True, True]
    # the fix the message gives works, and keeps the file's lines in later messages
    out = read_voices(read_table(path).drop_duplicates(), text="本文", id="問い合わせID", timestamp="受付日時",
                      source_name=path)
    assert out["id"].tolist() == ["Q1", "Q2"] and out.index.tolist() == [0, 1]


def test_rows_that_differ_under_one_id_name_the_columns():
    df = pd.DataFrame({"id": ["A", "B", "A", "B", "C"], "text": ["x", "y", "x", "y", "z"],
                       "拠点": ["東京", "大阪", "福岡", "大阪", "東京"]})
    with pytest.raises(InputError) as err:
        read_voices(df)
    msg = str(err.value)
    assert "'A' at row 1 (index 0) and row 3 (index 2) (differing in '拠点')" in msg
    assert "'B' at row 2 (index 1) and row 4 (index 3) (exact copies: every column the same)" in msg
    assert "read_voices(df.drop_duplicates(), ...)" in msg and "choose another id column" in msg
    assert [c["exact_copy"] for c in err.value.failure_cases] == [False, True, False, True]


def test_missing_cells_count_as_equal_in_exact_copies():
    df = pd.DataFrame({"id": ["A", "A"], "text": ["x", "x"], "note": [None, None]})
    with pytest.raises(InputError, match="exact copies"):
        read_voices(df)
