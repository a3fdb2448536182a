"""Messages name the physical line where a row starts, below quoted texts with line breaks, and its id."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.io import read_table, read_voices
from mvvtext.io._read import LINE_SHIFTS, _record_starts, file_line

MULTI = ('id,text,when\r\n'
         'Q1,一行,2026/11/16\r\n'
         'Q2,"お疲れ様です。\r\n①交通費\r\n②有給\r\nについて",2026/11/17\r\n'  # lines 3-6
         'Q3,次,2026/11/18\r\n'                                                # line 7
         'Q4,"a\r\n""引用""\r\nb",2026/11/18\r\n'                              # lines 8-10
         'Q5,不明の日,不明\r\n')                                                 # line 11


def _bad_date_message(path, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        read_voices(path, timestamp="when", **kw)
    return err.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_a_row_below_multi_line_texts_is_named_by_its_physical_line_and_id(tmp_path, encoding):
    path = tmp_path / "w.csv"
    path.write_bytes(MULTI.encode(encoding))
    err = _bad_date_message(path)
    assert "row 5 (line 11, id 'Q5'): '不明'" in str(err)
    assert err.rows == [4] and err.column == "when"


def test_tsv_and_lone_carriage_returns(tmp_path):
    tsv = tmp_path / "w.tsv"
    tsv.write_text(MULTI.replace(",", "\t"), encoding="utf-8")
    assert "row 5 (line 11, id 'Q5')" in str(_bad_date_message(tsv))
    mac = tmp_path / "mac.csv"
    mac.write_bytes(MULTI.replace("\r\n", "\r").encode("utf-8"))
    assert "row 5 (line 11, id 'Q5')" in str(_bad_date_message(mac))


def test_blank_lines_and_a_stray_quote_in_an_unquoted_field(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('\nid,text,when\nQ1,15" display,2026/11/16\n\n   \nQ2,"a\n\nb",2026/11/17\nQ3,x,来週\n',
                    encoding="utf-8")
    # lines: 1 blank, 2 header, 3 Q1, 4-5 blank, 6-8 Q2, 9 Q3
    assert "row 3 (line 9, id 'Q3')" in str(_bad_date_message(path))


def test_a_filtered_frame_of_read_table_keeps_the_lines(tmp_path):
    """As `mvvtext score` does: read_table, drop rows, read_voices(..., source_name=path)."""
    path = tmp_path / "w.csv"
    path.write_text(MULTI, encoding="utf-8")
    raw = read_table(path)
    kept = raw.loc[raw["id"] != "Q3"]
    with pytest.raises(InputError) as err:
        read_voices(kept, timestamp="when", source_name=path)
    assert str(err.value).startswith(f"{path}: ") and "row 5 (line 11, id 'Q5')" in str(err.value)


def test_number_warning_names_line_and_id(tmp_path, caplog):
    path = tmp_path / "w.csv"
    path.write_text('id,text\nQ1,"一\n二\n三"\nQ2,five\nQ3,普通\n', encoding="utf-8")
    raw = read_table(path)
    raw["text"] = raw["text"].astype(object)
    raw.loc[1, "text"] = 5  # a number cell, as from a workbook
    with caplog.at_level(logging.WARNING):
        read_voices(raw, source_name=path)
    assert any("row 2 (line 5, id 'Q2')" in r.getMessage() for r in caplog.records)


def test_without_an_id_column_the_label_has_no_id(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('text,when\n"a\nb",2026/11/16\nc,先週\n', encoding="utf-8")
    assert "row 2 (line 4): '先週'" in str(_bad_date_message(path))


def test_frames_name_index_and_id():
    df = pd.DataFrame({"id": ["A", "B"], "text": ["x", "y"], "when": ["2026-01-01", "昨日"]}, index=[10, 11])
    assert "row 2 (index 11, id 'B'): '昨日'" in str(_bad_date_message(df))
    # a frame from elsewhere named as a file: one line per row, as before
    assert "row 12 (line 13, id 'B')" in str(_bad_date_message(df, source_name="x.csv"))
    df.attrs[LINE_SHIFTS] = None  # the reader could not tell the lines: no line rather than a wrong one
    assert "row 12 (id 'B')" in str(_bad_date_message(df, source_name="x.csv"))


def test_merged_excel_header_counts_its_rows(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["受付", None, "内容"])
    ws.append(["id", "when", "text"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:C2")
    ws.append(["Q1", "2026-11-16", "a"])
    ws.append(["Q2", "来週", "b"])
    path = tmp_path / "w.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_voices(path, text="内容", id="受付_id", timestamp="受付_when")
    assert "row 2 (Excel row 4, id 'Q2')" in str(err.value)


def test_line_record_is_a_small_string_and_matches_the_csv_module(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(3000):
        body = "\n".join(["行"] * int(rng.integers(1, 4)))
        rows.append(f'Q{i},"{body}",2026/11/16' if "\n" in body else f"Q{i},{body},2026/11/16")
    text = "id,text,when\n" + "\n".join(rows) + "\n"
    path = tmp_path / "big.csv"
    path.write_text(text, encoding="utf-8")
    df = read_table(path)
    assert isinstance(df.attrs[LINE_SHIFTS], str)
    starts = _record_starts(text, ",")[1:]
    assert [file_line(df.attrs, i) for i in range(len(df))] == starts
    plain = tmp_path / "plain.csv"
    plain.write_text("id,text\n" + "".join(f"Q{i},x\n" for i in range(3000)), encoding="utf-8")
    assert read_table(plain).attrs[LINE_SHIFTS] == ""  # one line per row: nothing recorded
