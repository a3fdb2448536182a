"""Parse the timestamp column of an input table: ISO, a/b/yyyy, 年月日, era, full-width and Excel serial dates.

A year is never guessed: a date whose year has one or two digits and no era
(``26/4/1``, ``26-04-01``, ``8.7.20``, ``260401``, ``26年4月1日``) and a date
without a year (``04/01``, ``4月1日``) are InputErrors naming the rows.
"""
from __future__ import annotations

import datetime
import logging
import re
import unicodedata

import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.io._rows import _row_label, _where

logger = logging.getLogger(__name__)

_JA_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# a/b/yyyy (03/08/2026, 03.08.2026 10:30): day-first or month-first, decided for the whole column
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?P<rest>(?:[\sT].*)?)")




_DATA_TZ = "Asia/Tokyo"

_MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
               r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_REST = r"(?:[\sT].*)?"  # a time after the date: 10:00, T10:00:00+09:00
# A one- or two-digit year without an era, after _date_text (era dates are Western years by then):
# 26/4/1, 26-04-01 10:00, 8.7.20, 08/07/20, 1/4/26 | 26年4月1日 | 260401 | 1-Apr-26, Apr 1, 26
_SHORT_YEAR_NUMERIC = re.compile(r"(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,2})" + _REST)
_SHORT_YEAR_JA = re.compile(r"(?P<a>\d{1,2})\s*年\s*(?P<b>\d{1,2})\s*月\s*(?P<c>\d{1,2})\s*日?" + _REST)
_SHORT_YEAR_COMPACT = re.compile(r"(?P<a>\d{2})(?P<b>\d{2})(?P<c>\d{2})" + _REST)
_SHORT_YEAR_NAMED = re.compile(
    rf"\d{{1,2}}[\s\-/.]*{_MONTH_NAME}[\s\-/.,]*\d{{1,2}}{_REST}"
    rf"|{_MONTH_NAME}[\s\-/.]*\d{{1,2}}(?:st|nd|rd|th)?[\s,\-/.]+\d{{1,2}}{_REST}", re.IGNORECASE)
_TIME_REST = r"(?:[\sT]+\d{1,2}:.*)?"  # only a time after the date (9時30分 is 9:30:00 by then)
# A month and day without a year: 04/01, 4-1 10:00, 4月1日, 4月1日 9時30分, Apr 1, 1 April
_NO_YEAR = re.compile(
    rf"\d{{1,2}}[/.\-]\d{{1,2}}{_TIME_REST}|\d{{1,2}}\s*月\s*\d{{1,2}}\s*日?{_TIME_REST}"
    rf"|\d{{1,2}}[\s\-/.]*{_MONTH_NAME}{_TIME_REST}|{_MONTH_NAME}[\s\-/.]*\d{{1,2}}(?:st|nd|rd|th)?{_TIME_REST}",
    re.IGNORECASE)
# What a value must start with to be either: one or two digits then no digit, six digits, or a letter
_MAYBE_YEARLESS = re.compile(r"\d{1,2}(?!\d)|\d{6}(?!\d)|[A-Za-z]")
_MAYBE_YEARLESS_ARROW = r"^(?:\d{1,2}(?:\D|$)|\d{6}(?:\D|$)|[A-Za-z])"  # the same without a look-ahead (RE2)
_FULL_DATE_ADVICE = ("write the dates with four-digit years (2026/4/1, 2026-04-01 10:00, 2026年4月1日) or as "
                     "era dates (R8.4.1, 令和8年4月1日), or leave the cell empty; in Excel, format the column as "
                     "yyyy/mm/dd before exporting")


def _to_data_time(ts: pd.Timestamp) -> pd.Timestamp:
    """An aware time as Japan wall-clock time without zone; a naive one as it is."""
    if ts is pd.NaT or ts.tzinfo is None:
        return ts
    return ts.tz_convert(_DATA_TZ).tz_localize(None)


def _to_data_times(times: pd.Series) -> pd.Series:
    """An aware datetime column as Japan wall-clock times without zone (naive columns unchanged)."""
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_convert(_DATA_TZ).dt.tz_localize(None)
    return times.astype("datetime64[ns]")


