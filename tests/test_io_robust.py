"""Robust reading and writing: mixed time zones, empty files, awkward values, messages naming the file."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.io import check_output, read_voices, write_table

# --- A. time zones -------------------------------------------------------------------------------


def test_mixed_time_zones_become_tokyo_wall_time(tmp_path):
    path = tmp_path / "tz.csv"
    path.write_text("id,text,when\n"
                    "Q1,a,2026-10-01T09:00:00+09:00\n"
                    "Q2,b,2026-10-02 10:00\n"
                    "Q3,c,2026-10-03T01:00:00Z\n"
                    "Q4,d,\n"
                    "Q5,e,2026年10月4日\n", encoding="utf-8")
    df = read_voices(path, id="id", timestamp="when")
    assert str(df["timestamp"].dtype) == "datetime64[ns]"
    assert list(df["timestamp"]) == [pd.Timestamp("2026-10-01 09:00"), pd.Timestamp("2026-10-02 10:00"),
                                     pd.Timestamp("2026-10-03 10:00"), pd.NaT, pd.Timestamp("2026-10-04")]


def test_different_offsets_and_aware_frames_converted():
    df = pd.DataFrame({"text": ["a", "b"], "t": ["2026-10-01T00:00:00-05:00", "2026-10-01T09:00:00+09:00"]})
    assert list(read_voices(df, timestamp="t")["timestamp"]) == [pd.Timestamp("2026-10-01 14:00"),
                                                                 pd.Timestamp("2026-10-01 09:00")]
    aware = pd.DataFrame({"text": ["a"], "timestamp": pd.to_datetime(["2026-10-01T00:00:00Z"])})
    out = read_voices(aware)
    assert str(out["timestamp"].dtype) == "datetime64[ns]"
    assert out["timestamp"].iloc[0] == pd.Timestamp("2026-10-01 09:00")


def test_bad_value_among_mixed_zones_names_file_row_line_column(tmp_path):
    path = tmp_path / "tzbad.csv"
    path.write_text("id,text,when\nQ1,a,2026-10-01T09:00:00+09:00\n"
                    "Q2,b,2026-10-02 10:00\nQ3,c,来週\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_voices(path, id="id", timestamp="when")
    msg = str(err.value)
    assert "tzbad.csv" in msg and "'when'" in msg and "row 3 (line 4, id 'Q3')" in msg and "来週" in msg
    assert err.value.rows == [2] and err.value.column == "when"


# --- B. writers ----------------------------------------------------------------------------------


def _awkward() -> pd.DataFrame:
    return pd.DataFrame({"id": ["a", "b", "c"],
                         "text": ["縦タブ\x0bあり", "改行\nとタブ\tは残る", None],
                         "年齢": [34, "不明", None], "topics": [["pay"], [], ["pay", "evaluation"]]})


def test_parquet_writes_mixed_type_column_as_strings(tmp_path):
    df = _awkward()
    before = df.copy()
    path = write_table(df, tmp_path / "x.parquet")
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is not changed
    back = pd.read_parquet(path)
    assert list(back["年齢"].iloc[:2]) == ["34", "不明"] and pd.isna(back["年齢"].iloc[2])
    assert list(back["topics"].iloc[2]) == ["pay", "evaluation"]  # list columns stay lists
    assert [p.name for p in tmp_path.iterdir()] == ["x.parquet"]  # no temporary file left


def test_xlsx_drops_illegal_control_characters(tmp_path):
    df = _awkward()
    before = df.copy()
    path = write_table(df, tmp_path / "x.xlsx")
    pd.testing.assert_frame_equal(df, before)
    back = pd.read_excel(path)
    assert back["text"].iloc[0] == "縦タブあり"
    assert back["text"].iloc[1] == "改行\nとタブ\tは残る"
    assert json.loads(back["topics"].iloc[2]) == ["pay", "evaluation"]


def test_remaining_writer_failure_names_file_and_column_and_keeps_old_file(tmp_path):
    path = tmp_path / "x.csv"
    write_table(pd.DataFrame({"id": ["a"]}), path)
    old = path.read_bytes()
    # a lone surrogate (e.g. from a "\\ud800" escape in JSONL input) cannot be encoded as UTF-8
    df = pd.DataFrame({"id": ["a", "b"], "odd": ["ok", "bad\ud800"]}, dtype=object)
    with pytest.raises(InputError) as err:
        write_table(df, path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: cannot write column 'odd' as .csv")
    assert err.value.column == "odd" and err.value.path == str(path)
    assert path.read_bytes() == old  # a failed write leaves the previous output as it was
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]  # and no temporary file


def test_check_output_before_work(tmp_path):
    with pytest.raises(InputError, match="cannot write '.doc'"):
        check_output(tmp_path / "x.doc")
    (tmp_path / "d.xlsx").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        check_output(tmp_path / "d.xlsx")
    (tmp_path / "f").write_text("")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_output(tmp_path / "f" / "x.csv")
    assert check_output(tmp_path / "new" / "x.csv") == tmp_path / "new" / "x.csv"
    assert not (tmp_path / "new").exists()  # nothing created


def test_analyze_checks_out_before_the_analysis(tmp_path, monkeypatch, capsys):
    import mvvtext.classify as classify
    from mvvtext.cli import main

    def no_analysis(*a, **k):
        raise AssertionError("analysis ran although --out could not be written")

    monkeypatch.setattr(classify, "analyze", no_analysis)
    path = tmp_path / "v.csv"
    path.write_text("text\n給料が低い\n", encoding="utf-8")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out.doc")]) == 2
    assert "out.doc" in capsys.readouterr().err


# --- C. empty files ------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n"])
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_empty_csv_is_input_error(tmp_path, content, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_voices(path)
    assert f"empty{suffix}: the file is empty" in str(err.value) and "header" in str(err.value)
    assert err.value.path == str(path)


def test_empty_jsonl_and_xlsx_are_input_errors(tmp_path):
    (tmp_path / "e.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="e.jsonl: the table has no columns"):
        read_voices(tmp_path / "e.jsonl")
    (tmp_path / "e.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="e.xlsx: the file is empty"):
        read_voices(tmp_path / "e.xlsx")
    (tmp_path / "csv.xlsx").write_text("text\na\n", encoding="utf-8")
    with pytest.raises(InputError, match="csv.xlsx: cannot read the file as an Excel workbook"):
        read_voices(tmp_path / "csv.xlsx")
    (tmp_path / "bad.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(InputError, match="bad.parquet: cannot read the file as Parquet"):
        read_voices(tmp_path / "bad.parquet")


def test_analyze_empty_csv_exit_2(tmp_path, capsys):
    from mvvtext.cli import main

    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err
    assert "empty.csv: the file is empty" in err and "unexpected" not in err


def test_score_empty_csv_still_nothing_to_score(tmp_path):
    from mvvtext.store import score_into_store
    from test_store_helpers import keyword_scorer

    for content in (b"", b"\xef\xbb\xbf\n"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        summary = score_into_store(path, tmp_path / "s.duckdb", scorer=keyword_scorer)
        assert summary.n_input == 0 and summary.n_new == 0


# --- D. score names the file and line ------------------------------------------------------------


def test_score_errors_name_file_and_line(tmp_path):
    from mvvtext.store import score_into_store
    from test_store_helpers import keyword_scorer

    path = tmp_path / "dup_id.csv"
    # line 3 repeats line 2 exactly (stored once); the Q0002 rows differ in text: an error at lines 4 and 5
    path.write_text("問い合わせID,text\nQ0001,a\nQ0001,a\nQ0002,b\nQ0002,c\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        score_into_store(path, tmp_path / "s.duckdb", scorer=keyword_scorer, id="問い合わせID")
    msg = str(err.value)
    assert msg.startswith(f"{path}: column '問い合わせID' has duplicate ids")
    assert "row 3 (line 4)" in msg and "row 4 (line 5)" in msg
    assert err.value.path == str(path)

    bad_time = tmp_path / "when.csv"
    bad_time.write_text("id,text,timestamp\nA,x,2026-11-16\nB,y,先週\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        score_into_store(bad_time, tmp_path / "s.duckdb", scorer=keyword_scorer)
    assert f"{bad_time}: column 'timestamp'" in str(err.value) and "row 2 (line 3, id 'B')" in str(err.value)


def test_read_voices_source_name_for_frames():
    df = pd.DataFrame({"id": ["A", "B", "A"], "text": ["x", "y", "z"]}, index=[0, 2, 3])
    with pytest.raises(InputError) as err:
        read_voices(df, id="id", source_name="week.csv")
    msg = str(err.value)
    assert msg.startswith("week.csv: ") and "row 1 (line 2)" in msg and "row 4 (line 5)" in msg
    with pytest.raises(InputError, match=r"row 1 \(index 0\)"):  # without a name: index labels
        read_voices(df, id="id")


def test_xlsx_cells_starting_with_equals_stay_text(tmp_path):
    import openpyxl

    df = pd.DataFrame({"text": ["=== 件名 ===", '=HYPERLINK("http://example.com")', "普通の文"]})
    path = write_table(df, tmp_path / "x.xlsx")
    cells = list(openpyxl.load_workbook(path).active["A"])[1:]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert pd.read_excel(path)["text"].tolist() == df["text"].tolist()


def test_an_id_column_is_used_without_id_col(tmp_path):
    path = tmp_path / "v.csv"
    pd.DataFrame({"id": ["C01", "C02"], "text": ["給与の件", "評価の件"]}).to_csv(path, index=False)
    assert read_voices(path)["id"].tolist() == ["C01", "C02"]
    assert read_voices(pd.DataFrame({"text": ["a", "b"]}))["id"].tolist() == ["row-1", "row-2"]
    pd.DataFrame({"id": ["C01", "C01"], "text": ["a", "b"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="duplicate ids"):
        read_voices(path)
