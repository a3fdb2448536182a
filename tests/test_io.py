"""Reading voices: encodings, formats, validation messages, nothing dropped."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import EncodingError, InputError
from mvvtext.io import read_voices, write_table

CSV = "id,text,date\nA1,給料が低いです,2026-04-06\nA2,評価に不満はない,2026/04/07 10:30\nA3,,\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "shift_jis"])
def test_csv_encodings_detected(tmp_path, encoding):
    path = tmp_path / "voices.csv"
    path.write_bytes(CSV.encode(encoding))
    df = read_voices(path, id="id", timestamp="date")
    assert list(df["id"]) == ["A1", "A2", "A3"]
    assert df["text"].iloc[0] == "給料が低いです"
    assert list(df["text_missing"]) == [False, False, True]
    assert df["timestamp"].iloc[1] == pd.Timestamp("2026-04-07 10:30")
    assert pd.isna(df["timestamp"].iloc[2])


def test_undecodable_file_names_offset(tmp_path):
    path = tmp_path / "bad.csv"
    good = "id,text\n1,".encode("utf-8")
    path.write_bytes(good + b"\xff\xfe\xfa\n")
    with pytest.raises(EncodingError) as err:
        read_voices(path)
    assert "bad.csv" in str(err.value)
    assert f"offset {len(good)}" in str(err.value)


def test_cp932_broken_line_names_line(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes("id,text\n1,普通の行\n2,壊れた,行,です\n3,次の行\n".encode("cp932"))
    with pytest.raises(InputError) as err:
        read_voices(path, id="id")
    assert "line 3" in str(err.value)
    assert "broken.csv" in str(err.value)


def test_cp932_quoted_line_break_kept(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_bytes('id,text\n1,"一行目\n二行目"\n2,次\n'.encode("cp932"))
    df = read_voices(path, id="id")
    assert len(df) == 2
    assert "二行目" in df["text"].iloc[0]


def test_missing_text_column_lists_columns(tmp_path):
    df = pd.DataFrame({"本文": ["a"], "部署": ["x"]})
    with pytest.raises(InputError) as err:
        read_voices(df)
    assert "'text'" in str(err.value) and "本文" in str(err.value) and "部署" in str(err.value)
    assert err.value.column == "text"


def test_duplicate_ids_name_rows(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,text\nA,x\nB,y\nA,z\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_voices(path, id="id")
    msg = str(err.value)
    assert "'A'" in msg and "line 2" in msg and "line 4" in msg
    assert err.value.column == "id"


def test_bad_timestamp_names_row_and_column():
    df = pd.DataFrame({"text": ["a", "b", "c"], "when": ["2026-01-01", "昨日", None]})
    with pytest.raises(InputError) as err:
        read_voices(df, timestamp="when")
    assert "'when'" in str(err.value) and "row 2" in str(err.value) and "昨日" in str(err.value)
    assert err.value.rows == [1]


def test_numbers_column_rejected_by_name():
    df = pd.DataFrame({"score": [1, 2, 3]})
    with pytest.raises(InputError, match="'score' holds numbers"):
        read_voices(df, text="score")


def test_dataframe_not_mutated_and_index_kept():
    df = pd.DataFrame({"text": ["特になし", np.nan, "😀ﾃｽﾄ", "\x07制御"]}, index=[10, 20, 30, 40])
    before = df.copy()
    out = read_voices(df)
    pd.testing.assert_frame_equal(df, before)
    assert list(out.index) == [10, 20, 30, 40]
    assert list(out["text_missing"]) == [False, True, False, False]
    assert out["text"].iloc[1] == ""


def test_excel_merged_header(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "ID"
    ws.merge_cells("A1:A2")
    ws["B1"] = "回答"
    ws.merge_cells("B1:C1")
    ws["B2"] = "自由記述"
    ws["C2"] = "日付"
    ws.append(["X1", "残業が多い", "2026-05-01"])
    ws.append(["X2", None, "2026-05-02"])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    df = read_voices(path, text="回答_自由記述", id="ID", timestamp="回答_日付")
    assert list(df["id"]) == ["X1", "X2"]
    assert df["text"].iloc[0] == "残業が多い"
    assert list(df["text_missing"]) == [False, True]


def test_jsonl_bad_line(tmp_path):
    path = tmp_path / "v.jsonl"
    path.write_text('{"id": 1, "text": "a"}\n{"id": 2, "text": \n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_voices(path)


def test_parquet_and_tsv_round_trip(tmp_path):
    df = pd.DataFrame({"id": ["a", "b"], "text": ["x", "y"], "topics": [["pay"], []]})
    for suffix in (".parquet", ".jsonl", ".csv", ".xlsx"):
        path = write_table(df, tmp_path / f"out{suffix}")
        back = read_voices(path, id="id")
        assert list(back["text"]) == ["x", "y"]
    (tmp_path / "t.tsv").write_text("text\tsite\nこんにちは\t横浜\n", encoding="cp932")
    assert read_voices(tmp_path / "t.tsv", segments=["site"])["site"].iloc[0] == "横浜"


def test_write_csv_lists_as_json(tmp_path):
    df = pd.DataFrame({"id": ["a"], "topics": [["pay", "evaluation"]]})
    path = write_table(df, tmp_path / "p.csv")
    raw = path.read_text(encoding="utf-8-sig")
    assert json.loads(raw.splitlines()[1].split(",", 1)[1].strip('"').replace('""', '"')) == ["pay", "evaluation"]


def test_unsupported_extension(tmp_path):
    path = tmp_path / "x.doc"
    path.write_text("x")
    with pytest.raises(InputError, match="unsupported file type"):
        read_voices(path)