def _parse_mixed_zones(as_text: pd.Series) -> pd.Series:
    """Parse values one by one when some carry a UTC offset and others do not (or differ)."""
    parsed = {}
    for value in as_text.dropna().unique():
        ts = pd.to_datetime(value, errors="coerce", format="mixed")
        parsed[value] = _to_data_time(ts)
    values = [pd.NaT if v is None or (isinstance(v, float) and v != v) else parsed[v] for v in as_text]
    return pd.Series(pd.to_datetime(values), index=as_text.index, name=as_text.name)


def _yearless_candidates(as_text: pd.Series) -> list[str]:
    """The distinct values of the column that start as a year-less date could (``_MAYBE_YEARLESS``).

    One vectorised match over the distinct values (pyarrow's regex engine when
    it is there): ISO and year-first dates, the usual ones, drop out at once.
    """
    distinct = pd.unique(as_text.dropna().to_numpy())
    if not len(distinct):
        return []
    try:
        starts = pd.Series(distinct, dtype="string[pyarrow]").str.contains(_MAYBE_YEARLESS_ARROW, regex=True)
        return [v for v, hit in zip(distinct.tolist(), starts.fillna(False).tolist()) if hit]
    except (ImportError, TypeError, ValueError):  # no pyarrow, or a value that is no text
        return [v for v in distinct.tolist() if isinstance(v, str) and _MAYBE_YEARLESS.match(v)]


def _positions_of(as_text: pd.Series, values: set[str]) -> list[int]:
    return [int(i) for i in as_text.isin(values).to_numpy().nonzero()[0]] if values else []


def _short_year_readings(text: str) -> str:
    """``'26/4/1' may be 2026-04-01 (year/month/day), …``: the dates a short-year value could mean."""
    m = _SHORT_YEAR_NUMERIC.fullmatch(text) or _SHORT_YEAR_COMPACT.fullmatch(text)
    year_first_only = False
    if m is None:
        m = _SHORT_YEAR_JA.fullmatch(text)
        year_first_only = True
    if m is None:
        return ""
    a, b, c = int(m["a"]), int(m["b"]), int(m["c"])
    candidates = [(2000 + a, b, c, "year/month/day")]
    if a >= 1:
        candidates.append((2018 + a, b, c, f"令和{a}年, era year/month/day"))
    if not year_first_only:
        candidates += [(2000 + c, b, a, "day/month/year"), (2000 + c, a, b, "month/day/year")]
    readings = {}
    for year, month, day, how in candidates:
        try:
            date = datetime.date(year, month, day).isoformat()
        except ValueError:
            continue
        readings.setdefault(date, how)
    if not readings:
        return ""
    listed = [f"{date} ({how})" for date, how in readings.items()]
    listed = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]
    return f" ({text!r} may be {listed})"


def _refuse_yearless_dates(as_text: pd.Series, df: pd.DataFrame, col: str, path: str | None,
                           ids: pd.Series | None = None) -> None:
    """Refuse dates whose year has one or two digits (no era), then dates without a year.

    ``26/4/1`` is 2026-04-01 to a Japanese writer (year/month/day), 令和26年 to
    another, 26 April 2001 to pandas; ``8.7.20`` may be R8 (2026) without its
    era. No reading is safe, so none is taken: reading the wrong year silently
    would move a voice by years. A month and day alone (``04/01``, ``4月1日``)
    would take a made-up year.

    Raises
    ------
    InputError
        Naming the rows (file line, id) and values, the readings of the first
        value, and how to write the dates (four-digit years or an era date).
    """
    candidates = _yearless_candidates(as_text)
    if not candidates:
        return
    short_patterns = (_SHORT_YEAR_NUMERIC, _SHORT_YEAR_JA, _SHORT_YEAR_COMPACT, _SHORT_YEAR_NAMED)
    short = _positions_of(as_text, {v for v in candidates if any(p.fullmatch(v) for p in short_patterns)})
    if short:
        examples = "; ".join(_date_example(df, col, i, path, ids) for i in short[:5])
        raise _date_error(
            f"has {len(short)} date(s) whose year has only one or two digits: {examples}. Such a year is "
            f"ambiguous and is not guessed{_short_year_readings(as_text.iloc[short[0]])}. "
            f"To read them, {_FULL_DATE_ADVICE}.", df, col, path, short)
    no_year = _positions_of(as_text, {v for v in candidates if _NO_YEAR.fullmatch(v)})
    if no_year:
        examples = "; ".join(_date_example(df, col, i, path, ids) for i in no_year[:5])
        raise _date_error(
            f"has {len(no_year)} date(s) without a year: {examples}. The year is not guessed: "
            f"{_FULL_DATE_ADVICE}.", df, col, path, no_year)


