"""The tagging sheet's ``reviewed`` marks and its Excel layout (for :mod:`mvvtext.tagging`).

* :func:`review_mark` reads a cell of the ``reviewed`` column; :func:`reviewed_rows`
  decides which rows of a sheet :func:`mvvtext.tagging.import_sheet` keeps.
* :func:`write_xlsx` writes the sheet and :func:`format_workbook` makes it one a
  researcher can fill in by hand: a ``コード表`` sheet with every code and its
  Japanese name, drop-down lists for ``primary`` and ``intent``, a whole-number
  rule for ``sentiment``, header comments, a frozen header and column widths.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError

REVIEWED = "reviewed"
CODE_SHEET = "コード表"
MAIN_SHEET = "タグ付け"
REVIEWED_MARKS = ("1", "１", "TRUE", "yes", "y", "x", "○", "〇", "◯", "✓", "✔", "済", "済み", "確認済", "確認済み",
                  "done", "ok")
"""Marks of a row the researcher has checked (any case, surrounding spaces ignored; Excel's TRUE and 1 too)."""
NOT_REVIEWED_MARKS = ("0", "０", "FALSE", "no", "n", "未", "未確認", "×", "✗", "✘", "-")
"""Marks of a row not checked yet, besides a blank cell."""
SENTIMENT_SCALE = ((-2, "とても否定的"), (-1, "やや否定的"), (0, "中立"), (1, "やや肯定的"), (2, "とても肯定的"))
"""The sentiment scale of the labels contract (the validator takes integers from -2 to 2)."""


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


_YES = frozenset(_norm(m) for m in REVIEWED_MARKS)
_NO = frozenset(_norm(m) for m in NOT_REVIEWED_MARKS)


def _blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, np.ndarray)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def review_mark(value) -> bool | None:
    """Whether a ``reviewed`` cell marks its row as checked.

    Returns
    -------
    bool or None
        True for a mark of :data:`REVIEWED_MARKS` (or Excel's TRUE / the number 1),
        False for a blank cell or a mark of :data:`NOT_REVIEWED_MARKS` (or FALSE / 0),
        None for anything else.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if _blank(value):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True if value == 1 else False if value == 0 else None
    text = _norm(str(value))
    return True if text in _YES else False if text in _NO else None


def reviewed_column(columns: Sequence, source: str, required: bool) -> str | None:
    """The sheet's ``reviewed`` column (any case), or None; InputError naming the fix when ``required``."""
    column = next((c for c in columns if str(c).strip().lower() == REVIEWED), None)
    if column is None and required:
        raise InputError(f"{source}: the sheet has no '{REVIEWED}' column, so it cannot tell the checked rows "
                         "(reviewed_only=True). Add a column named reviewed and mark the rows you have checked "
                         "(sheets of `mvvtext tag-export` have it), or pass reviewed_only=False to import every "
                         "row.", path=source, column=REVIEWED)
    return column


