"""Japanese date forms, full-width digits, era dates and Excel serials in a timestamp column."""
from __future__ import annotations

import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.io import read_voices


def _read(values, **kw) -> pd.Series:
    df = pd.DataFrame({"text": ["x"] * len(values), "日時": values})
    return read_voices(df, timestamp="日時", **kw)["timestamp"]


@pytest.mark.parametrize("value, expected", [
    ("2026年12月1日 9時30分", "2026-12-01 09:30"),
    ("2026年12月1日", "2026-12-01"),
    ("2026年12月1日 9時30分15秒", "2026-12-01 09:30:15"),
    ("2026年12月1日 10時", "2026-12-01 10:00"),
    ("2026年12月1日 午後3時5分", "2026-12-01 15:05"),
    ("2026年12月1日(火) 9:30", "2026-12-01 09:30"),
    ("2026/12/01（火）", "2026-12-01"),
    ("２０２６／１２／０４　１０：００", "2026-12-04 10:00"),
    ("２０２６年１２月４日", "2026-12-04"),
    ("令和8年12月3日", "2026-12-03"),
    ("令和8年12月3日 9時", "2026-12-03 09:00"),
    ("令和元年5月1日", "2019-05-01"),
    ("R8.12.3", "2026-12-03"),
    ("r08/12/03", "2026-12-03"),
    ("Ｒ８．１２．３", "2026-12-03"),
    ("平成31年4月30日", "2019-04-30"),
    ("H31.4.30", "2019-04-30"),
])
def test_japanese_forms_are_read(value, expected):
    assert _read([value]).tolist() == [pd.Timestamp(expected)]


def test_full_width_day_first_dates_keep_the_column_order():
    assert _read(["１３/０８/２０２６", "03/08/2026"]).tolist() == [pd.Timestamp("2026-08-13"),
                                                                 pd.Timestamp("2026-08-03")]


def test_an_all_serial_column_is_read_as_excel_dates(tmp_path):
    path = tmp_path / "serial.csv"
    path.write_text("id,text,受付日時\nA,x,46360.5\nB,y,46360\nC,z,\n", encoding="utf-8")
    out = read_voices(path, timestamp="受付日時")
    assert out["timestamp"].iloc[:2].tolist() == [pd.Timestamp("2026-12-04 12:00"), pd.Timestamp("2026-12-04")]
    assert pd.isna(out["timestamp"].iloc[2]) and str(out["timestamp"].dtype) == "datetime64[ns]"
    assert _read([46361.25]).tolist() == [pd.Timestamp("2026-12-05 06:00")]  # numbers of a DataFrame too


@pytest.mark.parametrize("values", [["46360.5", "2026-12-04"], ["46360.5", "12"], ["46360.5", "99999"]])
def test_serials_among_other_values_stay_errors(values):
    with pytest.raises(InputError) as err:
        _read(values)
    assert "'46360.5'" in str(err.value) and "Excel serial date" in str(err.value)


def test_an_impossible_date_is_an_error_naming_row_line_column_value_and_id(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("問い合わせID,本文,受付日時\nQ1,a,2026年11月30日\nQ2,b,2026/11/31\nQ3,c,R8.11.31\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_voices(path, text="本文", id="問い合わせID", timestamp="受付日時")
    msg = str(err.value)
    assert msg.startswith(f"{path}: column '受付日時' has 2 value(s) that are not dates or times")
    assert "row 2 (line 3, id 'Q2'): '2026/11/31'" in msg and "row 3 (line 4, id 'Q3'): 'R8.11.31'" in msg
    assert err.value.rows == [1, 2] and err.value.column == "受付日時"


@pytest.mark.parametrize("value", ["12月2日", "午後3時", "9:30", "不明"])
def test_a_value_without_a_date_is_an_error(value):
    with pytest.raises(InputError) as err:
        _read(["2026-12-01", value])
    assert repr(value) in str(err.value) and err.value.rows == [1]