def _numeric_date_parts(as_text: pd.Series) -> dict[int, tuple[int, int, str, str]]:
    """Position -> (first, second, year, rest) of each a/b/yyyy value of a column."""
    parts = {}
    for pos, value in enumerate(as_text.tolist()):
        m = _NUMERIC_DATE.fullmatch(value) if isinstance(value, str) else None
        if m is not None:
            parts[pos] = (int(m["a"]), int(m["b"]), m["year"], m["rest"])
    return parts


def _date_example(df: pd.DataFrame, col: str, pos: int, path: str | None, ids: pd.Series | None = None) -> str:
    return f"{_row_label(df, pos, path, ids)}: {df[col].iloc[pos]!r}"


def _date_error(message: str, df: pd.DataFrame, col: str, path: str | None, positions: list[int]) -> InputError:
    return InputError(
        f"{_where(path)}column '{col}' {message}",
        path=path,
        column=col,
        rows=[df.index[i] for i in positions],
        failure_cases=[{"index": df.index[i], "value": df[col].iloc[i]} for i in positions],
    )


def _decide_dayfirst(parts: dict[int, tuple[int, int, str, str]], df: pd.DataFrame, col: str,
                     path: str | None, dayfirst: bool | None, ids: pd.Series | None = None) -> bool:
    """Whether the a/b/yyyy dates of the column put the day first: one order for the whole column.

    A first part above 12 shows day-first dates, a second part above 12 month-first
    ones. ``dayfirst`` given: every date must fit it. Not given: the dates must
    show one order, or read the same in both (05/05/2026).

    Raises
    ------
    InputError
        Naming the rows of dates in both orders, of dates that do not fit ``dayfirst``,
        or of a date that reads differently in the two orders when no date shows the order.
    """
    day = [pos for pos, (a, b, _, _) in parts.items() if a > 12 >= b]
    month = [pos for pos, (a, b, _, _) in parts.items() if b > 12 >= a]
    iso = "year-month-day (2026-08-13) leaves no doubt"
    if dayfirst is not None:
        wrong = month if dayfirst else day
        if wrong:
            order = "day/month/year" if dayfirst else "month/day/year"
            examples = "; ".join(_date_example(df, col, i, path, ids) for i in wrong[:5])
            raise _date_error(f"has {len(wrong)} date(s) that are not {order} (dayfirst={dayfirst}): {examples}. "
                              f"Check the dayfirst= choice; {iso}.", df, col, path, wrong)
        return dayfirst
    if day and month:
        raise _date_error(
            f"mixes day-first and month-first dates: {_date_example(df, col, day[0], path, ids)} puts the day first "
            f"({parts[day[0]][0]} is no month), {_date_example(df, col, month[0], path, ids)} the month first "
            f"({parts[month[0]][1]} is no month). Write every date of the column in one order; {iso}.",
            df, col, path, [day[0], month[0]])
    if day or month:
        return bool(day)
    ambiguous = [pos for pos, (a, b, _, _) in parts.items() if a != b and a <= 12 and b <= 12]
    if ambiguous:
        a, b, year, _ = parts[ambiguous[0]]
        raise _date_error(
            f"has dates such as {_date_example(df, col, ambiguous[0], path, ids)} that read as {year}-{b:02d}-{a:02d} "
            f"(day first) or {year}-{a:02d}-{b:02d} (month first), and no date of the column shows which (none "
            "has a number above 12 in its first two parts). Pass dayfirst=True (day/month/year) or "
            "dayfirst=False (month/day/year) to read_voices (--date-order dmy or mdy on the command line), "
            "or write the dates as year-month-day "
            "(2026-08-13), which leaves no doubt.", df, col, path, ambiguous[:1])
    return False  # every a/b/yyyy date reads the same both ways (05/05/2026) or is no date at all