def reviewed_rows(df: pd.DataFrame, column: str, numbers: Sequence[int], source: str) -> tuple[list[bool], str]:
    """Which rows of a tagging sheet to import: those marked reviewed, and fully blank ones.

    Fully blank rows are kept so that :func:`validate_labels` notes them as before.

    Parameters
    ----------
    df : DataFrame
        The sheet as read, with the ``reviewed`` column ``column``.
    numbers : sequence of int
        The row number of each row as Excel shows it (the header is row 1).
    source : str
        The file, for messages.

    Returns
    -------
    (keep, note)
        A flag per row, and the note on the rows left out ("" when none was).

    Raises
    ------
    InputError
        When a mark is neither a reviewed nor a not-reviewed mark (naming every such
        cell's row, the column and the value), or when no row is marked at all.
    """
    others = df.drop(columns=column)
    blank = [all(_blank(v) for v in row) for row in others.itertuples(index=False)]
    marks = [review_mark(v) for v in df[column].tolist()]
    bad = [(n, v) for n, v, m in zip(numbers, df[column].tolist(), marks) if m is None]
    if bad:
        shown = "\n  ".join(f"row {n}, column '{REVIEWED}': {v!r} is not a known mark" for n, v in bad[:20])
        more = f"\n  … and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise InputError(
            f"{source}: {len(bad)} unknown mark(s) in the '{REVIEWED}' column:\n  {shown}{more}\n"
            f"Mark a row you have checked with one of {', '.join(REVIEWED_MARKS)} (any case); leave the cell "
            f"blank, or write one of {', '.join(NOT_REVIEWED_MARKS)}, for a row not checked yet. Fix the cells "
            "and import again.", path=source, rows=[n for n, _ in bad], column=REVIEWED,
            failure_cases=[{"row": n, "column": REVIEWED, "value": v} for n, v in bad])
    left_out = sum(1 for m, b in zip(marks, blank) if not m and not b)
    if left_out and not any(marks):
        raise InputError(
            f"{source}: none of the {left_out} row(s) is marked in the '{REVIEWED}' column, so nothing would be "
            f"imported. Mark each row you have checked and corrected (with 1, x, ○ or 済) and save the sheet; "
            "to import every row as it stands, pass reviewed_only=False (command line: --all-rows).",
            path=source, column=REVIEWED)
    note = ""
    if left_out:
        s, were = ("s", "were") if left_out > 1 else ("", "was")
        note = (f"{left_out} row{s} not marked reviewed {were} left out (mark the {REVIEWED} column once a row "
                "is checked, or import every row with --all-rows / reviewed_only=False)")
    return [bool(m) or b for m, b in zip(marks, blank)], note


# --------------------------------------------------------------------------- the Excel layout

_WIDTHS = {"id": 12, "channel": 12, "text": 60, REVIEWED: 10, "topics": 26, "primary": 16, "intent": 14,
           "sentiment": 11, "risks": 18, "values": 18, "note": 30}
_HEADER_NOTES = {
    REVIEWED: "確認・修正が済んだ行に 1・x・○・済 のどれかを入れてください。空欄の行は取り込まれません"
              "（すべての行を取り込むときは tag-import --all-rows）。",
    "text": "本文（氏名などはマスク済み）。",
    "topics": "話題のコード。複数のときは | で区切ります（例: pay|evaluation）。コードは「コード表」シートにあります。",
    "primary": "主な話題のコードを1つ（▼の一覧から選べます）。topics にも自動で加わります。",
    "intent": "意図のコードを1つ（▼の一覧から選べます）。",
    "sentiment": "感情: -2（とても否定的）から 2（とても肯定的）までの整数。",
    "risks": "リスクのコード。複数のときは | で区切ります。なければ空欄。",
    "values": "価値観のコード。複数のときは | で区切ります。なければ空欄。",
    "note": "メモ欄（取り込まれません）。",
}
_BLOCKS = (  # (コード表 の「列」, profile field, how to fill it in)
    ("topics / primary", "topics", "topics: 複数は | で区切る（例: pay|evaluation）。primary: 1つだけ"),
    ("intent", "intent", "1つだけ"),
    ("risks", "risks", "複数は | で区切る。なければ空欄"),
    ("values", "values", "複数は | で区切る。なければ空欄"),
)


def _labels(profile, field: str, codes: list[str]) -> list[tuple[str, str, str]]:
    """(code, Japanese name, description) of a field; a dict of codes has no names."""
    labels = profile.labels(field) if hasattr(profile, "labels") else {}
    out = []
    for code in codes:
        label = labels.get(code)
        out.append((code, getattr(label, "name", ""), getattr(label, "description", "")))
    return out


