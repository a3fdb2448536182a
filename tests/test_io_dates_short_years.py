"""A year of one or two digits (26/4/1, 8.7.20) or no year (04/01, 4月1日) is never guessed: an InputError naming the row."""
from __future__ import annotations

import datetime

import pandas as pd
import pytest

from mvvtext.cli import main
from mvvtext.exceptions import InputError
from mvvtext.io import read_voices


def _read(values, **kw) -> pd.Series:
    df = pd.DataFrame({"t": ["x"] * len(values), "d": values})
    return read_voices(df, text="t", timestamp="d", **kw)["timestamp"]


def _advice_in(msg: str) -> None:
    assert "four-digit years (2026/4/1" in msg and "era dates (R8.4.1" in msg and "leave the cell empty" in msg


def test_the_users_yy_m_d_dates_are_refused_not_read_as_2001_and_2020():
    with pytest.raises(InputError) as err:
        _read(["26/4/1", "26/7/20"])
    msg = str(err.value)
    assert msg.startswith("column 'd' has 2 date(s) whose year has only one or two digits")
    assert "row 1 (index 0): '26/4/1'" in msg and "row 2 (index 1): '26/7/20'" in msg
    assert "ambiguous" in msg and "not guessed" in msg
    assert "2026-04-01 (year/month/day)" in msg and "2001-04-26 (day/month/year)" in msg
    _advice_in(msg)
    assert err.value.rows == [0, 1] and err.value.column == "d"
    assert [c["value"] for c in err.value.failure_cases] == ["26/4/1", "26/7/20"]


@pytest.mark.parametrize("value", [
    "26/4/1", "26-04-01", "26.4.1", "8.7.20", "08/07/20", "1/4/26", "12/31/26", "26/4/1 10:00",
    "26-04-01T10:00:00+09:00", "26/4-1", "260401", "26年4月1日", "8年7月20日", "26年4月1日 9時30分",
    "２６／４／１", "８．７．２０", "1-Apr-26", "Apr 1, 26",
])
def test_a_short_year_is_an_error_naming_the_row_and_value(value):
    with pytest.raises(InputError) as err:
        _read(["2026-04-01", value, None])
    msg = str(err.value)
    assert "has 1 date(s) whose year has only one or two digits" in msg
    assert f"row 2 (index 1): {value!r}" in msg and "ambiguous" in msg
    _advice_in(msg)
    assert err.value.rows == [1]


def test_a_reiwa_year_without_its_era_names_the_reiwa_reading():
    with pytest.raises(InputError) as err:
        _read(["8.7.20"])
    msg = str(err.value)
    assert "2026-07-20 (令和8年" in msg and "2008-07-20 (year/month/day)" in msg
    assert "2020-07-08 (day/month/year)" in msg and "2020-08-07 (month/day/year)" in msg


@pytest.mark.parametrize("dayfirst", [True, False])
def test_dayfirst_does_not_make_a_short_year_readable(dayfirst):
    with pytest.raises(InputError, match="one or two digits"):
        _read(["26/4/1"], dayfirst=dayfirst)


def test_all_short_year_rows_are_named_beside_good_dates():
    with pytest.raises(InputError) as err:
        _read(["2026/4/1", "26/4/2", "R8.4.3", "26/4/4", "2026年4月5日"])
    assert err.value.rows == [1, 3] and "'26/4/2'" in str(err.value) and "'26/4/4'" in str(err.value)


def test_a_file_names_its_path_line_and_id_and_the_cli_refuses(tmp_path, capsys):
    path = tmp_path / "v.csv"
    path.write_text("id,本文,日付\nA,給料,2026/4/1\nB,残業,26/4/1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_voices(path, text="本文", id="id", timestamp="日付")
    msg = str(err.value)
    assert msg.startswith(f"{path}: column '日付' has 1 date(s) whose year has only one or two digits")
    assert "row 2 (line 3, id 'B'): '26/4/1'" in msg
    assert main(["analyze", str(path), "--text-col", "本文", "--time-col", "日付"]) == 2
    assert "one or two digits" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["04/01", "4/1", "04-01", "4.1", "04/01 10:00", "4月1日", "4月1日 9時30分",
                                   "１２／３１", "Apr 1", "1 April"])
def test_a_date_without_a_year_is_an_input_error_not_a_pandas_error(value):
    with pytest.raises(InputError) as err:
        _read(["2026-04-01", value])
    msg = str(err.value)
    assert "has 1 date(s) without a year" in msg and f"row 2 (index 1): {value!r}" in msg
    assert "not guessed" in msg
    _advice_in(msg)
    assert err.value.rows == [1] and err.value.column == "d"


@pytest.mark.parametrize("value", ["0401", "2604"])
def test_a_year_beyond_the_datetime_range_is_an_input_error(value):
    # pandas 3 reads these as the years 401 and 2604, which datetime64[ns] cannot hold
    with pytest.raises(InputError) as err:
        _read(["2026-04-01", value])
    assert "not dates or times" in str(err.value) and repr(value) in str(err.value) and err.value.rows == [1]


def test_ordinary_dates_are_still_read():
    values = ["2026/4/1", "2026-04-01 10:00", "2026年4月1日", "R8.4.1", "令和8年4月1日", "2026.4.1",
              "2026-04-01T10:00:00+09:00", "2026-04-01T01:00:00Z", "1 April 2026", "20260401", None, ""]
    out = _read(values)
    assert str(out.dtype) == "datetime64[ns]"
    assert out.tolist()[:10] == [pd.Timestamp("2026-04-01"), pd.Timestamp("2026-04-01 10:00"),
                                 pd.Timestamp("2026-04-01"), pd.Timestamp("2026-04-01"), pd.Timestamp("2026-04-01"),
                                 pd.Timestamp("2026-04-01"), pd.Timestamp("2026-04-01 10:00"),
                                 pd.Timestamp("2026-04-01 10:00"), pd.Timestamp("2026-04-01"),
                                 pd.Timestamp("2026-04-01")]
    assert out.iloc[10:].isna().all()


def test_datetime_objects_and_excel_serials_are_still_read():
    assert _read([datetime.datetime(2026, 4, 1, 10), None]).tolist()[0] == pd.Timestamp("2026-04-01 10:00")
    assert _read([pd.Timestamp("2026-04-01 10:00"), "2026/4/2"]).tolist() == [pd.Timestamp("2026-04-01 10:00"),
                                                                             pd.Timestamp("2026-04-02")]
    aware = pd.to_datetime(["2026-04-01T01:00:00Z"])
    assert _read(aware).tolist() == [pd.Timestamp("2026-04-01 10:00")]
    assert _read([46113.5, 46113]).tolist() == [pd.Timestamp("2026-04-01 12:00"), pd.Timestamp("2026-04-01")]
    assert _read(["46113.5", None]).tolist()[0] == pd.Timestamp("2026-04-01 12:00")