def _numeric_dates_as_iso(as_text: pd.Series, df: pd.DataFrame, col: str, path: str | None,
                          dayfirst: bool | None, ids: pd.Series | None = None) -> pd.Series:
    """The column with its a/b/yyyy dates written as yyyy-mm-dd in the one order the column uses."""
    parts = _numeric_date_parts(as_text)
    if not parts:
        return as_text
    first_is_day = _decide_dayfirst(parts, df, col, path, dayfirst, ids)
    values = as_text.tolist()
    for pos, (a, b, year, rest) in parts.items():
        day, month = (a, b) if first_is_day else (b, a)
        values[pos] = f"{year}-{month:02d}-{day:02d}{rest}"  # an impossible date stays one: reported below
    return pd.Series(values, index=as_text.index, name=as_text.name, dtype=object)


_ERA_FIRST_YEAR = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989, "昭和": 1926, "S": 1926}
# 令和8年12月3日, R8.12.3, H31/4/30, 令和元年5月1日 (after NFKC: full-width letters and digits are plain)
_ERA_DATE = re.compile(r"(?P<era>令和|平成|昭和|[RHS])\s*(?P<year>元|\d{1,2})\s*(?:年|[./\-])\s*(?P<month>\d{1,2})"
                       r"\s*(?:月|[./\-])\s*(?P<day>\d{1,2})(?:\s*日)?", re.IGNORECASE)
# 9時30分, 9時30分15秒, 9時, 午後3時5分
_JA_TIME = re.compile(r"(?P<half>午前|午後)?\s*(?P<hour>\d{1,2})\s*時(?:\s*(?P<minute>\d{1,2})\s*分"
                      r"(?:\s*(?P<second>\d{1,2})\s*秒)?)?")
_WEEKDAY = re.compile(r"\s*\(\s*[月火水木金土日](?:曜日?)?\s*\)\s*")  # 2026年12月1日(火) 9:30
_TIME_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")  # 9:30, 午後3時: no date, pandas would take today
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_SERIAL_RANGE = (30000, 80000)  # Excel day numbers of 1982-02-15 … 2119-01-10
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _era_as_iso(m: re.Match) -> str:
    year = 1 if m["year"] == "元" else int(m["year"])
    return f"{_ERA_FIRST_YEAR[m['era'].upper()] + year - 1}-{int(m['month'])}-{int(m['day'])}"


def _ja_time_as_iso(m: re.Match) -> str:
    hour = int(m["hour"]) + (12 if m["half"] == "午後" and int(m["hour"]) < 12 else 0)
    return f" {hour}:{int(m['minute'] or 0):02d}:{int(m['second'] or 0):02d}"