def _code_sheet(book, profile, codes: dict[str, list[str]]) -> dict[str, str]:
    """Write the コード表 sheet; return the range of the codes of each field (``'コード表'!$B$2:$B$17``)."""
    from openpyxl.styles import Alignment, Font

    ws = book.create_sheet(CODE_SHEET)
    ws.append(["列", "コード", "名前", "説明", "入力のしかた"])
    ranges: dict[str, str] = {}
    for title, field, how in _BLOCKS:
        first = ws.max_row + 1
        for i, (code, name, description) in enumerate(_labels(profile, field, codes.get(field, []))):
            ws.append([title, code, name, description, how if i == 0 else None])
        if ws.max_row >= first:
            ranges[field] = f"'{CODE_SHEET}'!$B${first}:$B${ws.max_row}"
    for i, (value, name) in enumerate(SENTIMENT_SCALE):
        ws.append(["sentiment", value, name, "", "-2 から 2 までの整数" if i == 0 else None])
    ws.append([REVIEWED, " ".join(REVIEWED_MARKS), "確認済み", "取り込まれる行", "確認・修正が済んだ行に入れる"])
    ws.append([REVIEWED, "(空欄) " + " ".join(NOT_REVIEWED_MARKS), "未確認", "取り込まれない行", None])
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (16, 18, 24, 70, 40)):
        ws.column_dimensions[letter].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return ranges


def _validation(kind: str, sqref: str, error: str, **kw):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, errorStyle="stop",
                        errorTitle="入力できない値です", error=error, **kw)
    dv.add(sqref)
    return dv


def format_workbook(book, columns: Sequence[str], n_rows: int, profile) -> None:
    """Lay out the tagging sheet (the workbook's first sheet) for filling in by hand; add the コード表 sheet.

    Parameters
    ----------
    book : openpyxl.Workbook
        The workbook ``export_sheet`` is writing (first sheet: the tagging sheet, header in row 1).
    columns : sequence of str
        The tagging sheet's columns, in order.
    n_rows : int
        Its number of data rows.
    profile : Profile or dict
        The codes, with their Japanese names and descriptions (a dict of field -> codes has none).
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from mvvtext.classify._labelcheck import profile_codes

    ws = book.worksheets[0]
    ranges = _code_sheet(book, profile, profile_codes(profile))
    letters = {col: get_column_letter(i) for i, col in enumerate(columns, start=1)}
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n_rows + 1}"
    for col, letter in letters.items():
        ws.column_dimensions[letter].width = _WIDTHS.get(col, 14)
        header = ws[f"{letter}1"]
        header.font = Font(bold=True)
        if col in _HEADER_NOTES:
            header.comment = Comment(_HEADER_NOTES[col], "mvvtext", width=300, height=110)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in ws.iter_rows(min_row=2, max_row=n_rows + 1):
        for cell in row:
            cell.alignment = wrap if cell.column_letter in (letters.get("text"), letters.get("note")) else top
    if n_rows < 1:
        return

    def cells(col: str) -> str:
        return f"{letters[col]}2:{letters[col]}{n_rows + 1}"

    for col, field, what in (("primary", "topics", "話題（topics）"), ("intent", "intent", "意図")):
        if col in letters and field in ranges:
            ws.add_data_validation(_validation(
                "list", cells(col), f"{col} には「{CODE_SHEET}」シートにある{what}のコードを1つだけ入れてください。"
                "▼の一覧から選べます。", formula1=ranges[field]))
    if "sentiment" in letters:
        ws.add_data_validation(_validation(
            "whole", cells("sentiment"), "sentiment には -2（とても否定的）から 2（とても肯定的）までの整数を"
            "入れてください。", operator="between", formula1="-2", formula2="2"))


def write_xlsx(sheet: pd.DataFrame, path: Path, profile) -> None:
    """Write the tagging sheet ``sheet`` as the first worksheet of ``path``, laid out by :func:`format_workbook`."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from mvvtext.io import excel_writer

    sheet = sheet.copy()
    for col in ("id", "channel", "text"):  # control characters Excel refuses in a cell (\x0b, \x00, …)
        sheet[col] = sheet[col].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    with excel_writer(path) as xw:  # a text starting with '=' stays text, not a formula (on every sheet)
        sheet.to_excel(xw, index=False, sheet_name=MAIN_SHEET)
        format_workbook(xw.book, list(sheet.columns), len(sheet), profile)
