"""Day-first and month-first dates (a/b/yyyy): one order for the whole timestamp column, never a silent guess."""
from __future__ import annotations

import pandas as pd
import pytest

from mvvtext.cli import main
from mvvtext.exceptions import InputError
from mvvtext.io import read_voices


def _read(dates, **kw) -> pd.Series:
    frame = pd.DataFrame({"本文": ["給料が低い"] * len(dates), "日付": dates})
    return read_voices(frame, text="本文", timestamp="日付", **kw)["timestamp"]


def test_a_day_above_12_makes_the_whole_column_day_first():
    # the user's case: pd.to_datetime(...).dt.strftime("%d/%m/%Y"); "03/08/2026" was read as 8 March
    assert list(_read(["03/08/2026", "13/08/2026", None])) == [pd.Timestamp("2026-08-03"),
                                                              pd.Timestamp("2026-08-13"), pd.NaT]


def test_a_second_part_above_12_makes_the_whole_column_month_first():
    assert list(_read(["03/08/2026", "08/13/2026 10:30", "04.01.2026"])) == [
        pd.Timestamp("2026-03-08"), pd.Timestamp("2026-08-13 10:30"), pd.Timestamp("2026-04-01")]


def test_both_orders_in_one_column_name_a_row_of_each():
    with pytest.raises(InputError) as err:
        _read(["2026-08-01", "13/08/2026", "08/14/2026"])
    msg = str(err.value)
    assert "'日付'" in msg and "mixes day-first and month-first" in msg
    assert "row 2" in msg and "'13/08/2026'" in msg and "row 3" in msg and "'08/14/2026'" in msg
    assert err.value.rows == [1, 2] and err.value.column == "日付"


def test_only_ambiguous_dates_are_refused_with_the_way_to_choose():
    with pytest.raises(InputError) as err:
        _read(["05/05/2026", "03/08/2026", "04/09/2026"])
    msg = str(err.value)
    assert "'日付'" in msg and "row 2" in msg and "'03/08/2026'" in msg
    assert "2026-08-03 (day first)" in msg and "2026-03-08 (month first)" in msg
    assert "dayfirst=True" in msg and "dayfirst=False" in msg and "year-month-day" in msg
    assert err.value.rows == [1]


def test_dayfirst_chooses_the_order_and_refuses_dates_that_do_not_fit_it():
    assert list(_read(["03/08/2026", "04/09/2026"], dayfirst=True)) == [pd.Timestamp("2026-08-03"),
                                                                       pd.Timestamp("2026-09-04")]
    assert list(_read(["03/08/2026"], dayfirst=False)) == [pd.Timestamp("2026-03-08")]
    with pytest.raises(InputError) as err:
        _read(["03/08/2026", "13/08/2026"], dayfirst=False)
    assert "row 2" in str(err.value) and "'13/08/2026'" in str(err.value) and "dayfirst=False" in str(err.value)
    with pytest.raises(ValueError, match="dayfirst"):
        _read(["03/08/2026"], dayfirst="yes")


def test_dates_that_read_the_same_both_ways_need_no_choice():
    assert list(_read(["05/05/2026", "01/01/2026 09:00"])) == [pd.Timestamp("2026-05-05"),
                                                               pd.Timestamp("2026-01-01 09:00")]


def test_iso_japanese_and_year_first_dates_are_read_as_written():
    assert list(_read(["2026-08-13", "2026/08/03", "2026年8月3日", "2026-08-03T09:00:00+09:00",
                       "2026/03/08 10:30"])) == [pd.Timestamp("2026-08-13"), pd.Timestamp("2026-08-03"),
                                                 pd.Timestamp("2026-08-03"), pd.Timestamp("2026-08-03 09:00"),
                                                 pd.Timestamp("2026-03-08 10:30")]


def test_an_impossible_date_is_still_named():
    with pytest.raises(InputError) as err:
        _read(["13/08/2026", "31/02/2026"])
    assert "not dates or times" in str(err.value) and "'31/02/2026'" in str(err.value)
    assert err.value.rows == [1]


def test_a_file_names_its_line_and_the_cli_refuses_too(tmp_path, capsys):
    path = tmp_path / "v.csv"
    path.write_text("id,本文,日付\nA,給料,13/08/2026\nB,残業,08/14/2026\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_voices(path, text="本文", id="id", timestamp="日付")
    assert "v.csv" in str(err.value) and "row 1 (line 2, id 'A')" in str(err.value)
    assert "row 2 (line 3, id 'B')" in str(err.value)
    assert main(["analyze", str(path), "--text-col", "本文", "--time-col", "日付"]) == 2
    assert "mixes day-first and month-first" in capsys.readouterr().err


def test_the_cli_chooses_the_order_with_date_order(tmp_path, capsys):
    path = tmp_path / "v.csv"
    path.write_text("id,本文,日付\nA,給料が安い,03/08/2026\nB,残業が多い,04/09/2026\n", encoding="utf-8")
    assert main(["--quiet", "analyze", str(path), "--text-col", "本文", "--time-col", "日付"]) == 2
    assert "--date-order" in capsys.readouterr().err
    out = tmp_path / "a.csv"
    assert main(["--quiet", "analyze", str(path), "--text-col", "本文", "--time-col", "日付", "--date-order", "dmy",
                 "--out", str(out)]) == 0
    assert pd.read_csv(out)["timestamp"].astype(str).str[:10].tolist() == ["2026-08-03", "2026-09-04"]