def _date_text(value) -> str | None:
    """A timestamp cell as text that ``pd.to_datetime`` reads (None when empty).

    Full-width digits and signs become plain (``２０２６／１２／０４　１０：００``),
    a weekday in brackets goes, ``2026年12月1日 9時30分`` becomes ``2026-12-1 9:30:00``
    and a Japanese era date (``令和8年12月3日``, ``R8.12.3``) its Western year.
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT or value is pd.NA:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    text = _WEEKDAY.sub(" ", text)
    text = _ERA_DATE.sub(_era_as_iso, text, count=1)
    text = _JA_DATE.sub(r"\1-\2-\3", text)
    text = _JA_TIME.sub(_ja_time_as_iso, text, count=1)
    return " ".join(text.split())


def _missing_cell(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _date_texts(values: list) -> list[str | None]:
    """:func:`_date_text` of each cell, each distinct cell worked out once (exports repeat dates)."""
    done: dict = {}
    out = []
    for value in values:
        if _missing_cell(value):
            out.append(None)
            continue
        try:
            key = (type(value), value)
            text = done[key] if key in done else done.setdefault(key, _date_text(value))
        except TypeError:  # an unhashable cell
            text = _date_text(value)
        out.append(text)
    return out


def _excel_serials(as_text: pd.Series) -> pd.Series | None:
    """Excel serial dates (``46360.5`` = 2026-12-04 12:00) when every value of the column is one.

    Only a column of numbers that all lie in 30000–80000 (1982 … 2119) is read
    so; None otherwise, and the numbers stay errors.
    """
    values = as_text.dropna()
    if not len(values) or not values.map(lambda v: _SERIAL.fullmatch(v) is not None).all():
        return None
    days = pd.to_numeric(as_text, errors="coerce")
    if not days.dropna().between(*_SERIAL_RANGE).all():
        return None
    times = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return times.dt.round("s").astype("datetime64[ns]")


def _parse_timestamps(df: pd.DataFrame, col: str, path: str | None, dayfirst: bool | None = None,
                      ids: pd.Series | None = None) -> pd.Series:
    """The timestamp column ``col`` as zone-less ``datetime64[ns]`` Japan wall-clock times.

    Read: datetime columns (aware ones converted to Asia/Tokyo), ISO text with
    or without an offset, year-first dates (``2026/4/1``, ``2026-04-01 10:00``),
    a/b/yyyy dates in one order for the column (``dayfirst``), ``2026年4月1日``
    with 時/分, era dates (``R8.4.1``, ``令和8年4月1日``), full-width digits and an
    all-serial column of Excel dates; empty cells are NaT.

    Never guessed: a year of one or two digits without an era (``26/4/1``,
    ``26-04-01``, ``8.7.20``, ``08/07/20``, ``1/4/26``, ``260401``, ``26年4月1日``)
    is ambiguous — 2026-04-01 year first, 令和26年, or 26 April 2001 day first —
    and a month/day without a year (``04/01``, ``4月1日``, ``Apr 1``) has none.
    Both are an InputError naming the rows and values and asking for four-digit
    years (``2026/4/1``) or an era date (``R8.4.1``), as is any value that is
    no date or lies outside 1677–2262.

    Raises
    ------
    InputError
        Naming the file, the rows (line, id), the column and the values.
    """
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return _to_data_times(raw) if getattr(raw.dt, "tz", None) is not None else raw
    as_text = pd.Series(_date_texts(raw.tolist()), index=raw.index, name=raw.name, dtype=object)
    serials = _excel_serials(as_text)
    if serials is not None:
        logger.info("%scolumn '%s' read as Excel serial dates (46360.5 = 2026-12-04 12:00)", _where(path), col)
        return serials
    _refuse_yearless_dates(as_text, df, col, path, ids)
    as_text = _numeric_dates_as_iso(as_text, df, col, path, dayfirst, ids)
    try:
        parsed = pd.to_datetime(as_text, errors="coerce", format="mixed")
    except (ValueError, TypeError):  # "Mixed timezones detected": offsets in some values only, or different ones
        parsed = _parse_mixed_zones(as_text)
    if not pd.api.types.is_datetime64_any_dtype(parsed):
        parsed = _parse_mixed_zones(as_text)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(_DATA_TZ).dt.tz_localize(None)
    bad = parsed.isna() & as_text.notna()
    # pandas 3 keeps years such as 401 or 2604 (a bare "0401"): beyond what datetime64[ns] holds, an error here
    bad |= parsed.notna() & ((parsed < pd.Timestamp.min) | (parsed > pd.Timestamp.max))
    bad |= as_text.map(lambda v: isinstance(v, str) and _TIME_ONLY.fullmatch(v) is not None).astype(bool)
    if bad.any():
        positions = [i for i, b in enumerate(bad.to_numpy()) if b]
        examples = [f"{_row_label(df, i, path, ids)}: {raw.iloc[i]!r}" for i in positions[:5]]
        serial_like = [i for i in positions if _SERIAL.fullmatch(as_text.iloc[i])]
        hint = (f" {raw.iloc[serial_like[0]]!r} looks like an Excel serial date: a column is read as serial dates "
                f"only when every value is one ({_SERIAL_RANGE[0]}–{_SERIAL_RANGE[1]}); format the column as "
                "dates in Excel before exporting." if serial_like else "")
        raise InputError(
            f"{_where(path)}column '{col}' has {len(positions)} value(s) that are not dates or times: "
            f"{'; '.join(examples)}. Use a format such as 2026-04-06 09:30, 2026/04/06, 2026年4月6日 9時30分 "
            f"or 令和8年4月6日 (with the year and the date), or leave the cell empty.{hint}",
            path=path,
            column=col,
            rows=[df.index[i] for i in positions],
            failure_cases=[{"index": df.index[i], "value": raw.iloc[i]} for i in positions],
        )
    return _to_data_times(parsed)
